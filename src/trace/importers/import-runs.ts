import { join } from 'node:path';
import { TraceError } from '../trace-error.js';
import { csvImporter } from './csv/index.js';
import { hfTrainerStateImporter } from './hf-trainer-state.js';
import type { ImportedRun, Importer, ImportOptions } from './importer.js';
import { jsonlImporter } from './jsonl.js';
import { probePath } from './probe-path.js';
import { tensorboardImporter } from './tensorboard/index.js';
import { wandbImporter } from './wandb/index.js';

/** Every importer, tried in this order; the first whose `match` accepts a path reads it. */
// The HF trainer state is a JSON object too: it goes before the trace format's `{` test.
export const IMPORTERS: readonly Importer[] = [
  hfTrainerStateImporter,
  jsonlImporter,
  tensorboardImporter,
  csvImporter,
  wandbImporter,
];

/**
 * The runs held by a file or folder, whatever its supported format,
 * recognised by content. A folder no importer claims as a whole is read entry
 * by entry (sorted), skipping what no importer recognises. A file no importer
 * recognises is read as the trace format itself, whose reader names the file,
 * the line and what is wrong with it.
 *
 * `options.map` overrides the shared field map (`--map tag=field`).
 *
 * @example for await (const run of importRuns('logs/')) console.log(run.name);
 */
export async function* importRuns(
  path: string,
  options: ImportOptions = {},
  importers: readonly Importer[] = IMPORTERS,
): AsyncGenerator<ImportedRun> {
  const probe = await probePath(path);
  const importer = importers.find((i) => i.match(probe));
  if (importer) {
    yield* importer.parse(path, options);
    return;
  }
  if (!probe.isDirectory) {
    yield* jsonlImporter.parse(path, options);
    return;
  }
  let found = false;
  for (const entry of probe.entries) {
    if (entry.startsWith('.')) continue;
    const child = join(path, entry);
    const inner = await probePath(child);
    if (!inner.isDirectory && !importers.some((i) => i.match(inner))) continue;
    for await (const run of importRuns(child, options, importers)) {
      found = true;
      yield run;
    }
  }
  if (!found) throw new TraceError({ file: path }, undefined, 'no run found in this folder');
}
