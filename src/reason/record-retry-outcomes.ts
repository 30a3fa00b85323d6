import type { Outcome } from '../domain/index.js';
import { type DiagnoseStoredDeps, diagnoseStoredRun } from './diagnose-stored-run.js';
import { judgeRetry, type RetryVerdict } from './judge-retry.js';
import { outcomeContext } from './learned-effectiveness.js';

export interface RecordedOutcome extends RetryVerdict {
  remedyId: string;
  recorded: boolean;
}

/**
 * Learns from a retried run: for a run with `parentRunId`, judges each
 * remedy it applied (or the one given) against the parent's diagnosis and
 * records the outcome on the graph's FIXED_BY links (idempotent by
 * (run, remedy), so finishing a run twice counts once). A success given by
 * the caller overrides the judgement. Each outcome carries the parent's
 * context (its failure symptoms, architecture family and optimizer), which
 * later advice weighs it by. Returns [] for a run that retries nothing.
 *
 * @example await recordRetryOutcomes(deps, 'run-2') // after run-2 (retry of run-1) finished
 */
export async function recordRetryOutcomes(
  deps: DiagnoseStoredDeps,
  runId: string,
  given?: { parentRunId?: string; remedyId?: string; causeIds?: string[]; success?: boolean; note?: string },
): Promise<RecordedOutcome[]> {
  const child = await deps.store.getRun(runId);
  const parentRunId = given?.parentRunId ?? child?.run.parentRunId;
  if (!child || !parentRunId) return [];
  const remedies = given?.remedyId ? [given.remedyId] : (child.run.appliedRemedies ?? []);
  if (remedies.length === 0) return [];
  const [parentDiagnosis, childDiagnosis, knowledge, parent] = await Promise.all([
    diagnoseStoredRun(deps, parentRunId),
    diagnoseStoredRun(deps, runId),
    deps.knowledge ? deps.knowledge() : deps.store.readKnowledge(),
    deps.store.getRun(parentRunId),
  ]);
  if (!parentDiagnosis || !childDiagnosis) return [];
  const context = outcomeContext(parentDiagnosis, parent?.run);
  const out: RecordedOutcome[] = [];
  for (const remedyId of remedies) {
    const verdict = judgeRetry(parentDiagnosis, childDiagnosis, remedyId, knowledge);
    const causeIds = given?.causeIds?.length ? given.causeIds : verdict.causeIds;
    const success = given?.success ?? verdict.success;
    if (causeIds.length === 0) {
      out.push({ ...verdict, causeIds, success, remedyId, recorded: false });
      continue;
    }
    const outcome: Outcome = {
      runId,
      parentRunId,
      remedyId,
      causeIds,
      success,
      ...(given?.note ? { note: given.note } : {}),
      context,
    };
    const { recorded } = await deps.store.recordOutcome(outcome);
    out.push({ ...verdict, causeIds, success, remedyId, recorded });
  }
  return out;
}
