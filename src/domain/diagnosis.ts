import { z } from 'zod';

export const Severity = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof Severity>;

/** One time a symptom was seen in a run, with the numbers that show it. */
export const SymptomOccurrence = z.object({
  symptomId: z.string(),
  firstStep: z.number().int(),
  lastStep: z.number().int(),
  layer: z.string().optional(),
  severity: Severity,
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.string()).min(1),
});
export type SymptomOccurrence = z.infer<typeof SymptomOccurrence>;

/** The facts of a run that diagnosis reports back (from its `run` event and what streamed). */
export const RunFacts = z.object({
  runId: z.string(),
  name: z.string().optional(),
  framework: z.string().optional(),
  task: z.string().optional(),
  optimizer: z.string().optional(),
  learningRate: z.number().optional(),
  loss: z.string().optional(),
  layerCount: z.number().int(),
  params: z.number().optional(),
  eventCount: z.number().int(),
  lastStep: z.number().int().optional(),
  profile: z.string().optional(),
  status: z.string().optional(),
});
export type RunFacts = z.infer<typeof RunFacts>;

// The JSON contract of `traindx diagnose FILE --json` (design/architecture.md).
export const DiagnosedSymptom = z.object({
  id: z.string(),
  confidence: z.number(),
  severity: Severity,
  firstStep: z.number().int(),
  lastStep: z.number().int(),
  layer: z.string().optional(),
  evidence: z.array(z.string()),
});
export type DiagnosedSymptom = z.infer<typeof DiagnosedSymptom>;

export const PathStep = z.object({ from: z.string(), rel: z.string(), to: z.string(), weight: z.number() });
export type PathStep = z.infer<typeof PathStep>;

/**
 * One line of reasoning behind a cause, node by node: the run's occurrence
 * (with its numbers) → the SUGGESTS edge (weight, rationale, source) → the
 * cause → its FIXED_BY edges to remedies.
 */
export const ExplanationPath = z.object({
  occurrence: DiagnosedSymptom,
  suggests: z.object({ weight: z.number(), rationale: z.string(), source: z.string() }),
  /** What this occurrence alone adds to the cause (weight × confidence × severity factor). */
  contribution: z.number(),
  cause: z.string(),
  fixedBy: z.array(
    z.object({
      remedy: z.string(),
      effectiveness: z.number(),
      rationale: z.string(),
      source: z.string(),
      tries: z.number().int(),
      successes: z.number().int(),
    }),
  ),
});
export type ExplanationPath = z.infer<typeof ExplanationPath>;

/** A symptom the cause predicts that the run could have shown (its signals were recorded) but did not. */
export const MissingEvidence = z.object({
  symptomId: z.string(),
  weight: z.number(),
  /** P(symptom | cause) of the link, and the factor the cause's odds were multiplied by. */
  factor: z.number(),
});
export type MissingEvidence = z.infer<typeof MissingEvidence>;

/** A symptom a cause would explain that a higher-ranked cause explains as its consequence. */
export const ExplainedElsewhere = z.object({
  symptomId: z.string(),
  layer: z.string().optional(),
  cause: z.string(),
});
export type ExplainedElsewhere = z.infer<typeof ExplainedElsewhere>;

export const DiagnosedCause = z.object({
  id: z.string(),
  name: z.string(),
  confidence: z.number(),
  explanation: z.string(),
  /** Flat edges symptom → cause → remedy (the CLI contract's `path`). */
  path: z.array(PathStep),
  paths: z.array(ExplanationPath),
  against: z.array(MissingEvidence),
  /**
   * Symptoms this cause would explain that a higher-ranked cause explains as
   * its consequences (they began after its own evidence): counted there, not here.
   */
  explainedBy: z.array(ExplainedElsewhere).optional(),
});
export type DiagnosedCause = z.infer<typeof DiagnosedCause>;

/**
 * A concrete change against the run's own layers and settings:
 * insert a layer after `at`, replace something in `at`, remove `at`, or set
 * a `field` (of layer `at`, or of the training setup when `at` is `optimizer`
 * or `training`) to `value`.
 */
export const ConcreteEdit = z.object({
  op: z.enum(['insert', 'replace', 'remove', 'set']),
  at: z.string(),
  layer: z.record(z.string(), z.unknown()).optional(),
  field: z.string().optional(),
  value: z.unknown().optional(),
  /** The value before the edit, where the run's description says it. */
  from: z.unknown().optional(),
  remedy: z.string(),
  forCauses: z.array(z.string()),
});
export type ConcreteEdit = z.infer<typeof ConcreteEdit>;

export const RecommendedRemedy = z.object({
  id: z.string(),
  name: z.string(),
  forCauses: z.array(z.string()),
  action: z.string(),
  /** Expected effect: chance the remedy removes one of the likely causes, from confidences and (learned) effectiveness. */
  score: z.number(),
  tries: z.number().int(),
  successes: z.number().int(),
  /** The remedy as concrete edits against this run (empty when the run lacks what it needs). */
  edits: z.array(ConcreteEdit),
});
export type RecommendedRemedy = z.infer<typeof RecommendedRemedy>;

/** A signal the run lacked that would tell its likely causes apart: what recording it would show. */
export const SignalAdvice = z.object({
  /** The trace field (docs/spec/trace-format.md), e.g. `layers.gradNorm`. */
  signal: z.string(),
  /** The signal in words. */
  description: z.string(),
  /** The symptoms it would let a detector see, that bear on the likely causes. */
  symptoms: z.array(z.string()),
  /** The likely causes those symptoms speak for, strongest link first. */
  causes: z.array(z.string()),
  /** One sentence: what it would show, for which causes. */
  why: z.string(),
});
export type SignalAdvice = z.infer<typeof SignalAdvice>;

export const Diagnosis = z.object({
  runId: z.string(),
  /** True when no cause reaches HEALTHY_THRESHOLD and no warning or critical symptom was seen. */
  healthy: z.boolean(),
  /** The verdict in one sentence, from the run's own findings. */
  summary: z.string(),
  facts: RunFacts,
  symptoms: z.array(DiagnosedSymptom),
  causes: z.array(DiagnosedCause),
  remedies: z.array(RecommendedRemedy),
  structureEdits: z.array(ConcreteEdit),
  missingSignals: z.array(z.string()),
  /** Missing signals that would tell the likely causes apart, most telling first. */
  toRecord: z.array(SignalAdvice),
});
export type Diagnosis = z.infer<typeof Diagnosis>;

/** A cause at or above this confidence makes a run unhealthy. */
export const HEALTHY_THRESHOLD = 0.5;
