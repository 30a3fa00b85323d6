/**
 * npm run bench:report — the HTML report of a 10^4-step run of a 10-layer
 * model (layer stats every 10 steps): how long gathering and rendering take,
 * how big the file is, and how long Chromium takes to open it from disk (the
 * load event, median of 5 opens). Goals: under 2 MB, opens in under a second.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { gatherReportInput } from '../src/cli/report.js';
import { loadConfig } from '../src/config/index.js';
import { renderReport } from '../src/report/index.js';
import { BENCH_DIR, generateTrace } from './generate-trace.js';

const CHROMIUM = '/usr/bin/chromium';
const OPENS = 5;

const trace = await generateTrace('steps-1e4', 10_000);
let t0 = performance.now();
const input = await gatherReportInput(trace, loadConfig({}));
const gatherMs = performance.now() - t0;
t0 = performance.now();
const html = renderReport(input, { format: 'html' });
const renderMs = performance.now() - t0;
const out = join(BENCH_DIR, 'report-1e4.html');
writeFileSync(out, html);
const mb = Buffer.byteLength(html) / 2 ** 20;
console.log(
  `report of ${trace}: gather (ingest + diagnose) ${Math.round(gatherMs)} ms, render ${Math.round(renderMs)} ms`,
);
console.log(`size: ${mb.toFixed(2)} MB (goal < 2 MB) -> ${out}`);

if (!existsSync(CHROMIUM)) {
  console.log(`open time: skipped, no browser at ${CHROMIUM} (apt-get install chromium)`);
} else {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const loads: number[] = [];
  for (let i = 0; i < OPENS; i++) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`file://${out}`, { waitUntil: 'load' });
    loads.push(
      await page.evaluate(
        () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd,
      ),
    );
    await page.close();
  }
  await browser.close();
  const median = [...loads].sort((a, b) => a - b)[Math.floor(OPENS / 2)]!;
  console.log(
    `open (load event): median ${Math.round(median)} ms of ${loads.map(Math.round).join(', ')} (goal < 1000 ms)`,
  );
}
