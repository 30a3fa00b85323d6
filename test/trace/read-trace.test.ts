import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/domain/index.js';
import { createTraceWriter, readTrace, TraceError } from '../../src/trace/index.js';
import { SAMPLES_DIR } from '../support/samples.js';

const dir = mkdtempSync(join(tmpdir(), 'traindx-trace-'));
const RUN = '{"type":"run","formatVersion":1,"id":"r1","model":{"layers":[{"name":"d","type":"Dense"}]}}';

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function readAll(path: string): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const e of readTrace(path)) out.push(e);
  return out;
}

async function errorOf(path: string): Promise<TraceError> {
  try {
    await readAll(path);
  } catch (err) {
    if (err instanceof TraceError) return err;
    throw err;
  }
  throw new Error('expected a TraceError');
}

const steps = (n: number) =>
  Array.from({ length: n }, (_, i) => `{"type":"step","step":${i},"loss":${2 - i / 10}}`);

describe('reading traces', () => {
  it.each([
    ['keras-healthy-digits-mlp128.jsonl', 187],
    ['keras-sgd-lr3-wine.jsonl', 103],
    ['pytorch-deep-sigmoid-digits.jsonl', 267],
    ['pytorch-healthy-blobs-tanh.jsonl', 299],
  ])('reads the recorded sample %s written by another recorder', async (name, lines) => {
    const events = await readAll(join(SAMPLES_DIR, name));
    expect(events).toHaveLength(lines);
    expect(events[0]!.type).toBe('run');
    expect(events.at(-1)!.type).toBe('end');
  });

  it('names line 7 and the field when line 7 is broken', async () => {
    const lines = [RUN, ...steps(5), '{"type":"step","step":5,"loss":"oops"}', ...steps(8).slice(6)];
    const err = await errorOf(file('line7.jsonl', lines));
    expect(err.message).toMatch(/line7\.jsonl, line 7: field 'loss'/);
    expect(err.where.line).toBe(7);
    expect(err.field).toBe('loss');
  });

  it('names the line of broken JSON', async () => {
    const err = await errorOf(file('json.jsonl', [RUN, '{"type":"step","step":0', '']));
    expect(err.message).toMatch(/line 2: broken JSON/);
  });

  it('names a missing required field', async () => {
    const err = await errorOf(file('missing.jsonl', [RUN, '{"type":"step","loss":1}']));
    expect(err.message).toMatch(/line 2: field 'step': .*got nothing \(missing\)/);
  });

  it('refuses a step that does not increase', async () => {
    const err = await errorOf(file('order.jsonl', [RUN, ...steps(3), '{"type":"step","step":2}']));
    expect(err.message).toMatch(/line 5: field 'step': expected a step greater than 2.*got 2/);
  });

  it('refuses a first line that is not a run event', async () => {
    const err = await errorOf(file('first.jsonl', steps(2)));
    expect(err.message).toMatch(/line 1: field 'type': the first event must be 'run'/);
  });

  it('names a nested field inside layer stats', async () => {
    const err = await errorOf(
      file('nested.jsonl', [RUN, '{"type":"step","step":0,"layers":{"d":{"gradNorm":true}}}']),
    );
    expect(err.field).toBe('layers.d.gradNorm');
  });

  it('reads non-finite numbers written as strings and keeps unknown keys', async () => {
    const path = file('nan.jsonl', [
      RUN.replace('}}]}}', '}]},"recorder":"x"}').replace('"id":"r1"', '"id":"r1","extra":{"a":1}'),
      '{"type":"step","step":0,"loss":"NaN","gradNorm":"Infinity","layers":{"d":{"weightMean":"-Infinity"}},"custom":7}',
    ]);
    const [run, step] = await readAll(path);
    expect((run as Record<string, unknown>).extra).toEqual({ a: 1 });
    expect(step).toMatchObject({ type: 'step', custom: 7, gradNorm: Number.POSITIVE_INFINITY });
    expect((step as { loss: number }).loss).toBeNaN();
    expect((step as { layers: Record<string, { weightMean: number }> }).layers.d!.weightMean).toBe(
      Number.NEGATIVE_INFINITY,
    );
  });

  it('writes what it reads: a round trip keeps non-finite values and unknown keys', async () => {
    const src = join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl');
    const events = await readAll(src);
    (events[1] as { loss: number }).loss = Number.NaN;
    const out = join(dir, 'roundtrip.jsonl');
    const w = createTraceWriter(out);
    for (const e of events) await w.write(e);
    await w.close();
    expect(await readFile(out, 'utf8')).toContain('"loss":"NaN"');
    const again = await readAll(out);
    expect(again).toHaveLength(events.length);
    expect((again[1] as { loss: number }).loss).toBeNaN();
    expect(again[0]).toEqual(events[0]);
  });

  it('reads a gzipped trace (known by its bytes, whatever its name) as the plain one', async () => {
    const src = join(SAMPLES_DIR, 'pytorch-deep-sigmoid-digits.jsonl');
    const plain = await readAll(src);
    const zipped = join(dir, 'sigmoid.trace');
    writeFileSync(zipped, gzipSync(await readFile(src)));
    expect(await readAll(zipped)).toEqual(plain);
  });

  it('names the file and how far it got when the gzip data is corrupt or cut short', async () => {
    const whole = gzipSync(await readFile(join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl')));
    const cut = join(dir, 'cut.jsonl.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const err = await readAll(cut).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TraceError);
    expect((err as Error).message).toMatch(/cut\.jsonl\.gz, line \d+: the gzip data is corrupt or cut short/);
    const garbage = join(dir, 'garbage.jsonl.gz');
    writeFileSync(garbage, Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    await expect(readAll(garbage)).rejects.toThrow(/garbage\.jsonl\.gz, line 1: the gzip data is corrupt/);
  });

  it('streams a 120 MB trace in a process whose heap is capped at 64 MB', async () => {
    const path = join(dir, 'large.jsonl');
    const layers = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [
        `dense_${i}`,
        { gradNorm: 0.1, weightNorm: 3, updateRatio: 1e-3, deadFraction: 0.05 },
      ]),
    );
    const w = createTraceWriter(path);
    await w.write({ type: 'run', formatVersion: 1, id: 'big' });
    for (let step = 0; step < 150_000; step++) await w.write({ type: 'step', step, loss: 1, layers });
    await w.close();
    expect(statSync(path).size).toBeGreaterThan(120e6);
    const script = `import { readTrace } from ${JSON.stringify(join(import.meta.dirname, '../../src/trace/index.ts'))};
let n = 0; for await (const _ of readTrace(${JSON.stringify(path)})) n++; console.log(n);`;
    const out = execFileSync(
      process.execPath,
      ['--max-old-space-size=64', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
        cwd: join(import.meta.dirname, '../..'),
      },
    );
    expect(out.trim()).toBe('150001');
  });
});

describe('writing a trace where it cannot be written', () => {
  it('rejects with the path instead of crashing the process', async () => {
    const w = createTraceWriter('/nonexistent-dir/run.jsonl');
    const attempt = (async () => {
      await w.write({ type: 'run', formatVersion: 1, id: 'x' });
      await w.close();
    })();
    await expect(attempt).rejects.toThrow(/cannot write trace \/nonexistent-dir\/run.jsonl/);
  });
});
