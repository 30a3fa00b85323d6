import type { QueryResult } from 'neo4j-driver';
import type { Outcome } from '../../domain/index.js';
import type { OutcomeKey, OutcomeRecord } from '../graph-store.js';
import * as Q from './queries.js';

type Run = (query: string, params: Record<string, unknown>) => Promise<QueryResult>;

/**
 * Inside one write transaction: stores the outcome, then (only if it is new)
 * counts it on its FIXED_BY links and links the runs, so a repeated outcome
 * changes nothing and a failed transaction leaves neither half.
 *
 * @example await session.executeWrite((tx) => writeOutcome((q, p) => tx.run(q, p), outcome));
 */
export async function writeOutcome(
  run: Run,
  outcome: Outcome,
): Promise<{ recorded: boolean; updatedLinks: number }> {
  const { runId, parentRunId, remedyId, success } = outcome;
  const merged = await run(Q.MERGE_OUTCOME, {
    runId,
    parentRunId,
    remedyId,
    causeIds: outcome.causeIds,
    success,
    note: outcome.note ?? null,
    contextFamily: outcome.context?.family ?? null,
    contextOptimizer: outcome.context?.optimizer ?? null,
    contextSymptoms: outcome.context?.symptoms ?? null,
  });
  if (merged.records[0]?.get('created') !== true) return { recorded: false, updatedLinks: 0 };
  // A cause named twice counts once.
  const causeIds = [...new Set(outcome.causeIds)];
  const counted = await run(Q.COUNT_OUTCOME_ON_LINKS, { remedyId, causeIds, success });
  await run(Q.LINK_OUTCOME, { runId, parentRunId, remedyId, success });
  return { recorded: true, updatedLinks: counted.records[0]!.get('updatedLinks') as number };
}

/**
 * Inside one write transaction: marks the outcome discarded and takes its
 * count off its FIXED_BY links; false when it is unknown or discarded already.
 *
 * @example await session.executeWrite((tx) => discardOutcome((q, p) => tx.run(q, p), key, 'ops', at));
 */
export async function discardOutcome(
  run: Run,
  key: OutcomeKey,
  by: string | null,
  at: string,
): Promise<boolean> {
  const marked = await run(Q.DISCARD_OUTCOME, { runId: key.runId, remedyId: key.remedyId, by, at });
  const row = marked.records[0];
  if (!row) return false;
  const causeIds = [...new Set(row.get('causeIds') as string[])];
  await run(Q.UNCOUNT_OUTCOME_ON_LINKS, { causeIds, remedyId: key.remedyId, success: row.get('success') });
  return true;
}

/** A LIST_OUTCOME_RECORDS row as an OutcomeRecord (no note stays absent, as in listOutcomes). */
export function outcomeRecordFrom(o: Record<string, unknown>): OutcomeRecord {
  const { recordedAtMs, recordedBy, discardedBy, discardedAt, note, context, ...rest } = o;
  return {
    ...(rest as unknown as Outcome),
    ...(note != null ? { note: note as string } : {}),
    ...(context != null ? { context: context as Outcome['context'] } : {}),
    recordedBy: (recordedBy as string | null) ?? null,
    recordedAt: recordedAtMs == null ? null : new Date(recordedAtMs as number).toISOString(),
    discarded: discardedAt != null,
    discardedBy: (discardedBy as string | null) ?? null,
    discardedAt: (discardedAt as string | null) ?? null,
  };
}
