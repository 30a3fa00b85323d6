export * from './faults-config.js';
export * from './faults-layers.js';
export * from './faults-loss.js';
export * from './faults-non-finite.js';
export * from './faults-predictions.js';
export * from './rng.js';
export * from './synthetic-run.js';
