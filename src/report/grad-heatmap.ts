import type { SeriesChunk } from '../domain/index.js';
import { byModelOrder } from './layer-order.js';
import type { Heatmap } from './report-data.js';

// 300 columns of ~3 px on a 900 px plot: finer than this cannot be seen.
const MAX_COLUMNS = 300;

/**
 * The per-layer gradient-norm heatmap: one row per layer (model order), one
 * column per reading, or per equal step range when there are more than 300.
 * A cell holds log10 of the geometric mean of its positive finite readings
 * (gradient norms span orders of magnitude; the mean of logs keeps a
 * vanishing layer dark and an exploding one bright); cells with a NaN/Inf
 * reading, or only zeros, are listed apart so they get their own symbol.
 *
 * @example buildGradHeatmap([{ key: 'layers.dense_0.gradNorm', steps: [0], values: [0.3] }], ['dense_0'], [])
 */
export function buildGradHeatmap(
  chunks: SeriesChunk[],
  layerOrder: string[],
  markers: number[],
): Heatmap | null {
  const order = byModelOrder(layerOrder);
  const rows = chunks
    .map((c) => ({ layer: c.key.slice('layers.'.length, -'.gradNorm'.length), chunk: c }))
    .filter((r) => r.chunk.steps.length > 0)
    .sort((a, b) => order(a.layer, b.layer));
  if (rows.length === 0) return null;
  const steps = [...new Set(rows.flatMap((r) => r.chunk.steps))].sort((a, b) => a - b);
  const first = steps[0]!;
  const last = steps[steps.length - 1]!;
  const perStep = steps.length <= MAX_COLUMNS;
  const columns = perStep ? steps.length : MAX_COLUMNS;
  const width = (last - first + 1) / columns;
  const columnOf = perStep
    ? (() => {
        const index = new Map(steps.map((s, i) => [s, i]));
        return (s: number) => index.get(s)!;
      })()
    : (s: number) => Math.min(columns - 1, Math.floor((s - first) / width));
  const x0 = perStep ? steps : Array.from({ length: columns }, (_, c) => Math.round(first + c * width));
  const x1 = perStep
    ? steps
    : Array.from({ length: columns }, (_, c) => Math.round(first + (c + 1) * width) - 1);

  const cells: (number | null)[][] = [];
  const nonFinite: [number, number][] = [];
  const zero: [number, number][] = [];
  rows.forEach(({ chunk }, row) => {
    const sum = new Float64Array(columns);
    const positives = new Uint32Array(columns);
    const zeros = new Uint32Array(columns);
    const bad = new Uint8Array(columns);
    chunk.steps.forEach((s, i) => {
      const c = columnOf(s);
      const v = chunk.values[i]!;
      if (!Number.isFinite(v)) bad[c] = 1;
      else if (v > 0) {
        sum[c] = sum[c]! + Math.log10(v);
        positives[c]!++;
      } else zeros[c]!++;
    });
    const line: (number | null)[] = [];
    for (let c = 0; c < columns; c++) {
      line.push(positives[c] ? Math.round((sum[c]! / positives[c]!) * 100) / 100 : null);
      if (bad[c]) nonFinite.push([row, c]);
      else if (!positives[c] && zeros[c]) zero.push([row, c]);
    }
    cells.push(line);
  });
  return {
    id: 'grad-heatmap',
    title: 'Gradient norm per layer (log10)',
    layers: rows.map((r) => r.layer),
    x0,
    x1,
    cells,
    nonFinite,
    zero,
    markers,
  };
}
