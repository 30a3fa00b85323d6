import type { SavedDetectorState } from '../../domain/index.js';
import type { StoredBatch } from '../graph-store.js';

/** A run's detector state as the memory store keeps it: a whole state from an older version, or parts. */
export interface RunStateParts {
  detectorState?: string;
  /** Part key → JSON text, in the order each key was first written (see detect's state-parts). */
  stateParts: Map<string, string>;
}

/**
 * Applies a batch's state to its run, on write and on replay alike: a whole
 * state (journals written before deltas) replaces the parts; a delta removes
 * the whole state and writes and removes parts. Replaying a journal thus
 * costs what its batches changed, not their whole states.
 */
export function applyBatchState(run: RunStateParts, batch: StoredBatch): void {
  if (batch.detectorState !== undefined) {
    run.detectorState = batch.detectorState;
    run.stateParts.clear();
  }
  const delta = batch.stateDelta;
  if (!delta) return;
  delete run.detectorState;
  if (delta.reset) run.stateParts.clear();
  for (const key of delta.del) run.stateParts.delete(key);
  for (const [key, text] of delta.set) run.stateParts.set(key, text);
}

/** The saved state for readDetectorState: the whole state if any, else the parts (of `keys` only, when given). */
export function readStateParts(run: RunStateParts, keys?: readonly string[]): SavedDetectorState {
  if (run.detectorState !== undefined) return { base: run.detectorState, parts: [] };
  if (!keys) return { parts: [...run.stateParts] };
  const parts: [string, string][] = [];
  for (const key of keys) {
    const text = run.stateParts.get(key);
    if (text !== undefined) parts.push([key, text]);
  }
  return { parts };
}
