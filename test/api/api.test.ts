import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { openEphemeralTraindx } from '../../src/engine/index.js';
import { eventsOf } from '../generators/index.js';

const _SEED = join(import.meta.dirname, '../../graph-seed');

async function testApp() {
  return createApp({ traindx: await openEphemeralTraindx() });
}

async function gql(app: Awaited<ReturnType<typeof testApp>>, query: string, variables?: object) {
  const res = await app.fetch('http://traindx/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as {
    data?: Record<string, any>;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

describe('the GraphQL API', () => {
  it('answers the causes of exploding_gradients with weights, rationales and sources', async () => {
    const app = await testApp();
    const { data } = await gql(
      app,
      '{ symptom(id: "exploding_gradients") { causes { weight rationale source { id title } cause { id remedies { effectiveness remedy { id snippets { keras } } } } } } }',
    );
    const causes = data!.symptom.causes;
    expect(causes.length).toBeGreaterThanOrEqual(2);
    expect(causes.map((c: any) => c.cause.id)).toContain('learning_rate_too_high');
    const weights = causes.map((c: any) => c.weight);
    expect([...weights].sort((a, b) => b - a)).toEqual(weights);
    for (const c of causes) {
      expect(c.rationale.length).toBeGreaterThan(10);
      expect(c.source.title.length).toBeGreaterThan(3);
    }
  });

  it('lists symptoms by kind and counts the graph', async () => {
    const app = await testApp();
    const { data } = await gql(
      app,
      '{ symptoms(kind: static) { id kind } knowledgeCounts { symptoms suggests fixedBy } }',
    );
    expect(data!.symptoms.every((s: any) => s.kind === 'static')).toBe(true);
    expect(data!.symptoms.map((s: any) => s.id)).toContain('output_loss_mismatch');
    expect(data!.knowledgeCounts.suggests).toBeGreaterThanOrEqual(70);
  });

  it('answers /health with the store kind', async () => {
    const app = await testApp();
    const res = await app.fetch('http://traindx/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', store: 'memory' });
  });

  it('ingests batches idempotently and diagnoses the run', async () => {
    const app = await testApp();
    const events = eventsOf({ id: 'api-run', steps: 200, stepsPerEpoch: 50 });
    const mutation =
      'mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) { ingest(runId: $runId, batchId: $batchId, events: $events) { accepted eventCount lastStep } }';
    const first = await gql(app, mutation, { runId: 'api-run', batchId: 'b0', events: events.slice(0, 100) });
    expect(first.errors).toBeUndefined();
    expect(first.data!.ingest).toMatchObject({ accepted: true, eventCount: 100 });
    const again = await gql(app, mutation, { runId: 'api-run', batchId: 'b0', events: events.slice(0, 100) });
    expect(again.data!.ingest).toMatchObject({ accepted: false, eventCount: 100 });
    const rest = await gql(app, mutation, { runId: 'api-run', batchId: 'b1', events: events.slice(100) });
    expect(rest.data!.ingest).toMatchObject({ accepted: true, eventCount: events.length });
    const { data } = await gql(
      app,
      '{ run(id: "api-run") { id eventCount status diagnosis { runId facts symptoms { id } causes { id } missingSignals } } }',
    );
    expect(data!.run).toMatchObject({ id: 'api-run', eventCount: events.length, status: 'completed' });
    expect(data!.run.diagnosis.runId).toBe('api-run');
  });

  it('names the event and field of a bad batch and stores nothing of it', async () => {
    const app = await testApp();
    const events = eventsOf({ id: 'bad-run', steps: 20 });
    const mutation =
      'mutation($events: [JSON!]!) { ingest(runId: "bad-run", batchId: "b0", events: $events) { accepted } }';
    const broken = [...events.slice(0, 5), { type: 'step', step: 3 }];
    const res = await gql(app, mutation, { events: broken });
    expect(res.errors![0]!.message).toMatch(/events\[5\]: field 'step': expected a step greater than 3/);
    expect(res.errors![0]!.extensions?.code).toBe('BAD_TRACE');
    const { data } = await gql(app, '{ run(id: "bad-run") { id } }');
    expect(data!.run).toBeNull();
  });

  it('asks for the run event when the first batch of a run lacks it', async () => {
    const app = await testApp();
    const res = await gql(
      app,
      'mutation { ingest(runId: "ghost", batchId: "b", events: [{type: "step", step: 0}]) { accepted } }',
    );
    expect(res.errors![0]!.message).toMatch(/Run 'ghost' does not exist.*run' event/);
  });
});

describe('request limits', () => {
  it('refuses a query nested deeper than 10 levels', async () => {
    const app = await testApp();
    const deep =
      '{ symptom(id: "loss_nan") { causes { cause { suggestedBy { symptom { causes { cause { suggestedBy { symptom { causes { cause { id } } } } } } } } } } } }';
    const res = await gql(app, deep);
    expect(res.errors?.[0]?.message).toMatch(/depth/i);
  });
});

describe('batch size', () => {
  it('refuses a batch above the limit whole, saying how to fix it', async () => {
    const app = await testApp();
    const events = eventsOf({ id: 'huge', steps: 10_050, statsEvery: 0, epochs: false, accuracy: false });
    const res = await gql(
      app,
      'mutation($e: [JSON!]!) { ingest(runId: "huge", batchId: "b", events: $e) { accepted } }',
      {
        e: events,
      },
    );
    expect(res.errors![0]!.message).toMatch(
      /field 'events': at most 10000 events per batch, got 10052; split the batch/,
    );
    expect((await gql(app, '{ run(id: "huge") { id } }')).data!.run).toBeNull();
  });
});
