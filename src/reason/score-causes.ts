import type { KnowledgeSeed, MissingEvidence, SymptomOccurrence } from '../domain/index.js';
import { type AttributedCause, attributeConsequences } from './attribute-consequences.js';
import { judgedRisks, weighedAsAdvice } from './judge-by-outcome.js';

/** The strongest occurrence of each symptom: what the reasoner weighs. */
export function strongestBySymptom(occurrences: SymptomOccurrence[]): Map<string, SymptomOccurrence> {
  const best = new Map<string, SymptomOccurrence>();
  for (const o of occurrences) {
    const prev = best.get(o.symptomId);
    if (
      !prev ||
      o.confidence * SEVERITY_FACTOR[o.severity] > prev.confidence * SEVERITY_FACTOR[prev.severity]
    )
      best.set(o.symptomId, o);
  }
  return best;
}

export interface ScoreOptions {
  /**
   * Symptoms the run could have shown: their signals were recorded and the
   * run got far enough (DetectorSet.observableSymptoms). A cause that predicts
   * one of them, which did not occur, loses weight. Without it (unknown),
   * there is no negative evidence.
   */
  observable?: Iterable<string>;
}

/** One observed symptom's support for a cause. */
export interface Support {
  occurrence: SymptomOccurrence;
  link: KnowledgeSeed['suggests'][number];
  /** weight × confidence × severity factor: the chance this symptom alone is explained by the cause. */
  p: number;
}

export interface ScoredCause {
  id: string;
  confidence: number;
  support: Support[];
  against: MissingEvidence[];
  /** Symptoms this cause had counted that a higher-ranked cause explains as its consequences (step 5). */
  attributed?: AttributedCause['attributed'];
}

/**
 * Scores every cause the observed symptoms reach, in four documented steps:
 *
 * 1. **Evidence (noisy-OR).** Each observed symptom s independently explains
 *    cause c with p = weight(s→c) × confidence(s) × severity factor, so
 *    P⁺(c) = 1 − Π(1 − p). Several moderate symptoms pointing at one cause
 *    outrank one strong but ambiguous symptom.
 * 2. **Explaining away.** A symptom many causes could produce (accuracy at
 *    chance, a flat loss) is credited in full to its best explanation and in
 *    part to the others: p is scaled by P⁺(c)·w(s→c) ÷ the largest
 *    P⁺(c')·w(s→c') among the causes it suggests, then step 1 runs again. So
 *    a generic symptom does not lift every cause it is linked to once a
 *    specific one explains it.
 * 3. **Prior (log-odds).** odds(c) = odds(P) × prior(c) / (1 − prior(c));
 *    a cause without a prior in the graph has 0.5, which changes nothing.
 * 4. **Negative evidence.** For each symptom c predicts (a SUGGESTS link
 *    with `predicts` = P(symptom | cause)) that was observable in this run
 *    but did not occur, odds(c) ×= 1 − λ·predicts,
 *    with λ = 0.9 for static and data findings (a check of the run's
 *    description does not miss) and 0.5 for dynamic ones (a detector can
 *    miss, and a run can stop before it shows).
 * 5. **Consequences, not rivals.** A symptom that a higher-ranked,
 *    established cause explains as its consequence (it began after that
 *    cause's own evidence, or it is an outcome any failure produces) is
 *    credited to that cause alone; the lower cause is scored again from the
 *    evidence that is its own (`attributeConsequences`). A cause with no
 *    established evidence of its own loses such symptoms to an established
 *    cause with specific evidence whatever their ranks.
 *
 * Returns causes by confidence, highest first. Pure.
 *
 * @example scoreCauses(occurrences, knowledge, { observable: set.observableSymptoms() })
 */
