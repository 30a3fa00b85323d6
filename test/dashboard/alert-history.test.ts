import { beforeAll, describe, expect, it } from 'vitest';
import { streamRun, testApp, traceEvents } from './support.js';

// Issue 18: a reload of a finished run's page showed no alert history at all.
describe('a run page after the run ended', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  beforeAll(async () => {
    t = await testApp();
    await streamRun(t.post, traceEvents('lr-too-high-sgd.jsonl', 'lr-alerts'));
  });

  it('lists the run’s stored alerts, newest first, as the live list showed them', async () => {
    const { run } = (await t.post('query { run(id: "lr-alerts") { alerts { seq kind change } } }')) as any;
    expect(run.alerts.length).toBeGreaterThan(2);
    const html = await (await t.get('/runs/lr-alerts')).text();
    const listed = [...html.matchAll(/<li class="alert alert-(\w+)" data-kind="\w+" data-seq="(\d+)">/g)];
    expect(listed.map((m) => Number(m[2]))).toEqual(run.alerts.map((a: any) => a.seq).reverse());
    expect(listed[0]![1]).toBe('finished');
    expect(html).toContain('<strong> Symptom started</strong>');
    expect(html).toContain('<h2 id="live-h">Alerts</h2>');
    expect(html).toContain('Learning rate too high');
  });
});
