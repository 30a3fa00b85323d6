import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const TEMPLATES = join(import.meta.dirname, '../../templates');
const dir = mkdtempSync(join(tmpdir(), 'traindx-cli-train-'));

describe('traindx train', () => {
  it('exits 2 with one line per bad key of a template', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(
      path,
      'data: { generate: moons }\nmodel: { layers: [{ type: dense, units: 0 }] }\noptimizer: { name: adam, learningRate: 0.01 }\nloss: categoricalCrossentropy\nepochs: 2\n',
    );
    const res = runCli(['train', path]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toBe(`traindx: ${path}: model.layers[0].units: expected a positive integer`);
  });

  it('trains a template, prints its diagnosis and writes the trace and a summary', () => {
    const out = join(dir, 'run');
    const res = runCli([
      'train',
      join(TEMPLATES, 'regression-mlp.yaml'),
      '--out',
      out,
      '--data-dir',
      join(dir, 'store'),
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/epoch 20\/20 loss [\d.]+ \/ val [\d.]+ mse/);
    expect(res.stdout).toMatch(/Symptoms: none found\./);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      status: 'completed',
      diagnosis: { healthy: true },
      metric: { name: 'val mse' },
    });
    expect(existsSync(summary.trace)).toBe(true);
  });
});
