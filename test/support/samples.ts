import { join } from 'node:path';
import type { TraceEvent } from '../../src/domain/index.js';
import { readTrace } from '../../src/trace/index.js';

/** The recorded samples of other recorders, kept in the repository (examples/samples). */
export const SAMPLES_DIR = join(import.meta.dirname, '../../examples/samples');

/** The recorded samples of runs that trained well: no detector may report a failure in them. */
export const HEALTHY_SAMPLES: readonly string[] = [
  'keras-healthy-digits-mlp128',
  'pytorch-healthy-blobs-tanh',
];

/** All events of a recorded sample, by file name without `.jsonl`. */
export async function readSample(name: string): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const e of readTrace(join(SAMPLES_DIR, `${name}.jsonl`))) out.push(e);
  return out;
}
