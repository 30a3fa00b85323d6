import type { TF, Tf } from './tf-types.js';

/**
 * How many columns to view a tensor of `size` values as: a multiple of
 * `unit` (an activation's units, so every column belongs to one unit) that
 * divides `size`, at most √size / 4 clamped to 64..1,024. Few columns keep
 * the read-back small (each figure is one value per column); rows grow only
 * as 4√size, and float32 accumulates over the rows alone. Below 64 columns
 * wasm's pooling slows (16: 3-4×); a size with no fitting divisor gets fewer
 * columns (slower, still right), and more units than 1,024 one column each.
 *
 * @example columnsFor(784 * 128, 1) // 64 (1,568 rows)
 */
export function columnsFor(size: number, unit: number): number {
  const target = Math.min(1024, Math.max(64, Math.sqrt(size) / 4));
  const rows = size / unit;
  let best = 1;
  for (let m = 1; m * unit <= target && m <= rows; m++) if (rows % m === 0) best = m;
  return best * unit;
}

/**
 * A tensor as [1, rows, 1, columns]: an image one pixel wide whose channels
 * are the columns, so a pooling window over all rows reduces each column.
 * No copy (a reshape).
 */
export function asColumns(tf: Tf, t: TF.Tensor, columns: number): TF.Tensor4D {
  return tf.reshape(t, [1, t.size / columns, 1, columns]);
}

/**
 * Per-column means and maxima of a column view (`asColumns`, or an
 * elementwise function of one), each as [1, 1, 1, columns].
 * Pooling, not `mean`/`max`: wasm runs its reductions as a scalar loop (about
 * 0.9 ns a value for a sum, 0.65 for a max) and its pooling through XNNPACK,
 * SIMD across channels (about 0.15 ns), so a 100k-value tensor costs 15 µs
 * instead of 90. Float32 accumulates over the rows only; the columns are
 * added in float64 after the read-back. Pooling reads the tensor where it is
 * (unlike a matrix product, which wasm would pack and cache by tensor id).
 *
 * XNNPACK's clamp turns a NaN mean into -Infinity and its max skips NaN: a
 * non-finite result says "recount this tensor exactly" (`recount`).
 *
 * @example const means = columnMeans(tf, asColumns(tf, tf.square(kernel), 64)); // [1, 1, 1, 64]
 */
export function columnMeans(tf: Tf, x: TF.Tensor): TF.Tensor4D {
  // The kernel itself: `tf.avgPool` adds a float32 → float32 Cast (a copy on wasm, and one more op's
  // garbage; a sampled step's ops cost as much again in collector time on other threads as on its own).
  const attrs = { filterSize: [x.shape[1]!, 1], strides: 1, pad: 'valid' };
  return tf.engine().runKernel('AvgPool', { x }, attrs as unknown as TF.NamedAttrMap) as TF.Tensor4D;
}

export function columnMaxima(tf: Tf, x: TF.Tensor): TF.Tensor4D {
  return tf.maxPool(x as TF.Tensor4D, [x.shape[1]!, 1], 1, 'valid');
}
