import { SIGNAL_DESCRIPTIONS, type Signal, symptomsRevealedBy } from '../detect/index.js';
import type { DiagnosedCause, KnowledgeSeed, SignalAdvice } from '../domain/index.js';

/** Causes the advice is about: the likely ones, and not too many. */
const MIN_CONFIDENCE = 0.2;
const MAX_CAUSES = 5;
/** A link weaker than this says too little to be worth recording a signal for. */
const MIN_WEIGHT = 0.3;
const MAX_ADVICE = 5;

/**
 * Which of the signals a run lacked would tell its likely causes apart: for
 * each missing signal, the symptoms it would let a detector see (detect's
 * REVEALED_BY) and the likely causes the graph links them to. A signal that
 * bears on several of the likely causes, or on one that the run's own
 * evidence cannot yet separate from the others, comes first. Built from the
 * graph and the detectors' signal table only: nothing is advised that the
 * knowledge does not link.
 *
 * @example adviseSignals(['layers.gradNorm'], causes, knowledge)[0].why
 *   // 'per-layer gradient norms would show vanishing gradients (for saturating activation, network too deep)'
 */
export function adviseSignals(
  missingSignals: string[],
  causes: Pick<DiagnosedCause, 'id' | 'name' | 'confidence'>[],
  knowledge: KnowledgeSeed,
): SignalAdvice[] {
  const likely = causes.filter((c) => c.confidence >= MIN_CONFIDENCE).slice(0, MAX_CAUSES);
  if (likely.length === 0) return [];
  const likelyIds = new Set(likely.map((c) => c.id));
  const causeName = new Map(likely.map((c) => [c.id, c.name.toLowerCase()]));
  const symptomName = new Map(knowledge.symptoms.map((s) => [s.id, s.name.toLowerCase()]));
  const advice: (SignalAdvice & { reach: number })[] = [];
  for (const signal of missingSignals) {
    const description = SIGNAL_DESCRIPTIONS[signal as Signal];
    if (!description) continue;
    const links = knowledge.suggests
      .filter((l) => likelyIds.has(l.cause) && l.weight >= MIN_WEIGHT)
      .filter((l) => symptomsRevealedBy(signal as Signal).includes(l.symptom))
      .sort((a, b) => b.weight - a.weight || a.cause.localeCompare(b.cause));
    if (links.length === 0) continue;
    const symptoms = [...new Set(links.map((l) => l.symptom))];
    const causeIds = [...new Set(links.map((l) => l.cause))];
    const parts = symptoms.map((s) => {
      const forCauses = [
        ...new Set(links.filter((l) => l.symptom === s).map((l) => causeName.get(l.cause)!)),
      ];
      return `${symptomName.get(s) ?? s.replaceAll('_', ' ')} (for ${forCauses.join(', ')})`;
    });
    advice.push({
      signal,
      description,
      symptoms,
      causes: causeIds,
      why: `${description} would show ${parts.join(' or ')}`,
      reach: causeIds.length,
    });
  }
  return advice
    .sort((a, b) => b.reach - a.reach || a.signal.localeCompare(b.signal))
    .slice(0, MAX_ADVICE)
    .map(({ reach: _reach, ...a }) => a);
}
