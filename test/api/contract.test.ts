import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { openEphemeralTraindx } from '../../src/engine/index.js';
import { runCli } from '../support/run-cli.js';
import { SAMPLES_DIR } from '../support/samples.js';

const _SEED = join(import.meta.dirname, '../../graph-seed');
const FIXTURES = join(import.meta.dirname, '../fixtures/tfjs');

async function testApp(limits = {}) {
  return createApp({ traindx: await openEphemeralTraindx(), limits });
}

async function post(app: Awaited<ReturnType<typeof testApp>>, query: string, variables?: object) {
  const res = await app.fetch('http://traindx/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

// Every field of the diagnosis JSON contract, as GraphQL asks for them.
const FULL = `query($id: ID!) { run(id: $id) { diagnosis {
  runId healthy summary facts missingSignals structureEdits toRecord { signal description symptoms causes why }
  symptoms { id confidence severity firstStep lastStep layer evidence }
  causes { id name confidence explanation path { from rel to weight }
    paths { occurrence { id confidence severity firstStep lastStep layer evidence }
      suggests { weight rationale source { id } } contribution cause { id }
      fixedBy { remedy { id } effectiveness rationale source { id } tries successes } }
    against { symptom { id } weight factor }
    explainedBy { symptom { id } layer cause { id } } }
  remedies { id name forCauses action score tries successes edits } } } }`;

/** The GraphQL answer in the shape of `traindx diagnose --json` (nested nodes back to ids). */
function asCliJson(d: any) {
  const strip = (o: any) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
  return {
    ...d,
    symptoms: d.symptoms.map(strip),
    causes: d.causes.map((c: any) => ({
      ...c,
      paths: c.paths.map((p: any) => ({
        ...p,
        occurrence: strip(p.occurrence),
        suggests: { ...p.suggests, source: p.suggests.source.id },
        cause: p.cause.id,
        fixedBy: p.fixedBy.map((f: any) => ({ ...f, remedy: f.remedy.id, source: f.source.id })),
      })),
      against: c.against.map((a: any) => ({ symptomId: a.symptom.id, weight: a.weight, factor: a.factor })),
      // Absent in the CLI's JSON when no symptom went to a higher cause.
      explainedBy:
        c.explainedBy?.map((e: any) =>
          strip({ symptomId: e.symptom.id, layer: e.layer, cause: e.cause.id }),
        ) ?? undefined,
    })),
  };
}

describe('one code path: `traindx diagnose --json` equals the API’s diagnosis of the same trace', () => {
  for (const file of [
    join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl'),
    join(SAMPLES_DIR, 'pytorch-deep-sigmoid-digits.jsonl'),
    join(FIXTURES, 'overfit-small-data.jsonl'),
    join(FIXTURES, 'healthy-mlp-adam.jsonl'),
  ]) {
    it(file.split('/').pop()!, async () => {
      const cli = runCli(['diagnose', file, '--json']);
      expect(cli.code).toBe(0);
      const fromCli = JSON.parse(cli.stdout);
      const app = await testApp();
      const imported = await post(app, 'mutation($t: String!) { importTrace(jsonl: $t) { id } }', {
        t: readFileSync(file, 'utf8'),
      });
      const { body } = await post(app, FULL, { id: imported.body.data.importTrace.id });
      const fromApi = asCliJson(body.data.run.diagnosis);
      // The profile's name is how each entry point describes it; the findings must match exactly.
      delete fromCli.facts.profile;
      delete fromApi.facts.profile;
      expect(fromApi).toEqual(fromCli);
    }, 60_000);
  }
});

describe('limits, each with a clear error', () => {
  it('refuses a request body over the limit with 413, naming the limit', async () => {
    const app = await testApp({ maxRequestBytes: 10_000 });
    const { status, body } = await post(app, '{ knowledgeCounts { symptoms } }', { pad: 'x'.repeat(20_000) });
    expect(status).toBe(413);
    expect(body.errors[0].extensions.code).toBe('REQUEST_TOO_LARGE');
    expect(body.errors[0].message).toMatch(/over the limit of 10000 bytes/);
  });

  it('applies the same limit and code to a body without a length, on any operation (importTrace here)', async () => {
    const app = await testApp({ maxRequestBytes: 10_000 });
    const text = JSON.stringify({
      query: 'mutation($t: String!) { importTrace(jsonl: $t) { id } }',
      variables: { t: 'x'.repeat(40_000) },
    });
    // A stream with no content-length, as a chunked upload: only counting the bytes can refuse it.
    const body = new ReadableStream({
      start(c) {
        for (let i = 0; i < text.length; i += 4_000)
          c.enqueue(new TextEncoder().encode(text.slice(i, i + 4_000)));
        c.close();
      },
    });
    const res = await app.fetch('http://traindx/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    const answer = (await res.json()) as any;
    expect(answer.errors[0].extensions.code).toBe('REQUEST_TOO_LARGE');
    expect(answer.errors[0].message).toMatch(/over the limit of 10000 bytes/);
  });

  it('masks unexpected errors: no stack, no internals', async () => {
    const app = await testApp();
    const store = (app as any).services.store;
    store.getRun = async () => {
      throw new Error('secret internal detail at /srv/db');
    };
    const { body } = await post(app, '{ run(id: "x") { id } }');
    expect(body.errors[0].message).toBe('Unexpected error.');
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('names an unknown cursor', async () => {
    const app = await testApp();
    const { body } = await post(app, '{ runs(after: "bm9wZQ") { totalCount } }');
    expect(body.errors[0].extensions.code).toBe('BAD_CURSOR');
  });
});

describe('the trace format as JSON Schema', () => {
  it('is served at /schema/trace-v1.json from the same zod schemas the server validates with', async () => {
    const app = await testApp();
    const res = await app.fetch('http://traindx/schema/trace-v1.json');
    expect(res.headers.get('content-type')).toContain('json');
    const schema = (await res.json()) as any;
    const text = JSON.stringify(schema);
    for (const type of ['run', 'step', 'epoch', 'eval', 'end']) expect(text).toContain(`"${type}"`);
    for (const field of ['formatVersion', 'gradNorm', 'deadFraction', 'predictedClassCounts'])
      expect(text).toContain(field);
    expect(schema.$schema).toMatch(/json-schema/);
  });
});

describe('explain', () => {
  it('answers one cause of one run with its paths, and null for a cause not named', async () => {
    const app = await testApp();
    const text = readFileSync(join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl'), 'utf8');
    const id = (await post(app, 'mutation($t: String!) { importTrace(jsonl: $t) { id } }', { t: text })).body
      .data.importTrace.id;
    const q = `query($c: ID!) { explain(runId: "${id}", causeId: $c) { id confidence explanation
      paths { occurrence { id evidence } suggests { weight source { title } } } } }`;
    const lr = (await post(app, q, { c: 'learning_rate_too_high' })).body.data.explain;
    expect(lr.id).toBe('learning_rate_too_high');
    expect(lr.paths.length).toBeGreaterThan(1);
    expect(lr.explanation).toContain(lr.paths[0].occurrence.evidence[0]);
    expect((await post(app, q, { c: 'saturating_activation' })).body.data.explain).toBeNull();
    const missing = await post(app, '{ explain(runId: "nope", causeId: "x") { id } }');
    expect(missing.body.errors[0].extensions.code).toBe('RUN_NOT_FOUND');
  });
});
