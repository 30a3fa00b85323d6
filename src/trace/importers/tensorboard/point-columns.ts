import type { SimpleScalars } from './simple-scalars.js';
import type { Histogram } from './summary.js';

// 64 Ki points per chunk: 512 KB, few enough chunks for a file of millions of points, and a
// stream of a few points costs little.
const SHIFT = 16;
const SIZE = 1 << SHIFT;
const MASK = SIZE - 1;
/** A point's code: its tag id × 8, + HISTOGRAM or WIDE, + NEW_STEP for the first point of a step. */
const HISTOGRAM = 1;
const WIDE = 2;
const NEW_STEP = 4;
const KIND = HISTOGRAM | WIDE;

/** The step check's state (StepCheck): the last record's step, and whether a step went below it. */
export interface StepOrder {
  previous: number;
  goesBack: boolean;
}

/** Where PointColumns.handOn sends the points: by step, tag name, value or histogram. */
export interface NamedSink {
  scalar(step: number, tag: string, value: number): void;
  histogram(step: number, tag: string, histogram: Histogram): void;
  /**
   * Optional, with scalarAt: a tag's scalars resolved once (null: dropped), then handed over by
   * that, not by name, each as `values[at]` (a number passed to a call is boxed).
   */
  slot?(tag: string): object | null;
  scalarAt?(slot: object, step: number, values: ArrayLike<number>, at: number): void;
}

/**
 * The points of a stream, decoded once and kept as numbers until the purge
 * plan is known. Compact, because a large file holds millions of them and
 * fresh memory is what they cost most: 8 bytes a point (tag code, value as a
 * float32, which every simple_value is) in chunks never copied as they grow,
 * and a step once for the points that follow it at that step (a step's
 * values come together). Values a float32 would change, and histograms, go to
 * side lists in point order.
 *
 * @example const c = new PointColumns(); c.scalar(100, tagId, 0.5); c.handOn(0, c.length, names, sink);
 */
export class PointColumns {
  length = 0;
  // The lists of chunks and histograms grow by `list[list.length] = x`, not push(): each stream's
  // lists start empty, as arrays of small integers, and TurboFan's inlined push cannot change an
  // array's kind (a keyed store can): the first chunk of every import deoptimised the decoding loop.
  private readonly codes: Uint32Array<ArrayBuffer>[] = [];
  private readonly values: Float32Array<ArrayBuffer>[] = [];
  /**
   * The step of each point marked NEW_STEP, in order, in chunks of SIZE: a growing number[] of a
   * step per few points was copied at each growth, the copies garbage.
   */
  private readonly steps: Float64Array<ArrayBuffer>[] = [];
  private stepCount = 0;
  private readonly wide: number[] = [];
  private readonly histograms: (Histogram | undefined)[] = [];
  private code = new Uint32Array(0);
  private value = new Float32Array(0);
  private lastStep = -1;

  /** A scalar of tag `id` at `step`. */
  scalar(step: number, id: number, value: number): void {
    const at = this.open(step, id << 3);
    const values = this.value;
    values[at] = value;
    // NaN stays NaN; anything else a float32 changes is kept whole.
    if (values[at] !== value && !Number.isNaN(value)) {
      this.code[at] = this.code[at]! | WIDE;
      this.wide.push(value);
    }
  }

  histogram(step: number, id: number, histogram: Histogram): void {
    this.open(step, (id << 3) | HISTOGRAM);
    this.histograms[this.histograms.length] = histogram;
  }

  /** A scalar a float32 holds exactly (every simple_value): no check. */
  float32(step: number, id: number, value: number): void {
    // open() first: it may start a new chunk.
    const at = this.open(step, id << 3);
    this.value[at] = value;
  }

