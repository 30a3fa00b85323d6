import type { Label } from './label.js';
import { SYMPTOM_CHECKS } from './symptom-checks.js';
import { finalValAccuracy, lastEpochMetric, type TraceFacts } from './trace-facts.js';
import { fmt, type Verdict } from './verdict.js';
import { type CauseId, type HEALTHY, SYMPTOM_IDS, type SymptomId } from './vocabulary.js';

const sym = (id: SymptomId, f: TraceFacts) => SYMPTOM_CHECKS[id](f);

/**
 * The run learned: final validation accuracy at least 60% of the way from
 * chance to perfect (regression: validation MSE ≤ 35% of the label
 * variance), and no loss went non-finite.
 */
export function learns(f: TraceFacts): Verdict {
  if (sym('loss_nan', f).ok) return { ok: false, detail: 'the loss went non-finite' };
  if (f.numClasses !== undefined) {
    const acc = finalValAccuracy(f);
    const need = f.chance + 0.6 * (1 - f.chance);
    return { ok: acc !== undefined && acc >= need, detail: `val accuracy ${fmt(acc)} (needs ${fmt(need)})` };
  }
  const mse = lastEpochMetric(f, 'val', 'loss');
  const std = f.run.dataset?.labelStats?.std ?? 1;
  return {
    ok: mse !== undefined && mse <= 0.35 * std * std,
    detail: `val MSE ${fmt(mse)}, label variance ${fmt(std * std)}`,
  };
}

/** The fault cost the run something: it did not learn, went non-finite, or overfit. */
function impaired(f: TraceFacts): Verdict {
  const l = learns(f);
  const o = sym('overfitting', f);
  return { ok: !l.ok || o.ok, detail: `${l.detail}; ${o.detail}` };
}

const both = (a: Verdict, b: Verdict): Verdict => ({ ok: a.ok && b.ok, detail: `${a.detail}; ${b.detail}` });
const either = (a: Verdict, b: Verdict): Verdict => ({
  ok: a.ok || b.ok,
  detail: `${a.detail}; ${b.detail}`,
});
const fact = (ok: boolean, detail: string): Verdict => ({ ok, detail });

/** What each planted cause must have done to the run, read from its numbers. */
const CAUSE_CHECKS: Record<CauseId | typeof HEALTHY, (f: TraceFacts) => Verdict> = {
  healthy: (f) => {
    const o = sym('overfitting', f);
    return both(learns(f), { ok: !o.ok, detail: `no overfitting (${o.detail})` });
  },
  learning_rate_too_high: (f) => either(sym('loss_nan', f), either(sym('loss_divergence', f), impaired(f))),
  learning_rate_too_low: (f) => both(impaired(f), fact(!sym('loss_nan', f).ok, 'losses finite')),
  poor_weight_initialization: impaired,
  unnormalized_inputs: (f) => both(sym('input_scale_anomaly', f), impaired(f)),
  saturating_activation: impaired,
  missing_normalization: impaired,
  network_too_deep: impaired,
  wrong_loss_function: (f) => either(impaired(f), sym('output_loss_mismatch', f)),
  wrong_output_activation: (f) => either(impaired(f), sym('output_loss_mismatch', f)),
  noisy_labels: (f) => sym('overfitting', f),
  class_imbalance: (f) => sym('label_imbalance', f),
  insufficient_capacity: (f) => sym('underfitting', f),
  insufficient_regularization: (f) => {
    const n = f.run.dataset?.trainSize ?? 0;
    return both(sym('overfitting', f), fact(n > 100, `${n} training examples`));
  },
  insufficient_data: (f) => {
    const n = f.run.dataset?.trainSize ?? Number.POSITIVE_INFINITY;
    return both(sym('overfitting', f), fact(n <= 100, `${n} training examples`));
  },
  batch_size_too_small: (f) => {
    const b = f.run.batchSize ?? Number.POSITIVE_INFINITY;
    return both(fact(b <= 4, `batch size ${b}`), either(impaired(f), sym('loss_oscillation', f)));
  },
  weights_not_updating: (f) => both(impaired(f), sym('unchanged_weights', f)),
  dying_relu: (f) => sym('dead_units', f),
  numerical_instability: (f) => sym('loss_nan', f),
  bad_input_data: (f) => {
    const nan = f.run.dataset?.inputStats?.nanCount ?? 0;
    return both(fact(nan > 0, `${nan} non-finite input values`), impaired(f));
  },
};

export interface LabelCheck {
  /** `cause` or a symptom id. */
  what: string;
  ok: boolean;
  detail: string;
}

/**
 * Checks a label against its trace: the planted cause's effect (CAUSE_CHECKS)
 * and every expected symptom (SYMPTOM_CHECKS). Returns every check with its
 * numbers; the label holds when all are ok.
 *
 * @example checkLabel(label, traceFacts(events)).filter((c) => !c.ok)
 */
export function checkLabel(label: Label, f: TraceFacts): LabelCheck[] {
  const cause = CAUSE_CHECKS[label.primaryCause as CauseId | typeof HEALTHY];
  const out: LabelCheck[] = [
    cause
      ? { what: 'cause', ...cause(f) }
      : { what: 'cause', ok: false, detail: `no check for cause ${label.primaryCause}` },
  ];
  for (const s of label.expectedSymptoms) {
    const check = (SYMPTOM_IDS as readonly string[]).includes(s) ? SYMPTOM_CHECKS[s as SymptomId] : undefined;
    out.push(check ? { what: s, ...check(f) } : { what: s, ok: false, detail: 'not a vocabulary symptom' });
  }
  return out;
}

/** Which of the optional symptoms the trace's numbers show. */
export function confirmedSymptoms(ids: SymptomId[], f: TraceFacts): SymptomId[] {
  return ids.filter((id) => SYMPTOM_CHECKS[id](f).ok);
}
