import { fmt } from '../detect/index.js';
import { esc, stepSpan } from './html.js';
import type { ReportView } from './report-view.js';
import type { WhyChart } from './why-view.js';

// The card's chart in SVG user units; it scales to the card's width.
const W = 640;
const H = 180;
const PAD = { left: 8, right: 8, top: 14, bottom: 26 };

/**
 * "Why", directly under the verdict: the top cause, the key symptom's curve
 * with its onset marked (inline SVG, drawn without script, so it shows at
 * once and offline), three numbers from the run's evidence, and the first
 * fix as this run's edit with its code. Empty for a healthy run.
 *
 * @example whyHtml(buildReportView(input))
 */
export function whyHtml(view: ReportView): string {
  const why = view.why;
  if (!why) return '';
  const numbers = why.numbers
    .map((n) => `<div><dt>${esc(n.label)}</dt><dd>${esc(n.value)}</dd></div>`)
    .join('');
  const fix = why.fix
    ? `<div class="why-fix"><h3>First fix: ${esc(why.fix.name)}</h3>
<p><code class="edit">${esc(why.fix.edit)}</code></p>${why.fix.snippets
        .map(
          (s) =>
            `<pre aria-label="${esc(s.name)}"><code class="language-${s.framework === 'tfjs' ? 'js' : 'python'}">${esc(s.code)}</code></pre>`,
        )
        .join(
          '',
        )}${why.fix.snippets.length === 1 ? `<p class="meta">${esc(why.fix.snippets[0]!.name)}, with this run’s values.</p>` : ''}</div>`
    : '';
  return `<section id="why" class="why-card" aria-labelledby="why-h"><h2 id="why-h">Why: ${esc(why.cause.name)} <span class="conf">confidence ${fmt(why.cause.confidence)}</span></h2>
${why.chart ? sparkline(why.chart) : ''}
<dl class="why-numbers">${numbers}</dl>
${fix}</section>`;
}

/** The curve as a polyline, the symptom's span shaded and its onset a labelled line. */
function sparkline(c: WhyChart): string {
  const points = c.x.flatMap((x, i) => {
    const y = c.y[i];
    return y === null || y === undefined || (c.log && y <= 0)
      ? []
      : [[x, c.log ? Math.log10(y) : y] as const];
  });
  if (points.length < 2) return '';
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0 || 1)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0 || 1)) * (H - PAD.top - PAD.bottom);
  // A break where the run had no finite value, as on the report's own charts.
  let path = '';
  let pen = false;
  c.x.forEach((x, i) => {
    const y = c.y[i];
    if (y === null || y === undefined || (c.log && y <= 0)) {
      pen = false;
      return;
    }
    path += `${pen ? 'L' : 'M'}${sx(x).toFixed(1)} ${sy(c.log ? Math.log10(y) : y).toFixed(1)}`;
    pen = true;
  });
  const s = c.symptom;
  const on = sx(Math.min(Math.max(s.firstStep, x0), x1));
  const off = sx(Math.min(Math.max(s.lastStep, x0), x1));
  const span = stepSpan(s.firstStep, s.lastStep, c.xLabel);
  const unshown = (v: number) => fmt(c.log ? 10 ** v : v);
  return `<figure class="why-chart"><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(`${c.title}: ${c.label}${c.log ? ' (log scale)' : ''}, ${s.name} from ${c.xLabel} ${s.firstStep}`)}" preserveAspectRatio="none">
<rect class="span" x="${on.toFixed(1)}" y="${PAD.top}" width="${Math.max(2, off - on).toFixed(1)}" height="${H - PAD.top - PAD.bottom}"/>
<path class="curve" d="${path}" vector-effect="non-scaling-stroke"/>
<line class="onset" x1="${on.toFixed(1)}" x2="${on.toFixed(1)}" y1="${PAD.top - 10}" y2="${H - PAD.bottom}" vector-effect="non-scaling-stroke"/>
</svg>
<figcaption><span>${esc(c.title)}: ${esc(c.label)}${c.log ? ', log scale' : ''} (${unshown(y0)} to ${unshown(y1)}, ${c.xLabel} ${x0}–${x1})</span>
<span class="onset-key"><span aria-hidden="true">┃</span> onset: ${esc(s.name)}, ${esc(span)}</span></figcaption></figure>`;
}