  /**
   * The records `[from, count)` of a batch (`starts`, `ends`) read by
   * `scalars` and stored as float32 (every simple_value is one) until the
   * first record that is not a simple scalar: its index is returned (`count`
   * when all were), nothing read of it. Each record's step goes through
   * `order` as StepCheck.record would take it. One loop with the columns'
   * state in locals: a call per record, with the loads and stores of the
   * fields it touches, cost as much as decoding the record.
   */
  float32Run(
    scalars: SimpleScalars,
    starts: Uint32Array,
    ends: Uint32Array,
    from: number,
    count: number,
    order: StepOrder,
  ): number {
    let { length, stepCount, lastStep, code, value } = this;
    let previous = order.previous;
    let back = order.goesBack;
    let i = from;
    for (; i < count; i++) {
      const step = scalars.decode(starts[i]!, ends[i]!);
      if (step < 0) break;
      if (step < previous) back = true;
      previous = step;
      const at = length & MASK;
      if (at === 0) {
        code = new Uint32Array(SIZE);
        value = new Float32Array(SIZE);
        this.codes[this.codes.length] = code;
        this.values[this.values.length] = value;
      }
      if (step !== lastStep) {
        const run = stepCount++;
        if ((run & MASK) === 0) this.steps[this.steps.length] = new Float64Array(SIZE);
        this.steps[run >>> SHIFT]![run & MASK] = step;
        lastStep = step;
        code[at] = (scalars.id << 3) | NEW_STEP;
      } else code[at] = scalars.id << 3;
      value[at] = scalars.value;
      length++;
    }
    this.length = length;
    this.stepCount = stepCount;
    this.lastStep = lastStep;
    this.code = code;
    this.value = value;
    order.previous = previous;
    order.goesBack = back;
    return i;
  }

  /**
   * Hands the points `[from, to)` to `sink` in order, under their tag's name
   * in `names`, those `kept` refuses left out (`from` where the last call
   * ended: the steps, side lists and histograms are read in order, and a
   * histogram is let go once handed over). The sink is called straight from
   * the loop: each call level between would box every value. With `slots`
   * (kept by the caller across calls, by tag id), a sink that has slot() gets
   * each tag's scalars by slot, resolved at the tag's first scalar handed on,
   * and as a column and an index (scalarAt): no number boxed per value.
   */
  handOn(
    from: number,
    to: number,
    names: readonly string[],
    sink: NamedSink,
    kept?: (step: number, id: number, point: number) => boolean,
    slots?: (object | null | undefined)[],
  ): void {
    const { codes, values, steps, wide, histograms } = this;
    let { run, wides, histos } = this.cursor;
    let step = run > 0 ? steps[(run - 1) >>> SHIFT]![(run - 1) & MASK]! : 0;
    for (let p = from; p < to; ) {
      const code = codes[p >>> SHIFT]!;
      const value = values[p >>> SHIFT]!;
      const stop = Math.min(to, (p | MASK) + 1);
      for (; p < stop; p++) {
        const c = code[p & MASK]!;
        if (c & NEW_STEP) {
          step = steps[run >>> SHIFT]![run & MASK]!;
          run++;
        }
        const kind = c & KIND;
        if (kind !== HISTOGRAM) {
          // The value is value[p & MASK], or wide[wideAt] for a double a float32 would change.
          const wideAt = kind === 0 ? -1 : wides++;
          const id = c >>> 3;
          if (kept !== undefined && !kept(step, id, p)) continue;
          if (slots === undefined)
            sink.scalar(step, names[id]!, wideAt < 0 ? value[p & MASK]! : wide[wideAt]!);
          else {
            let slot = slots[id];
            if (slot === undefined) {
              slot = sink.slot!(names[id]!);
              slots[id] = slot;
            }
            if (slot === null) continue;
            if (wideAt < 0) sink.scalarAt!(slot, step, value, p & MASK);
            else sink.scalarAt!(slot, step, wide, wideAt);
          }
        } else {
          const h = histograms[histos]!;
          histograms[histos++] = undefined;
          if (kept === undefined || kept(step, c >>> 3, p)) sink.histogram(step, names[c >>> 3]!, h);
        }
      }
    }
    this.cursor = { run, wides, histos };
  }

  private cursor = { run: 0, wides: 0, histos: 0 };

  /** The place of the next point in its chunk, its code written (marked NEW_STEP when its step differs from the last). */
  private open(step: number, code: number): number {
    const at = this.length & MASK;
    if (at === 0) {
      this.code = new Uint32Array(SIZE);
      this.value = new Float32Array(SIZE);
      this.codes[this.codes.length] = this.code;
      this.values[this.values.length] = this.value;
    }
    if (step !== this.lastStep) {
      const run = this.stepCount++;
      if ((run & MASK) === 0) this.steps[this.steps.length] = new Float64Array(SIZE);
      this.steps[run >>> SHIFT]![run & MASK] = step;
      this.lastStep = step;
      this.code[at] = code | NEW_STEP;
    } else this.code[at] = code;
    this.length++;
    return at;
  }
}
