import {
  ALL_FAMILIES,
  type DetectorCache,
  type ProfileValues,
  readSavedSignals,
  SIGNAL_PART_KEYS,
} from '../detect/index.js';
import type { Diagnosis, KnowledgeSeed, RunEvent } from '../domain/index.js';
import type { GraphStore } from '../store/index.js';
import { diagnoseRun } from './diagnose-run.js';

export interface DiagnoseStoredDeps {
  store: GraphStore;
  profileFor(run: RunEvent): Promise<{ name: string; values: ProfileValues }>;
  /** The knowledge graph; defaults to reading it from the store (pass a cached copy on hot paths). */
  knowledge?(): Promise<KnowledgeSeed>;
  /** Decoded saved states shared with the ingestor (one per traindx); default: none shared. */
  detectorCache?: DetectorCache;
}

/**
 * The diagnosis of a run as the store holds it: its occurrences, and what its
 * saved detector state says about signals (missing ones, and which absent
 * symptoms count against a cause). The one path behind GraphQL
 * `run { diagnosis }`, `traindx diagnose` and reports.
 *
 * @example const d = await diagnoseStoredRun({ store, profileFor }, 'run-1');
 */
export async function diagnoseStoredRun(deps: DiagnoseStoredDeps, runId: string): Promise<Diagnosis | null> {
  const stored = await deps.store.getRun(runId);
  if (!stored) return null;
  const [profile, occurrences, knowledge, saved] = await Promise.all([
    deps.profileFor(stored.run),
    deps.store.readOccurrences(runId),
    deps.knowledge ? deps.knowledge() : deps.store.readKnowledge(),
    // Only the parts the two questions below need, never the run's whole state.
    stored.batchCount > 0 ? deps.store.readDetectorState(runId, SIGNAL_PART_KEYS) : null,
  ]);
  // Two questions to the saved state, answered without building the run's detectors.
  const signals = readSavedSignals({
    run: stored.run,
    saved: saved ?? undefined,
    occurrences,
    families: ALL_FAMILIES,
    cache: deps.detectorCache,
  });
  return diagnoseRun({
    run: stored.run,
    progress: {
      eventCount: stored.eventCount,
      lastStep: stored.lastStep,
      status: stored.status,
      profile: profile.name,
    },
    occurrences,
    missingSignals: signals.missingSignals,
    observable: signals.observableSymptoms,
    knowledge,
  });
}
