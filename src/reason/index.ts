export { type DiagnoseInput, diagnoseRun, factsOf } from './diagnose-run.js';
export { planStructureEdits, recommendRemedies } from './recommend-remedies.js';
export { scoreCauses, strongestBySymptom } from './score-causes.js';
