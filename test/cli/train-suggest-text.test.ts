import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSuggestionsFor } from '../../src/cli/suggest-format.js';
import { paletteOf, visibleLength } from '../../src/cli/terminal.js';
import { formatAttemptsFor, wrapLines } from '../../src/cli/train-output.js';
import { createTrainPrinter } from '../../src/cli/train-printer.js';

const ROOT = join(import.meta.dirname, '../..');
const TEMPLATES = join(ROOT, 'templates');
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const dir = mkdtempSync(join(tmpdir(), 'traindx-train-text-'));
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The real CLI on a terminal `columns` wide (a pseudo-terminal from util-linux `script`), or into
 * a pipe when `columns` is null; the colour variables are only those given.
 */
function traindx(args: string[], columns: number | null, env: Record<string, string> = {}): string {
  const { FORCE_COLOR: _f, NO_COLOR: _n, ...rest } = process.env;
  const cli = [
    process.execPath,
    '--import',
    join(ROOT, 'node_modules/tsx/dist/esm/index.mjs'),
    join(ROOT, 'src/cli/main.ts'),
    ...args,
  ];
  const res =
    columns === null
      ? spawnSync(cli[0]!, cli.slice(1), {
          cwd: dir,
          encoding: 'utf8',
          env: { ...rest, ...env },
          timeout: 180_000,
        })
      : spawnSync(
          'script',
          ['-qec', `stty cols ${columns} rows 50; exec ${cli.map(quote).join(' ')}`, '/dev/null'],
          {
            cwd: dir,
            encoding: 'utf8',
            env: { ...rest, ...env },
            input: '',
            timeout: 180_000,
          },
        );
  expect(res.status, `${res.stdout}\n${res.stderr}`).toBe(0);
  return res.stdout.replace(/\r\n/g, '\n');
}

const widest = (text: string) => Math.max(...text.split('\n').map(visibleLength));

describe('traindx train and traindx suggest as text, as traindx diagnose prints', () => {
  it('train colours a 60-column terminal and wraps every line to it, naming symptoms and causes', () => {
    const text = traindx(
      ['train', join(TEMPLATES, 'moons-sgd-lr-too-high.yaml'), '--out', join(dir, 'tty')],
      60,
    );
    expect(text).toContain(`${ESC}[33m! step 0: WARNING`);
    expect(widest(text)).toBeLessThanOrEqual(60);
    const plain = text.replace(ANSI, '');
    // Words as one line: a 60-column terminal wraps them.
    const flat = plain.replace(/\s+/g, ' ');
    expect(flat).toMatch(/! step 0: WARNING Learning rate far above the usual range/);
    expect(flat).toMatch(/→ leading cause now: Learning rate too high/);
    expect(plain).not.toMatch(/learning_rate_too_high|learning_rate_above_range/);
    expect(plain).toMatch(/^epoch 20\/20|^ {2}epoch 20\/20/m);
  }, 240_000);

  it('train prints no colour on a terminal under NO_COLOR, still wrapped to its width; --verbose as diagnose', () => {
    const text = traindx(
      ['train', join(TEMPLATES, 'moons-sgd-lr-too-high.yaml'), '--out', join(dir, 'no-color'), '--verbose'],
      60,
      { NO_COLOR: '1' },
    );
    expect(text).not.toContain(ESC);
    expect(widest(text)).toBeLessThanOrEqual(60);
    expect(text).toMatch(/Likely causes/);
    // Every piece of evidence, and the ids beside the names, as `traindx diagnose --verbose`.
    expect(text).toMatch(/\(learning_rate_too_high\)/);
    expect(text).not.toMatch(/--verbose prints/);
  }, 240_000);

  it('suggest prints no colour into a pipe, every line within 80 columns, and colour on a terminal', () => {
    const args = ['suggest', join(TEMPLATES, 'blobs-narrow.yaml'), '--out', join(dir, 'suggest')];
    const piped = traindx(args, null);
    expect(piped).not.toContain(ESC);
    expect(widest(piped)).toBeLessThanOrEqual(80);
    expect(piped).toMatch(/Structure suggestions for blobs-narrow/);
    expect(piped).toMatch(/^1\. .+\n {3}because /m);
    const tty = traindx(args, 70);
    expect(tty).toContain(`${ESC}[1m`);
    expect(widest(tty)).toBeLessThanOrEqual(70);
  }, 240_000);
});

