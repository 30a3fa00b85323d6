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

export const DiagnosedCause = z.object({
  id: z.string(),
  confidence: z.number(),
  explanation: z.string(),
  path: z.array(PathStep),
});
export type DiagnosedCause = z.infer<typeof DiagnosedCause>;

export const RecommendedRemedy = z.object({
  id: z.string(),
  forCauses: z.array(z.string()),
  action: z.string(),
});
export type RecommendedRemedy = z.infer<typeof RecommendedRemedy>;

export const Diagnosis = z.object({
  runId: z.string(),
  facts: RunFacts,
  symptoms: z.array(DiagnosedSymptom),
  causes: z.array(DiagnosedCause),
  remedies: z.array(RecommendedRemedy),
  structureEdits: z.array(z.looseObject({ op: z.string() })),
  missingSignals: z.array(z.string()),
});
export type Diagnosis = z.infer<typeof Diagnosis>;
