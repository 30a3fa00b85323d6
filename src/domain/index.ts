export * from './diagnosis.js';
export * from './knowledge.js';
export * from './numbers.js';
export * from './outcome.js';
export * from './trace-events.js';
