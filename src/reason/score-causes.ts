import { fmt } from '../detect/index.js';
import type { DiagnosedCause, KnowledgeSeed, SymptomOccurrence } from '../domain/index.js';

/** The strongest occurrence of each symptom: what the reasoner weighs. */
export function strongestBySymptom(occurrences: SymptomOccurrence[]): Map<string, SymptomOccurrence> {
  const best = new Map<string, SymptomOccurrence>();
  for (const o of occurrences) {
    const prev = best.get(o.symptomId);
    if (!prev || o.confidence > prev.confidence) best.set(o.symptomId, o);
  }
  return best;
}

/**
 * Ranks causes by noisy-OR over the SUGGESTS links of the observed symptoms:
 * each symptom independently "explains" a cause with probability
 * weight × confidence, so several moderate symptoms pointing at one cause
 * outrank one strong but ambiguous symptom. Every cause comes with the path
 * (symptom → cause, with weights) and the run's own evidence.
 *
 * @example scoreCauses(occurrences, await store.knowledgeAround(ids))
 */
export function scoreCauses(occurrences: SymptomOccurrence[], knowledge: KnowledgeSeed): DiagnosedCause[] {
  const observed = strongestBySymptom(occurrences);
  const causeNames = new Map(knowledge.causes.map((c) => [c.id, c.name]));
  const symptomNames = new Map(knowledge.symptoms.map((s) => [s.id, s.name]));
  const byCause = new Map<
    string,
    { miss: number; parts: { link: KnowledgeSeed['suggests'][number]; o: SymptomOccurrence; p: number }[] }
  >();
  for (const link of knowledge.suggests) {
    const o = observed.get(link.symptom);
    if (!o) continue;
    const p = link.weight * o.confidence * SEVERITY_FACTOR[o.severity];
    const entry = byCause.get(link.cause) ?? { miss: 1, parts: [] };
    entry.miss *= 1 - p;
    entry.parts.push({ link, o, p });
    byCause.set(link.cause, entry);
  }
  const causes: DiagnosedCause[] = [];
  for (const [causeId, { miss, parts }] of byCause) {
    parts.sort((a, b) => b.p - a.p);
    const confidence = round(1 - miss);
    const because = parts
      .map(({ link, o }) => {
        const where = o.layer ? ` in ${o.layer}` : '';
        return `${symptomNames.get(o.symptomId) ?? o.symptomId}${where} (${o.evidence[0]}) suggests it with weight ${fmt(link.weight)}: ${link.rationale} [${link.source}]`;
      })
      .join('; ');
    causes.push({
      id: causeId,
      confidence,
      explanation: `${causeNames.get(causeId) ?? causeId} (confidence ${fmt(confidence)}): ${because}.`,
      path: parts.map(({ link }) => ({
        from: link.symptom,
        rel: 'SUGGESTS',
        to: causeId,
        weight: link.weight,
      })),
    });
  }
  return causes.sort((a, b) => b.confidence - a.confidence || a.id.localeCompare(b.id));
}

const round = (x: number) => Math.round(x * 1000) / 1000;

// An `info` finding is advice about the setup (e.g. a deep net without
// normalisation that trains fine), not an observed failure: it may point at a
// cause, at half the strength.
const SEVERITY_FACTOR = { info: 0.5, warning: 1, critical: 1 } as const;