describe('the train printer', () => {
  const alerts = [
    {
      runId: 'r',
      kind: 'symptom',
      change: 'started',
      step: 12,
      symptom: {
        id: 'loss_divergence',
        confidence: 0.9,
        severity: 'critical',
        layer: 'dense_0',
        evidence: [`loss rose from 0.7 to 9.1 over 10 steps ${'and kept rising '.repeat(20)}`],
      },
    },
    { runId: 'r', kind: 'top_cause', topCause: { id: 'learning_rate_too_high', confidence: 0.8 } },
    {
      runId: 'r',
      kind: 'symptom',
      change: 'resolved',
      step: 90,
      symptom: { id: 'loss_divergence', confidence: 0.9, severity: 'critical', lastStep: 40, evidence: [] },
    },
  ];
  const names = new Map([
    ['loss_divergence', 'Loss diverges'],
    ['learning_rate_too_high', 'Learning rate too high'],
  ]);

  it('wraps each alert to the width with a hanging indent, names it, and marks it by word and colour', () => {
    const lines: string[] = [];
    const print = createTrainPrinter((l) => lines.push(l), { terminal: { color: true, width: 50 }, names });
    for (const a of alerts) print.alert(a);
    for (const line of lines) expect(visibleLength(line)).toBeLessThanOrEqual(50);
    const plain = lines.map((l) => l.replace(ANSI, ''));
    expect(plain[0]).toBe('  ! step 12: CRITICAL Loss diverges [dense_0]:');
    expect(plain[1]).toMatch(/^ {4}\S/);
    expect(lines[0]).toContain(`${ESC}[31m! step 12: CRITICAL${ESC}[39m`);
    expect(plain).toContain('  → leading cause now: Learning rate too high');
    expect(plain.at(-1)).toBe('    step 40)');
    expect(plain.join(' ').replace(/\s+/g, ' ')).toMatch(
      /\(0\.8\) ✓ step 90: Loss diverges resolved \(last seen at step 40\)$/,
    );
  });

  it('prints the same words without colour', () => {
    const colour: string[] = [];
    const plain: string[] = [];
    for (const [out, color] of [
      [colour, true],
      [plain, false],
    ] as const) {
      const print = createTrainPrinter((l) => out.push(l), { terminal: { color, width: 50 }, names });
      for (const a of alerts) print.alert(a);
    }
    expect(plain.join('\n')).not.toContain(ESC);
    expect(colour.map((l) => l.replace(ANSI, ''))).toEqual(plain);
  });
});

describe('wrapLines and formatSuggestionsFor', () => {
  it('keep a line’s indent and hang its continuation past a list marker', () => {
    expect(wrapLines('  1. a long item here', 12)).toEqual(['  1. a long', '     item', '     here']);
    expect(wrapLines('short\n\n  ! x y', 80)).toEqual(['short', '', '  ! x y']);
  });

  it('lays suggestions out within the width, titles bold on a colour terminal', () => {
    const s = [
      {
        id: 'widen_bottleneck',
        title: 'Widen the bottleneck layer',
        because: 'dense_0 has 2 units for 6 classes, fewer than classes − 1 = 5; val accuracy 0.65',
        edits: [{ op: 'set', at: 'dense_0', field: 'units' }],
      },
    ] as never;
    const lines = formatSuggestionsFor(s, new Map([['widen_bottleneck', ['dense_0.units 2 → 8']]]), {
      color: true,
      width: 40,
    });
    for (const line of lines) expect(visibleLength(line)).toBeLessThanOrEqual(40);
    expect(lines[0]).toContain(`${ESC}[1mWiden the bottleneck layer${ESC}[22m`);
    expect(lines.map((l) => l.replace(ANSI, '')).join('\n')).toMatch(/ {3}edits: dense_0\.units 2 → 8/);
  });
});

describe('formatAttemptsFor', () => {
  const report = {
    original: { result: { runId: 'orig' } },
    originalMetric: { name: 'val accuracy', value: 0.5 },
    attempts: [
      {
        attempt: 1,
        parentRunId: 'orig',
        runId: 'a1',
        remedyId: 'lower_learning_rate',
        remedyName: 'Lower the learning rate',
        changes: ['optimizer.learningRate 3 → 0.3'],
        judgement: { before: { value: 0.5 }, after: { value: 0.93 }, verdict: 'improved' },
        repairsOriginal: true,
      },
    ],
  } as never;
  const terminal = { color: false, width: 60 };

  it('keeps the table when it fits the terminal, and makes one block per attempt when it does not', () => {
    const narrow = 'a  b\n-  -';
    expect(formatAttemptsFor(report, narrow, terminal, paletteOf(terminal))).toEqual(['a  b', '-  -']);
    const wide = `${'x'.repeat(61)}\n-`;
    const blocks = formatAttemptsFor(report, wide, terminal, paletteOf(terminal));
    expect(blocks).toEqual([
      '1. Lower the learning rate on the original run: improved,',
      '   repairs the original',
      '   edits: optimizer.learningRate 3 → 0.3',
      '   val accuracy 0.5 → 0.93',
    ]);
  });
});
