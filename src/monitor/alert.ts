import { z } from 'zod';

/** A symptom occurrence as traindx reports it back (the API's `SymptomFinding`). */
export const AlertSymptom = z.object({
  id: z.string(),
  name: z.string().nullish(),
  confidence: z.number(),
  /** `info`, `warning` or `critical`. */
  severity: z.string(),
  firstStep: z.number().int().nullish(),
  lastStep: z.number().int().nullish(),
  layer: z.string().nullish(),
  evidence: z.array(z.string()),
});
export type AlertSymptom = z.infer<typeof AlertSymptom>;

/**
 * What traindx tells a training run while it trains: from the in-process
 * ingestor's answers, or from the server (its `alerts(runId)` subscription,
 * or the symptoms each `logEvents` answer carries). Same shape as the API's
 * `Alert`: `symptom` when a (symptom, layer) starts, changes or goes quiet, `top_cause` when the
 * leading cause changes, `finished` when the run's end was stored.
 */
export const MonitorAlert = z.object({
  runId: z.string(),
  kind: z.string(),
  /** For kind `symptom`: `started`, `updated` (changed materially) or `resolved` (gone quiet). */
  change: z.string().nullish(),
  symptom: AlertSymptom.nullish(),
  topCause: z.object({ id: z.string(), name: z.string().nullish(), confidence: z.number() }).nullish(),
  step: z.number().int().nullish(),
});
export type MonitorAlert = z.infer<typeof MonitorAlert>;

/**
 * Whether an alert means the run cannot recover: a non-finite loss, or
 * NaN/Inf in weights, gradients or activations at critical severity (once a
 * weight is NaN every later step computes with it).
 *
 * @example if (isFatal(alert)) model.stopTraining = true;
 */
export function isFatal(alert: MonitorAlert): boolean {
  const s = alert.symptom;
  if (!s) return false;
  return s.id === 'loss_nan' || (s.id === 'non_finite_tensors' && s.severity === 'critical');
}
