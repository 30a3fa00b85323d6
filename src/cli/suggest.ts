import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { seedDir } from '../config/index.js';
import { loadProfile } from '../detect/index.js';
import { openEphemeralTraindx } from '../engine/index.js';
import { initTfjsBackend } from '../monitor/index.js';
import {
  applyEdits,
  readRunNumbers,
  ruleValues,
  type Suggestion,
  suggestStructure,
} from '../repair/index.js';
import {
  expandModel,
  loadTemplate,
  prepareData,
  profileOf,
  type TrainingTemplate,
  templateToYaml,
  trainAndDiagnose,
} from '../train/index.js';
import { formatSuggestionsFor } from './suggest-format.js';
import { type Terminal, terminalOf } from './terminal.js';
import { diagnosisLines, namesOf, sayTo } from './train-output.js';
import { createTrainPrinter } from './train-printer.js';

export interface SuggestFlags {
  trace?: string;
  out?: string;
  write?: string;
  quiet?: boolean;
  /** Every piece of evidence, each cause's explanation and every remedy in the diagnosis. */
  verbose?: boolean;
}

/**
 * `traindx suggest TEMPLATE.yaml [--trace FILE] [--write FILE]`: structure changes for a healthy
 * but weak run, each backed by the run's numbers.
 *
 * @example await suggest('templates/blobs-mlp.yaml', { write: 'better.yaml' }, console.log);
 */
export async function suggest(path: string, flags: SuggestFlags, out: (line: string) => void) {
  // As `traindx diagnose`: colour on a TTY (not with NO_COLOR, nor into a pipe), lines to its width.
  const terminal = terminalOf(process.stdout, process.env);
  const say = sayTo(out, terminal.width);
  const template = await loadTemplate(path);
  const baseDir = dirname(resolve(path));
  const { resolved, tracePath, profile } = flags.trace
    ? {
        ...(await resolveOnly(template, baseDir)),
        tracePath: flags.trace,
        profile: profileOf(template, baseDir),
      }
    : await trainOnce(template, path, flags, out, terminal);
  const numbers = await readRunNumbers(tracePath);
  const rules = ruleValues((await loadProfile(profile, join(seedDir(), 'profiles'))).values);
  const suggestions = suggestStructure(numbers, resolved, rules);
  const { template: suggested, changes } = applyAll(resolved, suggestions);
  out('');
  say(`Structure suggestions for ${template.name ?? basename(path)} (from ${relative('.', tracePath)}):`);
  for (const line of formatSuggestionsFor(suggestions, changes, terminal)) out(line);
  if (flags.write && suggestions.length > 0) {
    const header = `Suggested by traindx suggest from ${path}:\n${suggestions.map((s) => `  ${s.title}: ${s.because}`).join('\n')}`;
    await writeFile(flags.write, templateToYaml(suggested, header));
    say(`\nWrote the template with ${changes.size} suggestion(s) applied: ${flags.write}`);
  }
}

async function trainOnce(
  template: TrainingTemplate,
  path: string,
  flags: SuggestFlags,
  out: (line: string) => void,
  terminal: Terminal,
) {
  const say = sayTo(out, terminal.width);
  const { tf, backend } = await initTfjsBackend();
  // A one-off run: diagnosed in memory, nothing persisted but the trace.
  const traindx = await openEphemeralTraindx();
  try {
    const runId = `${basename(path, '.yaml')}-suggest-${Date.now().toString(36)}`;
    const dir = resolve(flags.out ?? join('traindx-runs', runId));
    await mkdir(dir, { recursive: true });
    say(`traindx suggest ${path}: training it once (tfjs on ${backend})`);
    const names = namesOf((await traindx.knowledge()).seed);
    const print = createTrainPrinter(out, { quiet: flags.quiet, terminal, names });
    const run = await trainAndDiagnose({ tf, traindx }, template, {
      baseDir: dirname(resolve(path)),
      runId,
      traceDir: dir,
      onStart: (s) => print.start(runId, s),
      onEpoch: (e) => print.epoch(e),
      onAlert: (a) => print.alert(a),
    });
    out('');
    for (const line of diagnosisLines(run.diagnosis, terminal, names, flags.verbose)) out(line);
    if (!run.diagnosis.healthy)
      say(
        `\nThe run shows a failure: fix it first (traindx train ${path} --auto-repair); suggestions follow anyway.`,
      );
    return { resolved: run.resolved, tracePath: run.tracePath, profile: run.profile };
  } finally {
    await traindx.close();
  }
}

/** The template with its model as named layers, without training (the data decides the output head). */
async function resolveOnly(template: TrainingTemplate, baseDir: string) {
  const data = await prepareData(template, baseDir);
  return { resolved: { ...template, model: { layers: expandModel(template, data) } } };
}

/** Applies the suggestions one after the other; one that no longer applies is left out. */
function applyAll(template: TrainingTemplate, suggestions: Suggestion[]) {
  let current = template;
  const changes = new Map<string, string[]>();
  for (const s of suggestions) {
    const applied = applyEdits(current, s.edits);
    if (!applied.ok) continue;
    current = applied.template;
    changes.set(s.id, applied.changes);
  }
  return { template: current, changes };
}
