import type { Severity, SymptomOccurrence } from '../../domain/index.js';
import type { Emit } from '../detector.js';

/**
 * An occurrence a detector keeps in its state while the symptom lasts: the
 * first report fixes (symptom, layer, firstStep), later reports extend
 * `lastStep`, raise severity and confidence, and refresh the latest evidence.
 */
export interface Finding {
  symptomId: string;
  layer: string | null;
  firstStep: number;
  lastStep: number;
  severity: Severity;
  confidence: number;
  /** What fired, as first reported. */
  evidence: string[];
  /** The latest reading while the symptom lasts (null until there is one). */
  latest: string | null;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * Reports a finding: opens it when `current` is null, else updates it in place.
 * Returns the finding to keep in state.
 *
 * @example state.vanishing = reportFinding(state.vanishing, { symptomId: 'vanishing_gradients', ... }, emit);
 */
export function reportFinding(current: Finding | null, next: Finding, emit: Emit): Finding {
  let f = current;
  if (f === null) {
    f = { ...next, evidence: [...next.evidence], latest: null };
  } else {
    f.lastStep = Math.max(f.lastStep, next.lastStep);
    if (RANK[next.severity] > RANK[f.severity]) f.severity = next.severity;
    f.confidence = Math.max(f.confidence, next.confidence);
    const latest = next.evidence[0];
    if (latest !== undefined && latest !== f.evidence[0]) f.latest = latest;
  }
  emit(toOccurrence(f));
  return f;
}

/**
 * Marks a finding the run has since left behind (a loss that stayed flat,
 * then fell): it stays on record as `info`, with what ended it as its latest
 * reading. A run is judged by what it shows over its whole course, and an
 * early stretch that resolved is a note, not a failure.
 *
 * @example state.flat.finding = resolveFinding(state.flat.finding, 'the loss fell 40% below its start by step 900', emit);
 */
export function resolveFinding(f: Finding, note: string, emit: Emit): Finding {
  f.severity = 'info';
  f.latest = `resolved: ${note}`;
  emit(toOccurrence(f));
  return f;
}

export function toOccurrence(f: Finding): SymptomOccurrence {
  const o: SymptomOccurrence = {
    symptomId: f.symptomId,
    firstStep: f.firstStep,
    lastStep: f.lastStep,
    severity: f.severity,
    confidence: Math.round(f.confidence * 100) / 100,
    evidence: f.latest === null ? [...f.evidence] : [...f.evidence, `latest: ${f.latest}`],
  };
  if (f.layer !== null) o.layer = f.layer;
  return o;
}
