import { z } from 'zod';

// What happened when a remedy was tried: a retried (child) run applied the
// remedy for some causes diagnosed on its parent, and it worked or it did not.
// Outcomes teach the knowledge graph: each one counts on the FIXED_BY links
// from those causes to the remedy (tries, successes).

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
});
export type Outcome = z.infer<typeof Outcome>;
