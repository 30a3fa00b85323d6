import type { DetectorFamily } from '../detector.js';
import { activationsFamily } from './activations.js';
import { ampFamily } from './amp.js';
import { attentionFamily } from './attention.js';
import { batchNormFamily } from './batchnorm.js';
import { configFamily } from './config.js';
import { curvesFamily } from './curves.js';
import { finetuneFamily } from './finetune.js';
import { generalisationFamily } from './generalisation.js';
import { gradientsFamily } from './gradients.js';
import { loopFamily } from './loop.js';
import { lossFamily } from './loss-health.js';
import { modeFamily } from './mode.js';
import { predictionsFamily } from './predictions.js';
import { sequenceFamily } from './sequence.js';
import { splitsFamily } from './splits.js';
import { weightsFamily } from './weights.js';

/**
 * Every detector family, one module each. A family's `name` is also its
 * section in profile files (graph-seed/profiles/*.yaml).
 */
// biome-ignore lint/suspicious/noExplicitAny: families differ in state and threshold types
export const ALL_FAMILIES: readonly DetectorFamily<any, any>[] = [
  lossFamily,
  generalisationFamily,
  gradientsFamily,
  weightsFamily,
  activationsFamily,
  predictionsFamily,
  configFamily,
  curvesFamily,
  loopFamily,
  modeFamily,
  ampFamily,
  sequenceFamily,
  attentionFamily,
  splitsFamily,
  batchNormFamily,
  finetuneFamily,
];
