import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/domain/index.js';
import { diagnosePath } from '../../src/engine/index.js';
import { detect, ofSymptom } from '../detect/harness.js';
import { eventsOf } from '../generators/index.js';

/**
 * Fine-tuning at too high a rate (issue 19) on real runs recorded with the Python client's
 * zero-code runner from bench/pyfaults/sequence-and-data/finetune_high_lr.py: the script pretrains
 * an MLP (the trace's first run, `finetune-high-lr.jsonl.gz`), reloads its state_dict into a fresh
 * copy and fine-tunes it (the second run, `-2`), at Adam 3e-2 or, with `--fixed`, at 3e-4. The
 * commands are in bench/pyfaults/sequence-and-data/README.md.
 */
const RUNS = join(import.meta.dirname, '../../bench/pyfaults/sequence-and-data');
const diagnose = async (name: string) => (await diagnosePath(join(RUNS, `${name}.jsonl.gz`)))[0]!;

describe('a pretrained MLP fine-tuned at Adam 3e-2', () => {
  it('names the fine-tuning rate first, from the first update and the loss above its pretrained start, and says to fine-tune 100x lower', async () => {
    const d = await diagnose('finetune-high-lr-2');
    expect(d.healthy).toBe(false);
    expect(d.causes[0]!.id).toBe('finetune_learning_rate_too_high');
    const s = d.symptoms.find((x) => x.id === 'pretrained_features_destroyed')!;
    expect(s.evidence[0]).toMatch(
      /^fine-tuning loaded weights at adam learning rate 0\.03: an update at step 0 moved the median layer by [\d.]+% of its weights \(layers 0, 2, 4; ≥ 1% fires\) and the loss rose from 0\.305 at the first step to 2\.65 at step 1/,
    );
    expect(d.remedies[0]!.id).toBe('lower_finetune_learning_rate');
    expect(d.remedies.map((r) => r.id)).toContain('discriminative_finetune_rates');
  });

  it('calls the same fine-tuning at 3e-4 healthy, and both pretraining runs healthy', async () => {
    for (const name of ['finetune-high-lr-fixed-2', 'finetune-high-lr', 'finetune-high-lr-fixed']) {
      const d = await diagnose(name);
      expect(d.healthy, name).toBe(true);
      expect(d.symptoms.map((x) => x.id)).not.toContain('pretrained_features_destroyed');
    }
  });
});

describe('the fine-tuning rule on its edges', () => {
  /** A synthetic run, pretrained or not, with the loss and every layer's updateRatio by step. */
  const runOf = (
    pretrained: boolean | undefined,
    at: (step: number) => { loss: number; updateRatio: number },
  ): TraceEvent[] =>
    eventsOf({ steps: 60 }).map((e) => {
      if (e.type === 'run') {
        const model = {
          layers: [
            { name: 'a', type: 'Dense' },
            { name: 'b', type: 'Dense' },
          ],
        };
        return { ...e, model: pretrained === undefined ? model : { ...model, pretrained } };
      }
      if (e.type === 'step') {
        const { loss, updateRatio } = at(e.step);
        return {
          ...e,
          loss,
          layers: e.step % 10 === 0 ? { a: { updateRatio }, b: { updateRatio } } : undefined,
        };
      }
      return e;
    });
  const destroyed = (s: number) => ({ loss: s === 2 ? 3 : 1, updateRatio: s === 0 ? 0.1 : 0.001 });
  const fired = async (events: TraceEvent[]) =>
    ofSymptom(await detect(events), 'pretrained_features_destroyed');

  it('fires on a pretrained run with large first updates and a loss at 2x its start, once', async () => {
    const [f, ...more] = await fired(runOf(true, destroyed));
    expect(f).toMatchObject({ firstStep: 0, lastStep: 2, severity: 'warning' });
    expect(more).toEqual([]);
  });

  it('fires on a loss that turns non-finite after large first updates', async () => {
    const events = runOf(true, (s) => ({ loss: s === 3 ? Number.NaN : 1, updateRatio: 0.1 }));
    expect((await fired(events))[0]!.evidence[0]).toMatch(/to non-finite at step 3/);
  });

  it('does not fire on a run not known to be pretrained, whatever its updates', async () => {
    expect(await fired(runOf(undefined, destroyed))).toEqual([]);
    expect(await fired(runOf(false, destroyed))).toEqual([]);
  });

  it('does not fire on small updates under a loss bump, nor on large updates the loss keeps falling under', async () => {
    expect(await fired(runOf(true, (s) => ({ loss: s === 2 ? 3 : 1, updateRatio: 0.005 })))).toEqual([]);
    expect(await fired(runOf(true, (s) => ({ loss: 1 / (1 + s), updateRatio: 0.1 })))).toEqual([]);
  });

  it('reads only the first 20 steps: a late loss rise after a large first update is not this', async () => {
    expect(
      await fired(runOf(true, (s) => ({ loss: s === 30 ? 5 : 1, updateRatio: s === 0 ? 0.1 : 0.001 }))),
    ).toEqual([]);
  });

  it('takes the median layer: one fast layer (a fresh head) among slow ones does not fire', async () => {
    const events = runOf(true, (s) => ({ loss: s === 2 ? 3 : 1, updateRatio: 0.001 })).map((e) =>
      e.type === 'step' && e.step === 0
        ? {
            ...e,
            layers: { a: { updateRatio: 0.001 }, b: { updateRatio: 0.001 }, head: { updateRatio: 0.5 } },
          }
        : e,
    );
    expect(await fired(events)).toEqual([]);
  });
});
