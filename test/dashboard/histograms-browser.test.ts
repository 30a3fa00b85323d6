import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTraindx } from '../../src/engine/index.js';
import { readReportData, renderReport } from '../../src/report/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { browserAvailable, CHROMIUM, CHROMIUM_ARGS } from '../support/browser.js';
import { lowContrastOf, overflowOf } from '../support/page-checks.js';
import { streamRun, testApp } from './support.js';

const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');
const STEPS = 300;
const EVERY = 5;
/** dense_0 carries weight and gradient histograms every 5 steps, dense_1 gradients only. */
const SAMPLED = STEPS / EVERY;

/** Weights that spread and gradients that shrink, as histograms of 30 buckets (what the monitor writes). */
function histogram(centre: number, spread: number) {
  const edges = Array.from({ length: 31 }, (_, i) => centre - 3 * spread + (6 * spread * i) / 30);
  const counts = Array.from({ length: 30 }, (_, i) => Math.round(1000 * Math.exp(-(((i - 14.5) / 5) ** 2))));
  return { edges, counts };
}

function runEvents(id: string, withHistograms: boolean, { lateLayer = false } = {}): any[] {
  const steps = Array.from({ length: STEPS }, (_, step) => {
    const sampled = withHistograms && step % EVERY === 0;
    return {
      type: 'step',
      step,
      loss: 2 / (1 + step / 50),
      layers: {
        dense_0: {
          gradNorm: 0.5 / (1 + step / 100),
          ...(sampled
            ? {
                weightHistogram: histogram(0, 0.1 + step / 1000),
                gradHistogram: histogram(0, 0.01 / (1 + step / 100)),
              }
            : {}),
        },
        dense_1: { gradNorm: 0.3, ...(sampled ? { gradHistogram: histogram(0.001, 0.002) } : {}) },
        // A layer whose histograms start late: the live page's picker gains an option.
        ...(lateLayer && step >= 200
          ? { dense_2: { gradNorm: 0.2, ...(sampled ? { gradHistogram: histogram(0, 0.01) } : {}) } }
          : {}),
      },
    };
  });
  return [
    {
      type: 'run',
      formatVersion: 1,
      id,
      framework: 'tfjs',
      model: {
        layers: [
          { name: 'dense_0', units: 16 },
          { name: 'dense_1', units: 3 },
        ],
      },
    },
    ...steps,
    { type: 'end', status: 'completed', step: STEPS - 1 },
  ];
}

