export { adviseSignals } from './advise-signals.js';
export {
  type AlertableSymptom,
  type AlertDecider,
  alertKey,
  createAlertDecider,
  type LearnableAlert,
} from './alert-decider.js';
export { materiallyDiffers } from './alert-evidence.js';
export { describeEdits } from './describe-edits.js';
export { type DiagnoseInput, diagnoseRun, factsOf } from './diagnose-run.js';
export { type DiagnoseStoredDeps, diagnoseStoredRun } from './diagnose-stored-run.js';
export { explainCause, toDiagnosedSymptom } from './explain-cause.js';
export { fillSnippets, genericSnippets, type SnippetFacts } from './fill-snippets.js';
export {
  type AttemptJudgement,
  type AttemptThresholds,
  isBetter,
  isClearlyBetter,
  judgeAttempt,
  persisting,
  type ValMetric,
  type Verdict,
} from './judge-attempt.js';
export { judgeRetry, type RetryVerdict } from './judge-retry.js';
export {
  architectureFamily,
  type ContextEvidence,
  contextSimilarity,
  evidenceInContext,
  learnedEffectiveness,
  outcomeContext,
  posteriorMean,
  scoreInContext,
} from './learned-effectiveness.js';
export { type LearnedInContext, recommendRemedies } from './recommend-remedies.js';
export { type RecordedOutcome, recordRetryOutcomes } from './record-retry-outcomes.js';
export { type ScoredCause, scoreCauses, strongestBySymptom } from './score-causes.js';
export {
  companionEdits,
  editForOptimizer,
  optimizerKey,
  resolveEdit,
  resolveRemedyEdit,
} from './structure-edits.js';
