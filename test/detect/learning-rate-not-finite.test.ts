import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePath } from '../../src/engine/index.js';

const EXAMPLES = join(import.meta.dirname, '../../examples/traces');
const dir = mkdtempSync(join(tmpdir(), 'traindx-lr-'));

/** An example trace with its run event's learning rate replaced (written as the spec's string). */
function withRate(example: string, rate: string): string {
  const lines = readFileSync(join(EXAMPLES, example), 'utf8').trim().split('\n');
  const run = JSON.parse(lines[0]!);
  run.optimizer.learningRate = rate;
  const path = join(dir, `${example}-${rate}.jsonl`);
  writeFileSync(path, [JSON.stringify(run), ...lines.slice(1)].join('\n'));
  return path;
}

describe('a learning rate that is NaN or infinite', () => {
  it.each(['NaN', 'Infinity'])(
    'is said as such (%s), as advice on a run that trained well, never as a rate too low',
    async (rate) => {
      const [d] = await diagnosePath(withRate('healthy.jsonl', rate));
      const finding = d!.symptoms.find((s) => s.id === 'learning_rate_not_finite')!;
      expect(finding.evidence[0]).toContain(`learningRate ${rate}`);
      expect(finding.severity).toBe('info');
      expect(d!.healthy).toBe(true);
      expect(d!.symptoms.map((s) => s.id)).not.toContain('learning_rate_below_range');
      expect(d!.causes.filter((c) => c.confidence >= 0.5).map((c) => c.id)).not.toContain(
        'learning_rate_too_low',
      );
    },
  );

  it('weighs in on a run that diverged, pointing at instability, not at a rate too low', async () => {
    const [d] = await diagnosePath(withRate('lr-too-high.jsonl', 'NaN'));
    expect(d!.symptoms.find((s) => s.id === 'learning_rate_not_finite')!.severity).toBe('warning');
    expect(d!.causes.slice(0, 2).map((c) => c.id)).not.toContain('learning_rate_too_low');
  });
});
