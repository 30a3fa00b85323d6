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
  /** Serialised detector state after the last batch (JSON), so another process can resume. */
  detectorState: z.string().optional(),
});
export type StoredRun = z.infer<typeof StoredRun>;

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
