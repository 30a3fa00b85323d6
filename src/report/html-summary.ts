import { esc } from './html.js';
import type { ReportView } from './report-view.js';
import type { Fact } from './run-summary.js';

/** "Run summary": outcome, optimizer and data facts, and the model's layers. */
export function summaryHtml(view: ReportView): string {
  const facts = (title: string, list: Fact[]) =>
    list.length
      ? `<div><h3>${title}</h3><dl>${list.map((f) => `<dt>${esc(f.label)}</dt><dd>${esc(f.value)}</dd>`).join('')}</dl></div>`
      : '';
  const layers = view.layers.length
    ? `<h3>Model layers</h3><div class="scroll"><table><caption class="meta">In forward order, input first</caption>
<thead><tr><th scope="col" class="num">#</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Activation</th><th scope="col" class="num">Units</th><th scope="col" class="num">Parameters</th><th scope="col">Trainable</th></tr></thead>
<tbody>${view.layers
        .map(
          (l) =>
            `<tr><td class="num">${l.index}</td><td><code>${esc(l.name)}</code></td><td>${esc(l.type)}</td><td>${esc(l.activation)}</td><td class="num">${esc(l.units)}</td><td class="num">${esc(l.params)}</td><td>${l.trainable ? 'yes' : 'no (frozen)'}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '<p>The trace does not list the model’s layers.</p>';
  return `<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Run summary</h2>
<div class="facts">${facts('Outcome', view.sections.outcome)}${facts('Optimizer and training', view.sections.optimizer)}${facts('Data', view.sections.data)}</div>
${layers}</section>`;
}

/** "Signals the trace lacked" (empty when none were missing). */
export function missingHtml(view: ReportView): string {
  if (!view.missingSignals.length) return '';
  return `<section id="missing" aria-labelledby="missing-h"><h2 id="missing-h">Signals the trace lacked</h2>
<p>The detectors that need these stayed silent, so a problem they watch for may have gone unseen: ${view.missingSignals.map((s) => `<code>${esc(s)}</code>`).join(', ')}.</p></section>`;
}
