import type { Severity, SymptomOccurrence } from '../../domain/index.js';

/**
 * One occurrence fed by several sources (batch accuracy, epoch train/val
 * accuracy, eval counts). Sources agree on one occurrence while it is open,
 * so the same stretch is reported once with each source's latest evidence.
 * Plain data: lives in the family's state.
 */
export interface MergedOccurrence {
  first: number;
  last: number;
  open: boolean;
  /** Latest evidence line per source. */
  evidence: Record<string, string>;
  /** Severity rank (0 info, 1 warning, 2 critical) and confidence, the highest any source gave. */
  severity: number;
  confidence: number;
}

const SEVERITIES: Severity[] = ['info', 'warning', 'critical'];

/**
 * Adds a source's finding: extends the open occurrence, or opens a new one
 * starting at `start`. Returns the occurrence to keep in state.
 *
 * @example s.chance = addFinding(s.chance, 'eval', 0, 89, 'eval accuracy 0.267 …', 1, 0.7);
 */
export function addFinding(
  occ: MergedOccurrence | null,
  source: string,
  start: number,
  step: number,
  evidence: string,
  severity: Severity,
  confidence: number,
): MergedOccurrence {
  const rank = SEVERITIES.indexOf(severity);
  if (occ === null || (!occ.open && occ.first !== start)) {
    return {
      first: start,
      last: step,
      open: true,
      evidence: { [source]: evidence },
      severity: rank,
      confidence,
    };
  }
  occ.open = true;
  occ.last = Math.max(occ.last, step);
  occ.evidence[source] = evidence;
  occ.severity = Math.max(occ.severity, rank);
  occ.confidence = Math.max(occ.confidence, confidence);
  return occ;
}

/** The occurrence as emitted, evidence in the given source order. */
export function toOccurrence(
  symptomId: string,
  occ: MergedOccurrence,
  order: readonly string[],
): SymptomOccurrence {
  const evidence = order.flatMap((k) => (occ.evidence[k] !== undefined ? [occ.evidence[k]!] : []));
  return {
    symptomId,
    firstStep: occ.first,
    lastStep: occ.last,
    severity: SEVERITIES[occ.severity] ?? 'warning',
    confidence: occ.confidence,
    evidence,
  };
}
