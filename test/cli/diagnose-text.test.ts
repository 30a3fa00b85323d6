import { spawnSync } from 'node:child_process';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { showProgress } from '../../src/cli/progress.js';
import { terminalOf, visibleLength, wrap } from '../../src/cli/terminal.js';
import type { Diagnosis } from '../../src/domain/index.js';
import { SAMPLES_DIR } from '../support/samples.js';

const ROOT = join(import.meta.dirname, '../..');
const LR3 = join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl');
const ESC = String.fromCharCode(27);

// The real CLI as a shell pipe runs it: stdout is a pipe, and the colour variables are only those given.
function diagnoseText(args: string[], env: Record<string, string> = {}) {
  const { FORCE_COLOR: _f, NO_COLOR: _n, ...rest } = process.env;
  const res = spawnSync(
    process.execPath,
    [
      '--import',
      join(ROOT, 'node_modules/tsx/dist/esm/index.mjs'),
      join(ROOT, 'src/cli/main.ts'),
      'diagnose',
      ...args,
    ],
    { cwd: tmpdir(), encoding: 'utf8', env: { ...rest, ...env }, timeout: 120_000 },
  );
  expect(res.status, res.stderr).toBe(0);
  return res.stdout;
}

describe('traindx diagnose as text', () => {
  it('puts the verdict, the top cause by name and the first fix with its edit first, then causes, then symptoms', () => {
    const text = diagnoseText([LR3]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('keras-sgd-lr3-wine ✗ failed');
    const head = lines.slice(0, 8).join('\n');
    expect(head).toMatch(/Top cause: Learning rate too high \(0\.\d\d\)/);
    expect(head).toContain('First fix: Lower the learning rate: optimizer.learningRate 3 → 0.3');
    const causes = lines.indexOf('Likely causes');
    const symptoms = lines.indexOf('Symptoms');
    expect(causes).toBeGreaterThan(0);
    expect(causes).toBeLessThan(15);
    expect(symptoms).toBeGreaterThan(causes);
    expect(text).not.toMatch(/learning_rate_too_high/);
    // Symptoms by their names in the knowledge graph, ids only with --verbose.
    expect(text).toMatch(/^ {2}CRITICAL Loss diverges · steps 2–23 · 0\.\d\d$/m);
    expect(text).not.toMatch(/loss_divergence/);
  });

  it('prints no colour into a pipe or under NO_COLOR, and colour under FORCE_COLOR', () => {
    expect(diagnoseText([LR3])).not.toContain(ESC);
    expect(diagnoseText([LR3], { NO_COLOR: '1' })).not.toContain(ESC);
    const forced = diagnoseText([LR3], { FORCE_COLOR: '1' });
    expect(forced).toContain(`${ESC}[31m`);
    // Colour changes no text: without its codes the output is the plain one.
    expect(forced.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '')).toBe(diagnoseText([LR3]));
  });

  it('wraps every line to 80 columns when piped, and --verbose prints every piece of evidence', () => {
    const concise = diagnoseText([LR3]);
    const verbose = diagnoseText([LR3, '--verbose']);
    for (const text of [concise, verbose])
      for (const line of text.split('\n')) expect(visibleLength(line), line).toBeLessThanOrEqual(80);
    const json = JSON.parse(diagnoseText([LR3, '--json'])) as Diagnosis;
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    const all = json.symptoms.flatMap((s) => s.evidence);
    expect(all.length).toBeGreaterThan(json.symptoms.length);
    for (const evidence of all) expect(flat(verbose)).toContain(flat(evidence));
    expect(all.filter((e) => flat(concise).includes(flat(e))).length).toBeLessThan(all.length);
    expect(concise.split('\n').length).toBeLessThan(verbose.split('\n').length);
  });
});

describe('terminalOf', () => {
  it('colours a TTY at its width, and follows NO_COLOR, FORCE_COLOR and a pipe', () => {
    const tty = { isTTY: true, columns: 132 };
    expect(terminalOf(tty, {})).toEqual({ color: true, width: 132 });
    expect(terminalOf(tty, { NO_COLOR: '1' }).color).toBe(false);
    expect(terminalOf(tty, { TERM: 'dumb' }).color).toBe(false);
    expect(terminalOf(tty, { FORCE_COLOR: '0' }).color).toBe(false);
    expect(terminalOf({}, {})).toEqual({ color: false, width: 80 });
    expect(terminalOf({}, { FORCE_COLOR: '1' })).toEqual({ color: true, width: 80 });
  });
});

describe('wrap', () => {
  it('keeps every line within the width, cutting a word longer than a line', () => {
    const lines = wrap(`short words then ${'x'.repeat(50)} and more`, 20, '  ', '    ');
    expect(lines[0]).toBe('  short words then');
    for (const line of lines) expect(visibleLength(line)).toBeLessThanOrEqual(20);
    expect(lines.join('').replace(/\s/g, '')).toBe(`shortwordsthen${'x'.repeat(50)}andmore`);
  });
});

describe('showProgress', () => {
  const bigFile = () => {
    const path = join(mkdtempSync(join(tmpdir(), 'traindx-progress-')), 'big.jsonl');
    writeFileSync(path, '');
    truncateSync(path, 60 * 1024 * 1024); // sparse: 60 MB that take no disk
    return path;
  };

  it('draws a line on a TTY for a file over 50 MB and erases it when stopped', async () => {
    const written: string[] = [];
    const progress = await showProgress(bigFile(), { isTTY: true, write: (t) => written.push(t) > 0 });
    progress.stop();
    expect(written[0]).toMatch(/reading big\.jsonl: (\d+ of )?60 MB, 0 s$/);
    expect(written.at(-1)).toBe('\r\u001b[K');
  });

  it('writes nothing into a pipe, or for a small file', async () => {
    const written: string[] = [];
    const write = (t: string) => written.push(t) > 0;
    (await showProgress(bigFile(), { isTTY: false, write })).stop();
    (await showProgress(LR3, { isTTY: true, write })).stop();
    expect(written).toEqual([]);
  });
});
