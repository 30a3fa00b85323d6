export type { AlertBus } from './alert-bus.js';
export type { RunAlert } from './alert-hub.js';
export {
  createTraindx,
  type RunRecord,
  type Traindx,
  type TraindxObserver,
  type TraindxOptions,
} from './create-traindx.js';
export type { KnowledgeIndex } from './knowledge-cache.js';
export { openEphemeralTraindx, openTraindx, seedTraindx } from './open-traindx.js';
export { createProfiles, type Profiles } from './profiles.js';
export { createRedisAlertBus } from './redis-alert-bus.js';
export type { IngestedBatch } from './run-ops.js';
export { diagnoseInto, diagnosePath, type PathOptions, recordPath } from './trace-pipeline.js';
