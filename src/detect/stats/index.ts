export * from './ring-window.js';
export * from './robust.js';
export * from './running-stats.js';
