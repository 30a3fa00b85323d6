import { fmt } from '../detect/index.js';
import {
  type Diagnosis,
  HEALTHY_THRESHOLD,
  type KnowledgeSeed,
  type RunEvent,
  type RunFacts,
  type SymptomOccurrence,
} from '../domain/index.js';
import { adviseSignals } from './advise-signals.js';
import { createNameIndex, explainCause, toDiagnosedSymptom } from './explain-cause.js';
import { judgedRisks, weighedAsAdvice } from './judge-by-outcome.js';
import { recommendRemedies } from './recommend-remedies.js';
import { scoreCauses } from './score-causes.js';

export interface DiagnoseInput {
  run: RunEvent;
  progress: { eventCount: number; lastStep?: number; status?: string; profile?: string };
  occurrences: SymptomOccurrence[];
  missingSignals: string[];
  /** Symptoms the run could have shown (negative evidence); omit when unknown. */
  observable?: string[];
  /** The knowledge graph, or at least the neighbourhood of the observed symptoms' causes. */
  knowledge: KnowledgeSeed;
}

/**
 * The diagnosis of a run: its facts, symptoms with evidence, ranked causes
 * with explanation paths, remedies with concrete edits, and the verdict (the
 * JSON contract of `traindx diagnose --json` and GraphQL `run { diagnosis }`). Pure.
 */
export function diagnoseRun(input: DiagnoseInput): Diagnosis {
  const { run, knowledge } = input;
  // One order whoever stored them (detector set, memory or Neo4j store): by first step, symptom, layer.
  const occurrences = unborneRisksAsAdvice(
    [...input.occurrences].sort(
      (a, b) =>
        a.firstStep - b.firstStep ||
        a.symptomId.localeCompare(b.symptomId) ||
        (a.layer ?? '').localeCompare(b.layer ?? ''),
    ),
    knowledge,
    input.observable,
  );
  const names = createNameIndex(knowledge);
  const causes = scoreCauses(occurrences, knowledge, { observable: input.observable }).map((c) =>
    explainCause(c, knowledge, names),
  );
  const remedies = recommendRemedies(causes, knowledge, run);
  const symptoms = occurrences.map(toDiagnosedSymptom);
  const healthy =
    !causes.some((c) => c.confidence >= HEALTHY_THRESHOLD) &&
    !symptoms.some((s) => s.severity === 'critical');
  // The edits of the strongest remedies only: a list of every possible change helps no one.
  const structureEdits = healthy
    ? []
    : remedies
        .filter((r) => r.score >= EDIT_FLOOR && r.edits.length > 0)
        .slice(0, MAX_EDITED_REMEDIES)
        .flatMap((r) => r.edits);
  const facts = factsOf(run, input.progress);
  return {
    runId: run.id,
    healthy,
    summary: summarise(healthy, facts, symptoms.length, causes, remedies, knowledge),
    facts,
    symptoms,
    causes,
    remedies,
    structureEdits,
    missingSignals: input.missingSignals,
    // What to record next time, for the causes this run's evidence leaves standing.
    toRecord: healthy ? [] : adviseSignals(input.missingSignals, causes, knowledge),
  };
}

/**
 * A risk the finished run did not bear out (see judge-by-outcome.ts: a risky
 * setup once its outcome could be seen, a risky dynamic finding once that
 * outcome contradicts it), in a run where nothing but risks was reported above
 * `info`, is shown as the advice it turned out to be, with a line saying why.
 */
function unborneRisksAsAdvice(
  occurrences: SymptomOccurrence[],
  knowledge: KnowledgeSeed,
  observable: string[] | undefined,
): SymptomOccurrence[] {
  const risks = judgedRisks(occurrences, knowledge, observable);
  const dynamic = new Set(knowledge.symptoms.filter((s) => s.kind === 'dynamic').map((s) => s.id));
  const failed = occurrences.some((o) => o.severity !== 'info' && !weighedAsAdvice(o, risks, dynamic));
  if (risks.size === 0 || failed) return occurrences;
  return occurrences.map((o) =>
    o.severity === 'warning' && weighedAsAdvice(o, risks, dynamic)
      ? { ...o, severity: 'info', evidence: [...o.evidence, UNBORNE] }
      : o,
  );
}

const UNBORNE = 'not borne out: the run could show its outcome and shows no failure, so this setup is advice';

function summarise(
  healthy: boolean,
  facts: RunFacts,
  symptomCount: number,
  causes: Diagnosis['causes'],
  remedies: Diagnosis['remedies'],
  knowledge: KnowledgeSeed,
): string {
  const upTo = facts.lastStep !== undefined ? ` up to step ${facts.lastStep}` : '';
  const top = causes[0];
  if (healthy) {
    const notes =
      symptomCount === 0
        ? `no symptom in ${facts.eventCount} events${upTo}`
        : `${symptomCount} minor finding(s)${top ? `, the strongest cause at ${fmt(top.confidence)}` : ''}`;
    return `Healthy: ${notes}; no cause reaches ${HEALTHY_THRESHOLD}.`;
  }
  const symptomNames = new Map(knowledge.symptoms.map((s) => [s.id, s.name.toLowerCase()]));
  if (!top) return `Unhealthy${upTo}: critical symptoms, but no cause in the knowledge graph explains them.`;
  const shown = [...new Set(top.paths.map((p) => p.occurrence.id))]
    .slice(0, 2)
    .map((id) => symptomNames.get(id) ?? id);
  const fix = remedies[0] ? `; first fix: ${remedies[0].name.toLowerCase()}` : '';
  return `Most likely ${top.name.toLowerCase()} (${fmt(top.confidence)}), shown by ${shown.join(' and ')}${fix}.`;
}

const EDIT_FLOOR = 0.2;
const MAX_EDITED_REMEDIES = 3;

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
