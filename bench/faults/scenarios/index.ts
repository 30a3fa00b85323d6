import { DATA_QUALITY_VARIANTS } from './data-quality.js';
import { DATA_SIZE_VARIANTS } from './data-size.js';
import { DEPTH_CAPACITY_VARIANTS } from './depth-capacity.js';
import { HEALTHY_VARIANTS } from './healthy.js';
import { HEALTHY_PRACTICE_MORE_VARIANTS, HEALTHY_PRACTICE_VARIANTS } from './healthy-practice.js';
import { HEALTHY_VARIETY_VARIANTS } from './healthy-variety.js';
import { INIT_ACTIVATION_VARIANTS } from './init-activation.js';
import { LOSS_VARIANTS } from './loss.js';
import { OPTIMIZATION_VARIANTS } from './optimization.js';
import type { Variant } from './scenario.js';

/** Every variant of the benchmark, faulty and healthy. */
export const ALL_VARIANTS: Variant[] = [
  ...OPTIMIZATION_VARIANTS,
  ...INIT_ACTIVATION_VARIANTS,
  ...DEPTH_CAPACITY_VARIANTS,
  ...DATA_QUALITY_VARIANTS,
  ...DATA_SIZE_VARIANTS,
  ...LOSS_VARIANTS,
  ...HEALTHY_VARIANTS,
  ...HEALTHY_VARIETY_VARIANTS,
  ...HEALTHY_PRACTICE_VARIANTS,
  ...HEALTHY_PRACTICE_MORE_VARIANTS,
];
