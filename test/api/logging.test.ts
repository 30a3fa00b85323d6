import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, prettyLine } from '../../src/api/logging.js';
import { type ServerProcess, startServer } from '../support/server-process.js';

// `traindx serve` in its own process, its stdout read as an operator's log
// collector would: every line one JSON object, one line per request.
const SECRET_TOKEN = 'tdx_s3cr3t-token-never-logged';
const SECRET_BODY = 'secret-body-never-logged';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Waits for the server's line of a request (written when its answer is done), then returns it parsed. */
async function lineOf(server: ServerProcess, reqId: string): Promise<any> {
  for (let i = 0; i < 500; i++) {
    const line = server
      .stdout()
      .split('\n')
      .filter((l) => l.includes(reqId))
      .map((l) => JSON.parse(l))
      .find((o) => o.method !== undefined);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no log line for ${reqId} in:\n${server.stdout()}`);
}

/** Waits for serve's last start-up line (it loads the monitor's modules after it listens). */
async function started(server: ServerProcess): Promise<void> {
  for (let i = 0; i < 3000 && !/auth: (on|off)/.test(server.stdout()); i++)
    await new Promise((r) => setTimeout(r, 20));
}

/** Stops the server and waits until all it wrote has been read. */
async function stopAndRead(server: ServerProcess): Promise<string> {
  const ended = server.child.stdout!.readableEnded
    ? Promise.resolve()
    : new Promise((r) => server.child.stdout!.once('end', r));
  await server.stop();
  await ended;
  return server.stdout();
}

describe('JSON logs of traindx serve (real process)', () => {
  let server: ServerProcess;
  let dataDir: string;
  let stdout: string | undefined;
  const logs = async () => {
    stdout ??= await stopAndRead(server);
    return stdout;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'traindx-logging-'));
    server = await startServer(['--data-dir', dataDir]);
    await started(server);
  }, 120_000);
  afterAll(async () => {
    if (stdout === undefined) await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps a sane X-Request-Id, echoes it, and logs method, path, status and duration under it', async () => {
    const res = await fetch(`${server.url}/health?probe=1`, { headers: { 'x-request-id': 'lb-7f3a.42' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('lb-7f3a.42');
    const line = await lineOf(server, 'lb-7f3a.42');
    expect(line).toMatchObject({
      reqId: 'lb-7f3a.42',
      method: 'GET',
      path: '/health',
      status: 200,
      level: 30,
    });
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    expect(line.code).toBeUndefined();
  });

  it('gives a request without a sane id a new UUID, in the answer and the line', async () => {
    for (const given of [undefined, 'has spaces "and quotes"', 'x'.repeat(200)]) {
      const res = await fetch(`${server.url}/health`, { headers: given ? { 'x-request-id': given } : {} });
      const id = res.headers.get('x-request-id')!;
      expect(id).toMatch(UUID);
      expect((await lineOf(server, id)).path).toBe('/health');
    }
  });

  it('puts the code of a refusal on its line, and neither the body nor the token', async () => {
    const invalid = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${SECRET_TOKEN}`,
        'x-request-id': 'bad-json',
      },
      body: `{"query": "${SECRET_BODY}`,
    });
    expect(invalid.status).toBe(400);
    expect(await lineOf(server, 'bad-json')).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    const form = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-request-id': 'form-post' },
      body: SECRET_BODY,
    });
    expect(form.status).toBe(415);
    expect(await lineOf(server, 'form-post')).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    // A stored run whose name and events carry the secret: accepted, and logged without them.
    const ok = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${SECRET_TOKEN}`,
        'x-request-id': 'start',
      },
      body: JSON.stringify({
        query: 'mutation($run: JSON!) { startRun(run: $run) { id } }',
        variables: {
          run: { type: 'run', formatVersion: 1, id: `logging-${process.pid}`, name: SECRET_BODY },
        },
      }),
    });
    expect(ok.status).toBe(200);
    expect(await lineOf(server, 'start')).toMatchObject({ method: 'POST', path: '/graphql', status: 200 });
  });

  it('serves /metrics without a token when auth is off', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('traindx_refusals_total{code="UNSUPPORTED_MEDIA_TYPE"} 1');
  });

  it('wrote only JSON lines: start-up lines with their fields, one line per request with its id, no secret', async () => {
    const text = await logs();
    const lines = text.trimEnd().split('\n');
    const parsed = lines.map((l) => JSON.parse(l));
    for (const o of parsed)
      expect(o).toMatchObject({
        level: expect.any(Number),
        time: expect.any(String),
        msg: expect.any(String),
      });
    const listening = parsed.find((o) => /listening on http:\/\//.test(o.msg));
    expect(listening.address).toBe(server.url);
    expect(parsed.find((o) => o.tfjsBackend)?.msg).toMatch(
      /^tfjs backend for the monitor: (wasm|cpu|tensorflow)$/,
    );
    expect(parsed.find((o) => o.store)?.msg).toMatch(/^store: memory store/);
    const requests = parsed.filter((o) => o.method !== undefined);
    expect(requests.length).toBeGreaterThanOrEqual(8);
    for (const r of requests) expect(typeof r.reqId).toBe('string');
    expect(new Set(requests.map((r) => r.reqId)).size).toBe(requests.length);
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain(SECRET_BODY);
    expect(text).not.toContain('probe=1');
  });
});

describe('logs for a person', () => {
  it('serve --log-format pretty writes time, level and message, the start-up sentences unchanged', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'traindx-logging-pretty-'));
    // startServer finds the address in the `listening on` sentence, pretty or not.
    const server = await startServer(['--data-dir', dataDir, '--log-format', 'pretty']);
    try {
      await started(server);
      await (await fetch(`${server.url}/health`, { headers: { 'x-request-id': 'pretty-1' } })).text();
      const text = await stopAndRead(server);
      const lines = text.trimEnd().split('\n');
      for (const l of lines) expect(l).toMatch(/^\d\d:\d\d:\d\d\.\d{3} (INFO |WARN |ERROR|DEBUG) \S/);
      expect(text).toMatch(
        /INFO {2}traindx listening on http:\/\/127\.0\.0\.1:\d+\/graphql .* address=http:/,
      );
      expect(text).toMatch(
        /INFO {2}GET \/health 200 reqId=pretty-1 method=GET path=\/health status=200 durationMs=/,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('quotes values a reader could misread, and passes a line that is not JSON through', () => {
    expect(
      prettyLine(
        '{"level":40,"time":"2026-12-07T03:00:00.123Z","pid":1,"hostname":"h","msg":"slow","path":"/a b","n":3}',
      ),
    ).toBe('03:00:00.123 WARN  slow path="/a b" n=3');
    expect(prettyLine('not json\n')).toBe('not json');
  });

  it('--log-level leaves out the lines below it', () => {
    const written: string[] = [];
    const log = createLogger({
      format: 'json',
      level: 'warn',
      destination: { write: (l: string) => written.push(l) },
    });
    log.info('hidden');
    log.warn('shown');
    expect(written.map((l) => JSON.parse(l).msg)).toEqual(['shown']);
  });
});
