import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { loadConfig } from '../config/index.js';
import { openTraindx } from '../engine/index.js';
import { InputError } from '../errors/index.js';
import { initTfjsBackend } from '../monitor/index.js';
import { autoRepair, formatAttempts, type RepairReport } from '../repair/index.js';
import { loadTemplate, type MonitoredRun, templateToYaml } from '../train/index.js';
import { paletteOf, type Terminal, terminalOf } from './terminal.js';
import { diagnosisLines, formatAttemptsFor, namesOf, sayTo } from './train-output.js';
import { createTrainPrinter } from './train-printer.js';

export interface TrainFlags {
  out?: string;
  autoRepair?: boolean;
  maxAttempts?: string;
  store?: string;
  dataDir?: string;
  quiet?: boolean;
  /** Every piece of evidence, each cause's explanation and every remedy in the diagnosis. */
  verbose?: boolean;
}

/**
 * `traindx train TEMPLATE.yaml [--auto-repair] [--max-attempts N] [--out DIR]`: trains the template
 * monitored, diagnoses it, and with --auto-repair retrains edited copies until the failure is gone.
 *
 * @example await train('templates/blobs-mlp.yaml', { autoRepair: true }, console.log);
 */
export async function train(path: string, flags: TrainFlags, out: (line: string) => void) {
  const maxAttempts = flags.maxAttempts === undefined ? 3 : Number(flags.maxAttempts);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new InputError(`--max-attempts: expected a positive integer, got '${flags.maxAttempts}'`);
  await trainTemplateFile(path, { ...flags, maxAttempts }, out);
}

async function trainTemplateFile(
  path: string,
  flags: Omit<TrainFlags, 'maxAttempts'> & { maxAttempts: number },
  out: (line: string) => void,
) {
  // As `traindx diagnose`: colour on a TTY (not with NO_COLOR, nor into a pipe), lines to its width.
  const terminal = terminalOf(process.stdout, process.env);
  const p = paletteOf(terminal);
  const say = sayTo(out, terminal.width);
  const template = await loadTemplate(path);
  const config = loadConfig(process.env, { store: flags.store, dataDir: flags.dataDir });
  const { tf, backend } = await initTfjsBackend();
  const { traindx } = await openTraindx(config);
  try {
    const runId = `${slug(template.name ?? basename(path, '.yaml'))}-${stamp()}`;
    const dir = resolve(flags.out ?? join('traindx-runs', runId));
    await mkdir(dir, { recursive: true });
    say(
      `traindx train ${path}: tfjs on ${backend}; ${traindx.store.description}; output in ${relative('.', dir) || '.'}`,
    );
    const names = namesOf((await traindx.knowledge()).seed);
    const print = createTrainPrinter(out, { quiet: flags.quiet, terminal, names });
    const report = await autoRepair(
      {
        tf,
        traindx,
        log: say,
        onStart: (s) =>
          print.start(s.runId, s, s.parent ? `attempt: ${s.parent.remedy} on ${s.parent.runId}` : undefined),
        onEpoch: (e) => print.epoch(e),
        onAlert: (a) => print.alert(a),
        onOriginal: (run) => {
          out('');
          for (const line of diagnosisLines(run.diagnosis, terminal, names, flags.verbose)) out(line);
          if (!flags.autoRepair && !run.diagnosis.healthy)
            say(`\nTo try the remedies: traindx train ${path} --auto-repair`);
          if (flags.autoRepair && !run.diagnosis.healthy) out(`\n${p.bold('Auto-repair:')}`);
        },
        warn: (m) => say(`  (${m})`),
      },
      template,
      {
        baseDir: dirname(resolve(path)),
        traceDir: dir,
        runId,
        maxAttempts: flags.autoRepair ? flags.maxAttempts : 0,
      },
    );
    const repairedPath = flags.autoRepair ? await writeRepaired(report, path, dir, out, terminal) : undefined;
    const summaryPath = join(dir, 'summary.json');
    const summary = summaryOf(report, path, dir, flags.autoRepair ? { repairedPath } : undefined);
    await writeFile(summaryPath, `${JSON.stringify(summary, finite, 2)}\n`);
    out('');
    say(`Trace: ${relative('.', join(dir, `${runId}.jsonl`))}  Summary: ${relative('.', summaryPath)}`);
  } finally {
    await traindx.close();
  }
}

