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
 *   loss, underfitting, chance accuracy, collapse) at any severity, not even
 *   a note, no other finding that could be the same failure (a dynamic one,
 *   or one above `info`, that suggests a cause the risk suggests too:
 *   divergence, a rate out of range), and no risky dynamic finding critical.
 *   A finding that points only at other causes does not say the risk hurt:
 *   overfitting shows the training data was fitted, which dead units would
 *   have prevented. A dynamic finding is seen while the run trains, before
 *   anyone knows whether it hurt; a run that then learned well (the loss
 *   fell well below chance, validation kept up) answered that.
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
  // Each symptom's causes, gathered once: every occurrence is checked against every risk.
  const causes = new Map<string, Set<string>>();
  for (const l of knowledge.suggests)
    causes.set(l.symptom, (causes.get(l.symptom) ?? new Set()).add(l.cause));
  const causesOf = (symptom: string): ReadonlySet<string> => causes.get(symptom) ?? new Set();
  const contradicted = (risk: string) => {
    const explains = causesOf(risk);
    const sameFailure = (symptom: string) => [...causesOf(symptom)].some((c) => explains.has(c));
    return !occurrences.some((o) =>
      risky.has(o.symptomId)
        ? dynamic.has(o.symptomId) && o.severity === 'critical'
        : outcomes.has(o.symptomId) ||
          ((o.severity !== 'info' || dynamic.has(o.symptomId)) && sameFailure(o.symptomId)),
    );
  };
  return new Set(risks.filter((s) => s.kind !== 'dynamic' || contradicted(s.id)).map((s) => s.id));
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
