import type { KnowledgeSeed } from '../domain/index.js';
import { esc, scriptJson } from '../report/index.js';
import { compareControlsHtml } from './client/compare-script.js';
import { layout } from './layout.js';
import { STATUS_SYMBOLS } from './status-badge.js';

/** The runs filter as the page's query string carries it (the fields of `RunFilter`). */
export interface RunsQuery {
  status?: string;
  symptom?: string;
  cause?: string;
  tag?: string;
  /** Part of a run's name or id (the list filters by it in the page). */
  q?: string;
}

export const RUN_STATUSES = ['running', 'completed', 'diverged', 'crashed', 'stopped'];

/** The id of the JSON with symptom and cause names and status symbols, for the list script. */
export const NAMES_ID = 'dash-names';

/**
 * The runs list: a GET filter form (status, symptom, cause, tag; it works
 * as a plain form, every control labelled) and the table the page script
 * fills from `runs(filter, first, after)`, a page at a time, refreshing
 * itself so runs that start while it is open appear.
 *
 * @example runsPageHtml(seed, { status: 'diverged' })
 */
export function runsPageHtml(knowledge: KnowledgeSeed, q: RunsQuery): string {
  const byName = <T extends { name: string }>(list: T[]) =>
    [...list].sort((a, b) => a.name.localeCompare(b.name));
  const select = (name: keyof RunsQuery, label: string, options: [string, string][]) =>
    `<div class="field"><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">
<option value="">any</option>${options
      .map(
        ([v, text]) => `<option value="${esc(v)}"${q[name] === v ? ' selected' : ''}>${esc(text)}</option>`,
      )
      .join('')}</select></div>`;
  const names = {
    symptoms: Object.fromEntries(knowledge.symptoms.map((s) => [s.id, s.name])),
    causes: Object.fromEntries(knowledge.causes.map((c) => [c.id, c.name])),
    statuses: STATUS_SYMBOLS,
    remedies: Object.fromEntries(knowledge.remedies.map((r) => [r.id, r.name])),
  };
  const filtered = Object.values(q).some(Boolean);
  const sortable = (key: string, label: string, cls = '') =>
    `<th scope="col"${cls ? ` class="${cls}"` : ''} data-sort="${key}"><button type="button" class="sort" data-sort-key="${key}">${label}<span class="sort-dir" aria-hidden="true"></span></button></th>`;
  const main = `<h1>Training runs</h1>
<form class="filters" method="get" action="/" role="search" aria-label="Filter runs">
${select(
  'status',
  'Status',
  RUN_STATUSES.map((s) => [s, s]),
)}
${select(
  'symptom',
  'Showed symptom',
  byName(knowledge.symptoms).map((s) => [s.id, s.name]),
)}
${select(
  'cause',
  'Likely cause (≥ 0.5)',
  byName(knowledge.causes).map((c) => [c.id, c.name]),
)}
<div class="field"><label for="f-q">Name</label><input id="f-q" name="q" type="search" placeholder="part of a name or id" value="${esc(q.q ?? '')}"></div>
<div class="field"><label for="f-tag">Tag</label><input id="f-tag" name="tag" type="text" placeholder="key=value" value="${esc(q.tag ?? '')}" aria-describedby="f-tag-hint"><small id="f-tag-hint" class="meta">key=value, or just key</small></div>
<div class="actions"><button type="submit">Apply filters</button>${filtered ? ' <a href="/">Clear filters</a>' : ''}</div>
</form>
<p id="runs-status" class="runs-status" role="status">Loading runs…</p>
<p class="meta" id="runs-keys">Keyboard: Tab to the list, then ↑ and ↓ (or j and k) move between runs, Home and End jump, Enter opens one.</p>
<div class="scroll"><table class="runs" aria-describedby="runs-keys">
<caption class="meta">Newest first (a column's button sorts by it); a retry is listed under the run it repairs; tick runs to overlay their curves below. The list refreshes itself every few seconds.</caption>
<thead><tr><th scope="col"><span class="visually-hidden">Compare</span><span aria-hidden="true">⇄</span></th>${sortable('name', 'Run')}${sortable('status', 'Status')}${sortable('outcome', 'Outcome')}${sortable('cause', 'Top cause (confidence)')}<th scope="col">Symptoms</th>${sortable('lastStep', 'Last step', 'num')}<th scope="col">Tags</th><th scope="col">Download</th></tr></thead>
<tbody id="runs-body"></tbody></table></div>
<nav class="pager" aria-label="Pages of runs"><button type="button" id="runs-prev" disabled>← Newer runs</button> <button type="button" id="runs-next" disabled>Older runs →</button></nav>
<section id="compare" class="compare" aria-labelledby="compare-h"><h2 id="compare-h">Compare runs</h2>
${compareControlsHtml()}
</section>
<noscript><p>The list is filled by a script from <code>/graphql</code>; with scripts off, ask <code>runs(filter: …)</code> there.</p></noscript>
<script type="application/json" id="${NAMES_ID}">${scriptJson(names)}</script>`;
  return layout({
    title: `${filtered ? 'Filtered runs' : 'Runs'} · traindx`,
    current: 'runs',
    main,
    scripts: ['runs.js'],
  });
}

/** The filter fields of a request's query string; empty ones are left out. */
export function runsQueryOf(params: URLSearchParams): RunsQuery {
  const q: RunsQuery = {};
  for (const key of ['status', 'symptom', 'cause', 'tag', 'q'] as const) {
    const v = params.get(key)?.trim();
    if (v) q[key] = v;
  }
  return q;
}