export function scoreCauses(
  occurrences: SymptomOccurrence[],
  knowledge: KnowledgeSeed,
  options: ScoreOptions = {},
): ScoredCause[] {
  const observed = strongestBySymptom(occurrences);
  const observable = options.observable ? new Set(options.observable) : undefined;
  const priors = new Map(knowledge.causes.map((c) => [c.id, c.prior ?? 0.5]));
  const kinds = new Map(knowledge.symptoms.map((s) => [s.id, s.kind]));
  const support = new Map<string, Support[]>();
  for (const link of knowledge.suggests) {
    const o = observed.get(link.symptom);
    if (!o) continue;
    const p = link.weight * o.confidence;
    if (p <= 0) continue;
    support.set(link.cause, [...(support.get(link.cause) ?? []), { occurrence: o, link, p }]);
  }
  // Advice (`info`) counts half, unless the run fails in a way the same cause
  // explains, or fails to learn at all (a warning outcome symptom): then the
  // advice names a candidate for what went wrong, not just what might.
  // A risky setup (a `risk` symptom) is advice too once the run could have
  // shown its outcome (an outcome symptom was observable) and shows no failure;
  // a risky dynamic finding once that outcome contradicts it (judge-by-outcome.ts).
  const outcomes = outcomeSymptoms(knowledge);
  const advice = judgedRisks(occurrences, knowledge, observable);
  const dynamic = new Set(knowledge.symptoms.filter((s) => s.kind === 'dynamic').map((s) => s.id));
  const severity = (o: SymptomOccurrence) => (weighedAsAdvice(o, advice, dynamic) ? 'info' : o.severity);
  const notLearning = [...observed.values()].some((o) => o.severity !== 'info' && outcomes.has(o.symptomId));
  for (const parts of support.values()) {
    const failing = notLearning || parts.some((s) => severity(s.occurrence) !== 'info');
    for (const s of parts) if (!failing) s.p *= SEVERITY_FACTOR[severity(s.occurrence)];
  }
  explainAway(support, {
    outcome: outcomes,
    setup: new Set(knowledge.symptoms.filter((s) => s.kind !== 'dynamic').map((s) => s.id)),
    mechanism: new Set(knowledge.causes.filter((c) => c.mechanism).map((c) => c.id)),
  });
  const scored: ScoredCause[] = [];
  // The product of step 4's factors per cause, kept unrounded for scoring again in step 5.
  const againstOdds = new Map<string, number>();
  // Odds from the evidence, the prior and the negative evidence (steps 1–4), for any part of a cause's support.
  const confidenceOf = (cause: ScoredCause, parts: Support[]): number => {
    const prior = priors.get(cause.id) ?? 0.5;
    const p = evidence(parts);
    const odds = (p / (1 - p)) * (prior / (1 - prior)) * (againstOdds.get(cause.id) ?? 1);
    return round(odds / (1 + odds));
  };
  for (const [id, parts] of support) {
    parts.sort((a, b) => b.p - a.p || a.link.symptom.localeCompare(b.link.symptom));
    let factors = 1;
    const against: MissingEvidence[] = [];
    if (observable) {
      for (const link of knowledge.suggests) {
        if (
          link.cause !== id ||
          !link.predicts ||
          observed.has(link.symptom) ||
          !observable.has(link.symptom)
        )
          continue;
        const lambda = kinds.get(link.symptom) === 'dynamic' ? LAMBDA_DYNAMIC : LAMBDA_STATIC;
        const factor = 1 - lambda * link.predicts;
        factors *= factor;
        against.push({ symptomId: link.symptom, weight: link.predicts, factor: round(factor) });
      }
      against.sort((a, b) => a.factor - b.factor || a.symptomId.localeCompare(b.symptomId));
    }
    againstOdds.set(id, factors);
    const cause = { id, confidence: 0, support: parts, against };
    scored.push({ ...cause, confidence: confidenceOf(cause, parts) });
  }
  scored.sort((a, b) => b.confidence - a.confidence || a.id.localeCompare(b.id));
  return attributeConsequences(scored, knowledge, confidenceOf, evidence);
}

const outcomeSymptoms = (knowledge: KnowledgeSeed): Set<string> =>
  new Set(knowledge.symptoms.filter((s) => s.outcome).map((s) => s.id));

const evidence = (parts: Support[]) =>
  Math.min(1 - parts.reduce((miss, s) => miss * (1 - s.p), 1), MAX_EVIDENCE);

/**
 * Step 2: scales each symptom's support of a cause by how well that cause
 * explains it, relative to the best explanation. Two kinds of symptom have
 * extra competitors:
 * - an outcome symptom (flat loss, chance accuracy: what any failure
 *   produces): every cause with evidence from other symptoms, as if linked
 *   with OUTCOME_WEIGHT;
 * - a symptom supporting a mechanism cause (dead ReLUs, weights that do not
 *   move) counts for the mechanism only with the chance that the strongest
 *   cause found in the run's setup (static and data findings) does not
 *   already explain it: × (1 − setup evidence × OUTCOME_WEIGHT).
 */
function explainAway(
  support: Map<string, Support[]>,
  kinds: { outcome: ReadonlySet<string>; setup: ReadonlySet<string>; mechanism: ReadonlySet<string> },
): void {
  const first = new Map([...support].map(([id, parts]) => [id, evidence(parts)]));
  const best = new Map<string, number>();
  const raise = (symptom: string, x: number) => best.set(symptom, Math.max(best.get(symptom) ?? 0, x));
  let setupBest = 0;
  for (const [id, parts] of support) {
    for (const s of parts) raise(s.link.symptom, first.get(id)! * s.link.weight);
    const specific = evidence(parts.filter((s) => !kinds.outcome.has(s.link.symptom)));
    for (const symptom of kinds.outcome) raise(symptom, specific * OUTCOME_WEIGHT);
    if (!kinds.mechanism.has(id))
      setupBest = Math.max(setupBest, evidence(parts.filter((s) => kinds.setup.has(s.link.symptom))));
  }
  for (const [id, parts] of support)
    for (const s of parts) {
      const top = best.get(s.link.symptom)!;
      if (top > 0) s.p *= Math.min(1, (first.get(id)! * s.link.weight) / top);
      // Noisy-OR explaining away: the mechanism is the answer only where the setup cause does not already explain it.
      if (kinds.mechanism.has(id)) s.p *= 1 - setupBest * OUTCOME_WEIGHT;
    }
}

const LAMBDA_DYNAMIC = 0.5;
const LAMBDA_STATIC = 0.9;
// How strongly any established cause accounts for an outcome symptom (a run that does not learn).
const OUTCOME_WEIGHT = 0.8;
// Evidence is never certainty: keeps the odds finite so negative evidence still counts.
const MAX_EVIDENCE = 0.999;
const round = (x: number) => Math.round(x * 1000) / 1000;

// An `info` finding is advice about the setup (e.g. a deep net without
// normalisation that trains fine), not an observed failure: it may point at a
// cause, at half the strength.
export const SEVERITY_FACTOR = { info: 0.5, warning: 1, critical: 1 } as const;
