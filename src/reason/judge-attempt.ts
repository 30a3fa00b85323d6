import type { Diagnosis, KnowledgeSeed } from '../domain/index.js';
import { judgeRetry } from './judge-retry.js';

/** The validation number a repair is judged by. */
export interface ValMetric {
  name: 'val accuracy' | 'val mse' | 'val loss';
  value: number;
  higherIsBetter: boolean;
  /** Validation examples it was measured on. */
  n: number;
}

export type Verdict = 'resolved' | 'improved' | 'not improved';

export interface AttemptJudgement {
  verdict: Verdict;
  before: ValMetric;
  after: ValMetric;
  /** The parent's failure symptoms (warning or critical) the child no longer shows at its end. */
  resolvedSymptoms: string[];
  /** The parent's failure symptoms the child still shows. */
  remainingSymptoms: string[];
  /** The parent's causes the remedy was applied for. */
  causeIds: string[];
}

/** How much better a retried run must be, and how late a failure must still show (repair rules). */
export interface AttemptThresholds {
  accuracyGain: number;
  lossGain: number;
  improveSigmas: number;
  improveLossGain: number;
  persistFraction: number;
}

/**
 * A retried run against the run it was edited from:
 * - `resolved`: none of the parent's failure symptoms remain and the metric
 *   is better (at least `accuracyGain` more accuracy, or `lossGain` less error);
 * - `improved`: failures remain, but the metric is clearly better: by more
 *   than `improveSigmas` binomial standard errors of the parent's validation
 *   accuracy, or `improveLossGain` less error (the metric alone is the
 *   evidence then, so noise must not pass for progress);
 * - else `not improved`.
 *
 * A failure symptom remains when the child shows it (warning or critical,
 * as judgeRetry counts) as a static or data finding, or still in the last
 * `1 − persistFraction` of its steps: a run that sat at chance for its first
 * epochs and then learned no longer shows the failure at its end.
 *
 * @example judgeAttempt(parent, child, 'lower_learning_rate', knowledge, ruleValues(profile).repair)
 */
export function judgeAttempt(
  parent: { diagnosis: Diagnosis; metric: ValMetric },
  child: { diagnosis: Diagnosis; metric: ValMetric },
  remedyId: string,
  knowledge: KnowledgeSeed,
  rules: AttemptThresholds,
): AttemptJudgement {
  const { causeIds } = judgeRetry(parent.diagnosis, child.diagnosis, remedyId, knowledge);
  const failures = [
    ...new Set(parent.diagnosis.symptoms.filter((s) => s.severity !== 'info').map((s) => s.id)),
  ].sort();
  const shown = persisting(child.diagnosis, knowledge, rules.persistFraction);
  const remainingSymptoms = failures.filter((id) => shown.has(id));
  const gone = failures.length > 0 && remainingSymptoms.length === 0;
  const verdict: Verdict =
    gone && isBetter(parent.metric, child.metric, rules)
      ? 'resolved'
      : isClearlyBetter(parent.metric, child.metric, rules)
        ? 'improved'
        : 'not improved';
  return {
    verdict,
    before: parent.metric,
    after: child.metric,
    resolvedSymptoms: failures.filter((id) => !shown.has(id)),
    remainingSymptoms,
    causeIds,
  };
}

/** The failure symptoms a run still shows at its end (see judgeAttempt). */
export function persisting(d: Diagnosis, knowledge: KnowledgeSeed, persistFraction: number): Set<string> {
  const kinds = new Map(knowledge.symptoms.map((s) => [s.id, s.kind]));
  const late = (d.facts.lastStep ?? 0) * persistFraction;
  return new Set(
    d.symptoms
      .filter((s) => s.severity !== 'info')
      .filter((s) => kinds.get(s.id) !== 'dynamic' || s.lastStep >= late)
      .map((s) => s.id),
  );
}

/** At least a little better (what `resolved` asks beside the symptoms). */
export function isBetter(before: ValMetric, after: ValMetric, rules: AttemptThresholds): boolean {
  if (before.higherIsBetter) return after.value >= before.value + rules.accuracyGain;
  if (!Number.isFinite(before.value)) return Number.isFinite(after.value);
  return after.value <= before.value * (1 - rules.lossGain);
}

/** Better beyond the noise of the validation set (what `improved` asks on its own). */
export function isClearlyBetter(before: ValMetric, after: ValMetric, rules: AttemptThresholds): boolean {
  if (before.higherIsBetter) {
    const p = Math.min(Math.max(before.value, 0), 1);
    const se = Math.sqrt((p * (1 - p)) / Math.max(1, before.n));
    return after.value >= before.value + Math.max(rules.accuracyGain, rules.improveSigmas * se);
  }
  if (!Number.isFinite(before.value)) return Number.isFinite(after.value);
  return after.value <= before.value * (1 - rules.improveLossGain);
}
