import { describe, expect, it } from 'vitest';
import { seedTraindx } from '../../src/engine/index.js';
import { createMonitor, type MonitorAlert } from '../../src/monitor/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { smallModel, tfOn } from './support.js';

// Issue 18: `traindx train` printed the step-0 learning-rate warning after epoch 19 of 20.
describe('static findings', () => {
  it('come back as alerts when the monitor starts, before any step is trained', async () => {
    const tf = await tfOn('wasm');
    const { traindx } = await seedTraindx({ store: await openMemoryStore({ dataDir: null }) });
    const model = smallModel(tf);
    const optimizer = tf.train.sgd(3);
    model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
    const alerts: MonitorAlert[] = [];
    const monitor = await createMonitor({
      tf,
      model,
      optimizer,
      sink: await traindx.sink(),
      onAlert: (a) => alerts.push(a),
    });
    await monitor.start();
    const lr = alerts.find((a) => a.symptom?.id === 'learning_rate_above_range');
    expect(lr).toMatchObject({ kind: 'symptom', change: 'started', symptom: { firstStep: 0 } });
    await monitor.finish();
    await traindx.close();
  });
});
