import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { gatherReportInput } from '../../src/cli/report.js';
import { loadConfig } from '../../src/config/index.js';
import type { TraceEvent } from '../../src/domain/index.js';
import type { ReportInput } from '../../src/report/index.js';
import { encodeEvent } from '../../src/trace/index.js';
import { explodingGradients, lossNan, mlpLayers, syntheticRun } from '../generators/index.js';

export const FIXTURES = join(import.meta.dirname, '../fixtures/tfjs');

/** The report input of a trace file, gathered as `traindx report FILE` does (in-memory store, no journal). */
export const inputOf = (path: string): Promise<ReportInput> => gatherReportInput(path, loadConfig({}));

/** Writes events as a trace file (JSON Lines, non-finite numbers as strings). */
export async function writeTrace(path: string, events: Iterable<TraceEvent>): Promise<string> {
  const out = createWriteStream(path);
  for (const e of events) out.write(`${encodeEvent(e)}\n`);
  out.end();
  await finished(out);
  return path;
}

export const BIG_RUN = { steps: 10_000, layers: 10, statsEvery: 10, nanFrom: 9000 } as const;

/**
 * A 10^4-step run of a 10-layer MLP with layer stats every 10 steps, whose
 * gradients start exploding at step 7000 and whose loss is NaN from 9000:
 * the size goal's worst case (every chart, markers, non-finite stretches).
 */
export function bigRun(): Generator<TraceEvent> {
  return syntheticRun({
    id: 'big-run',
    steps: BIG_RUN.steps,
    stepsPerEpoch: 500,
    layers: mlpLayers(BIG_RUN.layers - 1, 'relu'),
    statsEvery: BIG_RUN.statsEvery,
    faults: [explodingGradients(7000, 'dense_3', 1.01), lossNan(BIG_RUN.nanFrom)],
  });
}
