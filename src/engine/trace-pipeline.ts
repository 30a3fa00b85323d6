import type { Diagnosis } from '../domain/index.js';
import { InputError } from '../errors/index.js';
import { type ImportedRun, type ImportOptions, importRuns } from '../trace/index.js';
import type { RunRecord, Traindx } from './create-traindx.js';
import { openEphemeralTraindx } from './open-traindx.js';

export interface PathOptions {
  /** A profile (name or YAML path) over each run's `tags.profile`. */
  profile?: string;
  /** Only the run of this name (a file holding several runs); default: every run. */
  run?: string;
  /** Passed to the importers (`--map tag=field`). */
  importOptions?: ImportOptions;
  /** Told each run's import notes (unmapped tags, restarts), once its events were read. */
  onNotes?: (run: string, notes: readonly string[]) => void;
}

/**
 * Diagnoses every run a file or folder holds, in any format an importer
 * reads, through the same path as a streamed run: reader → ingest → detect →
 * store → reason, on an in-memory store that persists nothing and keeps no
 * series (a diagnosis reads none).
 *
 * @example const [diagnosis] = await diagnosePath('run.jsonl');
 */
export async function diagnosePath(path: string, options: PathOptions = {}): Promise<Diagnosis[]> {
  const traindx = await openEphemeralTraindx({ profile: options.profile, keepSeries: false });
  try {
    return await diagnoseInto(traindx, path, options);
  } finally {
    await traindx.close();
  }
}

/**
 * `diagnosePath` on a traindx the caller keeps (a benchmark diagnosing many
 * files on one store): the runs are ingested into it and stay there.
 *
 * @example const traindx = await openEphemeralTraindx({ keepSeries: false }); await diagnoseInto(traindx, 'a.jsonl');
 */
export async function diagnoseInto(
  traindx: Traindx,
  path: string,
  options: Omit<PathOptions, 'profile'> = {},
): Promise<Diagnosis[]> {
  return eachRun(traindx, path, options, async (runId) => (await traindx.diagnose(runId))!);
}

/**
 * What a report of each run of a file or folder shows (diagnosis, run event,
 * series, knowledge), through the same path as `diagnosePath`.
 *
 * @example const [record] = await recordPath('run.jsonl');
 */
export async function recordPath(path: string, options: PathOptions = {}): Promise<RunRecord[]> {
  const traindx = await openEphemeralTraindx({ profile: options.profile });
  try {
    return await eachRun(traindx, path, options, async (runId) => (await traindx.record(runId))!);
  } finally {
    await traindx.close();
  }
}

async function eachRun<T>(
  traindx: Traindx,
  path: string,
  options: Omit<PathOptions, 'profile'>,
  read: (runId: string) => Promise<T>,
): Promise<T[]> {
  const out: T[] = [];
  const names: string[] = [];
  for await (const run of importRuns(path, options.importOptions)) {
    names.push(run.name);
    if (options.run !== undefined && !matches(run, options.run)) continue;
    const runId = await traindx.ingestStream(run.events, `file-${out.length}`);
    if (run.notes.length) options.onNotes?.(run.name, run.notes);
    out.push(await read(runId));
  }
  if (options.run !== undefined && out.length === 0)
    throw new InputError(
      `--run ${options.run}: no such run in ${path} (it holds ${names.join(', ') || 'none'})`,
    );
  return out;
}

const matches = (run: ImportedRun, name: string) => run.name === name;