async function writeRepaired(
  report: RepairReport,
  path: string,
  dir: string,
  out: (line: string) => void,
  terminal: Terminal,
): Promise<string | undefined> {
  const p = paletteOf(terminal);
  const say = sayTo(out, terminal.width);
  if (report.attempts.length === 0) {
    if (!report.original.diagnosis.healthy) say(`\nNo remedy could be applied: ${report.stop}.`);
    return undefined;
  }
  out('');
  for (const line of formatAttemptsFor(report, formatAttempts(report), terminal, p)) out(line);
  out('');
  if (report.best.runId === report.original.result.runId) {
    say(`${p.yellow('Not repaired')}: ${report.stop}; no attempt beat the original run.`);
    return undefined;
  }
  const file = join(dir, report.repaired ? 'repaired.yaml' : 'best-attempt.yaml');
  const steps = report.attempts
    .filter((a) => a.runId === report.best.runId || isAncestor(report, a.runId, report.best.runId))
    .map((a) => `${a.remedyId} (${a.changes.join('; ')})`);
  const header = [
    `${report.repaired ? 'Repaired' : 'Best attempt'} by traindx train --auto-repair from ${path} (run ${report.original.result.runId}, best ${report.best.runId}):`,
    ...steps.map((s) => `  ${s}`),
    `${report.originalMetric.name} ${show(report.originalMetric.value)} → ${show(report.best.metric.value)}`,
  ].join('\n');
  await writeFile(file, templateToYaml(report.best.template, header));
  say(
    `${report.repaired ? p.green('Repaired') : p.yellow('Not repaired, but improved')} (${report.stop}); the ${report.repaired ? 'repaired' : 'best'} template: ${relative('.', file)}`,
  );
  return file;
}

/** Whether attempt `runId` is on the chain of edits that led to `best`. */
function isAncestor(report: RepairReport, runId: string, best: string): boolean {
  const parent = new Map(report.attempts.map((a) => [a.runId, a.parentRunId]));
  for (let at = parent.get(best); at; at = parent.get(at)) if (at === runId) return true;
  return false;
}

function summaryOf(report: RepairReport, path: string, dir: string, repair?: { repairedPath?: string }) {
  const repairedPath = repair?.repairedPath;
  const run = (r: MonitoredRun) => ({
    runId: r.result.runId,
    trace: r.tracePath,
    status: r.result.status,
    ...(r.result.stopReason ? { stopReason: r.result.stopReason } : {}),
    durationMs: r.result.durationMs,
    steps: r.result.steps,
    final: r.result.final,
    epochs: r.result.epochs,
    profile: r.profile,
    diagnosis: {
      healthy: r.diagnosis.healthy,
      summary: r.diagnosis.summary,
      symptoms: r.diagnosis.symptoms.map((s) => ({
        id: s.id,
        severity: s.severity,
        confidence: s.confidence,
      })),
      causes: r.diagnosis.causes.slice(0, 5).map((c) => ({ id: c.id, confidence: c.confidence })),
      remedies: r.diagnosis.remedies.slice(0, 5).map((m) => ({ id: m.id, score: m.score, edits: m.edits })),
    },
  });
  return {
    template: path,
    out: dir,
    ...run(report.original),
    metric: report.originalMetric,
    ...(repair
      ? {
          autoRepair: {
            repaired: report.repaired,
            stop: report.stop,
            timeRatio: Number(report.timeRatio.toFixed(3)),
            ...(repairedPath ? { template: repairedPath } : {}),
            best: { runId: report.best.runId, metric: report.best.metric },
            attempts: report.attempts.map((a) => ({
              attempt: a.attempt,
              runId: a.runId,
              parentRunId: a.parentRunId,
              remedy: a.remedyId,
              changes: a.changes,
              before: a.judgement.before.value,
              after: a.judgement.after.value,
              verdict: a.judgement.verdict,
              remainingSymptoms: a.judgement.remainingSymptoms,
              repairsOriginal: a.repairsOriginal,
              recorded: a.recorded,
              durationMs: a.durationMs,
              trace: join(dir, `${a.runId}.jsonl`),
            })),
          },
        }
      : {}),
  };
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'run';
const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
const show = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v));
const finite = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
