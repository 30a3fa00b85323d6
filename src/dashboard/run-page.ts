import type { RunAlert } from '../domain/index.js';
import { esc, type MarkerSymbol, markerSvg, REPORT_DATA_ID, scriptJson } from '../report/index.js';
import { layout } from './layout.js';
import { type RunView, SECTION_LINKS } from './run-view.js';

/** The shape of each kind of alert, and of each severity of symptom (named in the list's legend). */
export const ALERT_SYMBOLS: Record<string, MarkerSymbol> = {
  critical: 'diamond',
  warning: 'triangle',
  info: 'circle',
  top_cause: 'star',
  finished: 'square',
};

const ALERT_LEGEND: [string, string][] = [
  ['critical', 'critical symptom'],
  ['warning', 'warning'],
  ['info', 'advice'],
  ['top_cause', 'top cause changed'],
  ['finished', 'run finished'],
];

/** The id of the JSON holding each fragment's hash, so the page script replaces only what changed. */
export const HASHES_ID = 'run-hashes';

/**
 * A run page: the report's content (verdict, summary, causes with evidence,
 * remedies with snippets, structure edits, charts with symptom markers),
 * server-rendered, plus the live panel the page script fills from the
 * `alerts(runId)` subscription while the run trains.
 *
 * @example htmlResponse(Response, runPageHtml(await loadRunView(deps, id)))
 */
export function runPageHtml(v: RunView): string {
  const running = v.status === 'running';
  const links = [{ id: 'live', name: running ? 'Live alerts' : 'Alerts' }, ...SECTION_LINKS]
    .map((s) => `<li><a href="#${s.id}">${s.name}</a></li>`)
    .join('');
  const hashes = {
    head: v.head.hash,
    sections: Object.fromEntries(v.sections.map((s) => [s.id, s.hash])),
    data: v.dataHash,
  };
  // The why card comes first, under the verdict, as in the report; the alerts and the rest follow.
  const why = v.sections.filter((s) => s.id === 'why');
  const rest = v.sections.filter((s) => s.id !== 'why');
  const main = `${v.head.html}
<nav aria-label="Sections" class="sections"><ul>${links}</ul></nav>
${why.map((s) => s.html).join('\n')}
<section id="live" aria-labelledby="live-h"><h2 id="live-h">${running ? 'Live alerts' : 'Alerts'}</h2>
<p id="live-state" class="live-state">${
    running
      ? '<span aria-hidden="true">○</span> Connecting to the run’s alerts…'
      : `<span aria-hidden="true">■</span> This run has ended (${esc(v.status)}); the diagnosis below is final${v.alerts.length ? ', and its alerts were these, newest first' : ''}.`
  }</p>
${running ? `<p class="meta">Each symptom as it starts, changes or resolves, and each change of the most likely cause, appears here as it happens, newest first, and the page below follows.</p>` : ''}${running || v.alerts.length ? alertLegend() : ''}
<ul id="alerts" class="alerts" aria-live="polite" aria-relevant="additions">${[...v.alerts]
    .reverse()
    .map((a) => alertItemHtml(a, v.names))
    .join('')}</ul>
</section>
${rest.map((s) => s.html).join('\n')}
<script type="application/json" id="${REPORT_DATA_ID}">${scriptJson(v.data)}</script>
<script type="application/json" id="${HASHES_ID}">${scriptJson(hashes)}</script>`;
  return layout({
    title: v.title,
    main,
    styles: ['uplot.css'],
    scripts: ['charts.js', 'run.js'],
    bodyAttrs: `class="run-page" data-run-id="${esc(v.runId)}" data-run-status="${esc(v.status)}" data-event-count="${v.eventCount}"`,
  });
}

/** Words for an alert's kind (and a symptom's change), the same as the page script's. */
export const ALERT_WORDS: Record<string, string> = {
  started: 'Symptom started',
  updated: 'Symptom updated',
  resolved: 'Symptom resolved',
  symptom: 'Symptom',
  top_cause: 'Top cause changed',
  finished: 'Run finished',
};

/** One stored alert as the page script lists a live one (so a reload shows the same list). */
function alertItemHtml(a: RunAlert, names: Record<string, string>): string {
  const symbol = ALERT_SYMBOLS[a.kind === 'symptom' && a.symptom ? a.symptom.severity : a.kind] ?? 'triangle';
  const word = ALERT_WORDS[a.change ?? a.kind] ?? a.kind;
  const s = a.symptom;
  const fmt = (n: number) => Number(n.toPrecision(2)).toString();
  const text =
    a.kind === 'symptom' && s
      ? `${names[s.id] ?? s.id}${s.layer ? ` in ${s.layer}` : ''} (${s.severity}, confidence ${fmt(s.confidence)})`
      : a.topCause
        ? `${a.kind === 'finished' ? 'most likely ' : 'now '}${names[a.topCause.id] ?? a.topCause.name} (confidence ${fmt(a.topCause.confidence)})`
        : '';
  return `<li class="alert alert-${esc(a.kind)}" data-kind="${esc(a.kind)}" data-seq="${a.seq ?? ''}">${markerSvg(symbol)}<strong> ${esc(word)}</strong>${
    a.step != null ? `<span class="meta"> at step ${a.step}</span>` : ''
  }${text ? `: ${esc(text)}` : ''}${s?.evidence[0] ? `<span class="evidence">${esc(s.evidence[0])}</span>` : ''}</li>`;
}

function alertLegend(): string {
  return `<ul class="markers" aria-label="Alert symbols">${ALERT_LEGEND.map(
    ([key, word]) => `<li>${markerSvg(ALERT_SYMBOLS[key]!)} ${word}</li>`,
  ).join('')}</ul>`;
}

/** A page with one message (not found, or an unexpected error), and the way back. */
export function messagePageHtml(title: string, message: string): string {
  return layout({
    title: `${title} · traindx`,
    main: `<h1>${esc(title)}</h1><p>${esc(message)}</p><p><a href="/">All runs</a> · <a href="/graph">Knowledge graph</a></p>`,
  });
}
