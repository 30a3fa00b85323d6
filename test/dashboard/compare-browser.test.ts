import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceEvent } from '../../src/domain/index.js';
import { browserAvailable, CHROMIUM, CHROMIUM_ARGS } from '../support/browser.js';
import { postGraphql, type ServerProcess, startServer } from '../support/server-process.js';
import { streamRun, traceEvents } from './support.js';

const ROOT = join(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const IMPORT = 'mutation($jsonl: String!) { importTrace(jsonl: $jsonl) { id } }';
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

/** A shipped sample's lines, its run event changed by `run`, each event given a time when `timed`. */
function sample(file: string, run: Record<string, unknown>, timed = false): string {
  return readFileSync(join(ROOT, 'examples/samples', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const e = JSON.parse(l);
      const out = i === 0 ? { ...e, ...run } : e;
      // Ten seconds per event: a monitor that writes `time` (the format extension) gives such stamps.
      return JSON.stringify(timed ? { ...out, time: T0 + i * 10_000 } : out);
    })
    .join('\n');
}

// Issue 18, items 4 and 5: runs side by side and the chart controls, in Chromium against
// `traindx serve` in its own process, with real traces imported and streamed.
describe.skipIf(!browserAvailable())('comparing runs in the dashboard (Chromium, real server)', () => {
  let server: ServerProcess;
  let browser: Browser;
  const post = (query: string, variables?: object) => postGraphql(server.url, query, variables);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const dataDir = mkdtempSync(join(tmpdir(), 'traindx-compare-'));
    [server, browser] = await Promise.all([
      startServer(['--data-dir', dataDir]),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    await post(IMPORT, { jsonl: sample('keras-sgd-lr3-wine.jsonl', { id: 'wine-lr3', name: 'wine-lr3' }) });
    await post(IMPORT, {
      jsonl: sample('pytorch-healthy-blobs-tanh.jsonl', { id: 'blobs-healthy', name: 'blobs-healthy' }),
    });
    // The retry of wine-lr3 with its learning rate lowered, written by a monitor that stamps `time`.
    await post(IMPORT, {
      jsonl: sample(
        'keras-healthy-digits-mlp128.jsonl',
        {
          id: 'wine-lr3-retry',
          name: 'wine-lr3-retry',
          parentRunId: 'wine-lr3',
          appliedRemedies: ['lower_learning_rate'],
        },
        true,
      ),
    });
    await streamRun(post, traceEvents('lr-too-high-sgd.jsonl', 'lr-too-high-sgd'));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  }, 180_000);

  async function open(path: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(`${server.url}${path}`);
    return { page, problems };
  }

  const order = (page: Page) =>
    page.$$eval('#runs-body tr[data-run]', (rows) => rows.map((r) => r.getAttribute('data-run')));
  const linePath = (page: Page, run: string) =>
    page.getAttribute(`#compare path.cmp-line[data-run="${run}"]`, 'd');

  it('shows the outcome apart from the status: a failed and a healthy run both "completed"', async () => {
    const { page, problems } = await open('/');
    await page.waitForSelector('tr[data-run="lr-too-high-sgd"]');
    const cell = async (run: string, sel: string) =>
      (await page.textContent(`tr[data-run="${run}"] ${sel}`))!.trim();
    expect(await cell('lr-too-high-sgd', '.status')).toMatch(/completed/);
    expect(await cell('blobs-healthy', '.status')).toMatch(/completed/);
    expect(await cell('lr-too-high-sgd', '.outcome')).toBe('✗ failed');
    expect(await cell('blobs-healthy', '.outcome')).toBe('✓ healthy');
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it('lists a retry right under its parent, with the remedy applied', async () => {
    const { page } = await open('/');
    await page.waitForSelector('tr[data-run="wine-lr3-retry"]');
    const ids = await order(page);
    expect(ids.indexOf('wine-lr3-retry')).toBe(ids.indexOf('wine-lr3') + 1);
    const note = await page.textContent('tr[data-run="wine-lr3-retry"] .retry-of');
    expect(note).toMatch(/retry of wine-lr3, remedy applied: /);
    expect(note).not.toContain('lower_learning_rate'); // named from the knowledge graph, not by id
    await page.close();
  }, 180_000);

  it('searches by name and sorts by a column', async () => {
    const { page } = await open('/');
    await page.waitForSelector('tr[data-run="blobs-healthy"]');
    await page.fill('#f-q', 'wine');
    expect(await order(page)).toEqual(['wine-lr3', 'wine-lr3-retry']);
    await page.fill('#f-q', '');
    await page.click('button.sort[data-sort-key="lastStep"]');
    const up = await order(page);
    await page.click('button.sort[data-sort-key="lastStep"]');
    const down = await order(page);
    expect(up).not.toEqual(down);
    expect(await page.getAttribute('th[data-sort="lastStep"]', 'aria-sort')).toBe('descending');
    const steps = async () =>
      page.$$eval('#runs-body tr[data-run]:not(.retry) td.num', (tds) =>
        tds.map((td) => Number(td.textContent)),
      );
    const desc = await steps();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    // A plain form too: ?q= filters the list on load.
    await page.goto(`${server.url}/?q=blobs`);
    await page.waitForSelector('body[data-runs-ready]');
    expect(await order(page)).toEqual(['blobs-healthy']);
    await page.close();
  }, 180_000);

  it('overlays the curves of two ticked runs; smoothing and the log axis change the drawn lines', async () => {
    const { page, problems } = await open('/');
    await page.waitForSelector('tr[data-run="blobs-healthy"]');
    await page.check('tr[data-run="blobs-healthy"] input.compare-pick');
    await page.check('tr[data-run="lr-too-high-sgd"] input.compare-pick');
    await page.waitForSelector('#compare[data-series="2"]');
    expect(await page.$$eval('#compare path.cmp-line', (ps) => ps.length)).toBe(2);
    expect(await page.textContent('#cmp-legend')).toMatch(/blobs-healthy[\s\S]*lr-too-high-sgd/);
    const raw = await linePath(page, 'lr-too-high-sgd');
    await page.$eval('#cmp-ema', (el) => {
      (el as HTMLInputElement).value = '0.9';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await page.textContent('#cmp-ema-out')).toBe('0.9');
    const smooth = await linePath(page, 'lr-too-high-sgd');
    expect(smooth).not.toBe(raw);
    await page.selectOption('#cmp-y', 'log');
    expect(await page.getAttribute('#cmp-chart svg', 'data-y-scale')).toBe('log');
    expect(await linePath(page, 'lr-too-high-sgd')).not.toBe(smooth);
    await page.selectOption('#cmp-x', 'epoch');
    expect(await page.textContent('#cmp-chart svg')).toContain('epoch');
    // Neither run carries `time`: no wall-time axis.
    expect(await page.$eval('#cmp-x option[value="time"]', (o) => (o as HTMLOptionElement).disabled)).toBe(
      true,
    );
    await page
      .locator('#compare')
      .screenshot({ path: join(ARTIFACTS, 'dashboard-compare.png'), timeout: 120_000 });
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it('ticking a run brings its repaired retry beside it on the chart', async () => {
    const { page } = await open('/');
    await page.waitForSelector('tr[data-run="wine-lr3-retry"]');
    await page.check('tr[data-run="wine-lr3"] input.compare-pick');
    await page.waitForSelector('#compare[data-series="2"]');
    expect(await page.isChecked('tr[data-run="wine-lr3-retry"] input.compare-pick')).toBe(true);
    expect(await page.textContent('#cmp-legend')).toMatch(/wine-lr3-retry \(retry of wine-lr3, with /);
    await page.close();
  }, 180_000);

  it('a run page links parent, retries and similar runs, and overlays the run with its family', async () => {
    const { page, problems } = await open('/runs/wine-lr3-retry');
    await page.waitForSelector('body[data-related-ready]');
    const parent = await page.$('#related li[data-kind="Retry of"] a[data-run="wine-lr3"]');
    expect(parent).not.toBeNull();
    const retryOf = await page.textContent('#related li[data-kind="Retry of"]');
    expect(retryOf).toMatch(/remedy applied: \S/);
    expect(retryOf).not.toContain('lower_learning_rate'); // its name, not its id
    expect(await page.getAttribute('#compare', 'data-series')).toBe('2');
    // Only the retry carries time; its parent does not, so the wall-time axis stays off here too.
    expect(await page.$eval('#cmp-x option[value="time"]', (o) => (o as HTMLOptionElement).disabled)).toBe(
      true,
    );
    await page.goto(`${server.url}/runs/wine-lr3`);
    await page.waitForSelector('body[data-related-ready]');
    expect(await page.$('#related li[data-kind="Retries"] a[data-run="wine-lr3-retry"]')).not.toBeNull();
    expect(await page.$('#related li[data-kind="Similar runs"] a.related-run')).not.toBeNull();
    await page
      .locator('#related')
      .screenshot({ path: join(ARTIFACTS, 'dashboard-run-related.png'), timeout: 120_000 });
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it('a run that carries time can be drawn by wall time', async () => {
    const { page } = await open('/');
    await page.waitForSelector('tr[data-run="wine-lr3-retry"]');
    // Unticking the parent leaves the retry alone on the chart.
    await page.check('tr[data-run="wine-lr3-retry"] input.compare-pick');
    await page.uncheck('tr[data-run="wine-lr3"] input.compare-pick');
    await page.waitForSelector('#compare[data-series="1"]');
    expect(await page.$eval('#cmp-x option[value="time"]', (o) => (o as HTMLOptionElement).disabled)).toBe(
      false,
    );
    const byStep = await linePath(page, 'wine-lr3-retry');
    await page.selectOption('#cmp-x', 'time');
    expect(await page.textContent('#cmp-chart svg')).toContain('seconds since start');
    expect(await linePath(page, 'wine-lr3-retry')).not.toBe(byStep);
    await page.close();
  }, 180_000);

  it('downloads a run’s trace (JSONL) and report (HTML) from the list and the run page', async () => {
    const { page } = await open('/');
    await page.waitForSelector('tr[data-run="wine-lr3"] a.download-trace');
    const listed = [
      await page.getAttribute('tr[data-run="wine-lr3"] a.download-trace', 'href'),
      await page.getAttribute('tr[data-run="wine-lr3"] a.download-report', 'href'),
    ];
    await page.goto(`${server.url}/runs/wine-lr3`);
    const onPage = [
      await page.getAttribute('#run-head a.download-trace', 'href'),
      await page.getAttribute('#run-head a.download-report', 'href'),
    ];
    expect(onPage).toEqual(listed);
    await page.close();
    const trace = await fetch(`${server.url}${listed[0]}`);
    expect(trace.status).toBe(200);
    expect(trace.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(trace.headers.get('content-disposition')).toBe('attachment; filename="wine-lr3.jsonl"');
    const events = (await trace.text())
      .trim()
      .split('\n')
      .map((l) => TraceEvent.parse(JSON.parse(l)));
    expect(events[0]).toMatchObject({ type: 'run', id: 'wine-lr3' });
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'completed' });
    expect(events.filter((e) => e.type === 'step').length).toBeGreaterThan(50);
    expect(events.some((e) => e.type === 'epoch')).toBe(true);
    // Imported again under another id, the downloaded trace gives the same top cause.
    const again = events.map((e, i) => (i === 0 ? { ...e, id: 'wine-lr3-again' } : e));
    await post(IMPORT, { jsonl: again.map((e) => JSON.stringify(e)).join('\n') });
    const top = 'query($id: ID!) { run(id: $id) { diagnosis { causes { id } } } }';
    const [a, b] = await Promise.all([post(top, { id: 'wine-lr3' }), post(top, { id: 'wine-lr3-again' })]);
    expect(b.run.diagnosis.causes[0].id).toBe(a.run.diagnosis.causes[0].id);
    const report = await fetch(`${server.url}${listed[1]}`);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await report.text()).toMatch(/^<!doctype html>[\s\S]*wine-lr3/i);
    expect((await fetch(`${server.url}/runs/nope/trace.jsonl`)).status).toBe(404);
  }, 180_000);
});
