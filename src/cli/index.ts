export { diagnose } from './diagnose.js';
export { formatDiagnosis } from './format-diagnosis.js';
export { gatherReportInput, report } from './report.js';
export { seed } from './seed.js';
export { serve } from './serve.js';
