import type * as TF from '@tensorflow/tfjs';

/**
 * The TensorFlow.js namespace the monitor computes with. Callers pass their
 * own (or `initTfjsBackend()`'s), so the monitor's tensors live in the same
 * engine as the model's; importing it lazily also keeps `@tensorflow/tfjs`
 * out of the start-up of `traindx serve`, which only needs `tfjsBackendName`.
 */
export type Tf = typeof TF;
export type { TF };
