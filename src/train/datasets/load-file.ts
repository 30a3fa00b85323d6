import { readFile } from 'node:fs/promises';
import { TraindxError } from '../../errors/index.js';
import type { DataSpec } from '../template.js';
import type { Dataset } from './dataset.js';

/** A data file that cannot be used; the message names the file, the line and the column. */
export class DataFileError extends TraindxError {
  readonly code = 'BAD_DATA_FILE';
  readonly category = 'input';
}

/**
 * Reads a CSV (header row, comma-separated, double quotes allowed) or JSON
 * Lines file (one object per line) into examples: the named feature columns
 * (default: every column but the label) must be numbers; the label column
 * holds class names or numbers. `classification` turns labels into class
 * indices (names sorted); otherwise they must be numbers.
 *
 * @example await loadDataFile('data/iris.csv', { file: 'data/iris.csv', label: 'species' }, true)
 */
export async function loadDataFile(path: string, spec: DataSpec, classification: boolean): Promise<Dataset> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new DataFileError(`${path}: cannot read the data file (${err.code})`);
  });
  const rows = /\.jsonl?$/i.test(path) ? readJsonLines(path, text) : readCsv(path, text);
  if (rows.records.length === 0) throw new DataFileError(`${path}: no examples`);
  const label = spec.label!;
  if (!rows.columns.includes(label))
    throw new DataFileError(`${path}: no label column '${label}' (columns: ${rows.columns.join(', ')})`);
  const features = Array.isArray(spec.features) ? spec.features : rows.columns.filter((c) => c !== label);
  for (const f of features)
    if (!rows.columns.includes(f)) throw new DataFileError(`${path}: no feature column '${f}'`);
  const n = rows.records.length;
  const x = new Float32Array(n * features.length);
  const raw: unknown[] = [];
  rows.records.forEach(({ line, values }, i) => {
    features.forEach((f, j) => {
      const v = toNumber(values[f]);
      if (v === undefined)
        throw new DataFileError(
          `${path}:${line}: column '${f}' is not a number (${JSON.stringify(values[f])})`,
        );
      x[i * features.length + j] = v;
    });
    raw.push(values[label]);
  });
  const d: Dataset = { name: path, n, shape: [features.length], x, labels: new Float32Array(n) };
  if (classification) {
    const names = [...new Set(raw.map(String))].sort(naturalOrder);
    const index = new Map(names.map((s, i) => [s, i]));
    raw.forEach((v, i) => {
      d.labels[i] = index.get(String(v))!;
    });
    return { ...d, numClasses: names.length, classNames: names };
  }
  raw.forEach((v, i) => {
    const y = toNumber(v);
    if (y === undefined)
      throw new DataFileError(`${path}:${rows.records[i]!.line}: label '${label}' is not a number`);
    d.labels[i] = y;
  });
  return d;
}

interface Rows {
  columns: string[];
  records: { line: number; values: Record<string, unknown> }[];
}

function readJsonLines(path: string, text: string): Rows {
  const records: Rows['records'] = [];
  const columns = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let values: unknown;
    try {
      values = JSON.parse(line);
    } catch (err) {
      throw new DataFileError(`${path}:${i + 1}: not JSON (${(err as Error).message})`);
    }
    if (!values || typeof values !== 'object')
      throw new DataFileError(`${path}:${i + 1}: expected an object`);
    for (const k of Object.keys(values)) columns.add(k);
    records.push({ line: i + 1, values: values as Record<string, unknown> });
  });
  return { columns: [...columns], records };
}

function readCsv(path: string, text: string): Rows {
  const lines = text.split(/\r?\n/);
  const columns = splitCsvLine(lines[0] ?? '').map((c) => c.trim());
  const records: Rows['records'] = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]!.trim()) continue;
    const cells = splitCsvLine(lines[i]!);
    if (cells.length !== columns.length)
      throw new DataFileError(`${path}:${i + 1}: ${cells.length} cells, the header has ${columns.length}`);
    records.push({ line: i + 1, values: Object.fromEntries(columns.map((c, j) => [c, cells[j]!.trim()])) });
  }
  return { columns, records };
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

const toNumber = (v: unknown): number | undefined => {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isNaN(n) && !/^nan$/i.test(v.trim()) ? undefined : n;
};

const naturalOrder = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
