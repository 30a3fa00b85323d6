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
});
