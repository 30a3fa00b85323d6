import { z } from 'zod';
import { Count } from './numbers.js';
import { RunEvent } from './trace-events.js';

/** A run as the store holds it: its `run` event and how far its ingest is. */
export const StoredRun = z.object({
  run: RunEvent,
  status: z.string().optional(),
  lastStep: Count.optional(),
  eventCount: Count,
  batchCount: Count,
  /**
   * The detector state as one JSON text, as stores kept it with every batch
   * before it was saved in parts (see DetectorStateDelta); runs ingested since
   * have their state in parts and none here.
   */
  detectorState: z.string().optional(),
});
export type StoredRun = z.infer<typeof StoredRun>;

/** One part of a saved detector state: its key (a JSON array path) and its JSON text. */
export const DetectorStatePart = z.tuple([z.string(), z.string()]);

/**
 * What a batch changed in its run's saved detector state: parts written
 * (new, or with another text) and parts removed. A store keeps the parts and
 * applies each batch's delta in the batch's transaction, so a batch costs
 * what it changed, not the run's whole state. `reset` drops every part (and a
 * whole state saved by an older version) first: the delta then holds them all.
 */
export const StateDelta = z.object({
  reset: z.boolean().optional(),
  set: z.array(DetectorStatePart),
  del: z.array(z.string()),
});
export type StateDelta = z.infer<typeof StateDelta>;

/** A run's saved detector state as a store returns it: an older whole state, if any, then the parts over it. */
export const SavedDetectorState = z.object({
  base: z.string().optional(),
  parts: z.array(DetectorStatePart),
});
export type SavedDetectorState = z.infer<typeof SavedDetectorState>;

/** One line of the list of runs. */
export const RunSummary = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  status: z.string().optional(),
  lastStep: Count.optional(),
  eventCount: Count,
  batchCount: Count,
  /** Distinct ids of the symptoms the run's occurrences are of, sorted. */
  symptomIds: z.array(z.string()),
  /** As the run's `run` event gave it. */
  parentRunId: z.string().optional(),
  /** As the run's `run` event gave it (outcomes recorded later are listed apart). */
  appliedRemedies: z.array(z.string()).optional(),
  /** As the run's `run` event gave it. */
  tags: z.record(z.string(), z.string()).optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;
