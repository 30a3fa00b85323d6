import type { DetectorFamily } from '../detector.js';

/**
 * Every detector family, one module each. A family's `name` is also its
 * section in profile files (graph-seed/profiles/*.yaml).
 */
// biome-ignore lint/suspicious/noExplicitAny: families differ in state and threshold types
export const ALL_FAMILIES: readonly DetectorFamily<any, any>[] = [];
