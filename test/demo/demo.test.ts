import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

describe('traindx demo', () => {
  it('trains real tfjs models, calls the healthy one healthy and names the planted cause of the others', () => {
    const { code, stdout, stderr } = runCli(['demo', 'healthy', 'lr-too-high', 'dead-relu']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/tfjs backend: (wasm|cpu|tensorflow)/);
    expect(stdout).toMatch(/▶ healthy: .*✓\n {2}Healthy: /);
    expect(stdout).toMatch(/▶ lr-too-high: .*✓\n {2}Most likely learning rate too high/);
    expect(stdout).toMatch(/▶ dead-relu: .*✓/);
    expect(stdout).toContain('tfjs: ');
    expect(stdout).toMatch(/3\/3 runs got the planted cause first/);
  }, 120_000);
});

describe('traindx demo, run twice', () => {
  it('prints the same diagnosis both times (the fit shuffle is seeded), timings apart', () => {
    const untimed = (s: string) => s.replace(/\d+(\.\d+)? s\b/g, 'T s');
    const first = runCli(['demo', 'overfit-tiny-data']);
    const second = runCli(['demo', 'overfit-tiny-data']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/dataset\.trainSize is 40, fewer than 100 training examples/);
    expect(untimed(second.stdout)).toBe(untimed(first.stdout));
  }, 120_000);
});
