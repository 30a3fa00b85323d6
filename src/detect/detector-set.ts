import type { RunEvent, SymptomOccurrence, TraceEvent } from '../domain/index.js';
import { decodeLine, encodeEvent } from '../trace/index.js';
import type { Detector, DetectorFamily, Signal } from './detector.js';
import { createDetectorCache, type DetectorCache, type SavedState } from './detector-cache.js';
import { createModelView } from './model-view.js';
import { observableSymptoms } from './observability.js';
import type { ProfileValues } from './profile.js';
import { missingSignals, noteSignals } from './signals.js';

export interface DetectorSet {
  /** Feeds the next event of the run (after its `run` event). */
  feed(event: TraceEvent): void;
  /** Ends the run if no `end` event came (end of a trace file): end-of-run rules run once. */
  finish(): void;
  /** Every occurrence so far, by first step. */
  occurrences(): SymptomOccurrence[];
  /** Occurrences created or updated since the last call (what a batch must persist). */
  takeChanged(): SymptomOccurrence[];
  /** Signals some family reads that the run never carried (and nothing stands in for). */
  missingSignals(): Signal[];
  /** Symptoms the run could have shown so far (for negative evidence; see observability.ts). */
  observableSymptoms(): string[];
  /** The whole state as a JSON string (non-finite numbers kept). */
  save(): string;
  /** Names of the layers whose stats the run's steps carried so far (what the ingestor caps). */
  layerNames(): ReadonlySet<string>;
  /** Adds layer names the next events carry (the ingestor checks them against its cap first). */
  addLayerNames(names: Iterable<string>): void;
  /**
   * Starts the next ingest batch on this live set: from here it behaves exactly
   * as a set created from `save()` would (the layer rescan counter restarts),
   * so keeping a set between batches gives the same results as resuming one.
   */
  startBatch(): void;
}

/**
 * Runs every detector family over one run. Pass `saved` (from `save()`) to
 * resume exactly where another process stopped.
 *
 * @example const set = createDetectorSet({ run, profile: profile.values, families: ALL_FAMILIES });
 */
