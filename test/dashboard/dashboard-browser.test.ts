import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, CHROMIUM, CHROMIUM_ARGS } from '../support/browser.js';
import { postGraphql, type ServerProcess, startServer } from '../support/server-process.js';
import { FINISH, START, streamRun, traceEvents } from './support.js';

const ROOT = join(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
// The README's screenshots are rewritten only on request, so a test run leaves the checkout as it was.
const DOCS_SHOTS = process.env.TRAINDX_UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs/screenshots') : null;

const SEEDED = [
  ['lr-too-high-sgd.jsonl', 'lr-too-high-sgd'],
  ['deep-sigmoid-10.jsonl', 'deep-sigmoid-10'],
  ['healthy-mlp-adam.jsonl', 'healthy-mlp-adam'],
] as const;

// The dashboard in Chromium against `traindx serve` in its own process on 127.0.0.1,
// fed real tfjs traces the way the monitor sends them.
describe.skipIf(!browserAvailable())('the dashboard in a real browser, against the real server', () => {
  let server: ServerProcess;
  let browser: Browser;
  const post = (query: string, variables?: object) => postGraphql(server.url, query, variables);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    if (DOCS_SHOTS) mkdirSync(DOCS_SHOTS, { recursive: true });
    const dataDir = mkdtempSync(join(tmpdir(), 'traindx-dashboard-'));
    [server, browser] = await Promise.all([
      startServer(['--data-dir', dataDir]),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    for (const [file, id] of SEEDED) await streamRun(post, traceEvents(file, id));
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Opens a page, recording every request, script error and CSP refusal. */
  async function open(path: string) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(`${server.url}${path}`);
    return {
      page,
      /** Nothing left 127.0.0.1, nothing failed. */
      check() {
        expect(requests.filter((u) => !u.startsWith(`${server.url}/`))).toEqual([]);
        expect(requests.every((u) => new URL(u).hostname === '127.0.0.1')).toBe(true);
        expect(problems).toEqual([]);
      },
    };
  }

  const shot = async (page: Page, name: string, docs = false) => {
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
    if (docs && DOCS_SHOTS) await page.screenshot({ path: join(DOCS_SHOTS, `${name}.png`) });
  };

  const runRows = (page: Page) => page.$$eval('tr[data-run]', (rows) => rows.map((r) => r.textContent));

  it('lists the runs with status, top cause and symptoms, filters them, and moves between them by keyboard', async () => {
    const { page, check } = await open('/');
    expect(await page.title()).toBe('Runs · traindx');
    await page.waitForSelector('tr[data-run="healthy-mlp-adam"]');
    const lr = await page.textContent('tr[data-run="lr-too-high-sgd"]');
    expect(lr).toMatch(/completed/);
    expect(lr).toMatch(/Learning rate too high\s*0\.9\d/);
    expect(lr).toMatch(/Loss diverges/);
    expect(await page.textContent('tr[data-run="healthy-mlp-adam"] .top-cause')).toMatch(/healthy/);
    expect(await page.textContent('#runs-status')).toBe('Runs 1–3 of 3.');

    await page.focus('tr[data-run="healthy-mlp-adam"] a.run-link');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.closest('tr')?.dataset.run)).toBe(
      'deep-sigmoid-10',
    );
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('lr-too-high-sgd');
    await shot(page, 'runs');

    await page.selectOption('#f-cause', 'learning_rate_too_high');
    await Promise.all([page.waitForURL(/cause=learning_rate_too_high/), page.click('button[type="submit"]')]);
    await page.waitForSelector('tr[data-run]');
    const filtered = await runRows(page);
    expect(filtered.length).toBe(1);
    expect(filtered[0]).toMatch(/lr-too-high-sgd/);
    expect(await page.title()).toBe('Filtered runs · traindx');
    check();
    await page.close();
  });

  it('draws a faulty run’s curves with their points and names its top cause', async () => {
    const { page, check } = await open('/runs/lr-too-high-sgd');
    await page.waitForSelector('body[data-charts-ready]');
    expect(await page.title()).toBe('lr-too-high-sgd: completed, needs attention · traindx');
    const figures = await page.$$eval('figure.chart', (els) =>
      els.map((f) => ({
        id: f.id,
        drawn: f.getAttribute('data-drawn'),
        points: Number(f.getAttribute('data-points')),
        canvas: !!f.querySelector('canvas'),
      })),
    );
    expect(figures.map((f) => f.id)).toContain('chart-loss');
    for (const f of figures) expect(f, f.id).toMatchObject({ drawn: 'true', canvas: true });
    expect(figures.find((f) => f.id === 'chart-loss')!.points).toBeGreaterThan(400);
    expect(await page.getAttribute('ol.causes > li:first-child', 'id')).toBe('cause-learning_rate_too_high');
    expect(await page.textContent('#run-head .verdict')).toMatch(/Most likely learning rate too high/);
    await shot(page, 'run-lr-too-high-sgd');
    check();
    await page.close();
  });

  it('shows a run streamed in during the test in the list, then its alerts on its open page without a reload', async () => {
    // dying-relu's top cause appears mid-run (step 98), so the page must follow a change of top cause.
    const events = traceEvents('dying-relu.jsonl', 'live-dying-relu', { name: 'live-dying-relu' });
    const list = await open('/');
    await list.page.waitForSelector('tr[data-run="lr-too-high-sgd"]');
    await post(START, { run: events[0] });
    // The open list refreshes itself: the new run shows up, running, without a reload.
    await list.page.waitForSelector('tr[data-run="live-dying-relu"]', { timeout: 15_000 });
    expect(await list.page.textContent('tr[data-run="live-dying-relu"]')).toMatch(/running/);
    await Promise.all([
      list.page.waitForURL(/\/runs\/live-dying-relu$/),
      list.page.click('tr[data-run="live-dying-relu"] a'),
    ]);
    const { page, check } = list;
    await page.waitForSelector('body[data-live="open"]');
    await page.evaluate(() => {
      (window as any).notReloaded = true;
    });
    // No step yet: no loss chart yet.
    const pointsBefore = await page.evaluate(() =>
      Number(document.querySelector('#chart-loss')?.getAttribute('data-points') ?? 0),
    );

    await streamRun(post, events, { start: false, finish: false });
    await page.waitForSelector('#alerts li[data-kind="symptom"]', { timeout: 15_000 });
    await page.waitForSelector('#alerts li[data-kind="top_cause"]', { timeout: 15_000 });
    expect(await page.textContent('#alerts li[data-kind="top_cause"]')).toMatch(
      /Top cause changed at step \d+: now Dying ReLU \(confidence 0\.\d+\)/,
    );
    expect(await page.textContent('#alerts li[data-kind="symptom"]')).toMatch(
      /Symptom (?:started|updated|resolved) at step \d+: /,
    );
    // The new top cause refreshes the diagnosis, and the poll redraws the curves with the new points.
    await page.waitForFunction(
      () => document.querySelector('ol.causes > li:first-child')?.id === 'cause-dying_relu',
      null,
      { timeout: 15_000 },
    );
    await page.waitForFunction(
      (before) => Number(document.querySelector('#chart-loss')?.getAttribute('data-points')) > before + 300,
      pointsBefore,
      { timeout: 15_000 },
    );
    expect(await page.textContent('#symptoms')).toMatch(/Dead ReLU units/);
    expect(await page.title()).toBe('live-dying-relu: running, needs attention · traindx');
    await shot(page, 'run-page', true);

    await post(FINISH, { runId: 'live-dying-relu', end: events.at(-1) });
    await page.waitForSelector('#alerts li[data-kind="finished"]', { timeout: 15_000 });
    await page.waitForSelector('body[data-live="ended"]');
    expect(await page.textContent('#run-head')).toMatch(/completed/);
    expect(await page.evaluate(() => (window as any).notReloaded)).toBe(true);
    check();
    await page.close();
  }, 60_000);

  it('draws the knowledge graph around exploding_gradients: nodes, weighted edges, and a keyboard focus', async () => {
    const { page, check } = await open('/graph?symptom=exploding_gradients');
    await page.waitForSelector('svg#kg[data-ready]');
    const g = await page.$eval('svg#kg', (svg) => ({
      nodes: [...svg.querySelectorAll('.node')].map((n) => n.getAttribute('data-key')),
      suggests: svg.querySelectorAll('path.edge.suggests').length,
      fixes: svg.querySelectorAll('path.edge.fixed_by').length,
      drawn: [...svg.querySelectorAll('path.edge, .node rect')].every((e) => {
        const b = (e as SVGGraphicsElement).getBBox();
        return b.width > 0 && b.height > 0;
      }),
    }));
    expect(g.nodes).toContain('s:exploding_gradients');
    expect(g.nodes).toContain('c:learning_rate_too_high');
    expect(g.nodes).toContain('r:gradient_clipping');
    expect(g.suggests).toBe(g.nodes.filter((k) => k!.startsWith('c:')).length);
    expect(g.fixes).toBeGreaterThan(g.suggests);
    expect(g.drawn).toBe(true);
    await shot(page, 'knowledge-graph');
    if (DOCS_SHOTS) {
      // The page's top down to the end of the graph.
      const bottom = await page.$eval('#graph', (e) => e.getBoundingClientRect().bottom + window.scrollY);
      await page.screenshot({
        path: join(DOCS_SHOTS, 'knowledge-graph.png'),
        clip: { x: 0, y: 0, width: 1280, height: Math.ceil(bottom) + 16 },
        fullPage: true,
      });
    }

    // Tab reaches the nodes; focusing a remedy highlights the links into it.
    await page.focus('.node[data-key="r:gradient_clipping"]');
    expect(await page.getAttribute('svg#kg', 'data-focused')).toBe('r:gradient_clipping');
    const lit = await page.$$eval('path.edge.hl', (es) => es.map((e) => e.getAttribute('data-from')));
    expect(lit).toContain('c:learning_rate_too_high');
    expect(await page.$eval('svg#kg', (s) => s.classList.contains('focus-remedy'))).toBe(true);
    check();
    await page.close();
  });
});
