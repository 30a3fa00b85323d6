import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fmt } from '../../src/detect/index.js';
import { buildReportView, renderReport } from '../../src/report/index.js';
import { browserAvailable, CHROMIUM, CHROMIUM_ARGS } from '../support/browser.js';
import { SAMPLES_DIR } from '../support/samples.js';
import { FIXTURES, inputOf } from './support.js';

const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');
const [lr3, healthy] = await Promise.all([
  inputOf(join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl')),
  inputOf(join(FIXTURES, 'healthy-mlp-adam.jsonl')),
]);
const page = renderReport(lr3!, { format: 'html' });
const card = page.slice(
  page.indexOf('<section id="why"'),
  page.indexOf('</section>', page.indexOf('<section id="why"')),
);
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ');

describe('the why card of a Keras SGD run at learning rate 3', () => {
  const d = lr3!.diagnosis;

  it('sits under the verdict, before the section links and every other section', () => {
    const at = (s: string) => page.indexOf(s);
    expect(at('<section id="why"')).toBeGreaterThan(at('class="verdict'));
    expect(at('<section id="why"')).toBeLessThan(at('<nav aria-label="Sections"'));
    expect(at('<section id="why"')).toBeLessThan(at('<section id="summary"'));
  });

  it('names the top cause and draws the key symptom’s curve with its onset marked', () => {
    expect(text(card)).toContain(`Why: ${d.causes[0]!.name}`);
    expect(card).toMatch(/<svg[^>]*role="img"/);
    expect(card).toMatch(/<line class="onset"/);
    const divergence = d.symptoms.find((s) => s.id === 'loss_divergence')!;
    expect(text(card)).toContain(
      `onset: Loss diverges, steps ${divergence.firstStep}–${divergence.lastStep}`,
    );
  });

  it('shows three numbers, each one the run’s own', () => {
    const numbers = [...card.matchAll(/<dd>([^<]*)<\/dd>/g)].map((m) => m[1]!.replace('&gt;', '>'));
    expect(numbers).toHaveLength(3);
    const divergence = d.symptoms.find((s) => s.id === 'loss_divergence')!;
    expect(numbers[0]).toBe(`step ${divergence.firstStep}`);
    // The largest batch loss the detector quoted is the curve's highest point.
    const largest = /largest ([\d.e]+) at step (\d+)/.exec(divergence.evidence.at(-1)!)!;
    expect(numbers[1]).toMatch(new RegExp(`→ ${largest[1]!.replace('.', '\\.')}$`));
    expect(numbers[2]).toBe(String(d.facts.learningRate));
  });

  it('gives the first remedy as this run’s edit, its code in Keras with the run’s values', () => {
    expect(d.facts.framework).toBe('keras');
    expect(text(card)).toContain('First fix: Lower the learning rate');
    expect(text(card)).toContain('optimizer.learningRate 3 → 0.3');
    expect(card).toContain('keras.optimizers.SGD(learning_rate=0.3)  # a tenth of 3');
    expect(card).not.toMatch(/1e-4|1e-3|Adam/);
    expect(card).not.toContain('torch');
  });

  it('is left out for a healthy run', () => {
    expect(healthy!.diagnosis.healthy).toBe(true);
    expect(renderReport(healthy!, { format: 'html' })).not.toContain('id="why"');
  });
});

describe('the why card of a layer’s symptom', () => {
  it('draws that layer’s own statistic, and its numbers are that curve’s', async () => {
    const input = await inputOf(join(SAMPLES_DIR, 'pytorch-deep-sigmoid-digits.jsonl'));
    const view = buildReportView(input);
    const chart = view.why!.chart!;
    expect(chart.symptom.layer).toBeDefined();
    const chunk = input.series.find((c) => c.key === `layers.${chart.symptom.layer}.gradNorm`)!;
    expect(chart.label).toBe(`gradient norm of ${chart.symptom.layer}`);
    // The curve's first point and its lowest are the stored readings, not another curve's.
    const swing = view.why!.numbers.find((n) => n.label.startsWith(chart.label))!;
    const lowest = Math.min(...chunk.values.filter(Number.isFinite));
    expect(swing.value).toBe(`${fmt(chunk.values[0]!)} → ${fmt(lowest)}`);
  });
});

describe.skipIf(!browserAvailable())('the why card on the first screen (Chromium)', () => {
  let browser: Browser;
  const path = join(ARTIFACTS, 'report-why-keras-lr3.html');
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path, page);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => browser?.close());

  for (const [width, height, below] of [
    [1280, 800, 800],
    [390, 844, 900],
  ] as const)
    it(`starts within the first ${below} px at ${width} px wide, its chart visible`, async () => {
      const tab = await browser.newPage({ viewport: { width, height } });
      await tab.goto(`file://${path}`, { waitUntil: 'load' });
      const box = await tab.locator('#why').boundingBox();
      const chart = await tab.locator('#why svg').boundingBox();
      await tab.screenshot({ path: join(ARTIFACTS, `report-why-${width}.png`) });
      await tab.close();
      expect(box!.y).toBeLessThan(below);
      expect(chart!.y).toBeLessThan(height);
      expect(chart!.height).toBeGreaterThan(80);
      expect(chart!.width).toBeGreaterThan(width / 2);
    });
});
