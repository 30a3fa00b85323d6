export { applyEdits, type Edit, type EditOutcome } from './apply-edits.js';
export {
  autoRepair,
  type RepairAttempt,
  type RepairDeps,
  type RepairOptions,
  type RepairReport,
} from './auto-repair.js';
export { formatAttempts } from './format-repair.js';
export { InapplicableEdit } from './inapplicable-edit.js';
export { validationMetric } from './judge-attempt.js';
export {
  allCandidates,
  fingerprint,
  type RemedyCandidate,
  rankedCandidates,
  type SkippedRemedy,
} from './remedy-candidates.js';
export { RepairThresholds, type RuleValues, ruleReason, ruleValues } from './rules.js';
export { type RunNumbers, readRunNumbers } from './run-facts.js';
export {
  type StructureFacts,
  type Suggestion,
  structureFacts,
  suggestStructure,
} from './suggest-structure.js';
export { editsForRemedy, TEMPLATE_REMEDIES } from './template-remedies.js';
