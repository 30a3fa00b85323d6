import type { KnowledgeSeed } from '../domain/index.js';
import type { Traindx } from '../engine/index.js';
import type { MonitorAlert, Tf } from '../monitor/index.js';
import {
  type AttemptJudgement,
  judgeAttempt,
  outcomeContext,
  recommendRemedies,
  type ValMetric,
} from '../reason/index.js';
import {
  diagnosed,
  type EpochSummary,
  type MonitoredRun,
  type TrainAndDiagnoseOptions,
  type TrainingTemplate,
  trainAndDiagnose,
} from '../train/index.js';
import { validationMetric } from './judge-attempt.js';
import {
  allCandidates,
  fingerprint,
  type RemedyCandidate,
  rankedCandidates,
  type SkippedRemedy,
} from './remedy-candidates.js';
import { type RuleValues, ruleValues } from './rules.js';
import { orderByStaticChecks, staticFailures } from './static-preflight.js';

export interface RepairDeps {
  tf: Tf;
  traindx: Traindx;
  /** Progress lines (attempt started, verdict). */
  log?: (line: string) => void;
  onAlert?: (alert: MonitorAlert, runId: string) => void;
  onEpoch?: (epoch: EpochSummary, runId: string) => void;
  /** Before a run trains: its id, its parent and remedy (for attempts), its data and resolved template. */
  onStart?: (start: TrainStart & { runId: string; parent?: { runId: string; remedy: string } }) => void;
  /** The original run, trained and diagnosed, before any attempt. */
  onOriginal?: (run: MonitoredRun) => void;
  warn?: (message: string) => void;
}

type TrainStart = Parameters<NonNullable<TrainAndDiagnoseOptions['onStart']>>[0];

export interface RepairOptions {
  baseDir: string;
  traceDir: string;
  runId: string;
  maxAttempts?: number;
  /**
   * Which remedy to try: `ranked` takes the diagnosis' best applicable one;
   * `random` draws one of every applicable remedy in the graph (a baseline),
   * or with `among: 'linked'` one of the remedies the graph links to the
   * run's diagnosed symptoms (symptom → SUGGESTS → cause → FIXED_BY), after the
   * same static pre-checks the ranked choice gets (the stronger baseline).
   */
  strategy?: 'ranked' | { random: () => number; among?: 'all' | 'linked' };
  /** Count each outcome on the graph (default true). */
  record?: boolean;
  /** Thresholds of the verdicts (default: the rules' defaults and the run's profile). */
  rules?: RuleValues;
}

export interface RepairAttempt {
  attempt: number;
  parentRunId: string;
  runId: string;
  remedyId: string;
  remedyName: string;
  changes: string[];
  /** Against the run it was edited from (what is recorded on the graph). */
  judgement: AttemptJudgement;
  /** Against the original run: its failure symptoms gone and its metric beaten. */
  repairsOriginal: boolean;
  recorded: boolean;
  durationMs: number;
  /**
   * Remedies ranked above this one and not tried: the template could not carry them out, or the static
   * checks would still flag their result with more failures than this one's.
   */
  skipped: SkippedRemedy[];
}

export interface RepairReport {
  original: MonitoredRun;
  originalMetric: ValMetric;
  attempts: RepairAttempt[];
  repaired: boolean;
  /** The best run: the one that repaired the original, else the best improvement, else the original. */
  best: { runId: string; template: TrainingTemplate; metric: ValMetric };
  /** Training time of all attempts ÷ that of the original run. */
  timeRatio: number;
  /** Why the loop stopped. */
  stop: string;
}

/**
 * Trains a template, and while the diagnosis finds a failure, retrains edited
 * copies: each attempt applies one remedy (the best applicable one of the
 * current base's diagnosis, where the static checks would flag its result
 * with no more failures than any other's), trains it as a child run (`parentRunId`,
 * `appliedRemedies`), judges it against its parent, and records the outcome
 * on the graph so later rankings prefer what worked. A child that improved
 * the metric but kept some failure becomes the base the next attempt edits
 * (its remaining failure is the smaller problem); one that did not improve
 * leaves the base as it was, and the next attempt tries the base's next
 * remedy. Stops when a child repairs the original (its failure symptoms gone,
 * its metric beaten), after `maxAttempts`, or when no remedy applies.
 *
 * @example const report = await autoRepair({ tf, traindx }, template, { baseDir, traceDir, runId: 'lr5' });
 */
