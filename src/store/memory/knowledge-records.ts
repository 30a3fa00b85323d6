import type { KnowledgeSeed } from '../../domain/index.js';
import type { GraphStore, KnowledgeChangeWrite, KnowledgeRef, KnowledgeTag } from '../graph-store.js';
import { checkKnowledgeLimits } from '../limits.js';
import { emptyKnowledge, knowledgeAround, removeFrom, upsertInto } from './knowledge-maps.js';

/**
 * The journal records of the knowledge graph: an upsert (a team's edit
 * carries its marks, a seed's none) and a revert to the seed. Journals
 * written before marks existed hold `knowledge` records without `change`.
 */
export type KnowledgeRecord =
  | { op: 'knowledge'; part: KnowledgeSeed; change?: KnowledgeChangeWrite }
  | { op: 'knowledge-revert'; restore: KnowledgeSeed; remove: KnowledgeSeed; untag: KnowledgeRef[] };

type KnowledgeMethods = Pick<
  GraphStore,
  | 'readKnowledge'
  | 'upsertKnowledge'
  | 'countKnowledge'
  | 'knowledgeAround'
  | 'readKnowledgeTags'
  | 'revertKnowledge'
>;

export const isKnowledgeRecord = (record: { op: string }): record is KnowledgeRecord =>
  record.op === 'knowledge' || record.op === 'knowledge-revert';

// JSON, so no key can contain the separator.
const tagKey = (r: KnowledgeRef) => JSON.stringify([r.part, r.key]);

/**
 * The memory store's knowledge graph and the team's marks on it: maps that
 * `apply` changes from journal records, so both survive a restart.
 *
 * @example const k = createKnowledgeRecords(); k.apply({ op: 'knowledge', part });
 */
export function createKnowledgeRecords() {
  const maps = emptyKnowledge();
  const tags = new Map<string, KnowledgeTag>();

  const apply = (record: KnowledgeRecord): boolean => {
    if (record.op === 'knowledge') {
      upsertInto(maps, record.part);
      const change = record.change;
      if (change) {
        for (const r of change.untag) tags.delete(tagKey(r));
        for (const r of change.tag)
          tags.set(tagKey(r), { part: r.part, key: r.key, by: change.by, at: change.at });
      }
      return true;
    }
    removeFrom(maps, record.remove);
    upsertInto(maps, record.restore);
    for (const r of record.untag) tags.delete(tagKey(r));
    return true;
  };

  const methods = (write: (record: KnowledgeRecord) => Promise<boolean>): KnowledgeMethods => ({
    readKnowledge: async () => structuredClone(maps.seed()),
    upsertKnowledge: async (part, change) => {
      checkKnowledgeLimits(part);
      await write(change ? { op: 'knowledge', part, change } : { op: 'knowledge', part });
    },
    countKnowledge: async () => maps.counts(),
    knowledgeAround: async (ids) => structuredClone(knowledgeAround(maps, ids)),
    readKnowledgeTags: async () =>
      [...tags.values()]
        .map((t) => ({ ...t }))
        .sort((a, b) => compare(a.part, b.part) || compare(a.key, b.key)),
    revertKnowledge: async (restore, remove, untag) => {
      checkKnowledgeLimits(restore);
      await write({ op: 'knowledge-revert', restore, remove, untag });
    },
  });

  return { maps, apply, methods };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
