import type { Experiment } from '../experiment.js';
import type { CauseId, HEALTHY, SymptomId } from '../vocabulary.js';

/** One labelled training run of a variant. */
export interface RunSpec {
  /** The run's id (the variant's id, or the variant's id and a severity or setting). */
  id: string;
  notes: string;
  /** Symptoms the planted fault must produce: a run whose trace lacks one is regenerated with another seed. */
  expect: SymptomId[];
  /** The experiment for a seed (the seed drives data, initial weights, shuffling and dropout). */
  build(seed: number): Experiment;
}

/**
 * A variant of a cause: one setting (architecture, data set, optimizer) in
 * which the cause is planted, with one or more runs (severities, settings).
 * Splits are drawn by variant, so no run of a test variant is ever tuned on.
 */
export interface Variant {
  id: string;
  cause: CauseId | typeof HEALTHY;
  /** Causes an expert would accept as the answer too. */
  acceptable?: CauseId[];
  notes: string;
  runs: RunSpec[];
}

/** A variant with its runs. */
export function variant(v: Omit<Variant, 'runs'>, ...runs: RunSpec[]): Variant {
  return { ...v, runs };
}

/** A run spec; `suffix` ('' for a variant's only run) is appended to the variant id by `variant`. */
export function run(
  id: string,
  notes: string,
  expect: SymptomId[],
  build: (seed: number) => Experiment,
): RunSpec {
  return { id, notes, expect, build };
}
