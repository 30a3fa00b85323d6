import { z } from 'zod';

// The chart data a report embeds once, as JSON, for its inline chart script.
// Tests and other tools read it back with `readReportData`; the schema is the
// contract between the renderer (Node) and the drawing script (browser).

export const NonFiniteKind = z.enum(['NaN', 'Infinity', '-Infinity']);
export type NonFiniteKind = z.infer<typeof NonFiniteKind>;

/** A stretch of consecutive non-finite values: [firstStep, lastStep, kind, count]. */
export const NonFiniteRun = z.tuple([z.number(), z.number(), NonFiniteKind, z.number().int().positive()]);
export type NonFiniteRun = z.infer<typeof NonFiniteRun>;

export const SeriesStyle = z.enum(['batch', 'epoch-train', 'epoch-val', 'eval', 'layer']);
export type SeriesStyle = z.infer<typeof SeriesStyle>;

export const ChartSeries = z.object({
  key: z.string(),
  label: z.string(),
  style: SeriesStyle,
  /** Index into ReportData.xs: series with the same steps share one x array. */
  xi: z.number().int().nonnegative(),
  /** Downsampled values; null breaks the line where the run had non-finite values. */
  y: z.array(z.number().nullable()),
  /** Points in the stored series, before downsampling. */
  count: z.number().int().nonnegative(),
  finiteCount: z.number().int().nonnegative(),
  nonFiniteCount: z.number().int().nonnegative(),
  nonFinite: z.array(NonFiniteRun),
});
export type ChartSeries = z.infer<typeof ChartSeries>;

export const LineChart = z.object({
  id: z.string(),
  title: z.string(),
  yLabel: z.string(),
  log: z.boolean(),
  series: z.array(ChartSeries).min(1),
  /** Indexes into ReportData.symptoms of the symptoms marked on this chart. */
  markers: z.array(z.number().int().nonnegative()),
});
export type LineChart = z.infer<typeof LineChart>;

export const Heatmap = z.object({
  id: z.string(),
  title: z.string(),
  /** Rows, model order (input first). */
  layers: z.array(z.string()).min(1),
  /** Column c covers steps [x0[c], x1[c]]. */
  x0: z.array(z.number()),
  x1: z.array(z.number()),
  /** cells[row][col]: log10 of the geometric mean of the positive finite readings; null = no reading. */
  cells: z.array(z.array(z.number().nullable())),
  /** [row, col] of cells holding a NaN/±Infinity reading. */
  nonFinite: z.array(z.tuple([z.number().int(), z.number().int()])),
  /** [row, col] of cells whose readings were all exactly 0. */
  zero: z.array(z.tuple([z.number().int(), z.number().int()])),
  markers: z.array(z.number().int().nonnegative()),
});
export type Heatmap = z.infer<typeof Heatmap>;

/**
 * One layer's weights or gradients over steps, as a heat map: column i is
 * steps[i], row r the values in [lo + r·h, lo + (r+1)·h) with h = (hi − lo) / rows.
 */
export const Distribution = z.object({
  layer: z.string(),
  kind: z.enum(['weight', 'grad']),
  steps: z.array(z.number()),
  lo: z.number(),
  hi: z.number(),
  /** shares[i][r]: step i's values in row r, in percent (whole) of the step's fullest row; 0 = none. */
  shares: z.array(z.array(z.number().int().min(0).max(100))),
});
export type Distribution = z.infer<typeof Distribution>;

export const MarkerSymbol = z.enum([
  'triangle',
  'square',
  'diamond',
  'circle',
  'down',
  'plus',
  'cross',
  'star',
]);
export type MarkerSymbol = z.infer<typeof MarkerSymbol>;

export const ChartSymptom = z.object({
  /** 1-based number printed beside the marker and in the symptom table. */
  n: z.number().int().positive(),
  id: z.string(),
  name: z.string(),
  symbol: MarkerSymbol,
  firstStep: z.number(),
  lastStep: z.number(),
  layer: z.string().optional(),
});
export type ChartSymptom = z.infer<typeof ChartSymptom>;

export const ReportData = z.object({
  version: z.literal(1),
  runId: z.string(),
  xLabel: z.enum(['step', 'epoch']),
  xs: z.array(z.array(z.number())),
  charts: z.array(LineChart),
  heatmap: Heatmap.nullable(),
  /** Weight and gradient histograms over steps, when the trace carried them (absent otherwise). */
  distributions: z.array(Distribution).optional(),
  symptoms: z.array(ChartSymptom),
  /** How epoch-level values were placed on the step axis. */
  epochSteps: z.object({ stepsPerEpoch: z.number(), exact: z.boolean() }).nullable(),
});
export type ReportData = z.infer<typeof ReportData>;

/** The id of the `<script type="application/json">` element holding the data. */
export const REPORT_DATA_ID = 'traindx-data';

/**
 * Reads the chart data back out of a rendered HTML report.
 *
 * @example const data = readReportData(readFileSync('report.html', 'utf8'));
 */
export function readReportData(html: string): ReportData {
  const open = `<script type="application/json" id="${REPORT_DATA_ID}">`;
  const start = html.indexOf(open);
  if (start < 0) throw new Error(`no <script id="${REPORT_DATA_ID}"> in the report`);
  const end = html.indexOf('</script>', start);
  return ReportData.parse(JSON.parse(html.slice(start + open.length, end)));
}
