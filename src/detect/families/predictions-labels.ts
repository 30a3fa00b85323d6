import type { RunEvent } from '../../domain/index.js';
import type { ModelView } from '../model-view.js';
import { fmt, pct } from '../stats/index.js';
import { declaredClasses, isMultiLabel, isRegression, lossInfo } from './config-loss-kind.js';

/** What "chance" means for a classification run's accuracy. */
export interface LabelView {
  numClasses: number;
  /** Shares of the training labels (from `dataset.classCounts`), when known. */
  shares: number[] | undefined;
  majorityClass: number;
  majorityShare: number;
  /** max(1/classes, majority share): what guessing or always answering the majority class scores. */
  chance: number;
  /** How `chance` was obtained, for evidence. */
  chanceText: string;
  trainSize: number | undefined;
  valSize: number | undefined;
}

/**
 * The label distribution of a classification run, or undefined when accuracy
 * has no chance level to compare with (regression, multi-label, unknown
 * number of classes).
 *
 * @example labelView(run, model)?.chance // 0.1 for 10 balanced classes
 */
export function labelView(run: RunEvent, model: ModelView): LabelView | undefined {
  const loss = lossInfo(run);
  if (isRegression(run, loss) || isMultiLabel(run, model, loss)) return undefined;
  const counts = run.dataset?.classCounts;
  const total = counts?.reduce((a, b) => a + b, 0) ?? 0;
  const k = declaredClasses(run) ?? inferClasses(run, model, loss?.kind);
  if (k === undefined || k < 2) return undefined;
  const shares = counts && counts.length >= 2 && total > 0 ? counts.map((c) => c / total) : undefined;
  const view = distribution(
    shares ?? new Array<number>(k).fill(1 / k),
    k,
    shares ? 'classCounts' : undefined,
  );
  return { ...view, shares, trainSize: run.dataset?.trainSize, valSize: run.dataset?.valSize };
}

/** Chance level of a label distribution; `source` names where the shares came from (undefined = uniform). */
export function distribution(
  shares: readonly number[],
  numClasses: number,
  source: string | undefined,
): Pick<LabelView, 'numClasses' | 'majorityClass' | 'majorityShare' | 'chance' | 'chanceText'> {
  let majorityClass = 0;
  for (let i = 1; i < shares.length; i++) if (shares[i]! > shares[majorityClass]!) majorityClass = i;
  const majorityShare = shares[majorityClass] ?? 1 / numClasses;
  const uniform = 1 / numClasses;
  // Roughly balanced classes are described as 1/classes; the bound uses the larger of the two anyway.
  const byMajority = source !== undefined && majorityShare >= 1.1 * uniform;
  return {
    numClasses,
    majorityClass,
    majorityShare,
    chance: Math.max(uniform, majorityShare),
    chanceText: byMajority
      ? `the majority class ${majorityClass} share ${fmt(majorityShare)} (${pct(majorityShare)} of ${source})`
      : source !== undefined
        ? `the largest class share ${fmt(majorityShare)} of ${source} (${numClasses} roughly balanced classes)`
        : `1/${numClasses} = ${fmt(uniform)} for ${numClasses} classes`,
  };
}

function inferClasses(run: RunEvent, model: ModelView, kind: string | undefined): number | undefined {
  if (/binary/.test(run.task ?? '')) return 2;
  const units = model.output?.units;
  if (units === undefined) return undefined;
  if (units >= 2 && (model.output?.activation === 'softmax' || kind === 'categorical')) return units;
  if (units === 1 && (model.output?.activation === 'sigmoid' || kind === 'binary')) return 2;
  return undefined;
}

/**
 * Noise-aware upper bound of "at chance": chance plus a band (a share of the
 * way to perfect accuracy, at most a share of chance itself), widened to `z`
 * binomial standard errors when the accuracy is measured on `n` examples.
 */
export function chanceBound(
  chance: number,
  n: number | undefined,
  t: { chanceBandOfRemaining: number; chanceBandOfChance: number; chanceZ: number },
): number {
  const band = Math.min(t.chanceBandOfRemaining * (1 - chance), t.chanceBandOfChance * chance);
  const noise = n !== undefined && n > 0 ? t.chanceZ * Math.sqrt((chance * (1 - chance)) / n) : 0;
  return chance + Math.max(band, noise);
}

const ACCURACY_KEYS = [
  'accuracy',
  'acc',
  'sparse_categorical_accuracy',
  'categorical_accuracy',
  'binary_accuracy',
];

/** The accuracy in a metrics map, under any of the usual names; undefined if absent or not finite. */
export function accuracyOf(metrics: Record<string, number> | undefined): number | undefined {
  if (!metrics) return undefined;
  for (const key of ACCURACY_KEYS) {
    const v = metrics[key];
    if (v !== undefined) return Number.isFinite(v) ? v : undefined;
  }
  return undefined;
}
