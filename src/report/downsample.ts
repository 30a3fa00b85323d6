import type { NonFiniteKind, NonFiniteRun } from './report-data.js';

export interface Downsampled {
  x: number[];
  /** null where a stretch of non-finite values starts, so the drawn line breaks there. */
  y: (number | null)[];
  count: number;
  finiteCount: number;
  nonFiniteCount: number;
  nonFinite: NonFiniteRun[];
}

// Past this many stretches of NaN/Inf (a run flickering between finite and
// not), stretches are merged per bucket: the markers stay visible, the JSON small.
const MAX_NON_FINITE_RUNS = 200;

/**
 * Min/max bucket downsampling: splits the points into `maxPoints / 2`
 * buckets of equal count and keeps each bucket's lowest and highest value in
 * step order, so spikes and dips survive (an average would hide the one
 * exploding step a diagnosis points at). Non-finite values are not drawn as
 * numbers but kept as stretches [first, last, kind, count] for markers, and a
 * null is left at each stretch's start so the line breaks there. Values are
 * rounded to 4 significant digits: more than a plot can show, half the bytes.
 *
 * @example downsampleMinMax([0, 1, 2, 3], [2.3, NaN, 1.2, 0.9], 1000)
 */
export function downsampleMinMax(steps: number[], values: number[], maxPoints: number): Downsampled {
  const n = Math.min(steps.length, values.length);
  const nonFinite = nonFiniteRuns(steps, values, n);
  const nonFiniteCount = nonFinite.reduce((sum, r) => sum + r[3], 0);
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const size = n <= maxPoints ? 1 : n / buckets;
  const x: number[] = [];
  const y: (number | null)[] = [];
  for (let b = 0; b * size < n; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(n, Math.floor((b + 1) * size));
    let lo = -1;
    let hi = -1;
    let gap = -1;
    for (let i = from; i < to; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) {
        // Only the first value of a stretch breaks the line.
        if (gap < 0 && (i === 0 || Number.isFinite(values[i - 1]!))) gap = i;
        continue;
      }
      if (lo < 0 || v < values[lo]!) lo = i;
      if (hi < 0 || v > values[hi]!) hi = i;
    }
    const keep = [...new Set([lo, hi, gap].filter((i) => i >= 0))].sort((a, b) => a - b);
    for (const i of keep) {
      x.push(steps[i]!);
      y.push(i === gap ? null : round4(values[i]!));
    }
  }
  return {
    x,
    y,
    count: n,
    finiteCount: n - nonFiniteCount,
    nonFiniteCount,
    nonFinite: nonFinite.length > MAX_NON_FINITE_RUNS ? mergeRuns(nonFinite, MAX_NON_FINITE_RUNS) : nonFinite,
  };
}

function nonFiniteRuns(steps: number[], values: number[], n: number): NonFiniteRun[] {
  const runs: NonFiniteRun[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) continue;
    const kind = String(v) as NonFiniteKind;
    const last = runs[runs.length - 1];
    if (last && last[2] === kind && i > 0 && String(values[i - 1]) === kind) {
      last[1] = steps[i]!;
      last[3]++;
    } else runs.push([steps[i]!, steps[i]!, kind, 1]);
  }
  return runs;
}

/** Merges neighbouring stretches of the same kind into at most `max` stretches (by step range). */
function mergeRuns(runs: NonFiniteRun[], max: number): NonFiniteRun[] {
  const first = runs[0]![0];
  const width = (runs[runs.length - 1]![1] - first + 1) / (max / NON_FINITE_KINDS);
  const merged: NonFiniteRun[] = [];
  const open = new Map<string, NonFiniteRun>();
  for (const r of runs) {
    const key = `${r[2]}|${Math.floor((r[0] - first) / width)}`;
    const m = open.get(key);
    if (m) {
      m[1] = r[1];
      m[3] += r[3];
    } else {
      const copy: NonFiniteRun = [r[0], r[1], r[2], r[3]];
      open.set(key, copy);
      merged.push(copy);
    }
  }
  return merged;
}

const NON_FINITE_KINDS = 3;

/** 4 significant digits, as a number (so JSON.stringify writes `0.02881`, not `0.028808123`). */
export const round4 = (v: number): number => (v === 0 ? 0 : Number(v.toPrecision(4)));
