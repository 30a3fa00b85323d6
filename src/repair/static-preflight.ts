import { detectEvents, type ProfileValues } from '../detect/index.js';
import type { KnowledgeSeed, RunEvent } from '../domain/index.js';
import { describeLoss, describeModel, describeOptimizer, type Tf } from '../monitor/index.js';
import {
  buildModel,
  createLrSchedule,
  createOptimizer,
  type PreparedData,
  type TrainingTemplate,
} from '../train/index.js';
import type { RemedyCandidate, SkippedRemedy } from './remedy-candidates.js';

/** The run an edited template starts from: its `run` event, its template and its prepared data. */
export interface PreflightBase {
  event: RunEvent;
  template: TrainingTemplate;
  data: PreparedData;
}

/**
 * The failure symptoms (warning or critical) a template would show before it
 * trains a step: the detectors' static and data checks (learning rate outside
 * its optimizer's usual range, output head against the loss, frozen layers,
 * input scale, ...) run on the `run` event the template would write. That
 * event is the base run's, with the model, optimizer, loss and schedule
 * described from the edited template the way the monitor describes them
 * (the model is built, not trained). When the edit changes the
 * preprocessing, the input statistics are unknown until the data is
 * prepared again, so the input checks are left out rather than guessed.
 * Returns undefined when the template cannot even be built.
 *
 * @example staticFailures(tf, base, candidate.template, profile.values, knowledge) // Set { 'learning_rate_above_range' }
 */
export function staticFailures(
  tf: Tf,
  base: PreflightBase,
  template: TrainingTemplate,
  profile: ProfileValues,
  knowledge: Pick<KnowledgeSeed, 'symptoms'>,
): Set<string> | undefined {
  const event = runEventOf(tf, base, template);
  if (!event) return undefined;
  const dynamic = new Set(knowledge.symptoms.filter((s) => s.kind === 'dynamic').map((s) => s.id));
  return new Set(
    detectEvents([event], profile)
      .occurrences.filter((o) => o.severity !== 'info' && !dynamic.has(o.symptomId))
      .map((o) => o.symptomId),
  );
}

/**
 * Candidates in their ranked order, except that a template the static checks
 * would still flag with more failures is tried after one they flag with
 * fewer: a repair must end the original's failure symptoms, and a static
 * one (a rate 30× above its optimizer's range, of which dividing by 10
 * leaves 3×) is known to stay before any training. Among candidates with the
 * same count the ranking stands, so learned effectiveness still orders
 * them. The deferred ones come back with the reason, for the attempt's record.
 *
 * @example orderByStaticChecks(candidates, (t) => staticFailures(tf, base, t, values, knowledge))
 */
export function orderByStaticChecks(
  candidates: RemedyCandidate[],
  check: (t: TrainingTemplate) => Set<string> | undefined,
): { candidates: RemedyCandidate[]; deferred: SkippedRemedy[] } {
  const flagged = candidates.map((c) => ({ c, found: check(c.template) }));
  // A template that cannot be built keeps nothing in its favour: it goes last.
  const count = (found: Set<string> | undefined) => (found ? found.size : Number.MAX_SAFE_INTEGER);
  // Array.prototype.sort is stable: equal counts keep their rank.
  const ordered = [...flagged].sort((a, b) => count(a.found) - count(b.found));
  const first = ordered[0];
  const deferred = flagged.slice(0, first ? flagged.indexOf(first) : 0).map((f) => ({
    remedyId: f.c.remedyId,
    reason: f.found
      ? `its template would still show ${[...f.found].sort().join(', ')} before training`
      : 'its template cannot be built',
  }));
  return { candidates: ordered.map((f) => f.c), deferred };
}

function runEventOf(tf: Tf, base: PreflightBase, t: TrainingTemplate): RunEvent | undefined {
  let model: ReturnType<typeof buildModel> | undefined;
  let optimizer: ReturnType<typeof createOptimizer> | undefined;
  try {
    model = buildModel(tf, t.model.layers ?? [], base.data.inputShape, t.seed);
    optimizer = createOptimizer(tf, t.optimizer);
    // The monitor describes the optimizer at step 0, after the schedule set its first rate (warmup starts low).
    const steps = Math.ceil(base.data.train.n / t.batchSize) * t.epochs;
    optimizer.setLearningRate(createLrSchedule(t.optimizer.learningRate, t.schedule, steps).at(0));
    const event: RunEvent = {
      ...base.event,
      model: describeModel(model),
      ...describeLoss(t.loss),
      batchSize: t.batchSize,
      epochs: t.epochs,
    };
    const described = describeOptimizer(optimizer.optimizer);
    if (described) event.optimizer = described;
    if (t.fromLogits !== undefined) event.fromLogits = t.fromLogits;
    if (!samePreprocessing(base.template, t) && event.dataset) {
      const { inputStats: _unknown, ...dataset } = event.dataset;
      event.dataset = dataset;
    }
    return event;
  } catch {
    return undefined;
  } finally {
    model?.dispose();
    optimizer?.optimizer.dispose();
  }
}

const samePreprocessing = (a: TrainingTemplate, b: TrainingTemplate) =>
  JSON.stringify(a.preprocessing) === JSON.stringify(b.preprocessing) &&
  JSON.stringify(a.data) === JSON.stringify(b.data);
