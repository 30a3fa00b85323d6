import type { ValMetric } from '../reason/index.js';
import type { RepairReport } from './auto-repair.js';

/**
 * The attempts of an auto-repair as a table for a terminal: remedy, edits,
 * the metric before (the run it edited) and after, the verdict against that
 * run, and whether the original run's failure is repaired.
 *
 * @example console.log(formatAttempts(report));
 */
export function formatAttempts(report: RepairReport): string {
  const metric = report.originalMetric.name;
  const rows = report.attempts.map((a) => [
    String(a.attempt),
    a.remedyId,
    a.changes.join('; '),
    a.parentRunId === report.original.result.runId ? 'original' : a.parentRunId,
    show(a.judgement.before),
    show(a.judgement.after),
    a.judgement.verdict,
    a.repairsOriginal ? 'yes' : 'no',
  ]);
  const head = [
    '#',
    'remedy',
    'edits',
    'edited run',
    `${metric} before`,
    'after',
    'verdict',
    'repairs original',
  ];
  return table([head, ...rows], { wrap: 2, width: 44 });
}

const show = (m: ValMetric) =>
  Number.isFinite(m.value) ? Number(m.value.toPrecision(3)).toString() : String(m.value);

/** A plain-text table; column `wrap` is folded at `width` characters. */
function table(rows: string[][], o: { wrap: number; width: number }): string {
  const folded = rows.map((r) => r.map((cell, i) => (i === o.wrap ? fold(cell, o.width) : [cell])));
  const widths = rows[0]!.map((_, i) =>
    Math.max(...folded.map((r) => Math.max(...r[i]!.map((l) => l.length)))),
  );
  const out: string[] = [];
  folded.forEach((r, k) => {
    const height = Math.max(...r.map((c) => c.length));
    for (let line = 0; line < height; line++)
      out.push(
        r
          .map((c, i) => (c[line] ?? '').padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      );
    if (k === 0) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  });
  return out.join('\n');
}

function fold(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const part of text.split('; ')) {
    const next = current ? `${current}; ${part}` : part;
    if (current && next.length > width) {
      lines.push(`${current};`);
      current = part;
    } else current = next;
  }
  lines.push(current);
  return lines;
}
