import type { RunEvent, SymptomOccurrence, TraceEvent } from '../domain/index.js';
import { decodeLine, encodeEvent } from '../trace/index.js';
import type { Detector, DetectorFamily, Signal } from './detector.js';
import { createModelView } from './model-view.js';
import { observableSymptoms } from './observability.js';
import { ProfileError, type ProfileValues } from './profile.js';
import { missingSignals, noteSignals } from './signals.js';

/** Everything needed to resume a run's detectors in another process. */
interface SavedState {
  v: 1;
  families: Record<string, object>;
  occurrences: SymptomOccurrence[];
  signals: Signal[];
  ended: boolean;
}

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
}): DetectorSet {
  const { run, families } = options;
  const saved = options.saved ? (decodeLine(options.saved, { event: 0 }) as SavedState) : undefined;
  const model = createModelView(run);
  const occurrences = new Map<string, SymptomOccurrence>(
    (saved?.occurrences ?? []).map((o) => [key(o), o] as const),
  );
  const changed = new Map<string, SymptomOccurrence>();
  const signals = new Set<Signal>(saved?.signals ?? []);
  const states: Record<string, object> = {};
  let ended = saved?.ended ?? false;
  let layerScans = 0;

  const emit = (o: SymptomOccurrence) => {
    const k = key(o);
    occurrences.set(k, o);
    changed.set(k, o);
  };

  const detectors: Detector[] = families.map((family) => {
    const thresholds = parseSection(family, options.profile);
    const ctx = { run, model, thresholds };
    const state = saved?.families[family.name] ?? family.initialState(ctx);
    states[family.name] = state;
    return family.create(ctx, state, emit);
  });
  if (!saved) noteSignals(run, signals);

  const end = (e: Extract<TraceEvent, { type: 'end' }> | undefined) => {
    if (ended) return;
    ended = true;
    for (const d of detectors) d.onEnd?.(e);
  };

  return {
    feed(event) {
      // Presence of layer signals is settled after a few readings; rescan now and then for late arrivals.
      const scanLayers = event.type !== 'step' || !event.layers || layerScans++ < 20 || layerScans % 64 === 0;
      noteSignals(event, signals, scanLayers);
      switch (event.type) {
        case 'step':
          for (const d of detectors) d.onStep?.(event);
          return;
        case 'epoch':
          for (const d of detectors) d.onEpoch?.(event);
          return;
        case 'eval':
          for (const d of detectors) d.onEval?.(event);
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
    save: () =>
      encodeEvent({
        v: 1,
        families: states,
        occurrences: [...occurrences.values()],
        signals: [...signals].sort(),
        ended,
      } satisfies SavedState),
  };
}

const key = (o: SymptomOccurrence) => `${o.symptomId}|${o.layer ?? ''}|${o.firstStep}`;

// biome-ignore lint/suspicious/noExplicitAny: see createDetectorSet
function parseSection(family: DetectorFamily<any, any>, profile: ProfileValues): unknown {
  const result = family.thresholds.safeParse(profile[family.name] ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ProfileError(
      `profile section '${family.name}', threshold '${issue.path.join('.')}': ${issue.message}`,
    );
  }
  return result.data;
}
