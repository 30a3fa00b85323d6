import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { openEphemeralTraindx } from '../../src/engine/index.js';

// The fuzz suite CI runs on every change: generated trace events, ingest batches and GraphQL
// documents sent to the real app (in process, through app.fetch). Whatever comes in, the answer is
// never a 5xx nor 'Unexpected error.' (every refusal is one of traindx's coded errors), and a refused
// batch leaves the run exactly as it was. At least 10,000 cases per run; the count is printed.

const app = createApp({ traindx: await openEphemeralTraindx() });
let cases = 0;
let requests = 0;

async function post(query: string, variables?: unknown) {
  const res = await app.fetch('http://traindx/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  requests++;
  const text = await res.text();
  // A subscription is answered as server-sent events: its errors are in the text, checked as text.
  const json = res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {};
  return { status: res.status, text, body: json as { errors?: { message: string }[]; data?: any } };
}

const expectNoServerError = (r: { status: number; text: string }) => {
  expect(r.status, r.text).toBeLessThan(500);
  expect(r.text).not.toContain('Unexpected error.');
};

// Values of every kind a client may put in a field, including the spec's non-finite strings.
const number = fc.oneof(
  fc.double({ noDefaultInfinity: false }),
  fc.integer({ min: -5, max: 10_000 }),
  fc.constantFrom('NaN', 'Infinity', '-Infinity'),
);
const leaf = fc.oneof(number, fc.string({ maxLength: 12 }), fc.boolean(), fc.constant(null));
const value = fc.oneof(
  leaf,
  fc.array(leaf, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), leaf, { maxKeys: 3 }),
);
const KEYS = [
  'step',
  'epoch',
  'loss',
  'learningRate',
  'gradNorm',
  'metrics',
  'layers',
  'train',
  'val',
  'status',
  'split',
  'confusion',
];
const layerStats = fc.dictionary(
  fc.constantFrom(
    'gradNorm',
    'weightNorm',
    'deadFraction',
    'saturatedFraction',
    'updateRatio',
    'nanCount',
    'actMean',
  ),
  fc.oneof(number, leaf),
  { maxKeys: 4 },
);
/** Mostly well-formed events with a fair share of wrong types, ranges, orders and shapes. */
const event = fc.oneof(
  fc.record({
    type: fc.constant('step'),
    step: fc.oneof(fc.integer({ min: 0, max: 2_000 }), value),
    loss: fc.option(number, { nil: undefined }),
    layers: fc.option(fc.dictionary(fc.constantFrom('dense', 'dense_1', 'out'), layerStats, { maxKeys: 2 }), {
      nil: undefined,
    }),
  }),
  fc.record({
    type: fc.constant('epoch'),
    epoch: fc.oneof(fc.integer({ min: 0, max: 50 }), value),
    train: fc.dictionary(fc.constantFrom('loss', 'accuracy'), number, { maxKeys: 2 }),
  }),
  fc.record({ type: fc.constantFrom('eval', 'end', 'run', 'nonsense', 7), step: value, status: value }),
  fc.dictionary(fc.constantFrom(...KEYS, 'type'), value, { maxKeys: 5 }),
  value,
);

const RUN_STATE = `query($id: ID!) { run(id: $id) { eventCount batchCount lastStep status
  diagnosis { symptoms { id firstStep lastStep layer severity } } } }`;
const LOG =
  'mutation($r: ID!, $b: ID!, $e: [JSON!]!) { logEvents(runId: $r, batchId: $b, events: $e) { accepted } }';

describe('fuzz', () => {
  afterAll(() => {
    expect(cases).toBeGreaterThanOrEqual(10_000);
    // Printed in CI's log: the number of generated cases this run sent.
    console.log(
      `fuzz: ${cases} generated cases (${requests} requests), none answered with a server error or 'Unexpected error.'`,
    );
  });

  it('answers generated ingest batches with a coded refusal or an acceptance, and a refused batch changes nothing', async () => {
    const runs = ['fz-a', 'fz-b', 'fz-c'];
    for (const id of runs)
      await post('mutation($r: JSON!) { startRun(run: $r) { id } }', {
        r: {
          formatVersion: 1,
          id,
          model: { layers: [{ name: 'dense', type: 'Dense', activation: 'relu' }] },
        },
      });
    let batch = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...runs), fc.array(event, { maxLength: 6 }), async (runId, events) => {
        cases++;
        const before = await post(RUN_STATE, { id: runId });
        const answer = await post(LOG, { r: runId, b: `fz-${batch++}`, e: events });
        expectNoServerError(answer);
        if (answer.body.errors) expect(await post(RUN_STATE, { id: runId })).toEqual(before);
      }),
      { numRuns: 4_000 },
    );
  }, 600_000);

  it('validates generated trace texts for importTrace without a server error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            event.map((e) => JSON.stringify(e)),
            fc.string({ maxLength: 30 }),
          ),
          { maxLength: 5 },
        ),
        async (lines) => {
          cases++;
          const text = [JSON.stringify({ type: 'run', formatVersion: 1, id: `imp-${cases}` }), ...lines].join(
            '\n',
          );
          expectNoServerError(
            await post('mutation($t: String!) { importTrace(jsonl: $t) { id } }', { t: text }),
          );
        },
      ),
      { numRuns: 2_500 },
    );
  }, 600_000);

  it('answers generated GraphQL documents and variables without a server error', async () => {
    const FIELDS = [
      'run(id: $x) { id status diagnosis { healthy } }',
      'runs { totalCount }',
      'symptom(id: $x) { name }',
      'explain(runId: $x, causeId: $x) { id }',
      'similarRuns(runId: $x) { similarity }',
      'knowledgeCounts { causes }',
    ];
    const MUTATIONS = [
      'startRun(run: $v) { id }',
      'finishRun(runId: $x, end: $v) { status }',
      'recordOutcome(outcome: $v) { success }',
      'upsertKnowledge(knowledge: $v) { causes }',
    ];
    const doc = fc.oneof(
      fc.constantFrom(...FIELDS).map((f) => `query($x: ID!) { ${f} }`),
      fc.constantFrom(...MUTATIONS).map((m) => `mutation($x: ID!, $v: JSON!) { ${m} }`),
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        '{',
        '}}}',
        'query { __schema { types { name } } }',
        'subscription { alerts(runId: "x") { kind } }',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        doc,
        fc.oneof(fc.string({ maxLength: 8 }), fc.constant('fz-a')),
        value,
        async (query, x, v) => {
          cases++;
          expectNoServerError(await post(query, { x, v }));
        },
      ),
      { numRuns: 4_000 },
    );
  }, 600_000);
});
