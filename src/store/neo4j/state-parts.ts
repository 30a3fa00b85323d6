import type { SavedDetectorState, StateDelta } from '../../domain/index.js';
import * as Q from './queries.js';
import { int } from './rows.js';

type Run = (
  query: string,
  params: Record<string, unknown>,
) => Promise<{ records: { get(k: string): unknown }[] }>;

/**
 * Writes a batch's detector state delta inside its transaction: the parts it
 * changed become or update StatePart nodes, the parts it removed go. `batch`
 * is the run's batch count before this batch (the order of new parts).
 */
export async function writeStateDelta(
  run: Run,
  runId: string,
  batch: number,
  delta: StateDelta,
): Promise<void> {
  if (delta.reset) await run(Q.CLEAR_STATE_PARTS, { runId });
  await run(Q.WRITE_STATE_DELTA, {
    runId,
    batch: int(batch),
    del: delta.del,
    set: delta.set.map(([key, text], i) => ({ key, text, i: int(i) })),
  });
}

/** The run's saved detector state (see GraphStore.readDetectorState); null for an unknown run. */
export async function readStateParts(
  run: Run,
  runId: string,
  keys: readonly string[] | undefined,
): Promise<SavedDetectorState | null> {
  const { records } = await run(Q.READ_STATE, { runId, keys: keys ?? null });
  const row = records[0];
  if (!row) return null;
  const base = row.get('base') as string | null;
  const parts = row.get('parts') as [string, string][];
  return base !== null ? { base, parts: [] } : { parts };
}
