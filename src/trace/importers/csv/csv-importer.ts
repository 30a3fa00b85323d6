import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { TraceEvent } from '../../../domain/index.js';
import { readLineChunks } from '../../read-lines.js';
import { TraceError } from '../../trace-error.js';
import { resolveField } from '../field-map.js';
import type { Importer, ImportOptions } from '../importer.js';
import { readHead } from '../read-head.js';
import { createRunBuilder, type RunHeader } from '../run-builder.js';
import { parseCell, splitCsvLine } from './csv-cells.js';

/**
 * Metric logs as CSV: Keras `CSVLogger` (one row per epoch), Lightning
 * `CSVLogger` (`metrics.csv`, one row per logging call with `step` and
 * `epoch` columns, `hparams.yaml` beside it) and per-epoch indicator logs in
 * the style of the DeepFD / Deep4ge datasets. Recognised by content: a header
 * line of names, one of them `epoch` or `step` and one a field the shared map
 * knows. A log with a `step` column is read by step; one without has a row per
 * epoch. A Lightning run folder (holding `metrics.csv`) is one run.
 */
export const csvImporter: Importer = {
  format: 'csv',
  match(probe) {
    if (probe.isDirectory)
      return probe.entries.includes('metrics.csv') && isMetricsCsv(readHead(join(probe.path, 'metrics.csv')));
    return isMetricsCsv(probe.head);
  },
  async *parse(path, options = {}) {
    const file = statSync(path).isDirectory() ? join(path, 'metrics.csv') : path;
    yield readCsvRun(file, options);
  },
};

function readCsvRun(file: string, options: ImportOptions) {
  const lightning = basename(file) === 'metrics.csv';
  const name = lightning ? lightningName(dirname(file)) : basename(file).replace(/\.csv$/i, '');
  const notes: string[] = [];
  async function* events(): AsyncGenerator<TraceEvent[]> {
    let header: string[] | undefined;
    let builder: ReturnType<typeof createRunBuilder> | undefined;
    let stepColumn = -1;
    let epochColumn = -1;
    let row = 0;
    for await (const lines of readLineChunks(file)) {
      for (const { text, line } of lines) {
        const cells = splitCsvLine(text.replace(/\r$/, ''));
        if (!header) {
          header = cells.map((c) => c.trim());
          stepColumn = header.findIndex((h) => resolveField(h, options.map) === 'step');
          epochColumn = header.findIndex((h) => resolveField(h, options.map) === 'epoch');
          const run: RunHeader = {
            id: name,
            name,
            ...(lightning ? await hparamsOf(dirname(file), notes) : {}),
          };
          if (header.some((h) => /acc/i.test(h))) run.task = 'classification';
          if (lightning) run.framework = 'pytorch';
          builder = createRunBuilder({
            file,
            run,
            map: options.map,
            notes,
            rowsAreEpochs: stepColumn < 0,
            names: 'columns',
          });
          continue;
        }
        if (cells.length !== header.length) {
          yield builder!.drain();
          throw new TraceError(
            { file, line },
            undefined,
            `expected ${header.length} cells as the header has, got ${cells.length} (a cut-off or damaged line)`,
          );
        }
        const step = parseCell(cells[stepColumn >= 0 ? stepColumn : epochColumn] ?? '') ?? row;
        row++;
        for (let i = 0; i < cells.length; i++) {
          const value = parseCell(cells[i]!);
          if (value !== undefined) builder!.value(step, header[i]!, value);
        }
      }
      const done = builder?.take();
      if (done?.length) yield done;
    }
    if (!builder) throw new TraceError({ file }, undefined, 'no values logged (an empty log)');
    yield builder.finish();
  }
  return { name, source: file, events: events(), notes };
}

// Lightning writes <save_dir>/<name>/version_<n>/metrics.csv: the run is <name>-version_<n>.
function lightningName(dir: string): string {
  const own = basename(dir);
  return /^version_\d+$/.test(own) ? `${basename(dirname(dir))}-${own}` : own;
}

/** The run facts Lightning's `hparams.yaml` gives (what `save_hyperparameters` saved), when it is there. */
async function hparamsOf(dir: string, notes: string[]): Promise<Partial<RunHeader>> {
  const path = join(dir, 'hparams.yaml');
  if (!existsSync(path)) return {};
  let h: Record<string, unknown>;
  try {
    // The yaml package loads only for a Lightning folder, not at the start of every command.
    h = ((await (await import('yaml')).parse(readFileSync(path, 'utf8'))) ?? {}) as Record<string, unknown>;
  } catch (err) {
    notes.push(`${path} is not YAML, not read: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
  const num = (...keys: string[]) => keys.map((k) => h[k]).find((v): v is number => typeof v === 'number');
  const str = (...keys: string[]) => keys.map((k) => h[k]).find((v): v is string => typeof v === 'string');
  const lr = num('lr', 'learning_rate', 'learningRate');
  const optimizer = str('optimizer', 'optimizer_name', 'optim');
  const batchSize = num('batch_size', 'batchSize');
  const epochs = num('max_epochs', 'epochs');
  return {
    ...(optimizer
      ? { optimizer: { name: optimizer.toLowerCase(), ...(lr !== undefined ? { learningRate: lr } : {}) } }
      : {}),
    ...(Number.isInteger(batchSize) ? { batchSize } : {}),
    ...(Number.isInteger(epochs) ? { epochs } : {}),
    ...(lr !== undefined && !optimizer ? { tags: { learningRate: String(lr) } } : {}),
  };
}

/** A first line of comma-separated names, one of them `epoch` or `step`, one a field the map knows. */
function isMetricsCsv(head: Buffer): boolean {
  const end = head.indexOf(0x0a);
  const first = head.toString('utf8', 0, end < 0 ? head.length : end).replace(/\r$/, '');
  if (!first.includes(',') || first.startsWith('{')) return false;
  const names = splitCsvLine(first).map((c) => c.trim());
  if (names.some((n) => n === '' || parseCell(n) !== undefined)) return false;
  const fields = names.map((n) => resolveField(n));
  return (
    fields.some((f) => f === 'epoch' || f === 'step') &&
    fields.some((f) => f !== undefined && f !== 'epoch' && f !== 'step')
  );
}
