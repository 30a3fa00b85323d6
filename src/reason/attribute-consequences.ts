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
 * that, and a cause left with none is dropped.
 *
 * Rank is not what makes a consequence: a cause without established evidence
 * of its own (beside outcome symptoms, which any failure produces, and the
 * symptoms it shares with `h`) is no rival to an established `h` whose own evidence came
 * first, even when its noisy-OR of shared symptoms ranks it above `h` (a rate
 * blamed for a NaN that followed a first loss already 1e7× chance). Such a
 * cause is first stripped of those symptoms whatever its rank, so the top
 * cause changes only then; otherwise it never does. Pure.
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
  // What `higher` explains of `support` as its consequences (empty when its own evidence is not enough).
  // Claiming across rank (`specific`), only `higher`'s specific evidence counts as its own: outcomes, which any failure produces, do not.
  const consequencesOf = (higher: ScoredCause, support: Support[], specific: boolean): Support[] => {
    const theirs = new Set(support.map((s) => s.link.symptom));
    const own = higher.support.filter((s) => !theirs.has(s.link.symptom) && !(specific && isOutcome(s)));
    if (evidence(own) < ESTABLISHED) return [];
    const setupFirst = own.some((s) => !isDynamic(s));
    const onset = Math.min(...own.filter(isDynamic).map((s) => s.occurrence.firstStep));
    const explains = new Set(higher.support.map((s) => s.link.symptom));
    return support.filter(
      (s) =>
        (isOutcome(s) && (specific || explains.has(s.link.symptom))) ||
        (explains.has(s.link.symptom) && isDynamic(s) && (setupFirst || s.occurrence.firstStep > onset)),
    );
  };
  const rescore = (cause: AttributedCause): AttributedCause | undefined =>
    cause.support.length === 0
      ? undefined
      : {
          ...cause,
          confidence: cause.attributed.length > 0 ? confidenceOf(cause, cause.support) : cause.confidence,
        };
  // First pass, whatever the rank: a cause with no evidence of its own beside an established one.
  const stripped = scored.flatMap((cause): AttributedCause[] => {
    let support = cause.support;
    const attributed: Attribution[] = [];
    for (const other of scored) {
      if (other === cause || other.confidence < ESTABLISHED || other.confidence > cause.confidence) continue;
      const shared = new Set(other.support.map((s) => s.link.symptom));
      const own = support.filter((s) => !isOutcome(s) && !shared.has(s.link.symptom));
      if (evidence(own) >= ESTABLISHED) continue;
      // Outcome symptoms go to `other` even when it has no link to them: explaining away (step 2) already counts any established cause as accounting for them.
      const moved = consequencesOf(other, support, true);
      if (moved.length === 0) continue;
      support = support.filter((s) => !moved.includes(s));
      attributed.push(...moved.map((s) => ({ support: s, to: other.id })));
    }
    const kept = rescore({ ...cause, support, attributed });
    return kept ? [kept] : [];
  });
  stripped.sort((a, b) => b.confidence - a.confidence || a.id.localeCompare(b.id));
  const settled: AttributedCause[] = [];
  for (const cause of stripped) {
    let support = cause.support;
    const attributed: Attribution[] = [...cause.attributed];
    for (const higher of settled) {
      if (higher.confidence < ESTABLISHED || higher.confidence <= cause.confidence) continue;
      const moved = consequencesOf(higher, support, false);
      if (moved.length === 0) continue;
      support = support.filter((s) => !moved.includes(s));
      attributed.push(...moved.map((s) => ({ support: s, to: higher.id })));
    }
    const kept = rescore({ ...cause, support, attributed });
    if (kept) settled.push(kept);
  }
  return settled.sort((a, b) => b.confidence - a.confidence || a.id.localeCompare(b.id));
}

// A cause counts as established, and its own evidence as enough to claim
// another's symptoms, at even odds or better.
const ESTABLISHED = 0.5;
