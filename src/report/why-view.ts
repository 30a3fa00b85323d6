import { fmt } from '../detect/index.js';
import type { Diagnosis, SeriesChunk, Snippets } from '../domain/index.js';
import { describeEdits } from '../reason/index.js';
import { downsampleMinMax } from './downsample.js';
import type { ChartSeries, LineChart, ReportData } from './report-data.js';
import { type SeriesSummary, summariseSeries } from './run-summary.js';
import type { MarkedSymptom } from './symptom-markers.js';

/** One number of the why card, with what it is. */
export interface WhyNumber {
  value: string;
  label: string;
}

/** The key symptom's curve, as the card draws it. */
export interface WhyChart {
  title: string;
  log: boolean;
  label: string;
  x: number[];
  y: (number | null)[];
  /** The symptom the curve shows, with its onset (first step) and last step. */
  symptom: MarkedSymptom;
  xLabel: string;
}

/** The first remedy as this run's edit, with its code in the run's framework(s). */
export interface WhyFix {
  name: string;
  edit: string;
  snippets: { framework: keyof Snippets; name: string; code: string }[];
}

/** "Why": what the top cause rests on, in one screen. */
export interface WhyView {
  cause: { name: string; confidence: number };
  chart?: WhyChart;
  numbers: WhyNumber[];
  fix?: WhyFix;
}

// A layer's symptom is read from that layer's own statistic (the detectors' signal), not the global curve.
const LAYER_STATS: Record<string, [stat: string, label: string]> = {
  vanishing_gradients: ['gradNorm', 'gradient norm'],
  exploding_gradients: ['gradNorm', 'gradient norm'],
  dead_units: ['deadFraction', 'dead share'],
  saturated_activations: ['saturatedFraction', 'saturated share'],
  exploding_weights: ['weightNorm', 'weight norm'],
  unchanged_weights: ['updateRatio', 'update ratio'],
};
// A line a few hundred pixels wide needs no more points than this.
const CARD_POINTS = 400;
// Charts that show a setting or a summary rather than the symptom's signal: never the card's.
const NOT_KEY = new Set(['learning-rate']);
const FRAMEWORK_NAMES: Record<keyof Snippets, string> = {
  tfjs: 'TensorFlow.js',
  keras: 'Keras',
  pytorch: 'PyTorch',
};

/**
 * The why card's content: the top cause's strongest timed symptom and the
 * chart that shows it, three numbers from the run's own evidence (the onset,
 * the curve's swing, the setting the first fix changes, or the cause's
 * confidence), and the first remedy as this run's edit. Undefined for a
 * healthy run.
 *
 * @example buildWhyView(diagnosis, symptoms, data, chartNumbers, filledSnippets)
 */
export function buildWhyView(
  d: Diagnosis,
  symptoms: MarkedSymptom[],
  data: ReportData,
  chartNumbers: Record<string, SeriesSummary[]>,
  snippetsOf: (remedyId: string) => Snippets | undefined,
  stored: SeriesChunk[] = [],
): WhyView | undefined {
  const top = d.causes[0];
  if (d.healthy || !top) return undefined;
  const ranked = [...top.paths].sort((a, b) => b.contribution - a.contribution);
  const markerIndex = (o: { id: string; firstStep: number; layer?: string }) =>
    symptoms.findIndex((s) => s.id === o.id && s.firstStep === o.firstStep && s.layer === o.layer);
  let chart: WhyChart | undefined;
  let numbers: SeriesSummary | undefined;
  for (const p of ranked) {
    const i = markerIndex(p.occurrence);
    const s = symptoms[i];
    if (!s?.timed) continue;
    const own = layerCurve(s, stored, data.xLabel);
    if (own) {
      [chart, numbers] = own;
      break;
    }
    const found = keyChart(data, i, s);
    if (!found) continue;
    const [c, series] = found;
    chart = {
      title: c.title,
      log: c.log,
      label: series.label,
      x: data.xs[series.xi] ?? [],
      y: series.y,
      symptom: s,
      xLabel: data.xLabel,
    };
    numbers = chartNumbers[c.id]?.find((n) => n.label === series.label);
    break;
  }
  const fix = d.remedies[0];
  return {
    cause: { name: top.name, confidence: top.confidence },
    ...(chart ? { chart } : {}),
    numbers: threeNumbers(top, chart, numbers, fix),
    ...(fix ? { fix: fixView(fix, d.facts.framework, snippetsOf(fix.id)) } : {}),
  };
}

