import type { PackedPart } from './pack-stats.js';

/*
 * Reading a reduced part's figures back: each is `columns` values (one per
 * column of its [rows, columns] view, see column-stats.ts) from an offset
 * of the read-back, totalled here in float64.
 */

/** The float64 total over the whole tensor of a reduced part's column means starting at `at`. */
export function columnTotal(p: PackedPart, v: ArrayLike<number>, at: number): number {
  const end = at + p.columns;
  let s = 0;
  for (let i = at; i < end; i++) s += v[i]!;
  return s * p.rows;
}

/** The same for shares (non-zero, saturated): each column's count is a whole number. */
export function columnCount(p: PackedPart, v: ArrayLike<number>, at: number): number {
  const end = at + p.columns;
  const rows = p.rows;
  let n = 0;
  for (let i = at; i < end; i++) n += Math.round(v[i]! * rows);
  return n;
}

/** The largest of a reduced part's column maxima starting at `at` (NaN if one is). */
export function columnMax(p: PackedPart, v: ArrayLike<number>, at: number): number {
  const end = at + p.columns;
  let m = 0;
  for (let i = at; i < end; i++) m = Math.max(m, v[i]!);
  return m;
}
