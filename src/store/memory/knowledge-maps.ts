import type {
  Cause,
  FixedByLink,
  KnowledgeCounts,
  KnowledgeSeed,
  Outcome,
  Remedy,
  Source,
  SuggestsLink,
  Symptom,
} from '../../domain/index.js';

/** The knowledge graph held as maps keyed the way Neo4j's constraints key it. */
export interface KnowledgeMaps {
  sources: Map<string, Source>;
  symptoms: Map<string, Symptom>;
  causes: Map<string, Cause>;
  remedies: Map<string, Remedy>;
  suggests: Map<string, SuggestsLink>;
  fixedBy: Map<string, FixedByLink>;
  seed(): KnowledgeSeed;
  counts(): KnowledgeCounts;
}

export function emptyKnowledge(): KnowledgeMaps {
  const maps = {
    sources: new Map<string, Source>(),
    symptoms: new Map<string, Symptom>(),
    causes: new Map<string, Cause>(),
    remedies: new Map<string, Remedy>(),
    suggests: new Map<string, SuggestsLink>(),
    fixedBy: new Map<string, FixedByLink>(),
  };
  return {
    ...maps,
    seed: () => ({
      sources: [...maps.sources.values()],
      symptoms: [...maps.symptoms.values()],
      causes: [...maps.causes.values()],
      remedies: [...maps.remedies.values()],
      suggests: [...maps.suggests.values()],
      fixedBy: [...maps.fixedBy.values()],
    }),
    counts: () => ({
      sources: maps.sources.size,
      symptoms: maps.symptoms.size,
      causes: maps.causes.size,
      remedies: maps.remedies.size,
      suggests: maps.suggests.size,
      fixedBy: maps.fixedBy.size,
    }),
  };
}

/** Mirrors the Neo4j adapter's MERGE semantics: a link needs both of its nodes. */
export function upsertInto(k: KnowledgeMaps, part: KnowledgeSeed): void {
  for (const s of part.sources) k.sources.set(s.id, s);
  for (const s of part.symptoms) k.symptoms.set(s.id, s);
  for (const c of part.causes) k.causes.set(c.id, c);
  for (const r of part.remedies) k.remedies.set(r.id, r);
  for (const l of part.suggests) {
    if (k.symptoms.has(l.symptom) && k.causes.has(l.cause)) k.suggests.set(`${l.symptom}->${l.cause}`, l);
  }
  for (const l of part.fixedBy) {
    if (!k.causes.has(l.cause) || !k.remedies.has(l.remedy)) continue;
    const key = `${l.cause}->${l.remedy}`;
    // Outcome counts learned from runs survive a reseed (as ON CREATE SET in Neo4j).
    const old = k.fixedBy.get(key);
    k.fixedBy.set(key, old ? { ...l, tries: old.tries, successes: old.successes } : l);
  }
}

export function knowledgeAround(k: KnowledgeMaps, symptomIds: string[]): KnowledgeSeed {
  const wanted = new Set(symptomIds);
  const suggests = [...k.suggests.values()].filter((l) => wanted.has(l.symptom));
  const causeIds = new Set(suggests.map((l) => l.cause));
  const fixedBy = [...k.fixedBy.values()].filter((l) => causeIds.has(l.cause));
  const remedyIds = new Set(fixedBy.map((l) => l.remedy));
  const sourceIds = new Set([...suggests, ...fixedBy].map((l) => l.source));
  return {
    symptoms: [...k.symptoms.values()].filter((s) => wanted.has(s.id)),
    causes: [...k.causes.values()].filter((c) => causeIds.has(c.id)),
    remedies: [...k.remedies.values()].filter((r) => remedyIds.has(r.id)),
    sources: [...k.sources.values()].filter((s) => sourceIds.has(s.id)),
    suggests,
    fixedBy,
  };
}

/** The keys of the FIXED_BY links an outcome counts on: from each of its causes to its remedy, where they exist. */
export function outcomeLinkKeys(k: KnowledgeMaps, outcome: Outcome): string[] {
  return [...new Set(outcome.causeIds)]
    .map((cause) => `${cause}->${outcome.remedyId}`)
    .filter((key) => k.fixedBy.has(key));
}

/** Counts an outcome on its links (tries + 1, successes + 1 if it worked), like COUNT_OUTCOME_ON_LINKS. */
export function countOutcome(k: KnowledgeMaps, outcome: Outcome): void {
  for (const key of outcomeLinkKeys(k, outcome)) {
    const l = k.fixedBy.get(key)!;
    k.fixedBy.set(key, { ...l, tries: l.tries + 1, successes: l.successes + (outcome.success ? 1 : 0) });
  }
}

/** Removes entries (like DETACH DELETE in Neo4j: a node goes with every link at it). */
export function removeFrom(k: KnowledgeMaps, part: KnowledgeSeed): void {
  for (const s of part.sources) k.sources.delete(s.id);
  for (const l of part.suggests) k.suggests.delete(`${l.symptom}->${l.cause}`);
  for (const l of part.fixedBy) k.fixedBy.delete(`${l.cause}->${l.remedy}`);
  const gone = new Set([
    ...part.symptoms.map((s) => s.id),
    ...part.causes.map((c) => c.id),
    ...part.remedies.map((r) => r.id),
  ]);
  for (const s of part.symptoms) k.symptoms.delete(s.id);
  for (const c of part.causes) k.causes.delete(c.id);
  for (const r of part.remedies) k.remedies.delete(r.id);
  if (gone.size === 0) return;
  for (const [key, l] of k.suggests) if (gone.has(l.symptom) || gone.has(l.cause)) k.suggests.delete(key);
  for (const [key, l] of k.fixedBy) if (gone.has(l.cause) || gone.has(l.remedy)) k.fixedBy.delete(key);
}

/** Takes a discarded outcome off its links (never below 0: a link re-made since has not counted it). */
export function uncountOutcome(k: KnowledgeMaps, outcome: Outcome): void {
  for (const key of outcomeLinkKeys(k, outcome)) {
    const l = k.fixedBy.get(key)!;
    k.fixedBy.set(key, {
      ...l,
      tries: Math.max(0, l.tries - 1),
      successes: Math.max(0, l.successes - (outcome.success ? 1 : 0)),
    });
  }
}
