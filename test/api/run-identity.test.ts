import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { openEphemeralTraindx } from '../../src/engine/index.js';

type Answer = { data?: Record<string, any>; errors?: { message: string; extensions?: { code?: string } }[] };

async function testApp() {
  const app = createApp({ traindx: await openEphemeralTraindx() });
  return async (query: string, variables?: object): Promise<Answer> => {
    const res = await app.fetch('http://traindx/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as Answer;
  };
}

const START =
  'mutation($r: JSON!, $resume: Boolean) { startRun(run: $r, resume: $resume) { id eventCount } }';
const LOG =
  'mutation($b: ID!, $e: [JSON!]!) { logEvents(runId: "r1", batchId: $b, events: $e) { accepted eventCount } }';
const FINISH = 'mutation($end: JSON!) { finishRun(runId: "r1", end: $end) { status lastStep } }';
const run = { formatVersion: 1, id: 'r1', optimizer: { name: 'sgd', learningRate: 0.1 } };
const steps = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ type: 'step', step: from + i, loss: 2 - (from + i) * 0.01 }));

describe('run identity', () => {
  it('takes a repeated startRun with the same description as a retry, and refuses another description naming the field', async () => {
    const gql = await testApp();
    expect((await gql(START, { r: run })).data!.startRun.id).toBe('r1');
    expect((await gql(START, { r: run })).errors).toBeUndefined();
    const other = await gql(START, { r: { ...run, optimizer: { name: 'sgd', learningRate: 3 } } });
    expect(other.errors![0]!.extensions!.code).toBe('RUN_EXISTS');
    expect(other.errors![0]!.message).toMatch(/field 'optimizer\.learningRate': 0\.1 before, 3 now/);
    expect((await gql(START, { r: { ...run, name: 'again' }, resume: true })).errors).toBeUndefined();
  });

  it('refuses events after the run finished, and a second, different finish; takes the same finish again', async () => {
    const gql = await testApp();
    await gql(START, { r: run });
    expect((await gql(LOG, { b: 'x-b0', e: steps(0, 10) })).data!.logEvents.accepted).toBe(true);
    expect((await gql(FINISH, { end: { status: 'completed' } })).data!.finishRun).toEqual({
      status: 'completed',
      lastStep: 9,
    });
    const late = await gql(LOG, { b: 'x-b1', e: steps(10, 5) });
    expect(late.errors![0]!.extensions!.code).toBe('RUN_FINISHED');
    expect(late.errors![0]!.message).toMatch(/has finished \(completed at step 9\)/);
    // A resend of a batch stored before the end is still acknowledged without effect.
    expect((await gql(LOG, { b: 'x-b0', e: steps(0, 10) })).data!.logEvents.accepted).toBe(false);
    expect((await gql(FINISH, { end: { status: 'completed' } })).errors).toBeUndefined();
    const again = await gql(FINISH, { end: { status: 'diverged' } });
    expect(again.errors![0]!.extensions!.code).toBe('RUN_FINISHED');
  });

  it('refuses to end a run before its last step', async () => {
    const gql = await testApp();
    await gql(START, { r: run });
    await gql(LOG, { b: 'x-b0', e: steps(0, 10) });
    const early = await gql(FINISH, { end: { step: 3, status: 'completed' } });
    expect(early.errors![0]!.extensions!.code).toBe('BAD_TRACE');
    expect(early.errors![0]!.message).toMatch(/end\.step: 3 is before the run's last step 9/);
  });
});

describe('alerts of a run', () => {
  it('refuses a subscription to a run that does not exist instead of waiting for ever', async () => {
    const traindx = await openEphemeralTraindx();
    await expect(traindx.alerts('no-such-run').next()).rejects.toThrow(/Run 'no-such-run' does not exist/);
    const app = createApp({ traindx });
    const res = await app.fetch('http://traindx/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { alerts(runId: "no-such-run") { kind } }' }),
    });
    const text = await res.text();
    expect(text).toMatch(/RUN_NOT_FOUND/);
  });
});
