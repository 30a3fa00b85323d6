import { createModelView } from '../detect/index.js';
import type {
  DiagnosedCause,
  KnowledgeSeed,
  Outcome,
  OutcomeContext,
  RecommendedRemedy,
  RunEvent,
} from '../domain/index.js';
import { evidenceInContext, learnedEffectiveness, scoreInContext } from './learned-effectiveness.js';

/** Recorded outcomes, and the context of the run being advised, for learning per context. */
export interface LearnedInContext {
  outcomes: Pick<Outcome, 'remedyId' | 'success' | 'context'>[];
  context: OutcomeContext;
}

import { optimizerKey, resolveRemedyEdit } from './structure-edits.js';

/**
 * Remedies ranked by expected effect across the likely causes: a remedy
 * removes the problem if it fixes any cause that is present, so its score is
 * the noisy-OR 1 − Π(1 − confidence(c) × effectiveness(c→r)) over the causes
 * it fixes, with effectiveness learned from recorded outcomes. A remedy that
 * fixes two likely causes outranks one that fixes only one of them. Given
 * the run, each remedy's edit template is resolved against its layers.
 *
 * Given `learned` (the outcomes and this run's context), learning is per
 * context instead: the noisy-OR takes the seed's effectiveness, and that
 * score is the prior that what the remedy did on runs like this one moves
 * (scoreInContext), so failures on other faults leave it alone.
 */
export function recommendRemedies(
  causes: Pick<DiagnosedCause, 'id' | 'confidence'>[],
  knowledge: KnowledgeSeed,
  run?: RunEvent,
  learned?: LearnedInContext,
): RecommendedRemedy[] {
  const evidence = learned ? evidenceInContext(learned.outcomes, learned.context) : undefined;
  const remedies = new Map(knowledge.remedies.map((r) => [r.id, r]));
  // The run's layers read once for every remedy's edit.
  const model = run ? createModelView(run) : undefined;
  const optimizer = run ? optimizerKey(run) : undefined;
  const confidence = new Map(causes.map((c) => [c.id, c.confidence]));
  const scored = new Map<string, { miss: number; forCauses: string[]; tries: number; successes: number }>();
  for (const link of knowledge.fixedBy) {
    const c = confidence.get(link.cause);
    if (c === undefined || !remedies.has(link.remedy)) continue;
    const entry = scored.get(link.remedy) ?? { miss: 1, forCauses: [], tries: 0, successes: 0 };
    entry.miss *= 1 - c * (evidence ? link.effectiveness : learnedEffectiveness(link));
    entry.forCauses.push(link.cause);
    entry.tries += link.tries;
    entry.successes += link.successes;
    scored.set(link.remedy, entry);
  }
  const ranked = [...scored.entries()]
    .map(([id, e]) => {
      const score = evidence ? scoreInContext(1 - e.miss, evidence.get(id)) : 1 - e.miss;
      return { id, score: Math.round(score * 1000) / 1000, ...e };
    })
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .map(({ id, score, forCauses, tries, successes }) => {
      const r = remedies.get(id)!;
      const sorted = forCauses.sort(
        (a, b) => (confidence.get(b) ?? 0) - (confidence.get(a) ?? 0) || a.localeCompare(b),
      );
      const edits =
        run && r.edit
          ? resolveRemedyEdit(r.edit, run, optimizer, model).map((e) => ({
              ...e,
              remedy: id,
              forCauses: sorted,
            }))
          : [];
      return { id, name: r.name, forCauses: sorted, action: r.description, score, tries, successes, edits };
    });
  return firstFixForTopCause(fitsTheRun(ranked, knowledge, run), causes);
}

/**
 * Remedies whose edit has nothing to change in this run's described model
 * (unfreeze layers when none is frozen, switch to Adam when it is Adam, a
 * binary loss for a softmax output) go after those that apply: advice that
 * does not fit the run is not a first fix. Without layers (a log of curves)
 * nothing can be judged, and the order stays.
 */
function fitsTheRun(
  ranked: RecommendedRemedy[],
  knowledge: KnowledgeSeed,
  run: RunEvent | undefined,
): RecommendedRemedy[] {
  if (!run?.model?.layers.length) return ranked;
  const templates = new Map(knowledge.remedies.map((r) => [r.id, r.edit]));
  const applies = (r: RecommendedRemedy) => {
    const edit = templates.get(r.id);
    // A rate or a count to scale is unknown rather than absent when the run does not say it.
    return !edit || edit.op === 'set_hyperparameter' || r.edits.length > 0;
  };
  return [...ranked.filter(applies), ...ranked.filter((r) => !applies(r))];
}

/**
 * The first fix addresses the most likely cause: when a remedy shared by
 * lesser causes outscored every fix of the leading causes (batch
 * normalisation helps five causes a little, the learning rate fixes the one
 * this run has), the best-scored fix of a leading cause goes first. Causes
 * within LEADING_MARGIN of the top one lead together: a near tie is no ground
 * to overrule the scores.
 */
function firstFixForTopCause(
  ranked: RecommendedRemedy[],
  causes: Pick<DiagnosedCause, 'id' | 'confidence'>[],
): RecommendedRemedy[] {
  const top = Math.max(0, ...causes.map((c) => c.confidence));
  const leading = new Set(causes.filter((c) => c.confidence >= top - LEADING_MARGIN).map((c) => c.id));
  const i = ranked.findIndex((r) => r.forCauses.some((id) => leading.has(id)));
  return i <= 0 ? ranked : [ranked[i]!, ...ranked.slice(0, i), ...ranked.slice(i + 1)];
}

const LEADING_MARGIN = 0.1;
