import type { Diagnosis, KnowledgeSeed, RunEvent, RunFacts, SymptomOccurrence } from '../domain/index.js';
import { planStructureEdits, recommendRemedies } from './recommend-remedies.js';
import { scoreCauses } from './score-causes.js';

export interface DiagnoseInput {
  run: RunEvent;
  progress: { eventCount: number; lastStep?: number; status?: string; profile?: string };
  occurrences: SymptomOccurrence[];
  missingSignals: string[];
  /** The knowledge around the observed symptoms (store.knowledgeAround). */
  knowledge: KnowledgeSeed;
}

/**
 * The diagnosis of a run: its facts, symptoms with evidence, ranked causes
 * with explanation paths, remedies and structure edits (the JSON contract of
 * `traindx diagnose --json` and GraphQL `run { diagnosis }`). Pure.
 */
export function diagnoseRun(input: DiagnoseInput): Diagnosis {
  const { run, occurrences, knowledge } = input;
  const causes = scoreCauses(occurrences, knowledge);
  const remedies = recommendRemedies(causes, knowledge);
  return {
    runId: run.id,
    facts: factsOf(run, input.progress),
    symptoms: occurrences.map((o) => ({
      id: o.symptomId,
      confidence: o.confidence,
      severity: o.severity,
      firstStep: o.firstStep,
      lastStep: o.lastStep,
      ...(o.layer ? { layer: o.layer } : {}),
      evidence: o.evidence,
    })),
    causes,
    remedies,
    structureEdits: planStructureEdits(remedies, knowledge, occurrences),
    missingSignals: input.missingSignals,
  };
}

export function factsOf(run: RunEvent, progress: DiagnoseInput['progress']): RunFacts {
  const lr = run.optimizer?.learningRate;
  return {
    runId: run.id,
    name: run.name,
    framework: run.framework,
    task: run.task,
    optimizer: run.optimizer?.name,
    learningRate: lr !== undefined && Number.isFinite(lr) ? lr : undefined,
    loss: run.loss,
    layerCount: run.model?.layers.length ?? 0,
    params: run.model?.params,
    eventCount: progress.eventCount,
    lastStep: progress.lastStep,
    status: progress.status,
    profile: progress.profile,
  };
}
