import { z } from 'zod';
import { Count } from './numbers.js';

/** How many nodes of each kind, and links of each type, the knowledge graph holds. */
export const KnowledgeCounts = z.object({
  symptoms: Count,
  causes: Count,
  remedies: Count,
  sources: Count,
  suggests: Count,
  fixedBy: Count,
});
export type KnowledgeCounts = z.infer<typeof KnowledgeCounts>;
