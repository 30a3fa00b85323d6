import type { ValueStats } from '../../domain/index.js';
import { fmt, pct } from '../stats/index.js';
import type { ConfigInput, Finding } from './config-finding.js';

/** Thresholds of the data checks (see the `config` profile section). */
export interface DataThresholds {
  inputMeanAbsMax: number;
  inputStdMax: number;
  inputAbsMax: number;
  inputTinyAbsMax: number;
  labelImbalanceRatio: number;
  trainSizeMin: number;
}

const FIELDS = ['mean', 'std', 'min', 'max'] as const;

const statsText = (s: ValueStats): string =>
  FIELDS.filter((f) => s[f] !== undefined)
    .map((f) => `${f} ${fmt(s[f]!)}`)
    .join(', ');

/** input_nan: NaN/Inf counted in the inputs, or non-finite summary statistics (labels too). */
export function checkInputNan(input: ConfigInput<DataThresholds>): Finding[] {
  const evidence: string[] = [];
  for (const [name, s] of [
    ['inputStats', input.run.dataset?.inputStats],
    ['labelStats', input.run.dataset?.labelStats],
  ] as const) {
    if (!s) continue;
    if ((s.nanCount ?? 0) > 0) evidence.push(`dataset.${name}.nanCount is ${s.nanCount}`);
    const bad = FIELDS.filter((f) => s[f] !== undefined && !Number.isFinite(s[f]));
    if (bad.length > 0)
      evidence.push(`dataset.${name} has non-finite ${bad.map((f) => `${f} ${s[f]}`).join(', ')}`);
  }
  if (evidence.length === 0) return [];
  return [{ symptomId: 'input_nan', severity: 'critical', confidence: 0.95, evidence }];
}

/**
 * input_scale_anomaly: inputs far from any usual scaling. Standardised data
 * (mean 0, std 1, tails to ±4 or so), [0, 1] and [−1, 1] scalings all stay
 * inside the bounds; raw 0–255 pixels or features in the thousands do not.
 */
export function checkInputScale(input: ConfigInput<DataThresholds>): Finding[] {
  const s = input.run.dataset?.inputStats;
  if (!s) return [];
  const { mean, std, min, max } = s;
  if ([mean, std, min, max].some((x) => x !== undefined && !Number.isFinite(x))) return []; // input_nan's case
  const t = input.t;
  const rules: string[] = [];
  if (mean !== undefined && Math.abs(mean) > t.inputMeanAbsMax)
    rules.push(`|mean| ${fmt(Math.abs(mean))} > ${fmt(t.inputMeanAbsMax)}`);
  if (std !== undefined && std > t.inputStdMax) rules.push(`std ${fmt(std)} > ${fmt(t.inputStdMax)}`);
  const absMax =
    min !== undefined || max !== undefined ? Math.max(Math.abs(min ?? 0), Math.abs(max ?? 0)) : undefined;
  if (absMax !== undefined && absMax > t.inputAbsMax)
    rules.push(`largest |value| ${fmt(absMax)} > ${fmt(t.inputAbsMax)}`);
  if (absMax !== undefined && absMax > 0 && absMax <= t.inputTinyAbsMax && min !== max) {
    rules.push(
      `every |value| ≤ ${fmt(absMax)}, below ${fmt(t.inputTinyAbsMax)}: squeezed far under unit scale`,
    );
  }
  if (min !== undefined && max !== undefined && min === max)
    rules.push(`min = max = ${fmt(min)}: every input value is the same`);
  if (rules.length === 0) return [];
  const gross = (std ?? 0) > 100 * t.inputStdMax || (absMax ?? 0) > 100 * t.inputAbsMax;
  return [
    {
      symptomId: 'input_scale_anomaly',
      severity: 'warning',
      confidence: gross ? 0.9 : 0.75,
      evidence: [`dataset.inputStats: ${statsText(s)}; ${rules.join('; ')}`],
    },
  ];
}

