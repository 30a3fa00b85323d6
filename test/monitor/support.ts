import { type TraceEvent, TraceEvent as TraceEventSchema } from '../../src/domain/index.js';
import { initTfjsBackend, type TF, type Tf, type TraceSink } from '../../src/monitor/index.js';
import { createRng } from '../generators/rng.js';

export const BACKENDS = ['wasm', 'cpu'] as const;

/** TensorFlow.js on the given backend (tests run the monitor on wasm and on the pure-JS cpu backend). */
export async function tfOn(backend: (typeof BACKENDS)[number]): Promise<Tf> {
  const { tf, backend: active } = await initTfjsBackend(backend);
  if (active !== backend) throw new Error(`wanted the ${backend} backend, got ${active}`);
  return tf;
}

/** Gaussian blobs: `k` classes in `d` dimensions, labels as class indices. */
export function blobs(tf: Tf, { n = 256, k = 3, d = 4, seed = 1, scale = 1 } = {}) {
  const rng = createRng(seed);
  const centers = Array.from({ length: k }, () => Array.from({ length: d }, () => 3 * rng.normal()));
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    y.push(i % k);
    for (const c of centers[i % k]!) x.push(scale * (c + rng.normal()));
  }
  return {
    x: tf.tensor2d(x, [n, d]),
    y: tf.tensor1d(y),
    yOneHot: tf.oneHot(tf.tensor1d(y, 'int32'), k).toFloat(),
    labels: y,
  };
}

/** A small classifier: Dense(relu) → Dense(linear) → Activation(tanh) → Dense(softmax). */
export function smallModel(tf: Tf, { d = 4, k = 3, hidden = 16 } = {}) {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: hidden, activation: 'relu', inputShape: [d], name: 'hidden' }),
      tf.layers.dense({ units: 8, name: 'pre' }),
      tf.layers.activation({ activation: 'tanh', name: 'squash' }),
      tf.layers.dense({ units: k, activation: 'softmax', name: 'out' }),
    ],
  });
}

/** A sink that keeps what it is given, checking every event against the trace schema (spec/trace-format.md). */
export function collectingSink(): TraceSink & { events: TraceEvent[]; closed: boolean } {
  const sink = {
    events: [] as TraceEvent[],
    closed: false,
    write(events: TraceEvent[]) {
      for (const e of events) sink.events.push(TraceEventSchema.parse(e));
    },
    flush: async () => {},
    close: async () => {
      sink.closed = true;
    },
  };
  return sink;
}

export const stepsOf = (events: TraceEvent[]) =>
  events.filter((e): e is Extract<TraceEvent, { type: 'step' }> => e.type === 'step');

/** Counts the read-backs (data() and dataSync()) the engine serves while `f` runs. */
export async function countReads<T>(tf: Tf, f: () => Promise<T>): Promise<{ result: T; reads: number }> {
  const engine = tf.engine() as unknown as {
    read: (id: object) => unknown;
    readSync: (id: object) => unknown;
  };
  const read = engine.read;
  const readSync = engine.readSync;
  let reads = 0;
  engine.read = function (this: unknown, id: object) {
    reads++;
    return read.call(this, id);
  };
  engine.readSync = function (this: unknown, id: object) {
    reads++;
    return readSync.call(this, id);
  };
  try {
    return { result: await f(), reads };
  } finally {
    engine.read = read;
    engine.readSync = readSync;
  }
}

export type { TF };
