import type { RingWindow } from './ring-window.js';
import { scratchOf } from './scratch.js';

// A typed array sorts numbers natively (no comparator calls), ~5x faster than
// Array#sort with one; the scratch buffer is shared (see scratch.ts).

function middle(sorted: Float64Array): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Median of a ring window's values, sorted in a shared typed scratch buffer
 * so a detector that asks every few steps allocates nothing. The buffer holds
 * no run data between calls (it is not state). The old scratch argument is
 * accepted and ignored. NaN for an empty window.
 *
 * @example const scratch: number[] = []; const level = windowMedian(state.window, scratch);
 */
export function windowMedian(w: RingWindow, _scratch?: number[]): number {
  const n = w.size;
  if (n === 0) return Number.NaN;
  const buf = scratchOf(n);
  for (let i = 0; i < n; i++) buf[i] = w.values[i]!;
  return middle(buf.sort());
}

/**
 * Median of the newest `count` values of a ring window (all of them when it
 * holds fewer), with the same scratch-array contract as `windowMedian`.
 *
 * @example const smooth = recentMedian(state.blocks, 5, scratch);
 */
export function recentMedian(w: RingWindow, count: number, _scratch?: number[]): number {
  const n = Math.min(count, w.size);
  if (n === 0) return Number.NaN;
  const buf = scratchOf(n);
  for (let i = 0; i < n; i++) buf[i] = w.values[(w.head - 1 - i + 2 * w.cap) % w.cap]!;
  return middle(buf.sort());
}

/**
 * Median absolute deviation of a ring window's values around `center`,
 * scaled (× 1.4826) to estimate the standard deviation of normal noise; same
 * scratch-array contract as `windowMedian`.
 *
 * @example const spread = windowMad(state.window, level, scratch) / level;
 */
export function windowMad(w: RingWindow, center: number, _scratch?: number[]): number {
  const n = w.size;
  if (n === 0) return Number.NaN;
  const buf = scratchOf(n);
  for (let i = 0; i < n; i++) buf[i] = Math.abs(w.values[i]! - center);
  return 1.4826 * middle(buf.sort());
}