// The weight and gradient distributions of a run, drawn in Chromium on the dashboard's run
// page and in the HTML report; a run without histograms shows no such chart.
describe.skipIf(!browserAvailable())('histograms over time in a real browser (Chromium)', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let app: Awaited<ReturnType<typeof testApp>>['app'];
  let post: Awaited<ReturnType<typeof testApp>>['post'];
  const reportPath = join(ARTIFACTS, 'histograms-report.html');

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const t = await testApp();
    app = t.app;
    post = t.post;
    await streamRun(t.post, runEvents('with-histograms', true));
    await streamRun(t.post, runEvents('without-histograms', false));
    // The report as `traindx report` makes it: the run through an in-memory traindx.
    const traindx = createTraindx({ store: await openMemoryStore({ dataDir: null }) });
    const [run, ...rest] = runEvents('report-histograms', true);
    await traindx.startRun(run);
    await traindx.ingest(run.id, 'all', rest);
    writeFileSync(reportPath, renderReport((await traindx.record(run.id))!, { format: 'html' }));
    await traindx.close();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
  });

  async function open(
    url: string,
    viewport = { width: 1280, height: 900 },
    scheme: 'light' | 'dark' = 'light',
  ) {
    const context = await browser.newContext({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
    contexts.push(context);
    await context.route('http://traindx/**', async (route) => {
      const req = route.request();
      const res = await app.fetch(req.url(), { method: req.method(), headers: req.headers() });
      await route.fulfill({
        status: res.status,
        headers: Object.fromEntries(res.headers),
        body: Buffer.from(await res.arrayBuffer()),
      });
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-charts-ready]');
    return { page, problems };
  }

  /** What a distribution plot shows: its step count and how many of its canvas pixels are coloured. */
  const plotOf = (page: Page, kind: 'weight' | 'grad') =>
    page.$eval(`#chart-distributions .dist-plot[data-kind="${kind}"]`, (el) => {
      const canvas = el.querySelector('canvas');
      let coloured = 0;
      if (canvas) {
        const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        // Viridis cells: saturated, unlike the page's white and the axes' greys.
        for (let i = 0; i < px.length; i += 4)
          if (Math.max(px[i]!, px[i + 1]!, px[i + 2]!) - Math.min(px[i]!, px[i + 1]!, px[i + 2]!) > 60)
            coloured++;
      }
      return { steps: Number(el.getAttribute('data-steps')), coloured };
    });

  it('draws the chosen layer’s weights and gradients over every sampled step on the run page, and another layer when picked', async () => {
    const { page, problems } = await open('http://traindx/runs/with-histograms');
    expect(await page.getAttribute('#chart-distributions', 'data-drawn')).toBe('true');
    expect(await page.getAttribute('#chart-distributions', 'data-layer')).toBe('dense_0');
    const weights = await plotOf(page, 'weight');
    const grads = await plotOf(page, 'grad');
    expect(weights.steps).toBe(SAMPLED);
    expect(grads.steps).toBe(SAMPLED);
    expect(weights.coloured).toBeGreaterThan(1000);
    expect(grads.coloured).toBeGreaterThan(1000);
    await page.screenshot({ path: join(ARTIFACTS, 'histograms-run-page.png'), fullPage: true });

    await page.selectOption('#dist-layer', 'dense_1');
    expect(await page.getAttribute('#chart-distributions', 'data-layer')).toBe('dense_1');
    expect((await plotOf(page, 'grad')).steps).toBe(SAMPLED);
    expect((await plotOf(page, 'grad')).coloured).toBeGreaterThan(1000);
    // dense_1 has no weight histograms: the plot says so in words.
    expect((await plotOf(page, 'weight')).steps).toBe(0);
    expect(await page.textContent('#chart-distributions .dist-plot[data-kind="weight"]')).toMatch(
      /no weight histograms for this layer/,
    );
    expect(problems).toEqual([]);
  });

  it('keeps the reader’s layer on a live run page while new steps redraw the charts', async () => {
    const events = runEvents('live-histograms', true, { lateLayer: true });
    await streamRun(post, events, { to: 2, finish: false });
    const { page, problems } = await open('http://traindx/runs/live-histograms');
    await page.selectOption('#dist-layer', 'dense_1');
    const refreshes = Number(await page.getAttribute('body', 'data-refreshes'));
    // Steps 200 on: dense_2's histograms start, so the charts section comes back with a third option.
    await streamRun(post, events, { from: 2, start: false, finish: false });
    await page.waitForSelector('#dist-layer option[value="dense_2"]', { state: 'attached', timeout: 20_000 });
    expect(Number(await page.getAttribute('body', 'data-refreshes'))).toBeGreaterThan(refreshes);
    expect(await page.$eval('#dist-layer', (el) => (el as HTMLSelectElement).value)).toBe('dense_1');
    await page.waitForFunction(
      () => document.querySelector('#chart-distributions')?.getAttribute('data-layer') === 'dense_1',
    );
    expect(problems).toEqual([]);
  });

  it('draws them in the HTML report from a file, with the same steps as its embedded data', async () => {
    const { page, problems } = await open(`file://${reportPath}`);
    const data = readReportData(await page.content());
    expect(data.distributions?.map((d) => `${d.kind} ${d.layer} ${d.steps.length}`)).toEqual([
      `weight dense_0 ${SAMPLED}`,
      `grad dense_0 ${SAMPLED}`,
      `grad dense_1 ${SAMPLED}`,
    ]);
    expect(await page.getAttribute('#chart-distributions', 'data-drawn')).toBe('true');
    expect((await plotOf(page, 'weight')).steps).toBe(SAMPLED);
    expect((await plotOf(page, 'weight')).coloured).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
  });

  it('fits a 390 px phone in dark mode with readable text', async () => {
    const { page } = await open('http://traindx/runs/with-histograms', { width: 390, height: 844 }, 'dark');
    expect((await plotOf(page, 'weight')).steps).toBe(SAMPLED);
    const { scrollWidth, viewport, over } = await overflowOf(page);
    expect(over).toEqual([]);
    expect(scrollWidth).toBeLessThanOrEqual(viewport);
    expect(
      (await lowContrastOf(page)).filter((l) => l.element.includes('dist') || l.text.includes('values')),
    ).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'histograms-phone-dark.png'), fullPage: true });
  });

  it('says nothing of histograms for a run whose trace has none', async () => {
    const { page } = await open('http://traindx/runs/without-histograms');
    expect(await page.$('#chart-distributions')).toBeNull();
    expect(await page.textContent('body')).not.toMatch(/distributions/i);
  });
});
