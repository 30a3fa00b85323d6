import { isDeepStrictEqual } from 'node:util';
import type { KnowledgeSeed } from '../domain/index.js';
import type { GraphStore } from '../store/index.js';
import { emptySeed, SEED_PARTS, type SeedPart, seedEntryKey } from './seed-parts.js';

export type SeedReport = Record<SeedPart, { created: number; updated: number; unchanged: number }>;

// Outcome counts belong to the graph (learned from runs), not to the seed.
const comparable = (part: SeedPart, e: Record<string, unknown>) => {
  if (part !== 'fixedBy') return e;
  const { tries: _t, successes: _s, ...rest } = e;
  return rest;
};

/**
 * Seeds a store idempotently: compares the seed with what the store holds and
 * writes only new or changed entries, so seeding twice leaves the same counts
 * and a changed weight updates its edge instead of adding one.
 *
 * @example const report = await seedStore(store, await loadSeed([seedDir()]));
 */
export async function seedStore(store: GraphStore, seed: KnowledgeSeed): Promise<SeedReport> {
  const current = await store.readKnowledge();
  const delta = emptySeed();
  const report = {} as SeedReport;
  for (const part of SEED_PARTS) {
    const key = (e: unknown) => seedEntryKey(part, e);
    const existing = new Map((current[part] as unknown[]).map((e) => [key(e), e as Record<string, unknown>]));
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for (const entry of seed[part] as Record<string, unknown>[]) {
      const old = existing.get(key(entry));
      if (!old) counts.created++;
      else if (!isDeepStrictEqual(normalise(comparable(part, old)), normalise(comparable(part, entry))))
        counts.updated++;
      else {
        counts.unchanged++;
        continue;
      }
      (delta[part] as unknown[]).push(entry);
    }
    report[part] = counts;
  }
  // Links need their nodes: unchanged nodes already exist, so the delta is enough.
  await store.upsertKnowledge(delta);
  return report;
}

// Stores may drop empty optional fields (Neo4j has no undefined); compare without them.
function normalise(e: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(e)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
