import { z } from 'zod';

// What happened when a remedy was tried: a retried (child) run applied the
// remedy for some causes diagnosed on its parent, and it worked or it did not.
// Outcomes teach the knowledge graph: each one counts on the FIXED_BY links
// from those causes to the remedy (tries, successes).

/**
 * What the parent run was like when the remedy was tried: outcomes are
 * learned per context (a remedy that fails on dead ReLUs may still be the
 * right one for a diverging rate), and a run weighs the outcomes of runs like it.
 */
export const OutcomeContext = z.object({
  /** Architecture family: mlp, cnn, rnn, transformer, or unknown (no layers described). */
  family: z.string().min(1).max(40),
  /** The optimizer's key (sgd, momentum, adam, ...), or unknown. */
  optimizer: z.string().min(1).max(40),
  /** The parent's failure symptoms (warning or critical), unique, sorted. */
  symptoms: z.array(z.string().min(1).max(200)).max(50),
});
export type OutcomeContext = z.infer<typeof OutcomeContext>;

export const Outcome = z.object({
  /** The retried (child) run that applied the remedy. */
  runId: z.string().min(1),
  /** The run whose diagnosis the remedy answered. */
  parentRunId: z.string().min(1),
  remedyId: z.string().min(1),
  /** The parent's causes the remedy was applied for. */
  causeIds: z.array(z.string().min(1)).min(1),
  success: z.boolean(),
  note: z.string().optional(),
  /** The parent run's context (outcomes recorded before it was kept have none). */
  context: OutcomeContext.optional(),
});
export type Outcome = z.infer<typeof Outcome>;
