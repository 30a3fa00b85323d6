import type { DiagnosedSymptom, Diagnosis, Severity } from '../domain/index.js';
import { describeEdits } from '../reason/index.js';
import { clip, type Palette, paletteOf, type Terminal, wrap } from './terminal.js';

export interface FormatOptions {
  /** Colour and line width (default: no colour, 80 columns, as into a pipe). */
  terminal?: Terminal;
  /** Every piece of evidence, every cause's explanation and every remedy's action. */
  verbose?: boolean;
  /** Symptom names by id, from the knowledge graph (default: the id in words). */
  symptomNames?: ReadonlyMap<string, string>;
}

// Enough to act on at a glance; `--verbose` prints the rest.
const CONCISE = { causes: 5, remedies: 3, toRecord: 2 };
const VERBOSE = { causes: 5, remedies: 6, toRecord: Number.POSITIVE_INFINITY };
const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
// A run that stopped like this failed whatever its causes say.
const FAILED_STATUSES = new Set(['diverged', 'crashed']);

type Verdict = 'healthy' | 'needs attention' | 'failed';

/**
 * The diagnosis as text for a terminal: a summary first (verdict, top cause,
 * first fix with its edit), then the causes, the symptoms with their
 * evidence, the remedies, and the signals the trace lacked. Lines are wrapped
 * to the terminal's width; `verbose` prints every piece of evidence.
 *
 * @example formatDiagnosis(diagnosis, { terminal: { color: false, width: 80 } })
 */
export function formatDiagnosis(d: Diagnosis, options: FormatOptions = {}): string {
  const terminal = options.terminal ?? { color: false, width: 80 };
  const verbose = options.verbose === true;
  const p = paletteOf(terminal);
  const w = terminal.width;
  const limits = verbose ? VERBOSE : CONCISE;
  const causeName = new Map(d.causes.map((c) => [c.id, c.name]));
  const symptomName = (id: string) => options.symptomNames?.get(id) ?? id.replaceAll('_', ' ');
  const lines: string[] = [];
  let hidden = false;

  // Summary: what happened, why, and what to change first.
  const verdict = verdictOf(d);
  const paintVerdict = verdict === 'healthy' ? p.green : verdict === 'failed' ? p.red : p.yellow;
  lines.push(
    ...wrap(`${p.bold(d.facts.name ?? d.runId)} ${paintVerdict(p.bold(verdictMark(verdict)))}`, w),
    ...wrap(d.summary, w, '  '),
  );
  const top = d.causes[0];
  if (top && !d.healthy) {
    lines.push(
      ...wrap(`${p.bold('Top cause:')} ${top.name} (${top.confidence.toFixed(2)})`, w, '  ', '    '),
    );
    const fix = d.remedies[0];
    if (fix) {
      const edit = describeEdits(fix.edits);
      lines.push(
        ...wrap(`${p.bold('First fix:')} ${fix.name}${edit ? `: ${p.cyan(edit)}` : ''}`, w, '  ', '    '),
      );
    }
  }
  lines.push(...wrap(p.dim(`run ${d.runId} · ${factsLine(d)}`), w, '  ', '    '));

  if (d.causes.length) {
    lines.push('', p.bold('Likely causes'));
    d.causes.slice(0, limits.causes).forEach((c, i) => {
      lines.push(
        ...wrap(
          `${i + 1}. ${p.bold(c.name)} (${c.confidence.toFixed(2)})${verbose ? p.dim(` (${c.id})`) : ''}`,
          w,
          '  ',
          '     ',
        ),
      );
      if (verbose) lines.push(...wrap(c.explanation, w, '     '));
      else {
        const seen = [...new Set(c.paths.map((path) => symptomName(path.occurrence.id)))];
        if (seen.length) lines.push(...wrap(p.dim(`from ${seen.join(', ')}`), w, '     '));
        hidden = true;
      }
    });
  }

  if (d.symptoms.length === 0) lines.push('', 'Symptoms: none found.');
  else {
    lines.push('', p.bold('Symptoms'));
    for (const s of bySeverity(d.symptoms)) {
      const where = s.layer ? ` [${s.layer}]` : '';
      const span = s.firstStep === s.lastStep ? `step ${s.firstStep}` : `steps ${s.firstStep}–${s.lastStep}`;
      const head = `${paintSeverity(p, s.severity)} ${symptomName(s.id)}${where} ${p.dim(`· ${span} · ${s.confidence.toFixed(2)}${verbose ? ` · ${s.id}` : ''}`)}`;
      lines.push(...wrap(head, w, '  ', '    '));
      if (verbose) for (const e of s.evidence) lines.push(...wrap(e, w, '      ', '        '));
      else if (s.evidence[0]) {
        lines.push(`      ${clip(s.evidence[0], w - 6)}`);
        if (s.evidence.length > 1 || [...s.evidence[0]].length > w - 6) hidden = true;
      }
    }
  }

  if (d.remedies.length) {
    lines.push('', p.bold('What to change'));
    d.remedies.slice(0, limits.remedies).forEach((r, i) => {
      const edit = describeEdits(r.edits);
      lines.push(...wrap(`${i + 1}. ${p.bold(r.name)}${edit ? `: ${p.cyan(edit)}` : ''}`, w, '  ', '     '));
      const causes = r.forCauses.map((id) => causeName.get(id) ?? id).join(', ');
      if (verbose) lines.push(...wrap(`${r.action} ${p.dim(`(for ${causes}; ${r.id})`)}`, w, '     '));
      else if (!edit) lines.push(`     ${clip(r.action, w - 5)}`);
    });
    if (d.remedies.length > limits.remedies) hidden = true;
  }

  if (d.missingSignals.length) {
    const which = verbose ? `: ${d.missingSignals.join(', ')}` : ` (${d.missingSignals.length})`;
    lines.push('', ...wrap(`Signals the trace lacked (their detectors stayed silent)${which}`, w));
    if (!verbose) hidden = true;
  }
  if (d.toRecord.length) {
    lines.push('', 'To tell these causes apart, record:');
    for (const a of d.toRecord.slice(0, limits.toRecord))
      lines.push(...wrap(`${p.bold(a.signal)}: ${a.why}`, w, '  - ', '    '));
    if (d.toRecord.length > limits.toRecord) hidden = true;
  }
  if (hidden && !verbose)
    lines.push('', p.dim('(--verbose prints every piece of evidence, each explanation and every remedy)'));
  return lines.join('\n');
}

