import type { RingWindow } from './ring-window.js';

const ascending = (a: number, b: number): number => a - b;

/**
 * Median of a ring window's values, sorted in a caller-owned scratch array so
 * a detector that asks every few steps allocates nothing. The scratch array
 * holds no run data between calls (it is not state). NaN for an empty window.
 *
 * @example const scratch: number[] = []; const level = windowMedian(state.window, scratch);
 */
export function windowMedian(w: RingWindow, scratch: number[]): number {
  const n = w.size;
  if (n === 0) return Number.NaN;
  scratch.length = n;
  for (let i = 0; i < n; i++) scratch[i] = w.values[i]!;
  scratch.sort(ascending);
  const mid = n >> 1;
  return n % 2 ? scratch[mid]! : (scratch[mid - 1]! + scratch[mid]!) / 2;
}

/**
 * Median of the newest `count` values of a ring window (all of them when it
 * holds fewer), with the same scratch-array contract as `windowMedian`.
 *
 * @example const smooth = recentMedian(state.blocks, 5, scratch);
 */
export function recentMedian(w: RingWindow, count: number, scratch: number[]): number {
  const n = Math.min(count, w.size);
  if (n === 0) return Number.NaN;
  scratch.length = n;
  for (let i = 0; i < n; i++) scratch[i] = w.values[(w.head - 1 - i + 2 * w.cap) % w.cap]!;
  scratch.sort(ascending);
  const mid = n >> 1;
  return n % 2 ? scratch[mid]! : (scratch[mid - 1]! + scratch[mid]!) / 2;
}

/**
 * Median absolute deviation of a ring window's values around `center`,
 * scaled (× 1.4826) to estimate the standard deviation of normal noise; same
 * scratch-array contract as `windowMedian`.
 *
 * @example const spread = windowMad(state.window, level, scratch) / level;
 */
export function windowMad(w: RingWindow, center: number, scratch: number[]): number {
  const n = w.size;
  if (n === 0) return Number.NaN;
  scratch.length = n;
  for (let i = 0; i < n; i++) scratch[i] = Math.abs(w.values[i]! - center);
  scratch.sort(ascending);
  const mid = n >> 1;
  return 1.4826 * (n % 2 ? scratch[mid]! : (scratch[mid - 1]! + scratch[mid]!) / 2);
}
