import { type Diagnosis, HEALTHY_THRESHOLD, type KnowledgeSeed } from '../domain/index.js';

export interface RetryVerdict {
  success: boolean;
  /** The parent's causes the remedy was applied for. */
  causeIds: string[];
  /** The parent's failure symptoms (warning or critical) the child no longer shows. */
  resolvedSymptoms: string[];
  /** The parent's failure symptoms the child still shows. */
  remainingSymptoms: string[];
}

/**
 * Did a remedy applied to the parent run fix it in the retried child run?
 * Success means the child shows none of the parent's failure symptoms
 * (warning or critical; `info` advice does not count as a failure). The
 * causes credited are those of the parent's diagnosis the remedy fixes in
 * the graph, at or above the healthy threshold, else the strongest such
 * cause. Pure.
 */
export function judgeRetry(
  parent: Diagnosis,
  child: Diagnosis,
  remedyId: string,
  knowledge: KnowledgeSeed,
): RetryVerdict {
  const failures = [...new Set(parent.symptoms.filter((s) => s.severity !== 'info').map((s) => s.id))].sort();
  const childShows = new Set(child.symptoms.filter((s) => s.severity !== 'info').map((s) => s.id));
  const remainingSymptoms = failures.filter((id) => childShows.has(id));
  const fixes = new Set(knowledge.fixedBy.filter((l) => l.remedy === remedyId).map((l) => l.cause));
  const linked = parent.causes.filter((c) => fixes.has(c.id));
  const strong = linked.filter((c) => c.confidence >= HEALTHY_THRESHOLD);
  const causeIds = (strong.length ? strong : linked.slice(0, 1)).map((c) => c.id);
  return {
    success: failures.length > 0 && remainingSymptoms.length === 0,
    causeIds,
    resolvedSymptoms: failures.filter((id) => !childShows.has(id)),
    remainingSymptoms,
  };
}