/**
 * A run's outcome in words: failed when it diverged or crashed or showed a
 * critical symptom, needs attention when a cause reaches the healthy threshold
 * or a warning was seen, healthy otherwise.
 *
 * @example verdictOf(diagnosis) // 'failed'
 */
export function verdictOf(d: Diagnosis): Verdict {
  if (FAILED_STATUSES.has(d.facts.status ?? '') || d.symptoms.some((s) => s.severity === 'critical'))
    return 'failed';
  return d.healthy ? 'healthy' : 'needs attention';
}

// The mark carries the verdict where colour does not (a pipe, NO_COLOR, colour blindness).
const verdictMark = (v: Verdict) =>
  v === 'healthy' ? '✓ healthy' : v === 'failed' ? '✗ failed' : '! needs attention';

const bySeverity = (symptoms: DiagnosedSymptom[]) =>
  symptoms
    .map((s, i) => ({ s, i }))
    .sort((a, b) => SEVERITY_ORDER[a.s.severity] - SEVERITY_ORDER[b.s.severity] || a.i - b.i)
    .map(({ s }) => s);

function paintSeverity(p: Palette, severity: Severity): string {
  const word = severity.toUpperCase();
  return severity === 'critical'
    ? p.red(p.bold(word))
    : severity === 'warning'
      ? p.yellow(word)
      : p.dim(word);
}

function factsLine(d: Diagnosis): string {
  const f = d.facts;
  return [
    f.framework,
    f.task,
    f.optimizer && `${f.optimizer} lr=${f.learningRate ?? '?'}`,
    f.loss,
    `${f.layerCount} layers`,
    `${f.eventCount} events`,
    f.lastStep !== undefined && `last step ${f.lastStep}`,
    f.status,
    f.profile && `profile ${f.profile}`,
  ]
    .filter(Boolean)
    .join(' · ');
}
