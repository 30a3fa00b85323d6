import type { KnowledgeSeed, RunAlert } from '../domain/index.js';
import { buildReportView, esc, REPORT_SECTIONS, type ReportView } from '../report/index.js';
import type { DashboardDeps } from './deps.js';
import { downloadHref } from './downloads.js';
import { fragmentHash } from './responses.js';
import { statusBadge } from './status-badge.js';

/**
 * The report's sections, each replaced alone on a run page when it changes.
 * An optional one with nothing to say yet (missing signals, until the trace is
 * known to lack one) is an empty hidden placeholder that keeps its place.
 */
const sectionHtml = (id: string, html: string): string => html || `<section id="${id}" hidden></section>`;

export const SECTION_LINKS = REPORT_SECTIONS.filter((s) => !s.optional).map(({ id, name }) => ({ id, name }));

export interface Fragment {
  id: string;
  hash: string;
  html: string;
}

/** A run page's changing parts: what /runs/<id>/view.json answers and the page first shows. */
export interface RunView {
  runId: string;
  status: string;
  lastStep: number | null;
  eventCount: number;
  title: string;
  head: Fragment;
  sections: Fragment[];
  data: ReportView['data'];
  dataHash: string;
  /** Every alert announced for the run so far, oldest first, with the names of their symptoms and causes. */
  alerts: RunAlert[];
  names: Record<string, string>;
}

/**
 * A run as the report shows it (the report's own view building and HTML
 * sections), from the store and the diagnosis the API answers; null when
 * the run does not exist.
 *
 * @example const view = await loadRunView(deps, 'lr-10');
 */
export async function loadRunView(deps: DashboardDeps, runId: string): Promise<RunView | null> {
  const stored = await deps.store.getRun(runId);
  if (!stored) return null;
  const [diagnosis, series, histograms, knowledge, alerts] = await Promise.all([
    deps.diagnose(runId),
    deps.store.readSeries(runId),
    deps.store.readHistograms?.(runId) ?? [],
    deps.knowledge(),
    deps.store.readAlerts?.(runId) ?? [],
  ]);
  if (!diagnosis) return null;
  const view = buildReportView({ diagnosis, run: stored.run, series, histograms, knowledge: knowledge.seed });
  const status = stored.status ?? 'running';
  const fragment = (id: string, html: string): Fragment => ({ id, hash: fragmentHash(html), html });
  const dataJson = JSON.stringify(view.data);
  return {
    runId,
    status,
    lastStep: stored.lastStep ?? null,
    eventCount: stored.eventCount,
    title: `${view.runLabel}: ${status}, ${view.healthy ? 'healthy' : 'needs attention'} · traindx`,
    head: fragment('run-head', headHtml(view, status, stored.lastStep, runId)),
    sections: REPORT_SECTIONS.map((s) => fragment(s.id, sectionHtml(s.id, s.html(view)))),
    data: view.data,
    dataHash: fragmentHash(dataJson),
    alerts,
    names: namesOf(alerts, knowledge.seed),
  };
}

/** The names of the symptoms and causes the alerts mention (view.json carries only these). */
function namesOf(alerts: RunAlert[], seed: KnowledgeSeed): Record<string, string> {
  const ids = new Set(alerts.flatMap((a) => [a.symptom?.id, a.topCause?.id]));
  return Object.fromEntries(
    [...seed.symptoms, ...seed.causes].filter((k) => ids.has(k.id)).map((k) => [k.id, k.name] as const),
  );
}

function headHtml(view: ReportView, status: string, lastStep: number | undefined, runId: string): string {
  const progress = lastStep === undefined ? 'no step yet' : `last step ${lastStep}`;
  const downloads = `<span class="downloads">Download: <a class="download-trace" href="${esc(downloadHref(runId, 'trace.jsonl'))}" download>trace (JSONL)</a> · <a class="download-report" href="${esc(downloadHref(runId, 'report.html'))}" download>report (HTML)</a></span>`;
  return `<div id="run-head"><p class="kicker">Training run</p>
<h1>${esc(view.runLabel)}</h1>
<p class="run-state">${statusBadge(status)} <span class="meta">${esc(progress)}</span> ${downloads}</p>
<p class="verdict ${view.healthy ? 'ok' : 'bad'}"><strong>Verdict: ${view.healthy ? '✓ healthy' : '✗ needs attention'}${status === 'running' ? ' so far' : ''}.</strong> ${esc(view.verdict)}</p></div>`;
}
