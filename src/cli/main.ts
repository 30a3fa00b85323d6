#!/usr/bin/env node
// The `traindx` command. Only commander and the error family load at start:
// each command's own modules (the API, tfjs, the Neo4j driver, the report
// renderer) are imported when that command runs, so `--help`, `--version` and
// `diagnose` start in a fraction of the time.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { exitCodeOf, TraindxError } from '../errors/index.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
// A reader that stops early (`traindx diagnose FILE --json | head -1`) is not an error of ours.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const storeOption = (what = 'memory (embedded, default) or neo4j') =>
  new Option('--store <kind>', what).choices(['memory', 'neo4j']);
const profileOption = (what: string) => new Option('--profile <name|file>', what);
const mapOption = () =>
  new Option(
    '--map <tag=field>',
    'read a logged tag/column as a trace field (loss, learningRate, val.loss, metrics.NAME, ignore, ...); repeatable',
  ).argParser((pair: string, previous: string[] = []) => [...previous, pair]);
const collect = (value: string, previous: string[] = []) => [...previous, value];
const config = async (overrides: Record<string, unknown>) =>
  (await import('../config/index.js')).loadConfig(process.env, overrides);
// src/cli/main.ts and dist/cli/main.js both sit two folders below package.json.
const version = () =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

const program = new Command('traindx')
  .description('Tells why a neural-network training run went wrong and what to change.')
  .version(version(), '-V, --version', 'print the version')
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
    const { seed } = await import('./seed.js');
    await seed(await config({ store: opts.store, dataDir: opts.dataDir }), opts.dir ?? [], out);
  });

program
  .command('diagnose')
  .description('Diagnose a run trace (docs/spec/trace-format.md): symptoms with evidence, causes, remedies.')
  .argument(
    '<path>',
    'a run trace (JSON Lines, plain or gzipped) or a log: TensorBoard, Keras/Lightning CSV, trainer_state.json, W&B offline run; or a folder of them',
  )
  .option('--json', 'print the diagnosis as one JSON object (an array for a folder of runs)')
  .option('--verbose', 'print every piece of evidence, each cause’s explanation and every remedy')
  .option('--run <name>', 'only the run of this name in a folder')
  .addOption(mapOption())
  .addOption(
    profileOption('threshold profile: default, small-tabular, vision-cnn, fine-tuning, or a YAML file'),
  )
  .action(async (path: string, opts) => {
    const { diagnose } = await import('./diagnose.js');
    await diagnose(path, opts, out);
  });

