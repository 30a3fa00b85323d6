import type { EpochEvent, SampleSketch } from '../../domain/index.js';
import { defineFamily } from '../detector.js';
import { type Finding, fmt, reportFinding } from '../stats/index.js';
import { SplitsThresholds } from './splits-thresholds.js';

export interface SplitsState {
  /** The first sketch of each split, by split name (train, val, ...). */
  sketches: Record<string, SampleSketch>;
  /** Step of the epoch event that completed the pair. */
  step: number;
  overlap: Finding | null;
  shift: Finding | null;
}

/** What two bottom-k sketches say about the splits they came from. */
export interface SketchOverlap {
  /** Hashes among the k smallest of the union that both sketches hold. */
  shared: number;
  /** The k smallest of the union: the sample the estimate is read from. */
  sampled: number;
  jaccard: number;
  /** Estimated share of the evaluation split's examples also in the training split. */
  share: number;
}

/**
 * Estimates how much of split `b` is also in split `a` from their bottom-k sketches: the k
 * smallest hashes of the union are a uniform sample of it, and the fraction of them in both
 * sets estimates the Jaccard index J (Broder 1997); |A ∩ B| = J(|A| + |B|) / (1 + J).
 *
 * @example overlapOf({ examples: 4, hashed: 4, hashes: ['a', 'b'] }, { examples: 2, hashed: 2, hashes: ['a', 'b'] })
 */
export function overlapOf(a: SampleSketch, b: SampleSketch): SketchOverlap {
  const k = Math.max(a.hashes.length, b.hashes.length);
  const inA = new Set(a.hashes);
  const inB = new Set(b.hashes);
  const union = [...new Set([...a.hashes, ...b.hashes])].sort().slice(0, k);
  const shared = union.filter((h) => inA.has(h) && inB.has(h)).length;
  const jaccard = union.length === 0 ? 0 : shared / union.length;
  const na = a.hashed ?? a.examples;
  const nb = b.hashed ?? b.examples;
  const share = nb > 0 ? Math.min(1, (jaccard * (na + nb)) / (1 + jaccard) / nb) : 0;
  return { shared, sampled: union.length, jaccard, share };
}

/**
 * Data splits (issue 19, data): the same examples in training and validation.
 * A validation set that shares examples with the training set rewards memory,
 * not generalisation, so its accuracy overstates what the model does on new
 * data (Kapoor & Narayanan 2023: leakage from an improper train/test split).
 * The Python client sends each split as a sketch of its example hashes
 * (`sampleSketch` on an epoch event); the rule fires when the estimated share
 * of an evaluation split also in the training split reaches `overlapShare`,
 * on at least `overlapMinShared` shared hashes.
 *
 * `train_val_input_shift`: the same sketches carry each split's input
 * statistics (per feature for narrow inputs). A validation split whose
 * feature means sit `shiftSmd` training standard deviations or more from the
 * training means is on another scale or from another distribution (a scaler
 * applied to one split only); its figures say little about the model
 * (Rabanser et al. 2019: models fail silently under dataset shift).
 */
export const splitsFamily = defineFamily<SplitsState, SplitsThresholds>({
  name: 'splits',
  thresholds: SplitsThresholds,
  signals: [],
  initialState: () => ({ sketches: {}, step: 0, overlap: null, shift: null }),
  create(ctx, state, emit) {
    const t = ctx.thresholds;
    return {
      onEpoch(e: EpochEvent) {
        const sent = e.sampleSketch;
        if (sent === undefined) return;
        let added = false;
        for (const [split, sketch] of Object.entries(sent)) {
          if (state.sketches[split] !== undefined) continue;
          state.sketches[split] = sketch;
          added = true;
        }
        if (!added) return;
        state.step = e.step ?? state.step;
        const f = state.overlap === null ? checkOverlap(state, t) : null;
        if (f !== null) state.overlap = reportFinding(state.overlap, f, emit);
        const g = state.shift === null ? checkShift(state, t) : null;
        if (g !== null) state.shift = reportFinding(state.shift, g, emit);
      },
    };
  },
});

