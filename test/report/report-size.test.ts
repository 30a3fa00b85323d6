import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_POINTS, readReportData, renderReport } from '../../src/report/index.js';
import { BIG_RUN, bigRun, inputOf, writeTrace } from './support.js';

const path = await writeTrace(join(mkdtempSync(join(tmpdir(), 'traindx-big-')), 'big.jsonl'), bigRun());
const input = await inputOf(path);

describe('the report of a 10^4-step run of a 10-layer model', () => {
  const page = renderReport(input, { format: 'html' });
  const data = readReportData(page);

  it('is one HTML file under 2 MB', () => {
    expect(Buffer.byteLength(page)).toBeLessThan(2 * 1024 * 1024);
  });

  it('draws every curve from at most ~1000 points, the non-finite stretches kept apart', () => {
    for (const chart of data.charts) {
      for (const s of chart.series) {
        expect(s.y.length, `${chart.id}/${s.key}`).toBeLessThanOrEqual(MAX_POINTS + s.nonFinite.length);
        expect(data.xs[s.xi], `${chart.id}/${s.key}`).toHaveLength(s.y.length);
      }
    }
    const loss = data.charts.find((c) => c.id === 'loss')!.series.find((s) => s.key === 'loss')!;
    const nan = BIG_RUN.steps - BIG_RUN.nanFrom;
    expect(loss).toMatchObject({ count: BIG_RUN.steps, finiteCount: BIG_RUN.nanFrom, nonFiniteCount: nan });
    expect(loss.nonFinite).toEqual([[BIG_RUN.nanFrom, BIG_RUN.steps - 1, 'NaN', nan]]);
  });

  it('has a curve per layer and a heatmap row per layer, and the symptoms marked', () => {
    const layers = Array.from({ length: BIG_RUN.layers }, (_, i) => `dense_${i}`);
    expect(data.charts.find((c) => c.id === 'weight-norm')!.series.map((s) => s.label)).toEqual(layers);
    expect(data.heatmap!.layers).toEqual(layers);
    expect(data.heatmap!.x0.length).toBeLessThanOrEqual(300);
    const marked = (id: string) =>
      data.charts.find((c) => c.id === id)!.markers.map((i) => data.symptoms[i]!.id);
    expect(marked('loss')).toEqual(expect.arrayContaining(['loss_nan', 'exploding_gradients']));
    expect(marked('grad-norm')).toContain('exploding_gradients');
  });

  it('shares one x array among series with the same steps', () => {
    const layerSeries = data.charts
      .filter((c) => ['weight-norm', 'dead'].includes(c.id))
      .flatMap((c) => c.series);
    expect(new Set(layerSeries.map((s) => s.xi)).size).toBe(1);
  });
});
