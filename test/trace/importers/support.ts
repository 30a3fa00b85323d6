import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnosis, TraceEvent } from '../../../src/domain/index.js';
import { diagnosePath } from '../../../src/engine/index.js';
import { type ImportOptions, importRuns } from '../../../src/trace/index.js';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/importers');

/** A fixture folder or file of one format: `fixture('tensorboard', 'healthy')`. */
export const fixture = (...parts: string[]) => join(FIXTURES, ...parts);

/** What the generator logged for a case (test/fixtures/importers/expected/FORMAT-CASE.json). */
export const expected = (name: string): any =>
  JSON.parse(readFileSync(join(FIXTURES, 'expected', `${name}.json`), 'utf8'));

/** The trace format's strings for non-finite numbers, as the generator wrote them, back to numbers. */
export const num = (v: number | string) =>
  v === 'NaN' ? Number.NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : (v as number);

export interface ReadRun {
  name: string;
  events: TraceEvent[];
  notes: string[];
  error?: Error;
}

/** Every run of a path with its events (flattened) and notes; an error in a run's stream is kept, with what came before it. */
export async function readRuns(path: string, options: ImportOptions = {}): Promise<ReadRun[]> {
  const runs: ReadRun[] = [];
  for await (const run of importRuns(path, options)) {
    const read: ReadRun = { name: run.name, events: [], notes: run.notes };
    try {
      for await (const item of run.events)
        read.events.push(...(Array.isArray(item) ? item : [item as TraceEvent]));
    } catch (err) {
      read.error = err as Error;
    }
    runs.push(read);
  }
  return runs;
}

export async function readRun(path: string, options: ImportOptions = {}): Promise<ReadRun> {
  const runs = await readRuns(path, options);
  if (runs.length !== 1) throw new Error(`${path}: expected one run, got ${runs.length}`);
  return runs[0]!;
}

export const steps = (events: TraceEvent[]) =>
  events.filter((e): e is Extract<TraceEvent, { type: 'step' }> => e.type === 'step');
export const epochs = (events: TraceEvent[]) =>
  events.filter((e): e is Extract<TraceEvent, { type: 'epoch' }> => e.type === 'epoch');

/** The one diagnosis of a fixture, through the same path as `traindx diagnose`. */
export async function diagnoseFixture(path: string): Promise<Diagnosis> {
  const [diagnosis, ...more] = await diagnosePath(path);
  if (more.length) throw new Error(`${path}: expected one run`);
  return diagnosis!;
}
