import { seedDir } from '../config/index.js';
import type { KnowledgeSeed } from '../domain/index.js';
import { InputError } from '../errors/index.js';
import type { GraphStore, KnowledgeRef, KnowledgeTag } from '../store/index.js';
import { loadSeed } from './load-seed.js';
import { changedFields, sameEntry } from './same-entry.js';
import { emptySeed, SEED_PARTS, type SeedPart, seedEntryKey } from './seed-parts.js';
import { validateKnowledgePart } from './validate-part.js';

/** One entry where the graph differs from the shipped seed because a team changed or added it. */
export interface KnowledgeChange {
  /** `part:key`, what revertKnowledge takes: `fixedBy:exploding_gradients->clip_gradients`. */
  id: string;
  part: SeedPart;
  key: string;
  /** `changed`: the seed has the entry too; `added`: only the team has it. */
  kind: 'changed' | 'added';
  /** The entry as graph-seed/ ships it; null when added. */
  seed: Record<string, unknown> | null;
  /** The entry as the graph holds it (null if it is gone). */
  team: Record<string, unknown> | null;
  /** The fields whose values differ from the seed's (all of them when added). */
  fields: string[];
  /** The token that changed it (null: auth was off). */
  by: string | null;
  at: string;
}

/** The seed traindx ships (graph-seed/), read afresh: what a team's changes are compared with. */
export const loadShippedSeed = (): Promise<KnowledgeSeed> => loadSeed([seedDir()]);

const changeId = (r: KnowledgeRef) => `${r.part}:${r.key}`;
const byKey = (seed: KnowledgeSeed, part: SeedPart) =>
  new Map((seed[part] as unknown[]).map((e) => [seedEntryKey(part, e), e as Record<string, unknown>]));

/**
 * A team's edit (the API's upsertKnowledge): validated like graph-seed/,
 * then written with each entry marked as the team's, by `by` now, so no
 * restart or reseed writes over it. An entry sent exactly as the seed has it
 * is the seed's again (its mark goes).
 *
 * @example await upsertTeamKnowledge(store, { suggests: [{ ...link, weight: 0.2 }] }, 'ops', loadShippedSeed);
 */
export async function upsertTeamKnowledge(
  store: GraphStore,
  raw: unknown,
  by: string | null,
  shippedSeed: () => Promise<KnowledgeSeed>,
): Promise<void> {
  const part = validateKnowledgePart(raw, await store.readKnowledge());
  // Read only for a valid piece: reading graph-seed/ costs far more than refusing a bad one.
  const seed = await shippedSeed();
  const tag: KnowledgeRef[] = [];
  const untag: KnowledgeRef[] = [];
  for (const name of SEED_PARTS) {
    const shipped = byKey(seed, name);
    for (const entry of part[name] as unknown[]) {
      const ref = { part: name, key: seedEntryKey(name, entry) };
      const own = shipped.get(ref.key);
      (own && sameEntry(name, own, entry) ? untag : tag).push(ref);
    }
  }
  await store.upsertKnowledge(part, { by, at: new Date().toISOString(), tag, untag });
}

/**
 * Where the graph differs from the shipped seed because of a team: each
 * marked entry with the seed's value and the team's, who and when.
 *
 * @example const changes = await listKnowledgeChanges(store, await loadShippedSeed());
 */
export async function listKnowledgeChanges(
  store: GraphStore,
  seed: KnowledgeSeed,
): Promise<KnowledgeChange[]> {
  const [tags, current] = await Promise.all([store.readKnowledgeTags(), store.readKnowledge()]);
  return describe(tags, current, seed);
}

function describe(tags: KnowledgeTag[], current: KnowledgeSeed, seed: KnowledgeSeed): KnowledgeChange[] {
  const maps = new Map<
    SeedPart,
    { seed: Map<string, Record<string, unknown>>; team: Map<string, Record<string, unknown>> }
  >();
  for (const part of SEED_PARTS) maps.set(part, { seed: byKey(seed, part), team: byKey(current, part) });
  return tags.map((t) => {
    const m = maps.get(t.part)!;
    const own = m.seed.get(t.key) ?? null;
    const team = m.team.get(t.key) ?? null;
    return {
      id: changeId(t),
      part: t.part,
      key: t.key,
      kind: own ? 'changed' : 'added',
      seed: own,
      team,
      fields: changedFields(t.part, own ?? {}, team ?? {}),
      by: t.by,
      at: t.at,
    };
  });
}

/**
 * Puts entries back as the shipped seed has them, by change id (`part:key`,
 * as listKnowledgeChanges names them): a changed entry gets the seed's value
 * (learned outcome counts kept), an added one is removed (a node with its
 * links, whose own marks go too). An id that is not a change is refused,
 * naming it, before anything is written. Returns the changes reverted.
 *
 * @example await revertKnowledgeChanges(store, ['suggests:loss_nan->learning_rate_too_high'], await loadShippedSeed());
 */
export async function revertKnowledgeChanges(
  store: GraphStore,
  ids: string[],
  seed: KnowledgeSeed,
): Promise<KnowledgeChange[]> {
  const changes = await listKnowledgeChanges(store, seed);
  const byId = new Map(changes.map((c) => [c.id, c]));
  const unknown = [...new Set(ids)].filter((id) => !byId.has(id));
  if (unknown.length)
    throw new InputError(
      `Not a change from the shipped seed: ${unknown.map((id) => `'${id}'`).join(', ')} (knowledgeChanges lists them, as part:key).`,
      'UNKNOWN_KNOWLEDGE_CHANGE',
    );
  const chosen = [...new Set(ids)].map((id) => byId.get(id)!);
  const restore = emptySeed();
  const remove = emptySeed();
  for (const c of chosen) {
    if (c.kind === 'changed') (restore[c.part] as unknown[]).push(c.seed);
    else if (c.team) (remove[c.part] as unknown[]).push(c.team);
  }
  // A removed node takes the links at it along: their marks go with them.
  const gone = new Set([...remove.symptoms, ...remove.causes, ...remove.remedies].map((n) => n.id));
  const swept = changes.filter((c) => {
    const t = c.team as { symptom?: string; cause?: string; remedy?: string } | null;
    return (
      (c.part === 'suggests' || c.part === 'fixedBy') &&
      t &&
      [t.symptom, t.cause, t.remedy].some((id) => id && gone.has(id))
    );
  });
  const untag = [...new Map([...chosen, ...swept].map((c) => [c.id, { part: c.part, key: c.key }])).values()];
  await store.revertKnowledge(restore, remove, untag);
  return chosen;
}
