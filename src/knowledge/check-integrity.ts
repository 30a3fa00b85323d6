import type { KnowledgeSeed } from '../domain/index.js';

/**
 * Cross-file checks the schemas cannot make: every link points at nodes and
 * a source that exist.
 */
export function checkSeedIntegrity(seed: KnowledgeSeed): string[] {
  const problems: string[] = [];
  const symptoms = new Set(seed.symptoms.map((s) => s.id));
  const causes = new Set(seed.causes.map((c) => c.id));
  const remedies = new Set(seed.remedies.map((r) => r.id));
  const sources = new Set(seed.sources.map((s) => s.id));
  for (const l of seed.suggests) {
    const where = `links/suggests.yaml: link '${l.symptom}->${l.cause}'`;
    if (!symptoms.has(l.symptom)) problems.push(`${where}: unknown symptom '${l.symptom}'`);
    if (!causes.has(l.cause)) problems.push(`${where}: unknown cause '${l.cause}'`);
    if (!sources.has(l.source)) problems.push(`${where}: unknown source '${l.source}'`);
  }
  for (const c of seed.causes) {
    if (!c.wordingWithout) continue;
    const where = `causes.yaml: cause '${c.id}' wordingWithout`;
    const w = c.wordingWithout;
    if (!symptoms.has(w.symptom)) problems.push(`${where}: unknown symptom '${w.symptom}'`);
    if (!sources.has(w.source)) problems.push(`${where}: unknown source '${w.source}'`);
  }
  for (const l of seed.fixedBy) {
    const where = `links/fixed-by.yaml: link '${l.cause}->${l.remedy}'`;
    if (!causes.has(l.cause)) problems.push(`${where}: unknown cause '${l.cause}'`);
    if (!remedies.has(l.remedy)) problems.push(`${where}: unknown remedy '${l.remedy}'`);
    if (!sources.has(l.source)) problems.push(`${where}: unknown source '${l.source}'`);
  }
  return problems;
}