/**
 * label_imbalance: largest/smallest class count above the ratio (SageMaker
 * ClassImbalance). Counts of a sample of the labels (`classCountsSampled`, or
 * fewer than `trainSize`: a recorder that saw one batch) are judged with their
 * sampling error: a batch of 32 labels of ten classes leaves some class out by
 * chance, so the ratio must exceed the bound even with the largest share at
 * the low end and the smallest at the high end of their 95% ranges, or the
 * majority's share must be too large for any distribution within the bound.
 */
export function checkLabelImbalance(input: ConfigInput<DataThresholds>): Finding[] {
  const dataset = input.run.dataset;
  const counts = dataset?.classCounts;
  if (!counts || counts.length < 2) return [];
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return [];
  let hi = 0;
  let lo = 0;
  counts.forEach((c, i) => {
    if (c > counts[hi]!) hi = i;
    if (c < counts[lo]!) lo = i;
  });
  const bound = input.t.labelImbalanceRatio;
  const ratio = counts[lo]! > 0 ? counts[hi]! / counts[lo]! : Number.POSITIVE_INFINITY;
  if (ratio <= bound) return [];
  const sampled =
    dataset?.classCountsSampled === true || (dataset?.trainSize !== undefined && total < dataset.trainSize);
  const sampleText = sampled ? sampledImbalance(counts[hi]!, counts[lo]!, total, counts.length, bound) : '';
  if (sampled && sampleText === undefined) return [];
  const ratioText = Number.isFinite(ratio) ? `ratio ${fmt(ratio)}` : 'the smallest class is empty';
  return [
    {
      symptomId: 'label_imbalance',
      severity: 'warning',
      confidence: sampled ? 0.75 : 0.9,
      evidence: [
        `classCounts${sampled ? ` (a sample of ${total} labels)` : ''}: class ${hi} has ${counts[hi]} examples, ` +
          `class ${lo} has ${counts[lo]} (${ratioText}, bound ${fmt(bound)}); ` +
          `the majority class holds ${pct(counts[hi]! / total)} of ${total} labels${sampleText}`,
      ],
    },
  ];
}

/** One-sided 95% normal quantile: the limits below are 95% one-sided limits. */
const Z95 = 1.645;

/** Wilson score limit of the share count/n (z = Z95): the lower one, or the upper (`upper`). */
function wilson(count: number, n: number, upper: boolean): number {
  const p = count / n;
  const z2 = Z95 * Z95;
  const spread = Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return (p + z2 / (2 * n) + (upper ? spread : -spread)) / (1 + z2 / n);
}

/**
 * Why counts of a sample still show an imbalance past `bound`, or undefined:
 * the largest class's share at its lower 95% limit over the smallest's at its
 * upper one (Wilson score limits) is past the bound, or the largest share's
 * lower limit alone is above bound / (bound + k - 1), the largest share any k
 * classes within the bound allow (one class at `bound` times each other one).
 */
function sampledImbalance(hi: number, lo: number, n: number, k: number, bound: number): string | undefined {
  const hiLow = wilson(hi, n, false);
  const ratioLow = hiLow / wilson(lo, n, true);
  if (ratioLow > bound) return `; allowing for sampling the ratio is at least ${fmt(ratioLow)}`;
  const most = bound / (bound + k - 1);
  if (hiLow > most)
    return `; allowing for sampling its share is at least ${pct(hiLow)}, above the ${pct(most)} any ${k} classes within the bound allow`;
  return undefined;
}

/**
 * small_training_set: fewer than `trainSizeMin` training examples. A few
 * dozen examples are fitted by heart by any network with hidden layers, and
 * what it learns of them says little about the rest of the task (Goodfellow
 * et al. 2016, 1.2.2: about 5,000 labelled examples per category for
 * acceptable performance). A risk: a simple task can be learned from few
 * examples, which the run's outcome shows.
 */
export function checkTrainingSetSize(input: ConfigInput<DataThresholds>): Finding[] {
  const n = input.run.dataset?.trainSize;
  const min = input.t.trainSizeMin;
  if (n === undefined || n <= 0 || n >= min) return [];
  return [
    {
      symptomId: 'small_training_set',
      severity: 'warning',
      confidence: n < min / 2 ? 0.85 : 0.7,
      evidence: [`dataset.trainSize is ${n}, fewer than ${min} training examples`],
    },
  ];
}
