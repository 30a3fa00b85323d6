import type { KnowledgeSeed, SymptomOccurrence } from '../domain/index.js';

/**
 * The `risk` findings of a run that its own outcome turns into advice: what
 * often makes training fail but need not, in a run that shows whether it did.
 *
 * - A risky setup (a static or data finding: depth, a rate out of range) is
 *   judged once an outcome symptom was observable (the run ended with the
 *   signals that would show a failure).
 * - A risky dynamic finding (a share of dead ReLU units) is judged only when
 *   the outcome contradicts it: the run could show its outcome and every
 *   detector that judges it stayed silent — no outcome symptom (flat or slow
 *   loss, underfitting, chance accuracy, collapse) and no other dynamic
 *   symptom (divergence, overfitting, ...) at any severity, not even a note,
 *   nothing but risks above `info`, and no risky dynamic finding critical. A dynamic finding is seen while the
 *   run trains, before anyone knows whether it hurt; a run that then learned
 *   well (the loss fell well below chance, validation kept up) answered that.
 *
 * Empty when the outcome is unknown (a live run, or no `observable` list).
 *
 * @example judgedRisks(occurrences, knowledge, set.observableSymptoms())
 */
export function judgedRisks(
  occurrences: readonly SymptomOccurrence[],
  knowledge: KnowledgeSeed,
  observable: Iterable<string> | undefined,
): ReadonlySet<string> {
  if (observable === undefined) return new Set();
  const outcomes = new Set(knowledge.symptoms.filter((s) => s.outcome).map((s) => s.id));
  if (![...observable].some((id) => outcomes.has(id))) return new Set();
  const risks = knowledge.symptoms.filter((s) => s.risk);
  const dynamic = new Set(knowledge.symptoms.filter((s) => s.kind === 'dynamic').map((s) => s.id));
  const risky = new Set(risks.map((s) => s.id));
  const contradicted = !occurrences.some((o) =>
    risky.has(o.symptomId)
      ? dynamic.has(o.symptomId) && o.severity === 'critical'
      : o.severity !== 'info' || outcomes.has(o.symptomId) || dynamic.has(o.symptomId),
  );
  return new Set(risks.filter((s) => s.kind !== 'dynamic' || contradicted).map((s) => s.id));
}

/**
 * Whether an occurrence of a judged risk counts as advice: a setup finding
 * always, a dynamic one only at `warning` (a layer nearly all dead stays
 * critical whatever the outcome).
 */
export function weighedAsAdvice(
  o: SymptomOccurrence,
  judged: ReadonlySet<string>,
  dynamic: ReadonlySet<string>,
): boolean {
  return judged.has(o.symptomId) && (!dynamic.has(o.symptomId) || o.severity === 'warning');
}