export function createDetectorSet(options: {
  run: RunEvent;
  profile: ProfileValues;
  // biome-ignore lint/suspicious/noExplicitAny: families differ in state and threshold types
  families: readonly DetectorFamily<any, any>[];
  saved?: string;
  /** Parsed profile sections and saved states to share between sets (one per traindx); default: none shared. */
  cache?: DetectorCache;
}): DetectorSet {
  const { run, families } = options;
  const cache = options.cache ?? createDetectorCache();
  // Shared and read-only (memoised by content): a diagnosis reads only signals,
  // `ended` and occurrences, so it neither re-parses the state nor builds detectors.
  const saved = options.saved ? cache.saved(options.saved) : undefined;
  const model = createModelView(run);
  const occurrences = new Map<string, SymptomOccurrence>(
    (saved ? structuredClone(saved.occurrences) : []).map((o) => [key(o), o] as const),
  );
  const changed = new Map<string, SymptomOccurrence>();
  const signals = new Set<Signal>(saved?.signals ?? []);
  const layerNames = new Set<string>(saved?.layers ?? []);
  let states: Record<string, object> = {};
  let ended = saved?.ended ?? false;
  let layerScans = 0;

  const emit = (o: SymptomOccurrence) => {
    const k = key(o);
    occurrences.set(k, o);
    changed.set(k, o);
  };

  // Thresholds are checked now, so a bad profile fails here as before.
  const contexts = families.map((family) => ({
    run,
    model,
    thresholds: cache.section(family, options.profile),
  }));
  let built: Detector[] | undefined;
  // Detectors mutate their state in place: they get a private copy, decoded when first fed.
  const detectors = (): Detector[] => {
    if (built) return built;
    const own = options.saved ? (decodeLine(options.saved, { event: 0 }) as SavedState) : undefined;
    states = {};
    built = families.map((family, i) => {
      const ctx = contexts[i]!;
      const state = own?.families[family.name] ?? family.initialState(ctx);
      states[family.name] = state;
      return family.create(ctx, state, emit);
    });
    return built;
  };
  if (!saved) {
    detectors();
    noteSignals(run, signals);
  }

  const end = (e: Extract<TraceEvent, { type: 'end' }> | undefined) => {
    if (ended) return;
    ended = true;
    for (const d of detectors()) d.onEnd?.(e);
  };

  return {
    feed(event) {
      // Presence of layer signals is settled after a few readings; rescan now and then for late arrivals.
      const scanLayers = event.type !== 'step' || !event.layers || layerScans++ < 20 || layerScans % 64 === 0;
      noteSignals(event, signals, scanLayers);
      switch (event.type) {
        case 'step':
          for (const d of detectors()) d.onStep?.(event);
          return;
        case 'epoch':
          for (const d of detectors()) d.onEpoch?.(event);
          return;
        case 'eval':
          for (const d of detectors()) d.onEval?.(event);
          return;
        case 'end':
          end(event);
          return;
        default:
          return;
      }
    },
    finish: () => end(undefined),
    occurrences: () =>
      [...occurrences.values()].sort(
        (a, b) => a.firstStep - b.firstStep || a.symptomId.localeCompare(b.symptomId),
      ),
    takeChanged() {
      const out = [...changed.values()];
      changed.clear();
      return out;
    },
    missingSignals() {
      return missingSignals(
        families.flatMap((f) => f.signals as Signal[]),
        signals,
        model,
      );
    },
    observableSymptoms: () =>
      observableSymptoms(signals, ended, new Set([...occurrences.values()].map((o) => o.symptomId))),
    save() {
      // Built first, so a family the saved state lacks is saved with its initial state, as before.
      detectors();
      // Every batch saves the whole state. The same text as encodeEvent of the
      // SavedState object, written family by family: a family still holding a
      // NaN sentinel (an early level not yet known) then costs encodeEvent's
      // slow replacer path only for its own few hundred bytes.
      let families = '';
      for (const name in states) {
        families += `${families ? ',' : ''}${JSON.stringify(name)}:${encodeEvent(states[name])}`;
      }
      const occurrenceList: SavedState['occurrences'] = [...occurrences.values()];
      const signalList: SavedState['signals'] = [...signals].sort();
      return `{"v":1,"families":{${families}},"occurrences":${encodeEvent(occurrenceList)},"signals":${JSON.stringify(signalList)},"ended":${JSON.stringify(ended)},"layers":${JSON.stringify([...layerNames])}}`;
    },
    layerNames: () => layerNames,
    addLayerNames(names) {
      for (const n of names) layerNames.add(n);
    },
    startBatch() {
      layerScans = 0;
    },
  };
}

const key = (o: SymptomOccurrence) => `${o.symptomId}|${o.layer ?? ''}|${o.firstStep}`;

/**
 * What a diagnosis reads of a run's saved detector state, without building
 * its detectors: the signals it never carried and the symptoms it could have
 * shown. A run with no saved state yet is judged by its `run` event alone.
 *
 * @example const { missingSignals, observableSymptoms } = readSavedSignals({ run, saved, families: ALL_FAMILIES });
 */
export function readSavedSignals(options: {
  run: RunEvent;
  saved?: string;
  // biome-ignore lint/suspicious/noExplicitAny: see createDetectorSet
  families: readonly DetectorFamily<any, any>[];
  cache?: DetectorCache;
}): { missingSignals: Signal[]; observableSymptoms: string[] } {
  const state = options.saved ? (options.cache ?? createDetectorCache()).saved(options.saved) : undefined;
  const signals = new Set<Signal>(state?.signals ?? []);
  if (!state) noteSignals(options.run, signals);
  const shown = new Set((state?.occurrences ?? []).map((o) => o.symptomId));
  return {
    missingSignals: missingSignals(
      options.families.flatMap((f) => f.signals as Signal[]),
      signals,
      createModelView(options.run),
    ),
    observableSymptoms: observableSymptoms(signals, state?.ended ?? false, shown),
  };
}
