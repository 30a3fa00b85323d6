import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { type Config, loadConfig, seedDir } from '../config/index.js';
import type { KnowledgeSeed, TraceEvent } from '../domain/index.js';
import { createIngestor } from '../ingest/index.js';
import { loadSeed } from '../knowledge/index.js';
import { diagnoseStoredRun } from '../reason/index.js';
import { ReportFormat, type ReportInput, renderReport } from '../report/index.js';
import { type GraphStore, openMemoryStore, openStore } from '../store/index.js';
import { readTrace } from '../trace/index.js';
import { createProfileResolver } from './resolve-profile.js';
import { UserError } from './user-error.js';

// Events per ingest batch: big enough that a 10^4-step trace is a few
// batches, well under the ingestor's 10,000-event limit.
const BATCH_EVENTS = 5000;

interface ReportFlags {
  output?: string;
  format?: string;
  profile?: string;
  store?: string;
  dataDir?: string;
}

/**
 * Adds `traindx report FILE|RUN_ID [-o OUT] [--format html|md]` to the program.
 *
 * @example registerReportCommand(program, (line) => process.stdout.write(`${line}\n`));
 */
export function registerReportCommand(program: Command, log: (line: string) => void): void {
  program
    .command('report')
    .description('Write a readable report of a run: a self-contained HTML page with charts, or Markdown.')
    .argument('<file|run-id>', 'a trace file (JSON Lines, plain or gzipped), or the id of a run in the store')
    .option('-o, --output <file>', 'where to write the report (default: standard output)')
    .addOption(
      new Option('--format <format>', 'html (default, or from a .md output name) or md').choices(
        ReportFormat.options,
      ),
    )
    .option('--profile <name|file>', 'threshold profile (default: the run’s tags.profile, else default)')
    .addOption(
      new Option('--store <kind>', 'store holding RUN_ID: memory (default) or neo4j').choices([
        'memory',
        'neo4j',
      ]),
    )
    .option('--data-dir <dir>', 'where the memory store keeps its journal (for RUN_ID)')
    .action(async (target: string, flags: ReportFlags) => {
      const config = loadConfig(process.env, {
        store: flags.store,
        dataDir: flags.dataDir,
        profile: flags.profile,
      });
      const format = ReportFormat.parse(flags.format ?? (flags.output?.endsWith('.md') ? 'md' : 'html'));
      const input = await gatherReportInput(target, config);
      const text = renderReport(input, { format });
      if (!flags.output) {
        process.stdout.write(text);
        return;
      }
      await writeFile(flags.output, text);
      log(
        `Wrote ${flags.output} (${Math.ceil(Buffer.byteLength(text) / 1024)} kB): ${input.diagnosis.summary}`,
      );
    });
}

/**
 * What a report needs, from a trace file (streamed through an in-memory
 * store, nothing persisted) or from a run already in the configured store.
 * Both go through the ingestor and `diagnoseStoredRun`, so a report says what
 * `run { diagnosis }` says.
 *
 * @example await gatherReportInput('run.jsonl', loadConfig(process.env))
 */
export async function gatherReportInput(target: string, config: Config): Promise<ReportInput> {
  if (existsSync(target) && statSync(target).isFile()) return fromFile(target, config);
  if (/[\\/]|\.(jsonl|json|txt)$/i.test(target)) throw new UserError(`${target}: no such trace file`);
  const store = await openStore(config);
  try {
    const stored = await store.getRun(target);
    if (!stored)
      throw new UserError(`'${target}' is neither a trace file nor a run in the ${store.description}.`);
    return await readStoredRun(store, target, config, await knowledgeOf(store));
  } finally {
    await store.close();
  }
}

async function fromFile(path: string, config: Config): Promise<ReportInput> {
  const store = await openMemoryStore({ dataDir: null });
  try {
    const pick = createProfileResolver(config.profile);
    const ingest = createIngestor({ store, profileFor: async (run) => (await pick(run)).values });
    let runId = '';
    let batches = 0;
    // One batch is held back so the last can be sent with `finish` (end-of-run rules, as `diagnose FILE`).
    let held: TraceEvent[] | undefined;
    let current: TraceEvent[] = [];
    const send = (events: TraceEvent[], finish: boolean) =>
      ingest(runId, `report-${batches++}`, events, { finish });
    for await (const event of readTrace(path)) {
      if (event.type === 'run') runId = event.id;
      current.push(event);
      if (current.length < BATCH_EVENTS) continue;
      if (held) await send(held, false);
      held = current;
      current = [];
    }
    if (current.length) {
      if (held) await send(held, false);
      held = current;
    }
    await send(held!, true);
    return await readStoredRun(store, runId, config, await loadSeed([seedDir()]));
  } finally {
    await store.close();
  }
}

async function readStoredRun(
  store: GraphStore,
  runId: string,
  config: Config,
  knowledge: KnowledgeSeed,
): Promise<ReportInput> {
  const pick = createProfileResolver(config.profile);
  const profileFor = async (run: Parameters<typeof pick>[0]) => {
    const p = await pick(run);
    return { name: p.chain.join(' > '), values: p.values };
  };
  const [diagnosis, stored, series] = await Promise.all([
    diagnoseStoredRun({ store, profileFor, knowledge: async () => knowledge }, runId),
    store.getRun(runId),
    store.readSeries(runId),
  ]);
  if (!diagnosis || !stored) throw new UserError(`Run '${runId}' does not exist.`);
  return { diagnosis, run: stored.run, series, knowledge };
}

// A store that was never seeded still gets causes and remedies: from graph-seed/.
async function knowledgeOf(store: GraphStore): Promise<KnowledgeSeed> {
  const knowledge = await store.readKnowledge();
  return knowledge.causes.length > 0 ? knowledge : loadSeed([seedDir()]);
}
