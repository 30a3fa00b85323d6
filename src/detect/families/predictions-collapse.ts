import type { EpochEvent, EvalEvent } from '../../domain/index.js';
import { fmt, pct } from '../stats/index.js';
import type { Verdict } from './predictions-chance.js';
import { accuracyOf, type LabelView } from './predictions-labels.js';
import { type EpochStretch, endStretch, openStretch } from './predictions-stretch.js';

/** Thresholds the collapse rules read (see the `predictions` profile section). */
export interface CollapseThresholds {
  collapseShare: number;
  collapseExcess: number;
  collapseMinPredictions: number;
  pinnedTolerance: number;
  pinnedEpochs: number;
  pinnedMinGap: number;
}

export type CollapseVerdict = (Verdict & { severity?: 'warning' | 'critical' }) | undefined;

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * Predictions of an eval: collapsed when one class holds at least
 * `collapseShare` of them and takes `collapseExcess` of the room above its
 * true share (so a 95:5 label split predicted 96:4 is no collapse). True
 * shares come from the confusion rows, else the training classCounts,
 * else uniform.
 *
 * @example collapseOnEval(t, labels, { predictedClassCounts: [0, 0, 45], ... }, 89)
 */
export function collapseOnEval(
  t: CollapseThresholds,
  labels: LabelView | undefined,
  e: EvalEvent,
  lastStep: number,
): CollapseVerdict {
  const counts = e.predictedClassCounts ?? columnSums(e.confusion);
  if (!counts || counts.length < 2) return undefined;
  const total = sum(counts);
  if (total < t.collapseMinPredictions) return undefined;
  let top = 0;
  for (let i = 1; i < counts.length; i++) if (counts[i]! > counts[top]!) top = i;
  const share = counts[top]! / total;
  const rows = e.confusion?.map(sum);
  const rowTotal = rows ? sum(rows) : 0;
  let trueShare: number;
  let source: string;
  if (rows && rowTotal > 0 && rows.length === counts.length) {
    trueShare = rows[top]! / rowTotal;
    source = `confusion row sums [${rows.join(', ')}]`;
  } else if (labels?.shares && labels.shares.length === counts.length) {
    trueShare = labels.shares[top]!;
    source = 'training classCounts';
  } else {
    trueShare = 1 / counts.length;
    source = `uniform over ${counts.length} classes`;
  }
  const excess = trueShare < 1 ? (share - trueShare) / (1 - trueShare) : 0;
  if (share < t.collapseShare || excess < t.collapseExcess) return { kind: 'clear' };
  const step = Math.max(e.step ?? lastStep, 0);
  return {
    kind: 'hit',
    start: step,
    step,
    severity: share >= 0.99 ? 'critical' : 'warning',
    evidence:
      `eval (${e.split}) at step ${step}: ${counts[top]} of ${total} predictions (${pct(share)}) are class ${top}, ` +
      `whose true share is ${pct(trueShare)} (${source}); bound ${pct(t.collapseShare)} of predictions`,
  };
}

function columnSums(confusion: number[][] | undefined): number[] | undefined {
  if (!confusion || confusion.length === 0) return undefined;
  const cols = new Array<number>(confusion[0]!.length).fill(0);
  for (const row of confusion) {
    for (let j = 0; j < row.length; j++) cols[j] = (cols[j] ?? 0) + row[j]!;
  }
  return cols;
}

/**
 * The weaker signal: train accuracy pinned at the majority-class share of
 * clearly imbalanced labels for `pinnedEpochs` epochs in a row, which is
 * what always answering the majority class scores. Needs classCounts.
 */
export function pinnedOnEpoch(
  t: CollapseThresholds,
  labels: LabelView | undefined,
  st: EpochStretch,
  e: EpochEvent,
  first: number,
  end: number,
  percent: boolean,
): CollapseVerdict {
  const shares = labels?.shares;
  let a = accuracyOf(e.train);
  if (!shares || !labels || a === undefined) return undefined;
  if (percent || a > 1) a /= 100;
  const second = Math.max(...shares.filter((_, i) => i !== labels.majorityClass));
  if (labels.majorityShare - second < t.pinnedMinGap) return undefined;
  if (Math.abs(a - labels.majorityShare) > t.pinnedTolerance) return endStretch(st);
  openStretch(st, first, e.epoch);
  st.count++;
  if (st.count < t.pinnedEpochs) return undefined;
  return {
    kind: 'hit',
    start: st.start,
    step: Math.max(end, st.start),
    severity: 'warning',
    evidence:
      `train accuracy ${fmt(a)} in epochs ${st.firstEpoch}–${e.epoch} equals the majority class ${labels.majorityClass} ` +
      `share ${fmt(labels.majorityShare)} of classCounts (±${fmt(t.pinnedTolerance)}): what predicting class ` +
      `${labels.majorityClass} for every input scores`,
  };
}
