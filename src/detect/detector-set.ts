import type {
  RunEvent,
  SavedDetectorState,
  StateDelta,
  SymptomOccurrence,
  TraceEvent,
} from '../domain/index.js';
import { decodeLine, encodeEvent } from '../trace/index.js';
import { chanceFacts } from './chance-known.js';
import type { Detector, DetectorFamily, Signal } from './detector.js';
import { createDetectorCache, type DetectorCache, type SavedState } from './detector-cache.js';
import { createModelView } from './model-view.js';
import { observableSymptoms } from './observability.js';
import type { ProfileValues } from './profile.js';
import { missingSignals, noteSignals } from './signals.js';
import { joinParts, type StateParts, updateParts } from './state-parts.js';

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
  /**
   * What changed in the state, as parts (see state-parts.ts), since the set
   * was created from its saved state or since the last call: what a batch
   * stores. The first delta of a set that did not resume from parts (a new
   * run, or a whole state saved by an older version) resets and holds every part.
   */
  saveDelta(): StateDelta;
  /** Names of the layers whose stats the run's steps carried so far (what the ingestor caps). */
  layerNames(): ReadonlySet<string>;
  /** Adds layer names the next events carry (the ingestor checks them against its cap first). */
  addLayerNames(names: Iterable<string>): void;
  /** Keys of the series the run's batches stored so far (what the ingestor caps). */
  seriesKeys(): ReadonlySet<string>;
  /** Adds series keys a batch stores (the ingestor checks them against its cap first). */
  addSeriesKeys(keys: Iterable<string>): void;
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
  /** A whole state from `save()` (or kept by an older version), or the parts a store holds. */
  saved?: string | SavedDetectorState;
  /** Parsed profile sections and saved states to share between sets (one per traindx); default: none shared. */
  cache?: DetectorCache;
}): DetectorSet {
  const { run, families } = options;
  const cache = options.cache ?? createDetectorCache();
  const resumed = resumeFrom(options.saved, cache);
  const saved = resumed?.state;
  const model = createModelView(run);
  const occurrences = new Map<string, SymptomOccurrence>(
    (saved ? (resumed.own ? saved.occurrences : structuredClone(saved.occurrences)) : []).map(
      (o) => [key(o), o] as const,
    ),
  );
  const changed = new Map<string, SymptomOccurrence>();
  const signals = new Set<Signal>(saved?.signals ?? []);
  const layerNames = new Set<string>(saved?.layers ?? []);
  const seriesKeys = new Set<string>(saved?.series ?? []);
  /** The parts as the store holds them after the last batch: what saveDelta compares against. */
  const storedParts: StateParts = resumed?.parts ?? new Map();
  let resetNext = resumed?.parts === undefined;
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
    // Parts were decoded for this set alone; a shared (memoised) whole state is decoded again.
    const own =
      resumed?.own === true
        ? saved
        : resumed
          ? (decodeLine(resumed.text!, { event: 0 }) as SavedState)
          : undefined;
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
      observableSymptoms(
        signals,
        ended,
        new Set([...occurrences.values()].map((o) => o.symptomId)),
        chanceFacts(run, model),
      ),
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
      return `{"v":1,"families":{${families}},"occurrences":${encodeEvent(occurrenceList)},"signals":${JSON.stringify(signalList)},"ended":${JSON.stringify(ended)},"layers":${JSON.stringify([...layerNames])},"series":${JSON.stringify([...seriesKeys])}}`;
    },
    saveDelta() {
      detectors();
      const tree = toTree({
        families: states,
        occurrences: [...occurrences.values()],
        signals: [...signals].sort(),
        ended,
        layers: [...layerNames],
        series: [...seriesKeys],
      });
      if (resetNext) storedParts.clear();
      const delta = updateParts(storedParts, tree);
      if (resetNext) delta.reset = true;
      resetNext = false;
      return delta;
    },
    layerNames: () => layerNames,
    addLayerNames(names) {
      for (const n of names) layerNames.add(n);
    },
    seriesKeys: () => seriesKeys,
    addSeriesKeys(keys) {
      for (const k of keys) seriesKeys.add(k);
    },
    startBatch() {
      layerScans = 0;
    },
  };
}

