import type { z } from 'zod';
import type {
  EndEvent,
  EpochEvent,
  EvalEvent,
  RunEvent,
  StepEvent,
  SymptomOccurrence,
} from '../domain/index.js';
import type { ModelView } from './model-view.js';

/** What every detector knows about the run it watches. */
export interface DetectContext<T = Record<string, number>> {
  run: RunEvent;
  model: ModelView;
  /** This family's section of the profile, validated by the family's own schema. */
  thresholds: T;
}

/** Reports an occurrence; emitting the same (symptom, layer, firstStep) again updates it. */
export type Emit = (occurrence: SymptomOccurrence) => void;

/** A live detector: fed events one at a time, in order. */
export interface Detector {
  onStep?(e: StepEvent): void;
  onEpoch?(e: EpochEvent): void;
  onEval?(e: EvalEvent): void;
  /** The run ended (its `end` event, or the end of a trace file without one). */
  onEnd?(e: EndEvent | undefined): void;
}

/**
 * A family of detectors (one module per family). Its whole state is the plain
 * JSON-able object `S`, created by `initialState` and mutated in place by the
 * detector, so saving it is JSON.stringify and resuming is `create` with the
 * parsed object: no hidden state in closures.
 */
export interface DetectorFamily<S extends object = object, T = Record<string, number>> {
  /** Also the name of the family's section in a profile file. */
  name: string;
  /** The family's thresholds; a profile's section is validated against it. */
  thresholds: z.ZodType<T>;
  /** Signals this family reads; reported as missing when a run never had them. */
  signals: readonly Signal[];
  initialState(ctx: DetectContext<T>): S;
  create(ctx: DetectContext<T>, state: S, emit: Emit): Detector;
}

/** Declares a family with its types inferred (no casts at the call site). */
export const defineFamily = <S extends object, T>(family: DetectorFamily<S, T>): DetectorFamily<S, T> =>
  family;

/** Names of the signals a trace may carry (see SIGNALS in signals.ts). */
export type Signal =
  | 'loss'
  | 'metrics.accuracy'
  | 'gradNorm'
  | 'layers.gradNorm'
  | 'layers.weightNorm'
  | 'layers.updateRatio'
  | 'layers.deadFraction'
  | 'layers.saturatedFraction'
  | 'layers.zeroGradFraction'
  | 'layers.nanCount'
  | 'epoch.train.loss'
  | 'epoch.val.loss'
  | 'epoch.train.accuracy'
  | 'epoch.val.accuracy'
  | 'eval.predictedClassCounts'
  | 'eval.confusion'
  | 'model.layers'
  | 'optimizer'
  | 'batchSize'
  | 'dataset.inputStats'
  | 'dataset.classCounts';
