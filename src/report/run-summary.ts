import { fmt } from '../detect/index.js';
import type { Diagnosis, RunEvent, SeriesChunk } from '../domain/index.js';
import { byModelOrder } from './layer-order.js';

export interface Fact {
  label: string;
  value: string;
}

export interface LayerRow {
  index: number;
  name: string;
  type: string;
  activation: string;
  units: string;
  params: string;
  trainable: boolean;
}

/** A curve in numbers, for readers who cannot see the chart (and the Markdown report). */
export interface SeriesSummary {
  key: string;
  label: string;
  /** What the positions count: steps, or epochs for epoch-level values. */
  unit: 'step' | 'epoch';
  count: number;
  nonFinite: number;
  first?: Point;
  last?: Point;
  min?: Point;
  max?: Point;
}

export interface Point {
  at: number;
  value: number;
}

// The curves worth a line of text, in reading order; per-layer stats follow, in model order.
const MAIN_SERIES: [string, string][] = [
  ['loss', 'train loss (batch)'],
  ['epoch.train.loss', 'train loss (epoch)'],
  ['epoch.val.loss', 'val loss (epoch)'],
  ['metrics.accuracy', 'train accuracy (batch)'],
  ['epoch.train.accuracy', 'train accuracy (epoch)'],
  ['epoch.val.accuracy', 'val accuracy (epoch)'],
  ['learningRate', 'learning rate'],
  ['gradNorm', 'global gradient norm'],
];
const LAYER_STATS: [string, string][] = [
  ['gradNorm', 'gradient norm'],
  ['weightNorm', 'weight norm'],
  ['deadFraction', 'dead share'],
  ['saturatedFraction', 'saturated share'],
];

/**
 * The run summary of a report: model layers, data, optimizer and training
 * setup, outcome, and each plotted curve summarised in numbers.
 */
export function summariseRun(run: RunEvent, d: Diagnosis, series: SeriesChunk[]) {
  const byKey = new Map(series.map((s) => [s.key, s]));
  const layers: LayerRow[] = (run.model?.layers ?? []).map((l, i) => ({
    index: i + 1,
    name: l.name,
    type: l.type ?? '',
    activation: l.activation ?? '',
    units: l.units !== undefined ? String(l.units) : '',
    params: l.params !== undefined ? String(l.params) : '',
    trainable: l.trainable !== false,
  }));
  const signals: SeriesSummary[] = [];
  for (const [key, label] of MAIN_SERIES) {
    const s = byKey.get(key);
    if (s) signals.push(summariseSeries(s, label));
  }
  const layerNames = [
    ...new Set(series.filter((s) => s.key.startsWith('layers.')).map((s) => s.key.split('.')[1]!)),
  ];
  for (const layer of layerNames.sort(byModelOrder((run.model?.layers ?? []).map((l) => l.name)))) {
    for (const [stat, label] of LAYER_STATS) {
      const s = byKey.get(`layers.${layer}.${stat}`);
      if (s) signals.push(summariseSeries(s, `${layer} ${label}`));
    }
  }
  return {
    layers,
    sections: { data: dataFacts(run), optimizer: setupFacts(run, d), outcome: outcomeFacts(d, signals) },
    signals,
  };
}

/** First, last, lowest and highest finite values, and how many were not finite. */
export function summariseSeries(s: SeriesChunk, label: string): SeriesSummary {
  const out: SeriesSummary = {
    key: s.key,
    label,
    unit: s.key.startsWith('epoch.') ? 'epoch' : 'step',
    count: s.values.length,
    nonFinite: 0,
  };
  s.values.forEach((value, i) => {
    if (!Number.isFinite(value)) {
      out.nonFinite++;
      return;
    }
    const p = { at: s.steps[i]!, value };
    out.first ??= p;
    out.last = p;
    if (!out.min || value < out.min.value) out.min = p;
    if (!out.max || value > out.max.value) out.max = p;
  });
  return out;
}