program
  .command('serve')
  .description('Serve the GraphQL API (and GraphiQL) and the dashboard on the chosen store, seeded.')
  .addOption(storeOption())
  .option('--port <port>', 'port to listen on (default 4000)')
  .option('--host <host>', 'address to bind (default 127.0.0.1)')
  .option('--data-dir <dir>', 'where the memory store keeps its journal (default ./.traindx)')
  .addOption(profileOption('default threshold profile for runs without tags.profile'))
  .option('--auth', 'require a token on every request (always on for a non-loopback --host)')
  .option('--insecure', 'serve a non-loopback --host without auth (anyone who reaches the port may write)')
  .option('--cors-origin <origin>', 'let pages of this origin call the API (CORS); repeatable', collect)
  .option(
    '--allowed-host <name>',
    'answer to this Host name too (behind a proxy or DNS name); repeatable',
    collect,
  )
  .option('--redis <url>', 'share alerts with other replicas through this Redis (redis://host:port)')
  .option('--webhook <url>', 'POST each alert to this URL (Alertmanager webhook JSON); repeatable', collect)
  .addOption(
    new Option('--log-format <format>', 'log lines as JSON (default) or pretty, for a person').choices([
      'json',
      'pretty',
    ]),
  )
  .addOption(
    new Option('--log-level <level>', 'least level logged').choices(['debug', 'info', 'warn', 'error']),
  )
  .action(async (opts) => {
    const { serve } = await import('./serve.js');
    const { corsOrigin, allowedHost, redis, webhook, ...rest } = opts;
    const server = await serve(
      await config({
        ...rest,
        corsOrigins: corsOrigin,
        allowedHosts: allowedHost,
        redisUrl: redis,
        webhooks: webhook,
      }),
    );
    const stop = async () => {
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

const knowledge = program
  .command('knowledge')
  .description('What a team changed in the knowledge graph, against the shipped seed (graph-seed/).');
knowledge
  .command('diff')
  .description('List each entry changed or added through upsertKnowledge: seed and team values, who, when.')
  .addOption(storeOption())
  .option('--data-dir <dir>', 'where the memory store keeps its journal (default ./.traindx)')
  .action(async (opts) => {
    const { knowledgeDiff } = await import('./knowledge.js');
    await knowledgeDiff(await config({ store: opts.store, dataDir: opts.dataDir }), out);
  });
knowledge
  .command('revert')
  .description('Put entries back as the shipped seed has them (an added one is removed).')
  .argument('<id...>', 'change ids as knowledge diff prints them (part:key)')
  .addOption(storeOption())
  .option('--data-dir <dir>', 'where the memory store keeps its journal (default ./.traindx)')
  .action(async (ids: string[], opts) => {
    const { knowledgeRevert } = await import('./knowledge.js');
    await knowledgeRevert(await config({ store: opts.store, dataDir: opts.dataDir }), ids, out);
  });

const token = program.command('token').description('API tokens for serve --auth: create, list, revoke.');
token
  .command('create')
  .description('Create a token; it is printed once, on the last line (the store keeps only its hash).')
  .addOption(
    new Option('--scope <scope>', 'read: query; write: also send runs; admin: also knowledge and tokens')
      .choices(['read', 'write', 'admin'])
      .makeOptionMandatory(),
  )
  .option('--name <name>', 'a name to list and revoke it by (default: scope and time)')
  .addOption(storeOption())
  .option('--data-dir <dir>', 'where the memory store keeps its journal (default ./.traindx)')
  .action(async (opts) => {
    const { tokenCreate } = await import('./token.js');
    await tokenCreate(await config({ store: opts.store, dataDir: opts.dataDir }), opts, out);
  });
token
  .command('list')
  .description('List tokens: name, scope, creation time (never the token).')
  .addOption(storeOption())
  .option('--data-dir <dir>', 'where the memory store keeps its journal (default ./.traindx)')
  .action(async (opts) => {
    const { tokenList } = await import('./token.js');
    await tokenList(await config({ store: opts.store, dataDir: opts.dataDir }), out);
  });
token
  .command('revoke')
  .description('Revoke a token by name; a running server refuses it within 5 seconds.')
  .argument('<name>', 'the token’s name (traindx token list)')
  .addOption(storeOption())
  .option('--data-dir <dir>', 'where the memory store keeps its journal (default ./.traindx)')
  .action(async (name: string, opts) => {
    const { tokenRevoke } = await import('./token.js');
    await tokenRevoke(await config({ store: opts.store, dataDir: opts.dataDir }), name, out);
  });

program
  .command('report')
  .description('Write a readable report of a run: a self-contained HTML page with charts, or Markdown.')
  .argument('<file|run-id>', 'a trace file (JSON Lines, plain or gzipped), or the id of a run in the store')
  .option('-o, --output <file>', 'where to write the report (default: standard output)')
  .addOption(
    new Option('--format <format>', 'html (default, or from a .md output name) or md').choices([
      'html',
      'md',
    ]),
  )
  .option('--run <name>', 'the run to report when the path holds several')
  .addOption(mapOption())
  .addOption(profileOption('threshold profile (default: the run’s tags.profile, else default)'))
  .addOption(storeOption('store holding RUN_ID: memory (default) or neo4j'))
  .option('--data-dir <dir>', 'where the memory store keeps its journal (for RUN_ID)')
  .action(async (target: string, opts) => {
    const { report } = await import('./report.js');
    await report(target, opts, out);
  });

program
  .command('import')
  .description(
    'Send the runs of a log or trace (any format diagnose reads) to a traindx server; importing twice stores each run once.',
  )
  .argument('<path>', 'a trace or log file, or a folder of them')
  .requiredOption('--url <url>', 'the traindx server, e.g. http://127.0.0.1:4000')
  .option('--token <token>', 'sent as Authorization: Bearer TOKEN')
  .option('--run <name>', 'only the run of this name')
  .addOption(mapOption())
  .action(async (path: string, opts) => {
    const { importLogs } = await import('./import.js');
    await importLogs(path, opts, out);
  });

program
  .command('demo')
  .description(
    'Train small TensorFlow.js models with planted faults (and a healthy one) and diagnose each live.',
  )
  .argument('[scenario...]', 'only these scenarios (healthy, lr-too-high, deep-sigmoid, dead-relu, ...)')
  .action(async (only: string[]) => {
    const { demo } = await import('./demo.js');
    await demo(only, out);
  });

program
  .command('train')
  .description(
    'Train the model a YAML template describes, monitored and diagnosed as it trains; with --auto-repair, retrain edited copies until the failure is gone.',
  )
  .argument('<template>', 'a training template (YAML); see templates/')
  .option(
    '--out <dir>',
    'where the traces, summary.json and a repaired template go (default ./traindx-runs/<runId>)',
  )
  .option(
    '--auto-repair',
    'on a failure, apply the best applicable remedy to a copy of the template and retrain',
  )
  .option('--max-attempts <n>', 'most retrained copies for --auto-repair (default 3)')
  .addOption(storeOption('where runs and learned outcomes go: memory (default) or neo4j'))
  .option('--data-dir <dir>', 'where the memory store keeps its journal (default ./.traindx)')
  .option('--quiet', 'no per-epoch lines')
  .option('--verbose', 'print every piece of evidence, each cause’s explanation and every remedy')
  .action(async (path: string, opts) => {
    const { train } = await import('./train.js');
    await train(path, opts, out);
  });

program
  .command('suggest')
  .description(
    'Suggest structure changes for a healthy but weak run (too little or too much capacity, missing regularisation or normalisation), each backed by the run’s numbers.',
  )
  .argument('<template>', 'a training template (YAML)')
  .option('--trace <file>', 'read this trace of the template’s run instead of training it')
  .option('--out <dir>', 'where the trace of the run goes (default ./traindx-runs/<runId>)')
  .option('--write <file>', 'write the template with every suggestion applied')
  .option('--quiet', 'no per-epoch lines')
  .option('--verbose', 'print every piece of evidence, each cause’s explanation and every remedy')
  .action(async (path: string, opts) => {
    const { suggest } = await import('./suggest.js');
    await suggest(path, opts, out);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // One mapping for every expected error: its message on one line, its category's exit code.
  if (err instanceof TraindxError) {
    process.stderr.write(`traindx: ${err.message}\n`);
    process.exit(exitCodeOf(err));
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    const { address, port } = err as { address?: string; port?: number };
    process.stderr.write(
      `traindx: cannot listen on ${address ?? ''}:${port ?? ''}: ${code === 'EADDRINUSE' ? 'the port is in use (another traindx serve?); choose another with --port' : 'permission denied; choose a port above 1023 with --port'}\n`,
    );
    process.exit(2);
  }
  if (code === 'ENOENT' || code === 'EISDIR') {
    process.stderr.write(`traindx: ${(err as Error).message}\n`);
    process.exit(2);
  }
  process.stderr.write(`traindx: internal error: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}
