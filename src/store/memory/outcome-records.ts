import { Outcome } from '../../domain/index.js';
import type { GraphStore, OutcomeKey, OutcomeRecord } from '../graph-store.js';
import { checkOutcomeLimits } from '../limits.js';
import { countOutcome, type KnowledgeMaps, outcomeLinkKeys, uncountOutcome } from './knowledge-maps.js';

/**
 * The journal records of outcomes: one recorded (with the token that owned
 * its run; journals written before provenance was kept have neither `by` nor
 * `at`), and one discarded by an admin.
 */
export type OutcomeJournalRecord =
  | { op: 'outcome'; outcome: Outcome; by?: string | null; at?: string }
  | { op: 'discard'; runId: string; remedyId: string; by: string | null; at: string };

type OutcomeMethods = Pick<
  GraphStore,
  'recordOutcome' | 'listOutcomes' | 'listOutcomeRecords' | 'discardOutcomes'
>;

export const isOutcomeRecord = (record: { op: string }): record is OutcomeJournalRecord =>
  record.op === 'outcome' || record.op === 'discard';

// The idempotency key of an outcome; JSON so no id can contain the separator.
const outcomeKey = (o: OutcomeKey) => JSON.stringify([o.runId, o.remedyId]);

/**
 * The memory store's outcomes: each counted on the graph's FIXED_BY links
 * when recorded and taken off them when discarded, from journal records, so
 * a restart replays both.
 *
 * @example const outcomes = createOutcomeRecords(knowledge); outcomes.apply({ op: 'outcome', outcome });
 */
export function createOutcomeRecords(knowledge: KnowledgeMaps) {
  const records = new Map<string, OutcomeRecord>();

  const apply = (record: OutcomeJournalRecord): boolean => {
    if (record.op === 'outcome') {
      const key = outcomeKey(record.outcome);
      if (records.has(key)) return false;
      records.set(key, {
        ...record.outcome,
        recordedBy: record.by ?? null,
        recordedAt: record.at ?? null,
        discarded: false,
        discardedBy: null,
        discardedAt: null,
      });
      countOutcome(knowledge, record.outcome);
      return true;
    }
    const r = records.get(outcomeKey(record));
    if (!r || r.discarded) return false;
    records.set(outcomeKey(record), {
      ...r,
      discarded: true,
      discardedBy: record.by,
      discardedAt: record.at,
    });
    uncountOutcome(knowledge, r);
    return true;
  };

  const list = (filter: { remedyId?: string; parentRunId?: string }) =>
    [...records.values()]
      .filter((o) => filter.remedyId === undefined || o.remedyId === filter.remedyId)
      .filter((o) => filter.parentRunId === undefined || o.parentRunId === filter.parentRunId)
      .sort(
        (a, b) =>
          compare(a.parentRunId, b.parentRunId) ||
          compare(a.runId, b.runId) ||
          compare(a.remedyId, b.remedyId),
      );

  /** `owner` answers which token owns a run (the store's run claims). */
  const methods = (
    write: (record: OutcomeJournalRecord) => Promise<boolean>,
    owner: (runId: string) => Promise<string | null>,
  ): OutcomeMethods => ({
    recordOutcome: async (outcome) => {
      const parsed = Outcome.parse(outcome);
      checkOutcomeLimits(parsed);
      const by = await owner(parsed.runId);
      // Counted now, in the same tick as write() applies the record, so nothing can come between.
      const updatedLinks = outcomeLinkKeys(knowledge, parsed).length;
      const recorded = await write({ op: 'outcome', outcome: parsed, by, at: new Date().toISOString() });
      return { recorded, updatedLinks: recorded ? updatedLinks : 0 };
    },
    listOutcomes: async (filter = {}) =>
      list(filter)
        .filter((o) => !o.discarded)
        .map(({ recordedBy: _r, recordedAt: _a, discarded: _d, discardedBy: _b, discardedAt: _t, ...o }) =>
          structuredClone(o),
        ),
    listOutcomeRecords: async (filter = {}) => structuredClone(list(filter)),
    discardOutcomes: async (keys, by, at) => {
      const done: OutcomeKey[] = [];
      for (const { runId, remedyId } of keys)
        if (await write({ op: 'discard', runId, remedyId, by, at })) done.push({ runId, remedyId });
      return done;
    },
  });

  return { apply, methods };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
