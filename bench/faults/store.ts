import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { TraceEvent } from '../../src/domain/index.js';
import { parseTraceText } from '../../src/trace/index.js';
import { formatJson } from './format-json.js';
import { LabelsFile } from './label.js';

export const FAULTS_DIR = dirname(fileURLToPath(import.meta.url));
export const TRACES_DIR = join(FAULTS_DIR, 'traces');
export const LABELS_PATH = join(FAULTS_DIR, 'labels.json');

/** One gzip file per run: bench/faults/traces/<label id>.jsonl.gz. */
export const tracePath = (id: string): string => join(TRACES_DIR, `${id}.jsonl.gz`);

export function writeTrace(id: string, lines: string[]): number {
  mkdirSync(TRACES_DIR, { recursive: true });
  const gz = gzipSync(`${lines.join('\n')}\n`, { level: 9 });
  writeFileSync(tracePath(id), gz);
  return gz.length;
}

/** The trace of a run as JSON Lines text. */
export const readTraceText = (id: string): string => gunzipSync(readFileSync(tracePath(id))).toString('utf8');

/** The trace of a run, parsed and validated as `traindx diagnose` would. */
export const readTraceEvents = (id: string): TraceEvent[] => parseTraceText(readTraceText(id), tracePath(id));

/** Stored trace ids (file names without `.jsonl.gz`). */
export function storedTraceIds(): string[] {
  if (!existsSync(TRACES_DIR)) return [];
  return readdirSync(TRACES_DIR)
    .filter((f) => f.endsWith('.jsonl.gz'))
    .map((f) => f.slice(0, -'.jsonl.gz'.length));
}

export const removeTrace = (id: string): void => rmSync(tracePath(id), { force: true });

export function readLabels(): LabelsFile {
  return LabelsFile.parse(JSON.parse(readFileSync(LABELS_PATH, 'utf8')));
}

export function writeLabels(file: LabelsFile): void {
  writeFileSync(LABELS_PATH, `${formatJson(LabelsFile.parse(file))}\n`);
}
