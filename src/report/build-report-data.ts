import type { SeriesChunk } from '../domain/index.js';
import { buildDistributions } from './distributions.js';
import { downsampleMinMax } from './downsample.js';
import { type EpochSteps, epochSteps } from './epoch-steps.js';
import { buildGradHeatmap } from './grad-heatmap.js';
import { byModelOrder } from './layer-order.js';
import type { ChartSeries, LineChart, ReportData, SeriesStyle } from './report-data.js';
import type { ReportInput } from './report-input.js';
import { type ChartId, type MarkedSymptom, markersFor } from './symptom-markers.js';

/** At most this many points per curve: more than a 1000 px wide plot can show. */
export const MAX_POINTS = 1000;

interface Pick {
  key: string;
  label: string;
  style: SeriesStyle;
}

/**
 * The data behind the report's charts, from the stored series: downsampled
 * curves (min/max kept, NaN/Inf kept as marked stretches), epoch values placed
 * on the step axis, the gradient heatmap, and which symptoms to mark where.
 * Series with identical steps share one x array, so the JSON holds each once.
 */
export function buildReportData(input: ReportInput, symptoms: MarkedSymptom[]): ReportData {
  const { run, series } = input;
  const byKey = new Map(series.map((s) => [s.key, s]));
  const epochs = epochSteps(run, series);
  const layerOrder = (run.model?.layers ?? []).map((l) => l.name);
  const xs: number[][] = [];
  const xIndex = new Map<string, number>();
  const internX = (x: number[]) => {
    const id = x.join(',');
    let i = xIndex.get(id);
    if (i === undefined) {
      i = xs.push(x) - 1;
      xIndex.set(id, i);
    }
    return i;
  };
  const toSeries = (p: Pick): ChartSeries | null => {
    const chunk = byKey.get(p.key);
    if (!chunk || chunk.steps.length === 0) return null;
    const steps = p.key.startsWith('epoch.') && epochs ? chunk.steps.map(epochs.stepOf) : chunk.steps;
    const d = downsampleMinMax(steps, chunk.values, MAX_POINTS);
    const { x, ...rest } = d;
    return { key: p.key, label: p.label, style: p.style, xi: internX(x), ...rest };
  };
  const chart = (id: ChartId, title: string, yLabel: string, picks: Pick[], logRatio = 0): LineChart[] => {
    const drawn = picks.map(toSeries).filter((s): s is ChartSeries => s !== null);
    if (drawn.length === 0) return [];
    return [
      { id, title, yLabel, log: useLog(drawn, logRatio), series: drawn, markers: markersFor(id, symptoms) },
    ];
  };
  const layerKeys = (stat: string) =>
    series
      .filter((s) => s.key.startsWith('layers.') && s.key.endsWith(`.${stat}`))
      .map((s) => s.key.slice('layers.'.length, -stat.length - 1))
      .sort(byModelOrder(layerOrder))
      .map((layer): Pick => ({ key: `layers.${layer}.${stat}`, label: layer, style: 'layer' }));

  const charts = [
    // Loss spans orders of magnitude when a run blows up: log scale past 100×.
    ...chart('loss', 'Loss', 'loss', metricPicks(series, 'loss'), 100),
    ...chart('accuracy', 'Accuracy', 'accuracy', metricPicks(series, 'accuracy')),
    ...chart(
      'learning-rate',
      'Learning rate',
      'learning rate',
      [single('learningRate', 'learning rate')],
      10,
    ),
    ...chart('grad-norm', 'Global gradient norm', 'L2 norm', [single('gradNorm', 'gradient norm')], 10),
    ...chart('dead', 'Dead units per layer', 'share of units', layerKeys('deadFraction')),
    ...chart('saturated', 'Saturated units per layer', 'share of units', layerKeys('saturatedFraction')),
    ...chart('weight-norm', 'Weight norm per layer', 'L2 norm', layerKeys('weightNorm'), 10),
  ];
  const gradChunks = series.filter((s) => s.key.startsWith('layers.') && s.key.endsWith('.gradNorm'));
  const distributions = buildDistributions(input.histograms ?? [], layerOrder);
  return {
    version: 1,
    runId: run.id,
    // Without step events (epoch-only traces) the axis is the epoch.
    xLabel: epochs || !series.some((s) => s.key.startsWith('epoch.')) ? 'step' : 'epoch',
    xs,
    charts,
    heatmap: buildGradHeatmap(gradChunks, layerOrder, markersFor('grad-heatmap', symptoms)),
    ...(distributions.length ? { distributions } : {}),
    symptoms: symptoms.map(({ n, id, name, symbol, firstStep, lastStep, layer }) => ({
      n,
      id,
      name,
      symbol,
      firstStep,
      lastStep,
      ...(layer ? { layer } : {}),
    })),
    epochSteps: epochsOut(epochs),
  };
}

/** Batch, epoch (train, val) and eval curves of one metric, in that order. */
function metricPicks(series: SeriesChunk[], metric: string): Pick[] {
  const picks: Pick[] = [
    metric === 'loss'
      ? single('loss', 'train loss (batch)')
      : single(`metrics.${metric}`, `train ${metric} (batch)`),
    { key: `epoch.train.${metric}`, label: `train ${metric} (epoch)`, style: 'epoch-train' },
    { key: `epoch.val.${metric}`, label: `val ${metric} (epoch)`, style: 'epoch-val' },
  ];
  for (const s of series) {
    const m = /^eval\.([^.]+)\.(.+)$/.exec(s.key);
    if (m && m[2] === metric) picks.push({ key: s.key, label: `${m[1]} ${metric} (eval)`, style: 'eval' });
  }
  return picks;
}

const single = (key: string, label: string): Pick => ({ key, label, style: 'batch' });

/** Log scale when every drawn value is positive and they span at least `ratio`× (0: never). */
function useLog(series: ChartSeries[], ratio: number): boolean {
  if (ratio <= 0) return false;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const s of series) {
    for (const v of s.y) {
      if (v === null) continue;
      if (v <= 0) return false;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  return max > 0 && max / min >= ratio;
}

const epochsOut = (e: EpochSteps | null) => (e ? { stepsPerEpoch: e.stepsPerEpoch, exact: e.exact } : null);
