import type { KnowledgeSeed } from '../domain/index.js';
import { checkSeedIntegrity } from './check-integrity.js';
import { SeedError } from './seed-error.js';
import { emptySeed, SEED_PART_SCHEMAS, SEED_PARTS, type SeedPart, seedEntryKey } from './seed-parts.js';

/**
 * Validates a piece of knowledge sent through the API (`upsertKnowledge`)
 * exactly like a graph-seed/ folder: each entry against its schema, then
 * every link against the nodes and sources of the graph it will join
 * (`existing` plus the piece itself). Throws a SeedError listing every
 * problem by list, index and field; returns the piece with defaults filled.
 *
 * @example validateKnowledgePart({ causes: [...], suggests: [...] }, await store.readKnowledge())
 */
export function validateKnowledgePart(raw: unknown, existing: KnowledgeSeed): KnowledgeSeed {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new SeedError([`expected an object with any of: ${SEED_PARTS.join(', ')}`]);
  const input = raw as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(input))
    if (!SEED_PARTS.includes(key as SeedPart))
      problems.push(`'${key}': unknown list (expected ${SEED_PARTS.join(', ')})`);
  const part = emptySeed();
  for (const name of SEED_PARTS) {
    const list = input[name];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push(`${name}: expected a list`);
      continue;
    }
    list.forEach((entry, i) => {
      const parsed = SEED_PART_SCHEMAS[name].safeParse(entry);
      if (parsed.success) (part[name] as unknown[]).push(parsed.data);
      else
        for (const issue of parsed.error.issues)
          problems.push(`${name}[${i}]: field '${issue.path.join('.')}': ${issue.message}`);
    });
  }
  if (problems.length === 0) {
    const merged = emptySeed();
    for (const name of SEED_PARTS) {
      const byKey = new Map<string, unknown>();
      for (const e of [...existing[name], ...part[name]]) byKey.set(seedEntryKey(name, e), e);
      (merged as Record<string, unknown[]>)[name] = [...byKey.values()];
    }
    const added = new Set(SEED_PARTS.flatMap((name) => part[name].map((e) => seedEntryKey(name, e))));
    // Only the links this piece brings (or whose ends it touches) can have broken.
    for (const p of checkSeedIntegrity(merged)) {
      const link = /link '([^']+)'/.exec(p)?.[1];
      if (!link || added.has(link)) problems.push(p.replace(/^links\/(suggests|fixed-by)\.yaml: /, ''));
    }
  }
  if (problems.length) throw new SeedError(problems);
  return part;
}
