import { join } from 'node:path';
import { seedDir } from '../config/index.js';
import { loadProfile, type Profile } from '../detect/index.js';
import {
  type Diagnosis,
  type KnowledgeSeed,
  type Outcome,
  type RunEvent,
  Severity,
  type SymptomOccurrence,
} from '../domain/index.js';
import { createIngestor } from '../ingest/index.js';
import { loadSeed, seedStore } from '../knowledge/index.js';
import { createInProcessSink, type ReportedSymptom, type TraceSink } from '../monitor/index.js';
import {
  type DiagnoseStoredDeps,
  diagnoseStoredRun,
  type RecordedOutcome,
  recordRetryOutcomes,
  scoreCauses,
} from '../reason/index.js';
import type { GraphStore } from '../store/index.js';

/**
 * traindx inside the training process: a store (seeded with graph-seed/),
 * its ingestor fed by in-process sinks, diagnoses with the knowledge graph
 * read once and re-read after this process records an outcome, and outcome
 * recording as the API's `recordOutcome` does it.
 */
export interface EmbeddedTraindx {
  readonly store: GraphStore;
  /** A sink for one run's monitor: batches go to the ingestor, symptoms come back as alerts. */
  sink(): TraceSink;
  knowledge(): Promise<KnowledgeSeed>;
  diagnose(runId: string): Promise<Diagnosis>;
  /** Judges a retried run against its parent and counts it on the graph's FIXED_BY links. */
  recordOutcomes(
    runId: string,
    given?: { success?: boolean; note?: string; causeIds?: string[] },
  ): Promise<RecordedOutcome[]>;
  listOutcomes(): Promise<Outcome[]>;
  /** Resolves a profile name or YAML path (what a run's `tags.profile` holds). */
  profile(nameOrPath: string): Promise<Profile>;
}

/**
 * Wires an embedded traindx on a store: seeds it (idempotent, learned
 * tries/successes kept), then ingest, diagnosis and outcomes share it.
 *
 * @example const traindx = await createEmbeddedTraindx(await openMemoryStore({ dataDir: null }));
 */
export async function createEmbeddedTraindx(store: GraphStore): Promise<EmbeddedTraindx> {
  await seedStore(store, await loadSeed([seedDir()]));
  const profiles = new Map<string, Promise<Profile>>();
  const profile = (name: string) => {
    let p = profiles.get(name);
    if (!p) {
      p = loadProfile(name, join(seedDir(), 'profiles'));
      profiles.set(name, p);
    }
    return p;
  };
  const profileOf = (run: RunEvent) => profile(run.tags?.profile ?? 'default');
  let knowledge: Promise<KnowledgeSeed> = store.readKnowledge();
  // Alerts rank causes synchronously: over the graph as last read.
  let known: KnowledgeSeed = await knowledge;
  const ingest = createIngestor({ store, profileFor: async (run) => (await profileOf(run)).values });
  const deps: DiagnoseStoredDeps = {
    store,
    profileFor: async (run) => {
      const p = await profileOf(run);
      return { name: p.chain.join(' > '), values: p.values };
    },
    knowledge: () => knowledge,
  };
  return {
    store,
    sink: () =>
      createInProcessSink({
        ingest: (runId, batchId, events) => ingest(runId, batchId, events),
        rankCauses: (symptoms) => scoreCauses(symptoms.map(toOccurrence), known),
      }),
    knowledge: () => knowledge,
    async diagnose(runId) {
      const d = await diagnoseStoredRun(deps, runId);
      if (!d) throw new Error(`Run '${runId}' does not exist.`);
      return d;
    },
    async recordOutcomes(runId, given) {
      const recorded = await recordRetryOutcomes(deps, runId, given);
      if (recorded.some((r) => r.recorded)) {
        knowledge = store.readKnowledge();
        known = await knowledge;
      }
      return recorded;
    },
    listOutcomes: () => store.listOutcomes(),
    profile,
  };
}

/** An alert's symptom as the reasoner scores it. */
const toOccurrence = (s: ReportedSymptom): SymptomOccurrence => ({
  symptomId: s.id,
  firstStep: s.firstStep ?? 0,
  lastStep: s.lastStep ?? s.firstStep ?? 0,
  ...(s.layer ? { layer: s.layer } : {}),
  severity: Severity.catch('warning').parse(s.severity),
  confidence: s.confidence,
  evidence: s.evidence.length ? s.evidence : [s.id],
});