function dataFacts(run: RunEvent): Fact[] {
  const ds = run.dataset ?? {};
  const facts: Fact[] = [];
  const add = (label: string, value: unknown) => {
    if (value !== undefined && value !== '') facts.push({ label, value: String(value) });
  };
  add('task', run.task);
  add('training examples', ds.trainSize);
  add('validation examples', ds.valSize);
  add('classes', ds.numClasses);
  if (ds.classCounts?.length) {
    const counts = ds.classCounts;
    const ratio = Math.max(...counts) / Math.max(1, Math.min(...counts));
    add('examples per class', `${counts.join(', ')} (largest/smallest ${fmt(ratio)})`);
  }
  add('inputs', stats(ds.inputStats));
  add('labels', stats(ds.labelStats));
  if (facts.length === 0) add('data set', 'not described in the trace');
  return facts;
}

function setupFacts(run: RunEvent, d: Diagnosis): Fact[] {
  const o = run.optimizer;
  const facts: Fact[] = [];
  const add = (label: string, value: unknown) => {
    if (value !== undefined && value !== '')
      facts.push({ label, value: typeof value === 'number' ? fmt(value) : String(value) });
  };
  add('framework', run.framework);
  add('optimizer', o?.name);
  add('learning rate', o?.learningRate);
  add('momentum', o?.momentum);
  add('weight decay', o?.weightDecay);
  add('gradient clipping (norm)', o?.clipNorm);
  add('loss', run.loss && `${run.loss}${run.fromLogits ? ' (from logits)' : ''}`);
  add('batch size', run.batchSize);
  add('planned epochs', run.epochs);
  add('parameters', run.model?.params?.toLocaleString('en-US'));
  add('threshold profile', d.facts.profile);
  return facts;
}

function outcomeFacts(d: Diagnosis, signals: SeriesSummary[]): Fact[] {
  const f = d.facts;
  const facts: Fact[] = [
    { label: 'status', value: f.status ?? 'no end event (still running, or cut short)' },
    { label: 'verdict', value: d.healthy ? 'healthy' : 'needs attention' },
  ];
  if (f.lastStep !== undefined) facts.push({ label: 'last step', value: String(f.lastStep) });
  facts.push({ label: 'events', value: String(f.eventCount) });
  const find = (key: string) => signals.find((s) => s.key === key);
  const loss = find('loss') ?? find('epoch.train.loss');
  if (loss?.last)
    facts.push({
      label: 'final train loss',
      value: `${fmt(loss.last.value)} (lowest ${at(loss, loss.min!)})`,
    });
  if (loss?.nonFinite)
    facts.push({ label: 'non-finite loss values', value: `${loss.nonFinite} of ${loss.count}` });
  const val = find('epoch.val.loss');
  if (val?.last)
    facts.push({ label: 'final val loss', value: `${fmt(val.last.value)} (lowest ${at(val, val.min!)})` });
  const acc = find('epoch.val.accuracy') ?? find('epoch.train.accuracy') ?? find('metrics.accuracy');
  if (acc?.last)
    facts.push({
      label: `final ${acc.label}`,
      value: `${fmt(acc.last.value)} (highest ${at(acc, acc.max!)})`,
    });
  return facts;
}

/** `0.031 at step 580` / `0.2 at epoch 3`. */
export const at = (s: SeriesSummary, p: Point): string => `${fmt(p.value)} at ${s.unit} ${p.at}`;

function stats(
  s: { mean?: number; std?: number; min?: number; max?: number; nanCount?: number } | undefined,
) {
  if (!s) return undefined;
  const parts = (['mean', 'std', 'min', 'max'] as const)
    .filter((k) => s[k] !== undefined)
    .map((k) => `${k} ${fmt(s[k]!)}`);
  if (s.nanCount) parts.push(`${s.nanCount} NaN`);
  return parts.join(', ');
}
