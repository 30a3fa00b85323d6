export { detectEvents } from './detect-events.js';
export type { DetectContext, Detector, DetectorFamily, Emit, Signal } from './detector.js';
export { defineFamily } from './detector.js';
export { createDetectorCache, type DetectorCache } from './detector-cache.js';
export { createDetectorSet, type DetectorSet, readSavedSignals } from './detector-set.js';
export { ALL_FAMILIES } from './families/index.js';
export { createModelView, type LayerView, type ModelView } from './model-view.js';
export { loadProfile, type Profile, ProfileError, ProfileFile, type ProfileValues } from './profile.js';
export { fmt, pct } from './stats/index.js';
