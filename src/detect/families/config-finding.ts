import type { RunEvent, Severity } from '../../domain/index.js';
import type { ModelView } from '../model-view.js';

/** A static or data finding of the run event, before it becomes an occurrence at step 0. */
export interface Finding {
  symptomId: string;
  layer?: string;
  severity: Severity;
  confidence: number;
  evidence: string[];
}

/** Everything a static check reads: the run event, its model view and the `config` thresholds. */
export interface ConfigInput<T> {
  run: RunEvent;
  model: ModelView;
  t: T;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * Merges findings of the same symptom and layer into one (all evidence, the
 * highest severity and confidence): one occurrence per (symptom, layer) at step 0.
 *
 * @example mergeFindings([a, b]) // a and b both output_loss_mismatch on dense_2 → one finding
 */
export function mergeFindings(findings: readonly Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.symptomId}|${f.layer ?? ''}`;
    const prev = byKey.get(key);
    if (!prev) byKey.set(key, { ...f, evidence: [...f.evidence] });
    else {
      prev.evidence.push(...f.evidence);
      if (RANK[f.severity] > RANK[prev.severity]) prev.severity = f.severity;
      prev.confidence = Math.max(prev.confidence, f.confidence);
    }
  }
  return [...byKey.values()];
}

/** "dense_0, dense_1, …, dense_7" — at most `max` names, for evidence. */
export function nameList(names: readonly string[], max = 4): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max - 1).join(', ')}, …, ${names.at(-1)}`;
}
