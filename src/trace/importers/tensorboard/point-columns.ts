import type { Histogram } from './summary.js';

// 64 Ki points per chunk: 512 KB, few enough chunks for a file of millions of points, and a
// stream of a few points costs little.
const SHIFT = 16;
const SIZE = 1 << SHIFT;
const MASK = SIZE - 1;
/** A point's code: its tag id × 4, + HISTOGRAM or WIDE. */
const HISTOGRAM = 1;
const WIDE = 2;

/** What PointColumns.forEach hands each point to: its step, tag id, value and index. */
export interface PointVisitor {
  scalar(step: number, id: number, value: number, point: number): void;
  histogram(step: number, id: number, histogram: Histogram, point: number): void;
}

/**
 * The points of a stream, decoded once and kept as numbers until the purge
 * plan is known. Compact, because a large file holds millions of them and
 * fresh memory is what they cost most: 8 bytes a point (tag code, value as a
 * float32, which every simple_value is) in chunks never copied as they grow,
 * and the steps as runs (a step's values come together). Values a float32
 * would change, and histograms, go to side lists in point order.
 *
 * @example const c = new PointColumns(); c.scalar(100, tagId, 0.5); c.forEach(0, c.length, visitor);
 */
export class PointColumns {
  length = 0;
  private readonly codes: Uint32Array<ArrayBuffer>[] = [];
  private readonly values: Float32Array<ArrayBuffer>[] = [];
  /** Run r: the points from runStarts[r] up to the next run's start, all at step runSteps[r]. */
  private readonly runStarts: number[] = [];
  private readonly runSteps: number[] = [];
  private readonly wide: number[] = [];
  private readonly histograms: (Histogram | undefined)[] = [];
  private code = new Uint32Array(0);
  private value = new Float32Array(0);
  private lastStep = -1;

  /** A scalar of tag `id` at `step`. */
  scalar(step: number, id: number, value: number): void {
    const at = this.open(step);
    const values = this.value;
    values[at] = value;
    // NaN stays NaN; anything else a float32 changes is kept whole.
    if (values[at] === value || Number.isNaN(value)) this.code[at] = id << 2;
    else {
      this.code[at] = (id << 2) | WIDE;
      this.wide.push(value);
    }
  }

  histogram(step: number, id: number, histogram: Histogram): void {
    const at = this.open(step);
    this.code[at] = (id << 2) | HISTOGRAM;
    this.histograms.push(histogram);
  }

  /** A scalar a float32 holds exactly (every simple_value): no check. */
  float32(step: number, id: number, value: number): void {
    const at = this.open(step);
    this.value[at] = value;
    this.code[at] = id << 2;
  }

  /**
   * Hands the points `[from, to)` to `each` in order (`from` where the last
   * call ended: the steps, side lists and histograms are read in order, and a
   * histogram is let go once handed over).
   */
  forEach(from: number, to: number, each: PointVisitor): void {
    const { codes, values, runStarts, runSteps, wide, histograms } = this;
    let { run, wides, histos } = this.cursor;
    let step = run > 0 ? runSteps[run - 1]! : 0;
    let nextRun = run < runStarts.length ? runStarts[run]! : -1;
    for (let p = from; p < to; ) {
      const code = codes[p >>> SHIFT]!;
      const value = values[p >>> SHIFT]!;
      const stop = Math.min(to, (p | MASK) + 1);
      for (; p < stop; p++) {
        if (p === nextRun) {
          step = runSteps[run++]!;
          nextRun = run < runStarts.length ? runStarts[run]! : -1;
        }
        const c = code[p & MASK]!;
        if ((c & 3) === 0) each.scalar(step, c >>> 2, value[p & MASK]!, p);
        else if (c & WIDE) each.scalar(step, c >>> 2, wide[wides++]!, p);
        else {
          const h = histograms[histos]!;
          histograms[histos++] = undefined;
          each.histogram(step, c >>> 2, h, p);
        }
      }
    }
    this.cursor = { run, wides, histos };
  }

  private cursor = { run: 0, wides: 0, histos: 0 };

  /** The place of the next point in its chunk, a new run begun when its step differs. */
  private open(step: number): number {
    const at = this.length & MASK;
    if (at === 0) {
      this.code = new Uint32Array(SIZE);
      this.value = new Float32Array(SIZE);
      this.codes.push(this.code);
      this.values.push(this.value);
    }
    if (step !== this.lastStep) {
      this.runStarts.push(this.length);
      this.runSteps.push(step);
      this.lastStep = step;
    }
    this.length++;
    return at;
  }
}
