import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { diagnosePath, openEphemeralTraindx } from '../../src/engine/index.js';
import { SAMPLES_DIR } from '../support/samples.js';

const EXAMPLES = join(import.meta.dirname, '../../examples/traces');

const TRACES = [
  join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl'),
  join(SAMPLES_DIR, 'pytorch-deep-sigmoid-digits.jsonl'),
  join(SAMPLES_DIR, 'keras-healthy-digits-mlp128.jsonl'),
  join(EXAMPLES, 'lr-too-high.jsonl'),
  join(EXAMPLES, 'overfitting.jsonl'),
];

/** The trace's events sent as a live run sends them: startRun, then logEvents in batches of `size`. */
async function streamOverGraphql(path: string, size: number) {
  const app = createApp({ traindx: await openEphemeralTraindx() });
  const post = async (query: string, variables: object) => {
    const res = await app.fetch('http://traindx/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { errors?: { message: string }[]; data?: unknown };
    if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data;
  };
  // The text as a client would send it: non-finite numbers stay the spec's strings.
  const [run, ...rest] = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  await post('mutation($r: JSON!) { startRun(run: $r) { id } }', { r: run });
  for (let i = 0; i < rest.length; i += size)
    await post(
      'mutation($id: ID!, $b: ID!, $e: [JSON!]!) { logEvents(runId: $id, batchId: $b, events: $e) { accepted } }',
      { id: run.id, b: `b${i / size}`, e: rest.slice(i, i + size) },
    );
  return (await app.services.traindx.diagnose(run.id))!;
}

describe('one pipeline', () => {
  it.each(TRACES)(
    'gives a file diagnosed by path and the same events streamed over GraphQL equal diagnoses: %s',
    async (path) => {
      const [fromFile] = await diagnosePath(path);
      const streamed = await streamOverGraphql(path, 37);
      expect(fromFile!.facts.eventCount).toBe(readFileSync(path, 'utf8').trim().split('\n').length);
      expect(streamed).toEqual(fromFile);
    },
  );
});
