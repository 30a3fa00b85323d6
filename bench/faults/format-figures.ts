import type { Figures, RunScore } from './score.js';

export type Goals = { top1: number; top3: number; falseAlarmRate: number };
export const GOALS: Goals = { top1: 0.85, top3: 0.97, falseAlarmRate: 0.05 };
/** Issue 15's goals for traces cut down to their curves, on the held-out split. */
export const CURVES_GOALS: Goals = { top1: 0.45, top3: 0.7, falseAlarmRate: 0.1 };

type Split = 'tune' | 'test' | 'all';
const SPLITS: Split[] = ['tune', 'test', 'all'];

const f2 = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(2));
const f3 = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(3));
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

function table(header: string[], rows: string[][], widths: number[]): string {
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? pad(c, widths[0]!) : lpad(c, widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The headline figures per split, with the goals beside them. */
export function summaryTable(by: Record<Split, Figures>, goals: Goals = GOALS): string {
  const row = (name: string, pick: (f: Figures) => string, goal = '') => [
    name,
    ...SPLITS.map((s) => pick(by[s])),
    goal,
  ];
  const frac = (n: number, d: number, r: number | undefined) => (d ? `${n}/${d} ${f2(r)}` : '—');
  return table(
    ['', 'tune', 'test', 'all', 'goal'],
    [
      row('runs (faulty + healthy)', (f) => `${f.faulty} + ${f.healthy}`),
      row('top-1 (healthy called healthy)', (f) => f3(f.top1), `≥ ${goals.top1}`),
      row('  faulty runs, planted|accepted', (f) => f3(f.faultyTop1)),
      row('  faulty runs, planted only', (f) => f3(f.plantedTop1)),
      row('top-3 (healthy called healthy)', (f) => f3(f.top3), `≥ ${goals.top3}`),
      row('  faulty runs, planted|accepted', (f) => f3(f.faultyTop3)),
      row('  faulty runs, planted only', (f) => f3(f.plantedTop3)),
      row('symptom precision', (f) => f3(f.symptomPrecision)),
      row('symptom recall', (f) => f3(f.symptomRecall)),
      row(
        'false alarms (healthy runs)',
        (f) => frac(f.falseAlarms, f.healthy, f.falseAlarmRate),
        `≤ ${goals.falseAlarmRate}`,
      ),
      row('missed faults (called healthy)', (f) => frac(f.missedFaults, f.faulty, f.missedFaultRate)),
      row('ECE, top cause (10 bins)', (f) => f3(f.ece)),
    ],
    [31, 12, 12, 12, 7],
  );
}

/**
 * Per confidence bin of the tune split (the held-out split is only ever
 * counted in aggregate): runs, mean confidence of the top cause, share whose top cause was right.
 */
export function reliabilityTable(by: Record<Split, Figures>): string {
  const rows = by.tune.reliability.map((x) => [
    `${x.from.toFixed(1)}–${x.to.toFixed(1)}`,
    String(x.runs),
    f2(x.meanConfidence),
    f2(x.accuracy),
  ]);
  return table(['confidence', 'tune n', 'conf', 'acc'], rows, [10, 7, 5, 5]);
}

/** Per planted cause, on the tune split only: runs, top-1 and top-3 hits, mean confidence of the top cause and of the true cause. */
export function perCauseTable(by: Record<Split, Figures>): string {
  const rows = by.tune.perCause.map((r) => [
    r.cause,
    `${r.top1}/${r.top3}/${r.runs}`,
    f2(r.meanTopConfidence),
    f2(r.meanTrueConfidence),
  ]);
  return table(['cause', 'tune 1/3/n', 'top conf', 'true conf'], rows, [27, 10, 8, 9]);
}

/** One tune-split miss: the expected cause, what was ranked, and which symptoms fired or were missing. */
export function describeMiss(s: RunScore, acceptable: string[]): string {
  const ranked = s.ranked.map((c) => `${c.id} ${c.confidence.toFixed(2)}`).join(', ') || 'no cause';
  const missing = s.expectedSymptoms.filter((id) => !s.symptoms.includes(id));
  const extra = s.symptoms.filter((id) => !s.expectedSymptoms.includes(id));
  return [
    `${s.id}: expected ${s.primaryCause}${acceptable.length ? ` (or ${acceptable.join(', ')})` : ''}; ${s.healthy ? 'called HEALTHY; ' : ''}ranked ${ranked}`,
    `    symptoms reported: ${s.symptoms.join(', ') || 'none'}`,
    `    expected but not reported: ${missing.join(', ') || 'none'}${extra.length ? `; reported, not expected: ${extra.join(', ')}` : ''}`,
  ].join('\n');
}
