import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Diagnosis } from '../../src/domain/index.js';
import { runCli } from '../support/run-cli.js';
import { SAMPLES_DIR } from '../support/samples.js';

const dir = mkdtempSync(join(tmpdir(), 'traindx-cli-'));

describe('the traindx command', () => {
  it('prints help for every command', () => {
    for (const args of [['--help'], ['seed', '--help'], ['diagnose', '--help'], ['serve', '--help']]) {
      const res = runCli(args);
      expect(res.code, args.join(' ')).toBe(0);
      expect(res.stdout).toMatch(/Usage: traindx/);
    }
  });

  it('diagnoses a sample from any working directory and prints the JSON contract', () => {
    const res = runCli(['diagnose', join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl'), '--json']);
    expect(res.code, res.stderr).toBe(0);
    const diagnosis = Diagnosis.parse(JSON.parse(res.stdout));
    expect(diagnosis.runId).toBe('35faf37c-7019-5ecf-ba73-9f32595aaa5f');
    expect(diagnosis.facts).toMatchObject({
      optimizer: 'sgd',
      learningRate: 3,
      layerCount: 3,
      eventCount: 103,
    });
    const confidences = diagnosis.causes.map((c) => c.confidence);
    expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);
  });

  it('exits 2 naming line 7 and the field of a broken trace', () => {
    const lines = readFileSync(join(SAMPLES_DIR, 'keras-healthy-digits-mlp128.jsonl'), 'utf8').split('\n');
    lines[6] = lines[6]!.replace(/"step":\d+/, '"step":"seven"');
    const path = join(dir, 'broken.jsonl');
    writeFileSync(path, lines.join('\n'));
    const res = runCli(['diagnose', path, '--json']);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/broken\.jsonl, line 7: field 'step'/);
  });

  it('exits 2 for a file that does not exist and for an unknown profile', () => {
    expect(runCli(['diagnose', join(dir, 'nope.jsonl')]).code).toBe(2);
    const res = runCli([
      'diagnose',
      join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl'),
      '--profile',
      'no-such-profile',
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/profile 'no-such-profile' not found/);
  });

  it('seeds the embedded store twice with the same counts', () => {
    const dataDir = join(dir, 'data');
    const first = runCli(['seed', '--data-dir', dataDir]);
    const second = runCli(['seed', '--data-dir', dataDir]);
    expect(first.code, first.stderr).toBe(0);
    const counts = (s: string) => s.split('\n').find((l) => l.startsWith('store now holds'));
    expect(counts(second.stdout)).toBe(counts(first.stdout));
    expect(second.stdout).toMatch(/suggests\s+0\s+0\s+\d+/);
  });
});
