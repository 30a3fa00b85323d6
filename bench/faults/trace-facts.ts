import type {
  EndEvent,
  EpochEvent,
  EvalEvent,
  LayerInfo,
  LayerStats,
  RunEvent,
  StepEvent,
  TraceEvent,
} from '../../src/domain/index.js';

/** The numbers of one trace, arranged for the label checks (no detector or diagnosis involved). */
export interface TraceFacts {
  run: RunEvent;
  steps: StepEvent[];
  /** Every step's loss, non-finite ones included. */
  losses: number[];
  epochs: EpochEvent[];
  evals: EvalEvent[];
  end: EndEvent | undefined;
  layers: LayerInfo[];
  /** Classes of a classification run (2 for binary), else undefined. */
  numClasses: number | undefined;
  /** Accuracy of always answering the majority class (≥ 1/K). */
  chance: number;
  /** The readings of one layer statistic, in step order (finite ones only unless `all`). */
  series(layer: string, field: keyof LayerStats, all?: boolean): number[];
}

/** Facts of a parsed, validated trace. */
export function traceFacts(events: TraceEvent[]): TraceFacts {
  const run = events[0] as RunEvent;
  const steps = events.filter((e): e is StepEvent => e.type === 'step');
  const ds = run.dataset ?? {};
  const epochs = events.filter((e): e is EpochEvent => e.type === 'epoch');
  const numClasses =
    ds.numClasses ?? (run.task === 'binary-classification' ? 2 : classesFromOutput(run, epochs));
  const counts = ds.classCounts ?? [];
  const total = counts.reduce((a, b) => a + b, 0);
  const majority = total > 0 ? Math.max(...counts) / total : 0;
  return {
    run,
    steps,
    losses: steps.filter((s) => s.loss !== undefined).map((s) => s.loss!),
    epochs,
    evals: events.filter((e): e is EvalEvent => e.type === 'eval'),
    end: events.find((e): e is EndEvent => e.type === 'end'),
    layers: run.model?.layers ?? [],
    numClasses,
    chance: numClasses ? Math.max(1 / numClasses, majority) : 0,
    series(layer, field, all = false) {
      const out: number[] = [];
      for (const s of steps) {
        const v = s.layers?.[layer]?.[field];
        if (typeof v === 'number' && (all || Number.isFinite(v))) out.push(v);
      }
      return out;
    },
  };
}

/** A run that reports accuracy but not its classes: K output units, or 2 for one unit. */
function classesFromOutput(run: RunEvent, epochs: EpochEvent[]): number | undefined {
  if (!epochs.some((e) => typeof e.train?.accuracy === 'number')) return undefined;
  const units = run.model?.layers.filter((l) => l.units !== undefined).at(-1)?.units;
  return units === undefined ? undefined : Math.max(2, units);
}

export const median = (xs: number[]): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const finite = (xs: number[]): number[] => xs.filter((v) => Number.isFinite(v));

/** Share of values meeting a test (0 for none). */
export const shareOf = (xs: number[], test: (v: number) => boolean): number =>
  xs.length === 0 ? 0 : xs.filter(test).length / xs.length;

/** The last epoch's metric of a split, when finite. */
export function lastEpochMetric(f: TraceFacts, split: 'train' | 'val', key: string): number | undefined {
  const v = f.epochs.at(-1)?.[split]?.[key];
  return typeof v === 'number' ? v : undefined;
}

/** The final validation accuracy: the last eval's, else the last epoch's. */
export function finalValAccuracy(f: TraceFacts): number | undefined {
  const v = f.evals.at(-1)?.metrics.accuracy;
  return typeof v === 'number' ? v : lastEpochMetric(f, 'val', 'accuracy');
}

/** Layers with weights, in forward order (Dense, Conv2D). */
export function weightedLayers(f: TraceFacts): LayerInfo[] {
  return f.layers.filter((l) => l.type === 'Dense' || l.type === 'Conv2D');
}

/** Weighted layers before the output layer. */
export function hiddenLayers(f: TraceFacts): LayerInfo[] {
  return weightedLayers(f).slice(0, -1);
}
