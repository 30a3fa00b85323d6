import type { Diagnosis, KnowledgeSeed } from '../domain/index.js';
import type { RepairReport } from '../repair/index.js';
import { formatDiagnosis } from './format-diagnosis.js';
import { type Palette, type Terminal, visibleLength, wrap } from './terminal.js';

// A line's list marker ("1. ", "- ", "! ", "→ "): its continuation lines hang past it.
const MARKER = /^(\s*)((?:\d+\.|[-!✓→•])\s+)?/;

/**
 * Text for a terminal of `width` columns: each line wrapped, keeping its
 * indent, continuation lines under its text (past a list marker); empty
 * lines kept. What `traindx train` and `traindx suggest` print around the
 * diagnosis (which formatDiagnosis wraps itself).
 *
 * @example wrapLines('  1. a long item', 12) // ['  1. a long', '     item']
 */
export function wrapLines(text: string, width: number): string[] {
  return text.split('\n').flatMap((line) => {
    if (visibleLength(line) <= width || line.trim() === '') return [line];
    const m = MARKER.exec(line)!;
    const indent = m[1] ?? '';
    const marker = m[2] ?? '';
    return wrap(
      line.slice(indent.length + marker.length),
      width,
      indent + marker,
      ' '.repeat(indent.length + marker.length),
    );
  });
}

/**
 * A writer of wrapped text (see wrapLines) over a line writer.
 *
 * @example const say = sayTo(console.log, 80); say('Auto-repair:');
 */
export const sayTo =
  (out: (line: string) => void, width: number) =>
  (text: string): void => {
    for (const line of wrapLines(text, width)) out(line);
  };

/**
 * A run's diagnosis as `traindx diagnose` prints it (symptoms by name), every
 * line within the terminal's width, its closing hint too.
 *
 * @example for (const line of diagnosisLines(run.diagnosis, terminal, names)) out(line);
 */
export const diagnosisLines = (
  d: Diagnosis,
  terminal: Terminal,
  names: ReadonlyMap<string, string>,
  verbose = false,
) => wrapLines(formatDiagnosis(d, { terminal, symptomNames: names, verbose }), terminal.width);

/** The names of the graph's symptoms and causes by id, for alerts that carry ids only. */
export const namesOf = (seed: KnowledgeSeed): Map<string, string> =>
  new Map([...seed.symptoms, ...seed.causes].map((k) => [k.id, k.name] as const));

/**
 * The attempts of an auto-repair: repair's table when it fits the width,
 * else one block per attempt (a table cut by the terminal cannot be read).
 *
 * @example formatAttemptsFor(report, table, { color: false, width: 80 }, palette)
 */
export function formatAttemptsFor(
  report: RepairReport,
  table: string,
  terminal: Terminal,
  p: Palette,
): string[] {
  const lines = table.split('\n');
  if (lines.every((l) => visibleLength(l) <= terminal.width)) return lines;
  const metric = report.originalMetric.name;
  const show = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v));
  return report.attempts.flatMap((a) => {
    const verdict = a.repairsOriginal ? p.green(a.judgement.verdict) : a.judgement.verdict;
    const from = a.parentRunId === report.original.result.runId ? 'the original run' : a.parentRunId;
    return wrapLines(
      [
        `${a.attempt}. ${p.bold(a.remedyName || a.remedyId)} on ${from}: ${verdict}${a.repairsOriginal ? ', repairs the original' : ''}`,
        `   edits: ${a.changes.join('; ') || 'none'}`,
        `   ${metric} ${show(a.judgement.before.value)} → ${show(a.judgement.after.value)}`,
      ].join('\n'),
      terminal.width,
    );
  });
}
