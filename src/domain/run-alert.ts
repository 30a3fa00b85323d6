import { z } from 'zod';
import { DiagnosedSymptom } from './diagnosis.js';

/** What an alert says happened: a symptom started, changed, or stopped; the top cause changed; the run ended. */
export const AlertKind = z.enum(['symptom', 'top_cause', 'finished']);
export type AlertKind = z.infer<typeof AlertKind>;

/** For kind `symptom`: the (symptom, layer) appeared, changed in a way that matters, or went quiet. */
export const AlertChange = z.enum(['started', 'updated', 'resolved']);
export type AlertChange = z.infer<typeof AlertChange>;

export const CauseSummary = z.object({ id: z.string(), name: z.string(), confidence: z.number() });
export type CauseSummary = z.infer<typeof CauseSummary>;

/**
 * One alert of a run (GraphQL `Alert`), as pushed to subscribers and kept
 * with the run: `seq` is its place in the run's alert history (0, 1, ...).
 */
export const RunAlert = z.object({
  runId: z.string(),
  seq: z.number().int().nonnegative().optional(),
  kind: AlertKind,
  change: AlertChange.optional(),
  symptom: DiagnosedSymptom.optional(),
  topCause: CauseSummary.optional(),
  step: z.number().int().optional(),
});
export type RunAlert = z.infer<typeof RunAlert>;
