import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReportData, readReportData, renderReport } from '../../src/report/index.js';
import { browserAvailable, CHROMIUM, CHROMIUM_ARGS } from '../support/browser.js';
import { bigRun, FIXTURES, inputOf, writeTrace } from './support.js';

const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');

async function writeReport(name: string, tracePath: string): Promise<{ path: string; data: ReportData }> {
  const page = renderReport(await inputOf(tracePath), { format: 'html' });
  const path = join(ARTIFACTS, `${name}.html`);
  writeFileSync(path, page);
  return { path, data: readReportData(page) };
}

/** Points the page should say it drew: finite values of the curves, and the heatmap's filled cells. */
function expectedPoints(data: ReportData): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of data.charts)
    out[c.id] = c.series.reduce((n, s) => n + s.y.filter((v) => v !== null).length, 0);
  const h = data.heatmap;
  if (h) out[h.id] = h.cells.flat().filter((v) => v !== null).length + h.nonFinite.length + h.zero.length;
  return out;
}

describe.skipIf(!browserAvailable())('the HTML report in a real browser (Chromium, from disk)', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
  });
  afterAll(async () => browser?.close());

  /** Opens a report file, recording every request and script error. */
  async function open(path: string) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`file://${path}`, { waitUntil: 'load' });
    return { page, requests, errors };
  }

  it('draws every chart, with its data points, without a single network request', async () => {
    const { path, data } = await writeReport(
      'report-lr-too-high-sgd',
      join(FIXTURES, 'lr-too-high-sgd.jsonl'),
    );
    const { page, requests, errors } = await open(path);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !/^(file|data):/.test(u))).toEqual([]);
    const figures = await page.$$eval('figure.chart', (els) =>
      els.map((f) => {
        const canvas = f.querySelector('canvas');
        let inked = 0;
        if (canvas) {
          const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 3; i < px.length; i += 4 * 7)
            if (px[i]! > 0 && px[i - 1]! + px[i - 2]! + px[i - 3]! < 600) inked++;
        }
        return {
          id: f.id.replace(/^chart-/, ''),
          drawn: f.getAttribute('data-drawn'),
          points: Number(f.getAttribute('data-points')),
          inked,
        };
      }),
    );
    const expected = expectedPoints(data);
    expect(figures.map((f) => f.id).sort()).toEqual(Object.keys(expected).sort());
    for (const f of figures) {
      expect(f.drawn, f.id).toBe('true');
      expect(f.points, f.id).toBe(expected[f.id]);
      expect(f.inked, f.id).toBeGreaterThan(100);
    }
    await page.hover('#chart-grad-heatmap .u-over', { position: { x: 20, y: 40 } });
    expect(await page.textContent('#chart-grad-heatmap output.readout')).toMatch(/^dense_\d, steps \d+/);
    await page.screenshot({ path: join(ARTIFACTS, 'report-lr-too-high-sgd.png'), fullPage: true });
    await page.close();
  });

  // How fast it opens is measured by `npm run bench:report`, not asserted here.
  it('opens the report of a 10^4-step, 10-layer run offline and draws all seven charts', async () => {
    const trace = await writeTrace(join(mkdtempSync(join(tmpdir(), 'traindx-big-')), 'big.jsonl'), bigRun());
    const { path } = await writeReport('report-10k-steps', trace);
    const { page, requests, errors } = await open(path);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !/^(file|data):/.test(u))).toEqual([]);
    expect(await page.getAttribute('body', 'data-charts-ready')).toBe('7');
    await page.screenshot({ path: join(ARTIFACTS, 'report-10k-steps.png'), fullPage: true });
    await page.close();
  });
});
