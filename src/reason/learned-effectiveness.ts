import type { Diagnosis, FixedByLink, Outcome, OutcomeContext, RunEvent } from '../domain/index.js';
import { optimizerKey } from './structure-edits.js';

/**
 * A remedy's effectiveness for a cause, pulled toward what recorded retries
 * showed: the seed's effectiveness counts as PSEUDO_TRIES tries
 * (Beta-Binomial posterior mean), so one lucky retry moves it a little and
 * ten move it a lot.
 *
 * @example learnedEffectiveness({ effectiveness: 0.6, tries: 4, successes: 4 }) // 0.867
 */
export function learnedEffectiveness(
  link: Pick<FixedByLink, 'effectiveness' | 'tries' | 'successes'>,
): number {
  return posteriorMean(link.effectiveness, link.tries, link.successes);
}

/**
 * The mean of a Beta posterior whose prior is `prior` worth PSEUDO_TRIES
 * tries, after `tries` (weighted, so fractional) of which `successes` worked.
 *
 * @example posteriorMean(0.7, 1, 0) // 0.467: one failure pulls a 0.7 prior down by a third
 */
export function posteriorMean(prior: number, tries: number, successes: number): number {
  return (successes + prior * PSEUDO_TRIES) / (tries + PSEUDO_TRIES);
}

const PSEUDO_TRIES = 2;

/**
 * The context an outcome is learned in and a run is advised in: the run's
 * failure symptoms (warning or critical; `info` advice is no failure), its
 * architecture family and its optimizer. Pure.
 *
 * @example outcomeContext(diagnosis, runEvent) // { family: 'mlp', optimizer: 'adam', symptoms: ['dead_units', ...] }
 */
export function outcomeContext(
  diagnosis: { symptoms: Pick<Diagnosis['symptoms'][number], 'id' | 'severity'>[] },
  run?: RunEvent,
): OutcomeContext {
  const symptoms = [...new Set(diagnosis.symptoms.filter((s) => s.severity !== 'info').map((s) => s.id))]
    .sort()
    .slice(0, MAX_CONTEXT_SYMPTOMS);
  return {
    family: run ? architectureFamily(run) : 'unknown',
    optimizer: (run && optimizerKey(run)) || 'unknown',
    symptoms,
  };
}

const MAX_CONTEXT_SYMPTOMS = 50;

/** The family of a run's described layers: the most specific kind of layer it has decides. */
export function architectureFamily(run: RunEvent): string {
  const types = (run.model?.layers ?? []).map((l) => (l.type ?? '').toLowerCase());
  if (types.length === 0) return 'unknown';
  if (types.some((t) => /attention|transformer/.test(t))) return 'transformer';
  if (types.some((t) => /lstm|gru|rnn|recurrent/.test(t))) return 'rnn';
  if (types.some((t) => /conv/.test(t))) return 'cnn';
  return 'mlp';
}

/**
 * How much an outcome learned in context `a` tells about a run in context
 * `b`, in [0, 1]: the Jaccard overlap of their failure symptoms (as
 * similarRuns measures it), squared so that one generic symptom shared by
 * otherwise different failures (accuracy at chance) counts little, halved
 * for another architecture family and halved for another optimizer (a rate
 * that fails under SGD says less about Adam). An outcome recorded without a
 * context (before contexts were kept) says a little about any run.
 *
 * @example contextSimilarity(deadReluAdam, deadReluAdam) // 1
 */
export function contextSimilarity(a: OutcomeContext | undefined, b: OutcomeContext): number {
  if (!a) return NO_CONTEXT_WEIGHT;
  const mine = new Set(b.symptoms);
  const shared = a.symptoms.filter((s) => mine.has(s)).length;
  const union = new Set([...a.symptoms, ...b.symptoms]).size;
  const overlap = union === 0 ? 1 : shared / union;
  const family = a.family === b.family ? 1 : 0.5;
  const optimizer = a.optimizer === b.optimizer ? 1 : 0.5;
  return overlap * overlap * family * optimizer;
}

const NO_CONTEXT_WEIGHT = 0.1;

/** Recorded outcomes of one remedy in runs like this one: tries and successes, each weighted by similarity. */
export interface ContextEvidence {
  tries: number;
  successes: number;
}

/**
 * Per remedy, the outcomes recorded on the runs most like the one in
 * `context`, each weighted by contextSimilarity: as similarRuns lists the
 * nearest runs first, only outcomes at least NEAR_SHARE as alike as the
 * most alike one count (and none below MIN_WEIGHT). So what was tried on a
 * run with this very failure decides, and a remedy's failures on a merely
 * related fault (dead units from a bias initialiser, where the rate was not
 * the problem) do not outvote its success on this one. Pure.
 *
 * @example evidenceInContext(outcomes, ctx).get('switch_to_selu') // { tries: 3, successes: 3 }
 */
export function evidenceInContext(
  outcomes: Pick<Outcome, 'remedyId' | 'success' | 'context'>[],
  context: OutcomeContext,
): Map<string, ContextEvidence> {
  const weighted = outcomes.map((o) => ({ o, w: contextSimilarity(o.context, context) }));
  const nearest = Math.max(0, ...weighted.map((x) => x.w));
  const out = new Map<string, ContextEvidence>();
  for (const { o, w } of weighted) {
    if (w < MIN_WEIGHT || w < NEAR_SHARE * nearest) continue;
    const e = out.get(o.remedyId) ?? { tries: 0, successes: 0 };
    e.tries += w;
    if (o.success) e.successes += w;
    out.set(o.remedyId, e);
  }
  return out;
}

const NEAR_SHARE = 0.8;
const MIN_WEIGHT = 0.05;

/**
 * A remedy's chance of fixing a run, learned in its context: the seed's
 * score for the run (the noisy-OR of the seed's effectiveness over the causes
 * it fixes) is the prior mean, worth PSEUDO_TRIES tries, and what the remedy
 * did on runs like this one moves it (Beta-Binomial posterior mean). Without
 * evidence it is the seed's score.
 *
 * @example scoreInContext(0.72, { tries: 1, successes: 0 }) // 0.48
 */
export function scoreInContext(seedScore: number, evidence: ContextEvidence | undefined): number {
  return evidence ? posteriorMean(seedScore, evidence.tries, evidence.successes) : seedScore;
}
