import type { KnowledgeSeed } from '../domain/index.js';
import type { GraphStore } from '../store/index.js';
import { sameEntry } from './same-entry.js';
import { emptySeed, SEED_PARTS, type SeedPart, seedEntryKey } from './seed-parts.js';

/** Per part: entries the seed created, updated, found unchanged, and left alone because a team changed them. */
export type SeedReport = Record<
  SeedPart,
  { created: number; updated: number; unchanged: number; kept?: number }
>;

/**
 * Seeds a store idempotently: compares the seed with what the store holds and
 * writes only new or changed entries, so seeding twice leaves the same counts
 * and a changed weight updates its edge instead of adding one. Entries a team
 * changed or added through the API (the store's knowledge tags) are never
 * written over: they count as `kept` (present only when there are any).
 *
 * @example const report = await seedStore(store, await loadSeed([seedDir()]));
 */
export async function seedStore(store: GraphStore, seed: KnowledgeSeed): Promise<SeedReport> {
  const [current, tags] = await Promise.all([store.readKnowledge(), store.readKnowledgeTags()]);
  const teams = new Set(tags.map((t) => JSON.stringify([t.part, t.key])));
  const delta = emptySeed();
  const report = {} as SeedReport;
  for (const part of SEED_PARTS) {
    const key = (e: unknown) => seedEntryKey(part, e);
    const existing = new Map((current[part] as unknown[]).map((e) => [key(e), e as Record<string, unknown>]));
    const counts = { created: 0, updated: 0, unchanged: 0 };
    let kept = 0;
    for (const entry of seed[part] as Record<string, unknown>[]) {
      const old = existing.get(key(entry));
      if (teams.has(JSON.stringify([part, key(entry)]))) {
        kept++;
        continue;
      }
      if (!old) counts.created++;
      else if (!sameEntry(part, old, entry)) counts.updated++;
      else {
        counts.unchanged++;
        continue;
      }
      (delta[part] as unknown[]).push(entry);
    }
    report[part] = kept ? { ...counts, kept } : counts;
  }
  // Links need their nodes: unchanged nodes already exist, so the delta is enough.
  await store.upsertKnowledge(delta);
  return report;
}
