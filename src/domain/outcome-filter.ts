import { z } from 'zod';

/** Which recorded outcomes to list; every given field must match. */
export const OutcomeFilter = z.object({
  remedyId: z.string().min(1).optional(),
  parentRunId: z.string().min(1).optional(),
});
export type OutcomeFilter = z.infer<typeof OutcomeFilter>;
