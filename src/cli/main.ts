#!/usr/bin/env node
import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from '../config/index.js';
import { ProfileError } from '../detect/index.js';
import { TraceError } from '../trace/index.js';
import { demo } from './demo.js';
import { diagnoseFile } from './diagnose-file.js';
import { formatDiagnosis } from './format-diagnosis.js';
import { registerReportCommand } from './report.js';
import { createProfileResolver } from './resolve-profile.js';
import { seed } from './seed.js';
import { serve } from './serve.js';
import { registerSuggestCommand } from './suggest.js';
import { registerTrainCommand } from './train.js';
import { UserError } from './user-error.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const storeOption = () =>
  new Option('--store <kind>', 'memory (embedded, default) or neo4j').choices(['memory', 'neo4j']);

const program = new Command('traindx')
  .description('Tells why a neural-network training run went wrong and what to change.')
  .showHelpAfterError()
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

program
  .command('seed')
  .description('Load the knowledge graph (graph-seed/) into a store; idempotent.')
  .addOption(storeOption())
  .option('--data-dir <dir>', 'where the memory store keeps its journal')
  .option('--dir <dir...>', 'extra seed folders with your own rules (same layout as graph-seed/)')
  .action(async (opts) => {
    await seed(loadConfig(process.env, { store: opts.store, dataDir: opts.dataDir }), opts.dir ?? [], out);
  });

program
  .command('diagnose')
  .description('Diagnose a trace file (spec/trace-format.md): symptoms with evidence, causes, remedies.')
  .argument('<file>', 'a run trace, JSON Lines (plain or gzipped)')
  .option('--json', 'print the diagnosis as one JSON object')
  .option(
    '--profile <name|file>',
    'threshold profile: default, small-tabular, vision-cnn, fine-tuning, or a YAML file',
  )
  .action(async (file: string, opts: { json?: boolean; profile?: string }) => {
    const config = loadConfig(process.env, { profile: opts.profile });
    const diagnosis = await diagnoseFile(file, createProfileResolver(config.profile));
    out(opts.json ? JSON.stringify(diagnosis, nonFinite, 2) : formatDiagnosis(diagnosis));
  });

program
  .command('serve')
  .description('Serve the GraphQL API (and GraphiQL) on the chosen store, seeded.')
  .addOption(storeOption())
  .option('--port <port>', 'port to listen on (default 4000)')
  .option('--host <host>', 'address to bind (default 127.0.0.1)')
  .option('--data-dir <dir>', 'where the memory store keeps its journal (default ./.traindx)')
  .option('--profile <name|file>', 'default threshold profile for runs without tags.profile')
  .action(async (opts) => {
    const config = loadConfig(process.env, {
      store: opts.store,
      port: opts.port,
      host: opts.host,
      dataDir: opts.dataDir,
      profile: opts.profile,
    });
    const server = await serve(config, out);
    const stop = async () => {
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

function nonFinite(_k: string, v: unknown) {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

program
  .command('demo')
  .description(
    'Train small TensorFlow.js models with planted faults (and a healthy one) and diagnose each live.',
  )
  .argument('[scenario...]', 'only these scenarios (healthy, lr-too-high, deep-sigmoid, dead-relu, ...)')
  .action(async (only: string[]) => {
    await demo(only, out);
  });

registerReportCommand(program, out);
registerTrainCommand(program, out);
registerSuggestCommand(program, out);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const userError =
    err instanceof UserError ||
    err instanceof TraceError ||
    err instanceof ConfigError ||
    err instanceof ProfileError;
  const code = (err as NodeJS.ErrnoException).code;
  if (userError || code === 'ENOENT' || code === 'EISDIR') {
    process.stderr.write(`traindx: ${(err as Error).message}\n`);
    process.exit(2);
  }
  process.stderr.write(`traindx: internal error: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}
