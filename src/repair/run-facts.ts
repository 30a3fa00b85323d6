import type { EpochEvent, RunEvent } from '../domain/index.js';
import { readTrace } from '../trace/index.js';

/** What structure suggestions read from a run: its setup, its epochs, its layers' gradient norms. */
export interface RunNumbers {
  run: RunEvent;
  epochs: Pick<EpochEvent, 'epoch' | 'train' | 'val'>[];
  /** Median gradient norm per layer over the run (layers with gradient statistics only). */
  gradNorms: Map<string, number>;
  lastStep?: number;
}

/**
 * Reads the numbers structure suggestions need from a trace file in one
 * streaming pass: the `run` event, every `epoch` event, and the per-layer
 * gradient norms (kept as a median per layer, a few hundred values each).
 *
 * @example const numbers = await readRunNumbers('traindx-runs/r1/r1.jsonl');
 */
export async function readRunNumbers(path: string): Promise<RunNumbers> {
  let run: RunEvent | undefined;
  const epochs: RunNumbers['epochs'] = [];
  const grads = new Map<string, number[]>();
  let lastStep: number | undefined;
  for await (const e of readTrace(path)) {
    if (e.type === 'run') run = e;
    else if (e.type === 'epoch') epochs.push({ epoch: e.epoch, train: e.train, val: e.val });
    else if (e.type === 'step') {
      lastStep = e.step;
      for (const [layer, stats] of Object.entries(e.layers ?? {}))
        if (typeof stats.gradNorm === 'number' && Number.isFinite(stats.gradNorm))
          grads.set(layer, [...(grads.get(layer) ?? []), stats.gradNorm]);
    }
  }
  const gradNorms = new Map([...grads].map(([layer, xs]) => [layer, median(xs)]));
  return { run: run!, epochs, gradNorms, ...(lastStep !== undefined ? { lastStep } : {}) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
