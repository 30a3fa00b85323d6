import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/index.js';
import { inputOf } from '../report/support.js';
import { browserAvailable, CHROMIUM, CHROMIUM_ARGS } from '../support/browser.js';
import { lowContrastOf, overflowOf } from '../support/page-checks.js';
import { SAMPLES_DIR } from '../support/samples.js';
import { streamRun, testApp, traceEvents } from './support.js';

const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');
const PHONE = { width: 390, height: 844 };
const SCHEMES = ['light', 'dark'] as const;

// Every page a practitioner opens, on a phone, in both colour schemes: the
// report from disk, and the dashboard's runs list, run page and graph, served
// by the real app (in process; the browser's requests are answered by app.fetch).
describe.skipIf(!browserAvailable())('the pages on a 390 px phone, light and dark (Chromium)', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let app: Awaited<ReturnType<typeof testApp>>['app'];
  const reportPath = join(ARTIFACTS, 'phone-report-keras-lr3.html');

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const t = await testApp();
    app = t.app;
    await streamRun(t.post, traceEvents('lr-too-high-sgd.jsonl', 'lr-too-high-sgd'));
    await streamRun(t.post, traceEvents('healthy-mlp-adam.jsonl', 'healthy-mlp-adam'));
    writeFileSync(
      reportPath,
      renderReport(await inputOf(join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl')), { format: 'html' }),
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
  });

  async function open(url: string, scheme: (typeof SCHEMES)[number]): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE, colorScheme: scheme, deviceScaleFactor: 1 });
    contexts.push(context);
    await context.route('http://traindx/**', async (route) => {
      const req = route.request();
      const res = await app.fetch(req.url(), {
        method: req.method(),
        headers: req.headers(),
        body: req.method() === 'GET' ? undefined : req.postData(),
      });
      await route.fulfill({
        status: res.status,
        headers: Object.fromEntries(res.headers),
        body: Buffer.from(await res.arrayBuffer()),
      });
    });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    return page;
  }

  const PAGES = [
    ['report', () => `file://${reportPath}`],
    ['runs', () => 'http://traindx/'],
    ['run', () => 'http://traindx/runs/lr-too-high-sgd'],
    ['graph', () => 'http://traindx/graph?symptom=exploding_gradients'],
  ] as const;

  for (const [name, url] of PAGES)
    for (const scheme of SCHEMES)
      it(`${name} page, ${scheme}: nothing wider than the screen, every text at 4.5:1 or more`, async () => {
        const page = await open(url(), scheme);
        const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
        expect(dark).toBe(scheme === 'dark');
        const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(background).toBe(scheme === 'dark' ? 'rgb(18, 18, 18)' : 'rgb(255, 255, 255)');
        await page.screenshot({
          path: join(ARTIFACTS, `phone-${name}-${scheme}.png`),
          fullPage: true,
          timeout: 120_000,
        });
        const { scrollWidth, viewport, over } = await overflowOf(page);
        expect(over).toEqual([]);
        expect(scrollWidth).toBeLessThanOrEqual(viewport);
        expect(await lowContrastOf(page)).toEqual([]);
      }, 180_000);
});
