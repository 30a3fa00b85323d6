import { Severity, type SymptomOccurrence } from '../domain/index.js';
import type { ReportedSymptom } from '../monitor/index.js';

/** A symptom as an ingest answer reports it, back as the occurrence the reasoner scores. */
export const toOccurrence = (s: ReportedSymptom): SymptomOccurrence => ({
  symptomId: s.id,
  firstStep: s.firstStep ?? 0,
  lastStep: s.lastStep ?? s.firstStep ?? 0,
  ...(s.layer ? { layer: s.layer } : {}),
  severity: Severity.catch('warning').parse(s.severity),
  confidence: s.confidence,
  evidence: s.evidence.length ? s.evidence : [s.id],
});
