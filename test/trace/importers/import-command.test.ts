import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';
import { postGraphql, type ServerProcess, startServer } from '../../support/server-process.js';
import { fixture } from './support.js';

describe('traindx import', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(['--data-dir', mkdtempSync(join(tmpdir(), 'traindx-import-'))]);
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('stores each run of a log once, however often it is imported', async () => {
    const path = fixture('wandb', 'diverging');
    const first = runCli(['import', path, '--url', server.url, '--token', 'secret']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const [, runId] = /run '([^']+)'/.exec(first.stdout)!;
    const query = `query($id: ID!) { run(id: $id) { eventCount status diagnosis { causes { id } } } }`;
    const stored = (await postGraphql(server.url, query, { id: runId })).run;
    expect(stored.eventCount).toBe(53);
    expect(stored.status).toBe('diverged');
    expect(stored.diagnosis.causes[0].id).toBe('learning_rate_too_high');

    const second = runCli(['import', path, '--url', server.url]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/\(0 new, the rest already stored\)/);
    expect((await postGraphql(server.url, query, { id: runId })).run.eventCount).toBe(53);
  }, 120_000);

  it('sends every run of a folder, and --run picks one', async () => {
    const res = runCli(['import', fixture('lightning'), '--url', server.url, '--run', 'healthy-version_0']);
    expect(res.code).toBe(0);
    expect(res.stdout.trim().split('\n')).toHaveLength(1);
    expect(res.stdout).toMatch(/^healthy-version_0: run 'healthy-version_0', 87 events/);
  }, 120_000);

  it('exits 3 naming the server when nothing answers', () => {
    const res = runCli(['import', fixture('keras', 'healthy.csv'), '--url', 'http://127.0.0.1:9']);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^traindx: http:\/\/127\.0\.0\.1:9\/graphql: /);
  });
});

describe('traindx diagnose on logs', () => {
  it('prints the import notes beside the diagnosis and reads a tag --map names', () => {
    const path = fixture('tensorboard', 'unknown-tags');
    const plain = runCli(['diagnose', path]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(
      /note \(unknown-tags\): tags traindx does not know, not imported .*: throughput\/samples_per_sec, my_metric/,
    );
    const mapped = runCli([
      'diagnose',
      path,
      '--json',
      '--map',
      'my_metric=metrics.half',
      '--map',
      'throughput/samples_per_sec=ignore',
    ]);
    expect(mapped.code).toBe(0);
    expect(mapped.stderr).toBe('');
    expect(JSON.parse(mapped.stdout)).toHaveLength(1);
  });

  it('exits 2 for a --map field outside the trace format', () => {
    const res = runCli(['diagnose', fixture('keras', 'healthy.csv'), '--map', 'x=weights']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^traindx: --map x=weights: expected tag=field/);
  });
});
