export { diagnoseFile } from './diagnose-file.js';
export { formatDiagnosis } from './format-diagnosis.js';
export { createProfileResolver } from './resolve-profile.js';
export { seed } from './seed.js';
export { serve } from './serve.js';
export { UserError } from './user-error.js';
