// 64 Ki points per chunk: 1.25 MB, few enough chunks for a file of millions of points, and a
// stream of a few points costs little.
const SHIFT = 16;
const SIZE = 1 << SHIFT;
const MASK = SIZE - 1;

/**
 * The points of a stream, decoded once and kept as numbers until the purge
 * plan is known: 20 bytes a point (step, tag code, value) in chunks that are
 * never copied as they grow. A tag code is the tag's id × 2, + 1 for a
 * histogram, whose value is then its index in `histograms`.
 *
 * @example const c = new PointColumns(); c.push(100, 2 * tagId, 0.5); c.steps[0]![0] // 100
 */
export class PointColumns {
  length = 0;
  readonly steps: Float64Array[] = [];
  readonly codes: Int32Array[] = [];
  readonly values: Float64Array[] = [];
  private step = new Float64Array(0);
  private code = new Int32Array(0);
  private value = new Float64Array(0);

  push(step: number, code: number, value: number): void {
    const at = this.length++ & MASK;
    if (at === 0) this.grow();
    this.step[at] = step;
    this.code[at] = code;
    this.value[at] = value;
  }

  /** The chunk of point `p` and its place in it. */
  static chunk(p: number): number {
    return p >>> SHIFT;
  }
  static at(p: number): number {
    return p & MASK;
  }
  static readonly SIZE = SIZE;

  private grow() {
    this.step = new Float64Array(SIZE);
    this.code = new Int32Array(SIZE);
    this.value = new Float64Array(SIZE);
    this.steps.push(this.step);
    this.codes.push(this.code);
    this.values.push(this.value);
  }
}
