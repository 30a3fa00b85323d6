/**
 * Examples as plain arrays, before any tensor: `x` holds `n` examples of
 * `shape` each, row-major; `labels` one value per example (a class index,
 * or the target of a regression).
 */
export interface Dataset {
  name: string;
  n: number;
  /** One example's shape: [features], or [8, 8, 1] for images. */
  shape: number[];
  x: Float32Array;
  labels: Float32Array;
  /** Classes of a classification set (labels are 0..k-1); undefined for regression. */
  numClasses?: number;
  /** Class names of a file's label column, in index order. */
  classNames?: string[];
}

/** Values per example. */
export const exampleSize = (d: Pick<Dataset, 'shape'>): number => d.shape.reduce((a, b) => a * b, 1);

/** The examples at `rows`, in that order. */
export function subset(d: Dataset, rows: number[]): Dataset {
  const size = exampleSize(d);
  const x = new Float32Array(rows.length * size);
  const labels = new Float32Array(rows.length);
  rows.forEach((r, i) => {
    x.set(d.x.subarray(r * size, (r + 1) * size), i * size);
    labels[i] = d.labels[r]!;
  });
  return { ...d, n: rows.length, x, labels };
}
