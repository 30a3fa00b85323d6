import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { encodeEvent } from '../src/trace/index.js';
import { createRng } from '../test/generators/index.js';

export const BENCH_DIR = join(import.meta.dirname, '.data');

/**
 * Writes (once, then cached in bench/.data) a synthetic trace of `steps`
 * steps with `layers` layers of stats every `statsEvery` steps: a healthy run
 * with noisy loss, so the detectors do their normal work on every event.
 */
export async function generateTrace(
  name: string,
  steps: number,
  layers = 10,
  statsEvery = 10,
): Promise<string> {
  if (!existsSync(BENCH_DIR)) mkdirSync(BENCH_DIR, { recursive: true });
  const path = join(BENCH_DIR, `${name}.jsonl`);
  if (existsSync(path) && statSync(path).size > 0) return path;
  const rng = createRng(42);
  const names = Array.from({ length: layers }, (_, i) => `dense_${i}`);
  const out = createWriteStream(path);
  const write = async (e: object) => {
    if (!out.write(`${encodeEvent(e)}\n`)) await once(out, 'drain');
  };
  const stepsPerEpoch = 1000;
  await write({
    type: 'run',
    formatVersion: 1,
    id: name,
    framework: 'tfjs',
    task: 'classification',
    model: {
      layers: names.map((n, i) => ({
        name: n,
        type: 'Dense',
        activation: i === layers - 1 ? 'softmax' : 'relu',
        units: i === layers - 1 ? 10 : 64,
      })),
    },
    optimizer: { name: 'adam', learningRate: 1e-3 },
    loss: 'categorical_crossentropy',
    batchSize: 32,
    epochs: Math.ceil(steps / stepsPerEpoch),
    dataset: { trainSize: 32000, numClasses: 10, inputStats: { mean: 0, std: 1, min: -3, max: 3 } },
  });
  for (let step = 0; step < steps; step++) {
    // Like real runs, most of the drop happens in the first epochs (time constant 3 epochs).
    const trueLoss = 0.2 + 2.1 * Math.exp(-step / (3 * stepsPerEpoch));
    const e: Record<string, unknown> = {
      type: 'step',
      step,
      epoch: Math.floor(step / stepsPerEpoch),
      loss: trueLoss * (1 + 0.15 * rng.normal()),
      learningRate: 1e-3,
      gradNorm: 0.5 + 0.1 * rng.next(),
      metrics: { accuracy: Math.min(1, 0.1 + 0.85 * (1 - trueLoss / 2.3) + 0.03 * rng.normal()) },
    };
    if (step % statsEvery === 0) {
      const stats: Record<string, object> = {};
      for (let i = 0; i < layers; i++) {
        stats[names[i]!] = {
          gradNorm: 0.1 + 0.05 * rng.next(),
          gradMean: 1e-4 * rng.normal(),
          weightNorm: 3 + (0.001 * step) / steps,
          // A ratio of norms: never negative, however far the noise reaches (the reader refuses one).
          updateRatio: 1e-3 * Math.abs(1 + 0.2 * rng.normal()),
          actMean: 0.3,
          actStd: 0.5,
          deadFraction: 0.05 + 0.01 * rng.next(),
          zeroGradFraction: 0.02,
        };
      }
      e.layers = stats;
    }
    await write(e);
    if ((step + 1) % stepsPerEpoch === 0) {
      await write({
        type: 'epoch',
        epoch: Math.floor(step / stepsPerEpoch),
        step,
        train: { loss: trueLoss, accuracy: 0.8 },
        val: { loss: trueLoss * 1.1, accuracy: 0.78 },
      });
    }
  }
  await write({ type: 'end', step: steps - 1, status: 'completed' });
  out.end();
  await once(out, 'finish');
  return path;
}