const key = (o: SymptomOccurrence) => `${o.symptomId}|${o.layer ?? ''}|${o.firstStep}`;

/**
 * A saved state decoded: a whole one memoised by content in the cache (shared,
 * read-only; `text` to decode a private copy from), parts joined for this set
 * alone (`own`), with the parts kept to diff the next batch against.
 */
function resumeFrom(
  saved: string | SavedDetectorState | undefined,
  cache: DetectorCache,
): { state: SavedState; own: boolean; text?: string; parts?: StateParts } | undefined {
  if (!saved) return undefined;
  if (typeof saved === 'string') return { state: cache.saved(saved), own: false, text: saved };
  // A whole state is newer than any parts beside it (an older version wrote it after them; parts
  // written since would have removed it): it wins, and the next delta rewrites every part.
  if (saved.base) return { state: cache.saved(saved.base), own: false, text: saved.base };
  if (saved.parts.length === 0) return undefined;
  return { state: fromTree(joinParts(saved.parts)), own: true, parts: new Map(saved.parts) };
}

/** The tree saved as parts: lists that grow with the run become records, so each entry is a part of its own. */
function toTree(state: Omit<SavedState, 'v'>): Record<string, unknown> {
  const byName = (names: readonly string[] = []) => Object.fromEntries(names.map((n) => [n, 1]));
  return {
    families: state.families,
    occurrences: Object.fromEntries(state.occurrences.map((o) => [key(o), o])),
    signals: state.signals,
    ended: state.ended,
    layers: byName(state.layers),
    series: byName(state.series),
  };
}

function fromTree(tree: Record<string, unknown>): SavedState {
  const names = (record: unknown) => Object.keys((record as Record<string, unknown> | undefined) ?? {});
  return {
    v: 1,
    families: (tree.families ?? {}) as SavedState['families'],
    occurrences: Object.values((tree.occurrences ?? {}) as Record<string, SymptomOccurrence>),
    signals: (tree.signals ?? []) as Signal[],
    ended: tree.ended === true,
    layers: names(tree.layers),
    series: names(tree.series),
  };
}

/**
 * What a diagnosis reads of a run's saved detector state, without building
 * its detectors: the signals it never carried and the symptoms it could have
 * shown. A run with no saved state yet is judged by its `run` event alone.
 *
 * @example const { missingSignals, observableSymptoms } = readSavedSignals({ run, saved, families: ALL_FAMILIES });
 */
export function readSavedSignals(options: {
  run: RunEvent;
  /** A whole state, or the parts a store holds (its `signals` and `ended` are enough: SIGNAL_PART_KEYS). */
  saved?: string | SavedDetectorState;
  /** The run's stored occurrences, when the saved state is read in parts without its own. */
  occurrences?: readonly SymptomOccurrence[];
  // biome-ignore lint/suspicious/noExplicitAny: see createDetectorSet
  families: readonly DetectorFamily<any, any>[];
  cache?: DetectorCache;
}): { missingSignals: Signal[]; observableSymptoms: string[] } {
  const state = resumeFrom(options.saved, options.cache ?? createDetectorCache())?.state;
  const signals = new Set<Signal>(state?.signals ?? []);
  if (!state) noteSignals(options.run, signals);
  const shown = new Set(
    [...(state?.occurrences ?? []), ...(options.occurrences ?? [])].map((o) => o.symptomId),
  );
  const model = createModelView(options.run);
  return {
    missingSignals: missingSignals(
      options.families.flatMap((f) => f.signals as Signal[]),
      signals,
      model,
    ),
    observableSymptoms: observableSymptoms(
      signals,
      state?.ended ?? false,
      shown,
      chanceFacts(options.run, model),
    ),
  };
}