export async function autoRepair(
  deps: RepairDeps,
  template: TrainingTemplate,
  o: RepairOptions,
): Promise<RepairReport> {
  const log = deps.log ?? (() => {});
  const train = (t: TrainingTemplate, runId: string, parent?: { runId: string; remedy: string }) =>
    trainAndDiagnose({ tf: deps.tf, traindx: deps.traindx }, t, {
      baseDir: o.baseDir,
      traceDir: o.traceDir,
      runId,
      ...(parent ? { parentRunId: parent.runId, appliedRemedies: [parent.remedy] } : {}),
      ...(deps.onAlert ? { onAlert: (a: MonitorAlert) => deps.onAlert!(a, runId) } : {}),
      ...(deps.onEpoch ? { onEpoch: (e: EpochSummary) => deps.onEpoch!(e, runId) } : {}),
      ...(deps.onStart
        ? {
            onStart: (start: TrainStart) => deps.onStart!({ ...start, runId, ...(parent ? { parent } : {}) }),
          }
        : {}),
      ...(deps.warn ? { warn: deps.warn } : {}),
    });
  const original = await train(template, o.runId);
  deps.onOriginal?.(original);
  const profile = (await deps.traindx.profile(original.profile)).values;
  const rules = o.rules ?? ruleValues(profile);
  const metricOf = (run: MonitoredRun) => validationMetric(run.result, run.data.task, run.data.val.n);
  const originalMetric = metricOf(original);
  const report: RepairReport = {
    original,
    originalMetric,
    attempts: [],
    repaired: false,
    best: { runId: original.result.runId, template: original.resolved, metric: originalMetric },
    timeRatio: 0,
    stop: '',
  };
  // A run can be "healthy" (no cause sure enough to name) and still fail to learn: its warning symptoms
  // are the failure to repair, and the ranked remedies of its likeliest causes are the candidates.
  const failing = original.diagnosis.symptoms.some((s) => s.severity !== 'info');
  if (original.diagnosis.healthy && !failing) return finish(report, 'the run is healthy: nothing to repair');

  const maxAttempts = o.maxAttempts ?? 3;
  const seen = new Set([fingerprint(original.resolved)]);
  const tried = new Map<string, Set<string>>();
  let base = original;
  let repairMs = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let pick = await choose(base);
    if (!pick.candidate && base !== original) {
      log(`  no remedy left for ${base.result.runId}; back to the original run`);
      base = original;
      pick = await choose(base);
    }
    if (!pick.candidate) return finish(report, 'no applicable remedy left', repairMs);
    const { candidate } = pick;
    const runId = `${o.runId}-r${attempt}`;
    log(
      `Attempt ${attempt}/${maxAttempts}: ${candidate.remedyId} on ${base.result.runId} (${brief(candidate.changes)})`,
    );
    for (const s of pick.skipped) log(`  passed over ${s.remedyId}: ${s.reason}`);
    seen.add(fingerprint(candidate.template));
    tried.get(base.result.runId)!.add(candidate.remedyId);
    const child = await train(candidate.template, runId, {
      runId: base.result.runId,
      remedy: candidate.remedyId,
    });
    repairMs += child.result.durationMs;
    const knowledge = (await deps.traindx.knowledge()).seed;
    const childMetric = metricOf(child);
    const judgement = judgeAttempt(
      { diagnosis: base.diagnosis, metric: metricOf(base) },
      { diagnosis: child.diagnosis, metric: childMetric },
      candidate.remedyId,
      knowledge,
      rules.repair,
    );
    const overall = judgeAttempt(
      { diagnosis: original.diagnosis, metric: originalMetric },
      { diagnosis: child.diagnosis, metric: childMetric },
      candidate.remedyId,
      knowledge,
      rules.repair,
    );
    const recorded =
      o.record === false
        ? false
        : (
            await deps.traindx.recordOutcomes(runId, {
              // An improvement counts: the remedy moved the run the right way, and what is left
              // is often another cause (the next attempt starts from this child).
              success: judgement.verdict !== 'not improved',
              ...(judgement.causeIds.length ? { causeIds: judgement.causeIds } : {}),
              note: `traindx train --auto-repair: ${judgement.verdict}, ${judgement.before.name} ${fmt(judgement.before.value)} → ${fmt(judgement.after.value)}`,
            })
          ).some((r) => r.recorded);
    const repairsOriginal = overall.verdict === 'resolved';
    report.attempts.push({
      attempt,
      parentRunId: base.result.runId,
      runId,
      remedyId: candidate.remedyId,
      remedyName: candidate.name,
      changes: candidate.changes,
      judgement,
      repairsOriginal,
      recorded,
      durationMs: child.result.durationMs,
      skipped: pick.skipped,
    });
    log(
      `  ${judgement.verdict}: ${judgement.before.name} ${fmt(judgement.before.value)} → ${fmt(judgement.after.value)}` +
        (judgement.remainingSymptoms.length
          ? `; still shows ${judgement.remainingSymptoms.join(', ')}`
          : '; none of its parent’s failure symptoms remain'),
    );
    if (isBest(childMetric, report.best.metric) || repairsOriginal)
      report.best = { runId, template: candidate.template, metric: childMetric };
    if (repairsOriginal) {
      report.repaired = true;
      return finish(report, `repaired by attempt ${attempt}`, repairMs);
    }
    if (judgement.verdict !== 'not improved') base = child;
  }
  return finish(report, `no repair within ${maxAttempts} attempts`, repairMs);

  async function choose(
    run: MonitoredRun,
  ): Promise<{ candidate?: RemedyCandidate; skipped: SkippedRemedy[] }> {
    const exclude = tried.get(run.result.runId) ?? new Set<string>();
    tried.set(run.result.runId, exclude);
    const knowledge = (await deps.traindx.knowledge()).seed;
    const event = (await deps.traindx.store.getRun(run.result.runId))!.run;
    if (o.strategy && o.strategy !== 'ranked') {
      const all = allCandidates(knowledge, event, run.resolved, { exclude, seen });
      const draw = o.strategy.random;
      if (o.strategy.among !== 'linked')
        return { candidate: all.candidates[Math.floor(draw() * all.candidates.length)], skipped: [] };
      const linked = linkedRemedies(knowledge, await diagnosed(deps.traindx, run.result.runId));
      const base = { event, template: run.resolved, data: run.data };
      // The same static pre-checks as the ranked choice: a random one of those that fare best.
      const checked = all.candidates
        .filter((c) => linked.has(c.remedyId))
        .map((c) => ({
          c,
          flags: staticFailures(deps.tf, base, c.template, profile, knowledge)?.size ?? Infinity,
        }));
      const fewest = Math.min(...checked.map((x) => x.flags));
      const pool = checked.filter((x) => x.flags === fewest).map((x) => x.c);
      return { candidate: pool[Math.floor(draw() * pool.length)], skipped: [] };
    }
    // Diagnosed again, and ranked with what remedies did on runs like this one (learning per context):
    // outcomes recorded since the last attempt, here or on other runs, re-rank the remedies.
    const found = await diagnosed(deps.traindx, run.result.runId);
    const learned = { outcomes: await deps.traindx.listOutcomes(), context: outcomeContext(found, event) };
    const diagnosis = { ...found, remedies: recommendRemedies(found.causes, knowledge, event, learned) };
    const ranked = rankedCandidates(diagnosis, run.resolved, {
      exclude,
      seen,
      graph: { knowledge, run: event },
    });
    const base = { event, template: run.resolved, data: run.data };
    const { candidates, deferred } = orderByStaticChecks(ranked.candidates, (t) =>
      staticFailures(deps.tf, base, t, profile, knowledge),
    );
    const first = candidates[0];
    const above = first
      ? ranked.skipped.filter((s) => rankOf(diagnosis, s.remedyId) < rankOf(diagnosis, first.remedyId))
      : ranked.skipped;
    return { ...(first ? { candidate: first } : {}), skipped: [...above, ...deferred] };
  }

  function finish(r: RepairReport, stop: string, repairMs = 0): RepairReport {
    r.stop = stop;
    r.timeRatio = repairMs / Math.max(1, r.original.result.durationMs);
    return r;
  }
}

/** The remedies the graph links to a diagnosis' symptoms: symptom → SUGGESTS → cause → FIXED_BY → remedy. */
function linkedRemedies(knowledge: KnowledgeSeed, diagnosis: { symptoms: { id: string }[] }): Set<string> {
  const shown = new Set(diagnosis.symptoms.map((s) => s.id));
  const causes = new Set(knowledge.suggests.filter((l) => shown.has(l.symptom)).map((l) => l.cause));
  return new Set(knowledge.fixedBy.filter((l) => causes.has(l.cause)).map((l) => l.remedy));
}

/** At most two changes in full, then how many more. */
const brief = (changes: string[]) =>
  changes.length <= 3
    ? changes.join('; ')
    : `${changes.slice(0, 2).join('; ')}; and ${changes.length - 2} more`;

const rankOf = (d: { remedies: { id: string }[] }, id: string) => d.remedies.findIndex((r) => r.id === id);

function isBest(candidate: ValMetric, best: ValMetric): boolean {
  return candidate.higherIsBetter ? candidate.value > best.value : candidate.value < best.value;
}

const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v));
