import type {
  DiagnosedCause,
  KnowledgeSeed,
  RecommendedRemedy,
  StructureEdit,
  SymptomOccurrence,
} from '../domain/index.js';

/**
 * Remedies for the ranked causes: each remedy scores the best of
 * cause confidence × effectiveness over the causes it fixes (effectiveness
 * blended with the learned success rate when the graph has outcomes), so a
 * remedy that fixes the top cause comes first.
 */
export function recommendRemedies(causes: DiagnosedCause[], knowledge: KnowledgeSeed): RecommendedRemedy[] {
  const remedies = new Map(knowledge.remedies.map((r) => [r.id, r]));
  const confidence = new Map(causes.map((c) => [c.id, c.confidence]));
  const scored = new Map<string, { score: number; forCauses: string[] }>();
  for (const link of knowledge.fixedBy) {
    const c = confidence.get(link.cause);
    if (c === undefined || !remedies.has(link.remedy)) continue;
    // Laplace-smoothed success rate pulls the prior toward what runs showed.
    const learned = (link.successes + link.effectiveness * 2) / (link.tries + 2);
    const score = c * learned;
    const entry = scored.get(link.remedy) ?? { score: 0, forCauses: [] };
    entry.score = Math.max(entry.score, score);
    entry.forCauses.push(link.cause);
    scored.set(link.remedy, entry);
  }
  return [...scored.entries()]
    .sort(([a, x], [b, y]) => y.score - x.score || a.localeCompare(b))
    .map(([id, { forCauses }]) => {
      const r = remedies.get(id)!;
      return {
        id,
        forCauses: forCauses.sort((a, b) => (confidence.get(b) ?? 0) - (confidence.get(a) ?? 0)),
        action: r.description,
      };
    });
}

/**
 * Concrete structure edits from the structural remedies recommended, placed
 * at the layers the evidence names (e.g. insert BatchNorm after dense_0 where
 * gradients vanished).
 */
export function planStructureEdits(
  remedies: RecommendedRemedy[],
  knowledge: KnowledgeSeed,
  occurrences: SymptomOccurrence[],
): StructureEdit[] {
  const byId = new Map(knowledge.remedies.map((r) => [r.id, r]));
  const layers = [...new Set(occurrences.map((o) => o.layer).filter((l): l is string => !!l))];
  const edits: StructureEdit[] = [];
  for (const rec of remedies) {
    const r = byId.get(rec.id);
    if (!r?.structural || !r.edit) continue;
    edits.push({ ...r.edit, remedy: r.id, forCauses: rec.forCauses, ...(layers.length ? { layers } : {}) });
  }
  return edits;
}
