import type { KnowledgeSeed } from '../domain/index.js';
import type { ScoredCause, Support } from './score-causes.js';

/** A symptom a lower-ranked cause had counted that a higher-ranked cause explains as its consequence. */
export interface Attribution {
  support: Support;
  /** The higher-ranked cause the symptom is credited to. */
  to: string;
}

export interface AttributedCause extends ScoredCause {
  attributed: Attribution[];
}

/**
 * Step 5 of scoring: consequences, not rivals. One failure often shows
 * several symptoms (a learning rate that diverges the loss also kills ReLU
 * units and freezes weights on NaN); without this step each of them lifts
 * every cause it is linked to, and one problem reads as three.
 *
 * Causes are visited from the most to the least confident. A symptom that a
 * lower cause `c` shares with an established higher cause `h` (confidence at
 * least ESTABLISHED, and evidence of its own, from symptoms `c` does not
 * share, at least ESTABLISHED) is credited to `h` alone when it is
 * - an outcome symptom (what any failure produces: no learning, chance
 *   accuracy): `h` already accounts for it;
 * - or a dynamic symptom that began after `h`'s own evidence did: after a
 *   finding about the setup (present before the first step) or after the
 *   first step of `h`'s own dynamic evidence. Order in time is what separates
 *   a consequence from a rival.
 * `c` keeps the evidence that is its own; its confidence is scored again from
 * that, and a cause left with none is dropped. The top cause never changes.
 * Pure.
 */
export function attributeConsequences(
  scored: ScoredCause[],
  knowledge: KnowledgeSeed,
  confidenceOf: (cause: ScoredCause, support: Support[]) => number,
  evidence: (support: Support[]) => number,
): AttributedCause[] {
  const kinds = new Map(knowledge.symptoms.map((s) => [s.id, s]));
  const isOutcome = (s: Support) => kinds.get(s.link.symptom)?.outcome === true;
  const isDynamic = (s: Support) => kinds.get(s.link.symptom)?.kind === 'dynamic';
  const settled: AttributedCause[] = [];
  for (const cause of scored) {
    let support = cause.support;
    const attributed: Attribution[] = [];
    for (const higher of settled) {
      if (higher.confidence < ESTABLISHED || higher.confidence <= cause.confidence) continue;
      const theirs = new Set(support.map((s) => s.link.symptom));
      const own = higher.support.filter((s) => !theirs.has(s.link.symptom));
      if (evidence(own) < ESTABLISHED) continue;
      const setupFirst = own.some((s) => !isDynamic(s));
      const onset = Math.min(...own.filter(isDynamic).map((s) => s.occurrence.firstStep));
      const explains = new Set(higher.support.map((s) => s.link.symptom));
      const moved = support.filter(
        (s) =>
          explains.has(s.link.symptom) &&
          (isOutcome(s) || (isDynamic(s) && (setupFirst || s.occurrence.firstStep > onset))),
      );
      if (moved.length === 0) continue;
      support = support.filter((s) => !moved.includes(s));
      attributed.push(...moved.map((s) => ({ support: s, to: higher.id })));
    }
    if (support.length === 0) continue;
    const confidence = attributed.length > 0 ? confidenceOf(cause, support) : cause.confidence;
    settled.push({ ...cause, support, confidence, attributed });
  }
  return settled.sort((a, b) => b.confidence - a.confidence || a.id.localeCompare(b.id));
}

// A cause counts as established, and its own evidence as enough to claim
// another's symptoms, at even odds or better.
const ESTABLISHED = 0.5;
