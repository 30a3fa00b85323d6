import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/domain/index.js';
import { eventsOf } from '../generators/index.js';
import { detect, ofSymptom } from './harness.js';

/**
 * train_accuracy_below_val (noisy training labels): validation accuracy well
 * above the epoch's train accuracy, and, where both losses are known, the
 * validation loss not above the training loss, as cleaner held-out labels give.
 */
const withEpochs = (
  at: (epoch: number) => { train: Record<string, number>; val: Record<string, number> },
): TraceEvent[] =>
  eventsOf({ steps: 200, stepsPerEpoch: 20 }).map((e) => (e.type === 'epoch' ? { ...e, ...at(e.epoch) } : e));

const found = async (events: TraceEvent[]) => ofSymptom(await detect(events), 'train_accuracy_below_val');

describe('training accuracy below validation accuracy', () => {
  it('is reported when the held-out set scores better on accuracy and loss, epoch after epoch', async () => {
    const events = withEpochs(() => ({
      train: { accuracy: 0.62, loss: 1.3 },
      val: { accuracy: 0.8, loss: 0.7 },
    }));
    expect(events.filter((e) => e.type === 'epoch').length).toBeGreaterThanOrEqual(4);
    const [f, ...rest] = await found(events);
    expect(rest).toEqual([]);
    expect(f!.evidence[0]).toMatch(/val accuracy 80% against train accuracy 62%/);
  });

  it('is not reported when the validation loss is above the training loss (a lagging epoch average, not noise)', async () => {
    const events = withEpochs((epoch) => ({
      train: { accuracy: 0.1 + 0.08 * epoch, loss: 2.3 - 0.2 * epoch },
      val: { accuracy: 0.62, loss: 3.2 - 0.2 * epoch },
    }));
    expect(await found(events)).toEqual([]);
  });

  it('is not reported for a gap under 0.1', async () => {
    const events = withEpochs(() => ({
      train: { accuracy: 0.75, loss: 0.9 },
      val: { accuracy: 0.8, loss: 0.8 },
    }));
    expect(await found(events)).toEqual([]);
  });

  it('is not reported for a gap crossed in scattered epochs of a long run (a healthy net a few points under in train mode)', async () => {
    // 40 epochs with the gap at 0.07, crossing 0.1 in every seventh: 5 epochs over the run, never 3 of 5 in a row.
    const events = eventsOf({ steps: 800, stepsPerEpoch: 20 }).map((e) =>
      e.type === 'epoch'
        ? {
            ...e,
            train: { accuracy: 0.9, loss: 0.3 },
            val: { accuracy: e.epoch % 7 === 3 ? 1.0 : 0.97, loss: 0.1 },
          }
        : e,
    );
    expect(events.filter((e) => e.type === 'epoch' && e.val?.accuracy === 1).length).toBeGreaterThanOrEqual(
      5,
    );
    expect(await found(events)).toEqual([]);
  });

  it('is reported for a gap held in 3 of 5 epochs, after epochs without it (labels memorised later in another run)', async () => {
    const events = eventsOf({ steps: 400, stepsPerEpoch: 20 }).map((e) =>
      e.type === 'epoch'
        ? {
            ...e,
            train: { accuracy: 0.7, loss: 0.8 },
            val: { accuracy: [8, 9, 11].includes(e.epoch) ? 0.85 : 0.72, loss: 0.6 },
          }
        : e,
    );
    const [f] = await found(events);
    expect(f!.evidence[0]).toMatch(/in 3 of the last 5 epochs/);
  });
});
