import type { QueryResult } from 'neo4j-driver';
import type { Outcome } from '../../domain/index.js';
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
  });
  if (merged.records[0]?.get('created') !== true) return { recorded: false, updatedLinks: 0 };
  // A cause named twice counts once.
  const causeIds = [...new Set(outcome.causeIds)];
  const counted = await run(Q.COUNT_OUTCOME_ON_LINKS, { remedyId, causeIds, success });
  await run(Q.LINK_OUTCOME, { runId, parentRunId, remedyId, success });
  return { recorded: true, updatedLinks: counted.records[0]!.get('updatedLinks') as number };
}
