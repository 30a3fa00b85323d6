import { normaliseName } from '../model-view.js';
import { fmt } from '../stats/index.js';
import type { ConfigInput, Finding } from './config-finding.js';

/** Thresholds of the optimizer checks (see the `config` profile section). */
export interface OptimizerThresholds {
  sgdLrMin: number;
  sgdLrMax: number;
  adaptiveLrMin: number;
  adaptiveLrMax: number;
  adagradLrMax: number;
  adadeltaLrMax: number;
  batchSizeMin: number;
}

type Family = 'sgd' | 'adaptive' | 'adagrad' | 'adadelta';

// Optimizers whose usual learning rates are known; others (LARS, LAMB, custom) are not judged.
const FAMILIES: [RegExp, Family][] = [
  [/^(sgd|sgdw|momentum|nesterov|gradientdescent|heavyball)/, 'sgd'],
  [/^(adam|adamw|adamax|nadam|radam|amsgrad|rmsprop|lion|adabelief)/, 'adaptive'],
  [/^adagrad/, 'adagrad'],
  [/^adadelta/, 'adadelta'],
];

/** `torch.optim.AdamW` → `adamw`, `SGD` → `sgd`. */
const familyOf = (name: string): Family | undefined => {
  const key = normaliseName(name.split('.').at(-1));
  return FAMILIES.find(([re]) => re.test(key))?.[1];
};

function bounds(family: Family, t: OptimizerThresholds): [number, number] {
  switch (family) {
    case 'sgd':
      return [t.sgdLrMin, t.sgdLrMax];
    case 'adaptive':
      return [t.adaptiveLrMin, t.adaptiveLrMax];
    case 'adagrad':
      return [t.adaptiveLrMin, t.adagradLrMax];
    case 'adadelta':
      return [t.adaptiveLrMin, t.adadeltaLrMax];
  }
}

/**
 * learning_rate_above_range / learning_rate_below_range: the configured
 * learning rate lies outside the usual range of its optimizer family (two ids,
 * so the knowledge graph links each to its own cause). Zero is left to zero_learning_rate.
 */
export function checkLearningRate(input: ConfigInput<OptimizerThresholds>): Finding[] {
  const opt = input.run.optimizer;
  const lr = opt?.learningRate;
  if (!opt || lr === undefined || !Number.isFinite(lr) || lr <= 0) return [];
  const family = familyOf(opt.name);
  if (!family) return [];
  const [lo, hi] = bounds(family, input.t);
  if (lr >= lo && lr <= hi) return [];
  const above = lr > hi;
  // Farther out → more sure: 0.6 just outside, 0.9 three decades out.
  const decades = Math.log10(above ? lr / hi : lo / lr);
  return [
    {
      symptomId: above ? 'learning_rate_above_range' : 'learning_rate_below_range',
      severity: 'warning',
      confidence: Math.round(Math.min(0.9, 0.6 + 0.1 * decades) * 100) / 100,
      evidence: [
        `optimizer ${opt.name} has learningRate ${fmt(lr)}, ${above ? 'above' : 'below'} ${fmt(above ? hi : lo)}, ` +
          `the ${above ? 'upper' : 'lower'} end of the usual range [${fmt(lo)}, ${fmt(hi)}] for ${family === 'adaptive' ? 'adaptive (Adam-family) optimizers' : family}`,
      ],
    },
  ];
}

/**
 * learning_rate_not_finite: the optimizer's learning rate is NaN or infinite.
 * No step can be computed with it, so the rate the run recorded is not a rate
 * it could have trained with: a schedule or a computation that overflowed
 * (often after the run itself diverged), or a broken configuration. Said as
 * what it is, never read as a rate that is too low. A risk: a run that trained
 * well shows it was only the record that was wrong.
 */
export function checkLearningRateFinite(input: ConfigInput<OptimizerThresholds>): Finding[] {
  const opt = input.run.optimizer;
  const lr = opt?.learningRate;
  if (!opt || lr === undefined || Number.isFinite(lr)) return [];
  return [
    {
      symptomId: 'learning_rate_not_finite',
      severity: 'warning',
      confidence: 0.9,
      evidence: [
        `optimizer ${opt.name} has learningRate ${String(lr)}: no step can be computed with it, so the recorded rate is not one the run could train with (a schedule or a computation that overflowed, or a broken configuration)`,
      ],
    },
  ];
}

/**
 * batch_size_below_range: batches of fewer than `batchSizeMin` examples. Such
 * batches can train well with a rate scaled down to them (Goyal et al. 2017's
 * linear scaling rule; Masters & Luschi 2018 find 2 to 32 best), so the
 * finding is a risk: it weighs in full only when the run fails.
 */
export function checkBatchSize(input: ConfigInput<OptimizerThresholds>): Finding[] {
  const b = input.run.batchSize;
  if (b === undefined || !Number.isFinite(b) || b <= 0 || b >= input.t.batchSizeMin) return [];
  const lr = input.run.optimizer?.learningRate;
  const rate = lr !== undefined && Number.isFinite(lr) ? ` with learning rate ${fmt(lr)}` : '';
  return [
    {
      symptomId: 'batch_size_below_range',
      severity: 'warning',
      confidence: b === 1 ? 0.8 : 0.7,
      evidence: [
        `batchSize ${b}${rate}, below ${input.t.batchSizeMin}: each step follows the gradient of ${b === 1 ? 'one example' : `${b} examples`}, the noisiest estimate there is, and needs a rate scaled down to it`,
      ],
    },
  ];
}

/** True when the run event configures a learning rate of exactly 0. */
export const configuredZeroLr = (input: ConfigInput<unknown>): boolean =>
  input.run.optimizer?.learningRate === 0;

/** zero_learning_rate from the run event: the optimizer's learningRate is 0. */
export function zeroLrFinding(input: ConfigInput<unknown>): Finding {
  return {
    symptomId: 'zero_learning_rate',
    severity: 'critical',
    confidence: 0.9,
    evidence: [`optimizer ${input.run.optimizer?.name ?? '(unnamed)'} has learningRate 0`],
  };
}