function checkOverlap(state: SplitsState, t: SplitsThresholds): Finding | null {
  const train = state.sketches.train;
  if (train === undefined) return null;
  let worst: { split: string; o: SketchOverlap } | null = null;
  for (const [split, sketch] of Object.entries(state.sketches)) {
    if (split === 'train') continue;
    const o = overlapOf(train, sketch);
    if (worst === null || o.share > worst.o.share) worst = { split, o };
  }
  if (worst === null) return null;
  const { split, o } = worst;
  if (o.shared < t.overlapMinShared || o.share < t.overlapShare) return null;
  const v = state.sketches[split]!;
  const partly = (s: SampleSketch): string =>
    s.hashed !== undefined && s.hashed < s.examples ? ` (the first ${s.hashed} of ${s.examples} hashed)` : '';
  return {
    symptomId: 'train_val_overlap',
    layer: null,
    firstStep: state.step,
    lastStep: state.step,
    severity: 'warning',
    confidence: Math.min(0.9, 0.6 + 0.3 * o.share),
    evidence: [
      `about ${fmt(100 * o.share)}% of the ${split} split's ${v.examples} examples are also in the training split's ${train.examples}${partly(train)}${partly(v)}: ` +
        `${o.shared} of the ${o.sampled} smallest example hashes of the two splits are in both (Jaccard ≈ ${fmt(o.jaccard)}, ≥ ${fmt(100 * t.overlapShare)}% fires)`,
    ],
    latest: null,
  };
}

/** The largest standardised mean difference of a split's inputs from training's, and where. */
export function inputShiftOf(
  train: SampleSketch,
  other: SampleSketch,
): { smd: number; feature: number | null } | null {
  const tm = train.featureMeans;
  const ts = train.featureStds;
  const om = other.featureMeans;
  if (
    tm !== undefined &&
    ts !== undefined &&
    om !== undefined &&
    tm.length === om.length &&
    ts.length === tm.length
  ) {
    let best: { smd: number; feature: number | null } | null = null;
    for (let j = 0; j < tm.length; j++) {
      const sd = ts[j]!;
      // A constant training feature has no scale to measure a shift in.
      if (!(sd > 1e-12)) continue;
      const smd = Math.abs(om[j]! - tm[j]!) / sd;
      if (best === null || smd > best.smd) best = { smd, feature: j };
    }
    return best;
  }
  const a = train.inputStats;
  const b = other.inputStats;
  if (a?.mean === undefined || a.std === undefined || b?.mean === undefined || !(a.std > 1e-12)) return null;
  return { smd: Math.abs(b.mean - a.mean) / a.std, feature: null };
}

function checkShift(state: SplitsState, t: SplitsThresholds): Finding | null {
  const train = state.sketches.train;
  if (train === undefined) return null;
  let worst: { split: string; smd: number; feature: number | null } | null = null;
  for (const [split, sketch] of Object.entries(state.sketches)) {
    if (split === 'train') continue;
    const o = inputShiftOf(train, sketch);
    if (o !== null && (worst === null || o.smd > worst.smd)) worst = { split, ...o };
  }
  if (worst === null || worst.smd < t.shiftSmd) return null;
  const { split, smd, feature } = worst;
  const other = state.sketches[split]!;
  const where =
    feature === null
      ? `its inputs' mean ${fmt(other.inputStats!.mean!)} against training's ${fmt(train.inputStats!.mean!)} (std ${fmt(train.inputStats!.std!)})`
      : `feature ${feature}: mean ${fmt(other.featureMeans![feature]!)} against training's ${fmt(train.featureMeans![feature]!)} (std ${fmt(train.featureStds![feature]!)})`;
  return {
    symptomId: 'train_val_input_shift',
    layer: null,
    firstStep: state.step,
    lastStep: state.step,
    severity: 'warning',
    confidence: Math.min(0.9, 0.6 + 0.1 * Math.log2(smd / t.shiftSmd)),
    evidence: [
      `the ${split} split's inputs sit ${fmt(smd)} training standard deviations from training's at the most (${where}; ≥ ${fmt(t.shiftSmd)} fires)`,
    ],
    latest: null,
  };
}
