import { fmt } from '../detect/index.js';
import { esc, stepSpan } from './html.js';
import { markerSvg } from './marker-shapes.js';
import type { ReportView } from './report-view.js';
import type { SeriesSummary } from './run-summary.js';

const ABOUT: Record<string, string> = {
  loss: 'Training loss per batch, with the per-epoch train and validation loss where the trace has them.',
  accuracy:
    'Training accuracy per batch, with the per-epoch train and validation accuracy where the trace has them.',
  'learning-rate': 'The learning rate at each step, as the optimizer and schedule set it.',
  'grad-norm': 'The L2 norm of the whole gradient at each step.',
  dead: 'Share of each layer’s units that output 0 or less for the whole batch (ReLU family).',
  saturated:
    'Share of each layer’s units in the flat tails of sigmoid or tanh, where the gradient is near 0.',
  'weight-norm': 'The L2 norm of each layer’s weights.',
  'grad-heatmap':
    'Each row is a layer (input at the top), each column a reading or a range of steps; brighter means a larger gradient norm (log scale, geometric mean per cell).',
};

/** "Training curves": one figure per chart, drawn by the inline script, each with its numbers in a table. */
export function chartsHtml(view: ReportView): string {
  const { data } = view;
  const figures = data.charts.map((c) =>
    figure(
      view,
      c.id,
      c.title,
      c.markers,
      c.series.flatMap((s) => (s.nonFiniteCount ? [`${s.label}: ${s.nonFiniteCount}`] : [])),
    ),
  );
  if (data.heatmap)
    figures.push(
      figure(view, data.heatmap.id, data.heatmap.title, data.heatmap.markers, [], heatmapKey(view)),
    );
  const distributions = distributionsHtml(view);
  if (distributions) figures.push(distributions);
  const epochs = data.epochSteps
    ? `<p>Epoch values sit at each epoch’s last step${data.epochSteps.exact ? '' : ` (estimated: ${fmt(data.epochSteps.stepsPerEpoch)} steps per epoch)`}.</p>`
    : '';
  const body = figures.length
    ? `<p>Drag across a chart to zoom (double-click to reset); the cursor moves on every chart at once. Curves of more than ${1000} points are downsampled keeping each bucket’s lowest and highest value.</p>${epochs}
<noscript><p>The charts need JavaScript. Every finding above is text, and each chart’s numbers are in the table under it.</p></noscript>
${figures.join('\n')}`
    : '<p>The trace recorded no series to plot.</p>';
  return `<section id="charts" aria-labelledby="charts-h"><h2 id="charts-h">Training curves</h2>${body}</section>`;
}

function figure(
  view: ReportView,
  id: string,
  title: string,
  markers: number[],
  nonFinite: string[],
  extra = '',
): string {
  const numbers = view.chartNumbers[id] ?? [];
  const legend = markers.length
    ? `<ul class="markers" aria-label="Symptom markers on this chart">${markers
        .map((i) => {
          const s = view.symptoms[i]!;
          return `<li>${markerSvg(s.symbol)} #${s.n} ${esc(s.name)}${s.layer ? ` (${esc(s.layer)})` : ''}, ${esc(stepSpan(s.firstStep, s.lastStep))}</li>`;
        })
        .join('')}</ul>`
    : '';
  const bad = nonFinite.length
    ? `<p>Labels <strong>NaN</strong>, <strong>+Inf</strong> (top) and <strong>-Inf</strong> (bottom) mark values that were not finite numbers: ${esc(nonFinite.join('; '))}.</p>`
    : '';
  return `<figure class="chart" id="chart-${id}" data-chart="${id}" aria-labelledby="chart-${id}-h">
<figcaption><h3 id="chart-${id}-h">${esc(title)}</h3><p>${esc(ABOUT[id] ?? '')}</p></figcaption>
<div class="plot" role="img" aria-label="${esc(`${title}: ${describe(numbers)}`)}"></div>${extra}${legend}${bad}
${numbersTable(numbers)}</figure>`;
}

function heatmapKey(view: ReportView): string {
  const cells = view.data.heatmap!.cells.flat().filter((v): v is number => v !== null);
  const lo = cells.length ? Math.min(...cells) : 0;
  const hi = cells.length ? Math.max(...cells) : 0;
  return `<div class="scale"><span>${fmt(10 ** lo)}</span><span class="bar" role="img" aria-label="colour scale from dark (small) to bright (large)"></span><span>${fmt(10 ** hi)}</span>