function layerCurve(
  s: MarkedSymptom,
  series: SeriesChunk[],
  xLabel: string,
): [WhyChart, SeriesSummary] | undefined {
  const stat = LAYER_STATS[s.id];
  const chunk = s.layer && stat && series.find((c) => c.key === `layers.${s.layer}.${stat[0]}`);
  if (!chunk || !stat || chunk.steps.length < 2) return undefined;
  const d = downsampleMinMax(chunk.steps, chunk.values, CARD_POINTS);
  const finite = d.y.filter((v): v is number => v !== null);
  const min = Math.min(...finite);
  // Log where the curve spans orders of magnitude (a gradient shrinking by 1e-5), as the report's charts do.
  const log = finite.length > 0 && min > 0 && Math.max(...finite) / min >= 100;
  const label = `${stat[1]} of ${s.layer}`;
  return [
    {
      title: `${stat[1][0]!.toUpperCase()}${stat[1].slice(1)}`,
      log,
      label,
      x: d.x,
      y: d.y,
      symptom: s,
      xLabel,
    },
    summariseSeries(chunk, label),
  ];
}

function keyChart(data: ReportData, index: number, s: MarkedSymptom): [LineChart, ChartSeries] | undefined {
  const charts = data.charts.filter((c) => c.markers.includes(index) && !NOT_KEY.has(c.id));
  // The symptom's own chart before the loss chart every timed symptom is marked on.
  const c = charts.find((c) => c.id !== 'loss') ?? charts[0];
  if (!c) return undefined;
  const series = (s.layer && c.series.find((x) => x.label === s.layer)) || c.series[0];
  return series ? [c, series] : undefined;
}

function threeNumbers(
  top: Diagnosis['causes'][number],
  chart: WhyChart | undefined,
  curve: SeriesSummary | undefined,
  fix: Diagnosis['remedies'][number] | undefined,
): WhyNumber[] {
  const out: WhyNumber[] = [];
  if (chart) {
    const s = chart.symptom;
    out.push({
      value: `${chart.xLabel} ${s.firstStep}`,
      label: `onset: ${s.name}${s.layer ? ` in ${s.layer}` : ''}`,
    });
  }
  if (curve?.first) {
    // The extreme furthest from where the curve began, in ratio: a swing up or a collapse down.
    const first = curve.first;
    const up =
      curve.max && ratio(curve.max.value, first.value) >= ratio(first.value, curve.min?.value ?? first.value);
    const extreme = (up ? curve.max : curve.min) ?? curve.last;
    if (extreme && extreme.value !== first.value)
      out.push({
        value: `${fmt(first.value)} → ${fmt(extreme.value)}`,
        label: `${curve.label}, ${curve.unit} ${first.at} to its ${up ? 'highest' : 'lowest'} at ${curve.unit} ${extreme.at}`,
      });
    else if (curve.last)
      out.push({ value: fmt(curve.last.value), label: `${curve.label} at ${curve.unit} ${curve.last.at}` });
  }
  const setting = fix?.edits.find((e) => e.op === 'set' && e.from !== undefined && e.field);
  if (setting)
    out.push({
      value: String(setting.from),
      label: `the run's ${setting.at}.${setting.field}, which the first fix sets to ${String(setting.value)}`,
    });
  if (out.length < 3)
    out.push({ value: fmt(top.confidence), label: `confidence in ${top.name.toLowerCase()}` });
  return out.slice(0, 3);
}

const ratio = (a: number, b: number) => (Math.abs(b) > 0 ? Math.abs(a / b) : Number.POSITIVE_INFINITY);

function fixView(
  fix: Diagnosis['remedies'][number],
  framework: string | undefined,
  snippets: Snippets | undefined,
): WhyFix {
  const own = frameworkOf(framework);
  const keys = (own ? [own] : (Object.keys(FRAMEWORK_NAMES) as (keyof Snippets)[])).filter(
    (k) => snippets?.[k],
  );
  return {
    name: fix.name,
    edit: describeEdits(fix.edits) || fix.action,
    snippets: keys.map((k) => ({ framework: k, name: FRAMEWORK_NAMES[k], code: snippets![k] })),
  };
}

/** The snippet key of a run's framework as traces write it (`tensorflow.keras`, `torch`, `tfjs`). */
function frameworkOf(framework: string | undefined): keyof Snippets | undefined {
  const f = framework?.toLowerCase() ?? '';
  if (/keras|tensorflow(?!\.?js)/.test(f)) return 'keras';
  if (/torch|lightning|hugging|transformers/.test(f)) return 'pytorch';
  if (/tfjs|tensorflow\.?js/.test(f)) return 'tfjs';
  return undefined;
}