<span><span class="swatch bad">×</span> NaN or infinite</span><span><span class="swatch zero">·</span> exactly 0</span></div>
<output class="readout" aria-live="off"></output>`;
}

/**
 * Weight and gradient histograms over steps, one layer at a time (a select
 * picks it; the first layer a symptom names, else the first in model order):
 * the chart script draws the two heat maps. Nothing when the run has none.
 */
function distributionsHtml(view: ReportView): string {
  const list = view.data.distributions ?? [];
  if (list.length === 0) return '';
  const layers = [...new Set(list.map((d) => d.layer))];
  const named = view.symptoms.map((s) => s.layer).find((l) => l !== undefined && layers.includes(l));
  const chosen = named ?? layers[0];
  const options = layers
    .map((l) => `<option value="${esc(l)}"${l === chosen ? ' selected' : ''}>${esc(l)}</option>`)
    .join('');
  const plot = (kind: 'weight' | 'grad', name: string) =>
    `<h4 class="dist-h">${name}</h4><div class="plot dist-plot" data-kind="${kind}" role="img" aria-label="${esc(`${name} of the chosen layer over steps: darker where more of the values lie.`)}"></div>`;
  return `<figure class="chart" id="chart-distributions" data-chart="distributions" aria-labelledby="chart-distributions-h">
<figcaption><h3 id="chart-distributions-h">Weight and gradient distributions</h3><p>Each column is a step the trace recorded histograms at, each row a range of values; the darker a cell, the more of that step’s values lie there (relative to the step’s fullest range, so a spread that narrows or widens shows at every step). Older steps of a long run are thinned out.</p></figcaption>
<p class="dist-pick"><label for="dist-layer">Layer</label> <select id="dist-layer">${options}</select></p>
${plot('weight', 'Weights')}
${plot('grad', 'Gradients')}
<div class="scale"><span>few values</span><span class="bar rev" role="img" aria-label="colour scale from light (few values) to dark (most values)"></span><span>most values</span></div>
<output class="readout" aria-live="off"></output></figure>`;
}

/** One sentence for screen readers: what the chart's curves did. */
function describe(numbers: SeriesSummary[]): string {
  if (numbers.length > 3)
    return `${numbers.length} curves; the table under the chart gives each one's numbers.`;
  return numbers
    .map((s) => {
      const range =
        s.first && s.last ? `from ${fmt(s.first.value)} to ${fmt(s.last.value)}` : 'no finite value';
      return `${s.label} ${range}${s.nonFinite ? `, ${s.nonFinite} non-finite` : ''}`;
    })
    .join('; ');
}

/** The numbers behind a chart, collapsed under it. */
export function numbersTable(numbers: SeriesSummary[]): string {
  if (!numbers.length) return '';
  const cell = (s: SeriesSummary, p: SeriesSummary['first']) =>
    p ? `${fmt(p.value)} <small>(${s.unit} ${p.at})</small>` : '—';
  const rows = numbers
    .map(
      (s) =>
        `<tr><th scope="row">${esc(s.label)}</th><td class="num">${s.count}</td><td class="num">${s.nonFinite}</td><td>${cell(s, s.first)}</td><td>${cell(s, s.last)}</td><td>${cell(s, s.min)}</td><td>${cell(s, s.max)}</td></tr>`,
    )
    .join('');
  return `<details><summary>Numbers behind this chart</summary><div class="scroll"><table>
<thead><tr><th scope="col">Curve</th><th scope="col" class="num">Values</th><th scope="col" class="num">Non-finite</th><th scope="col">First</th><th scope="col">Last</th><th scope="col">Lowest</th><th scope="col">Highest</th></tr></thead>
<tbody>${rows}</tbody></table></div></details>`;
}
