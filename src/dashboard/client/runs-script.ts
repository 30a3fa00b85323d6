import { NAMES_ID } from '../runs-page.js';
import { DOM_HELPERS } from './dom-helpers.js';

/** Runs per page of the list. */
export const RUNS_PAGE_SIZE = 20;
/** How often the open list asks again, so runs that start while it is open appear. */
export const RUNS_REFRESH_MS = 4000;

/**
 * `/assets/runs.js`: fills the runs table from `runs(filter, first, after)`
 * (the filter from the page's query string), pages by cursor, refreshes
 * itself while the tab is visible, and moves focus between runs with the
 * arrow keys. Plain browser JavaScript in a string, like the report's chart
 * script: no build step, the same text from src/ or dist/. Rows are built
 * with textContent, never HTML, so no run name can inject markup.
 */
export const RUNS_SCRIPT = `(function () {
'use strict';
var QUERY = 'query Runs($filter: RunFilter, $first: Int, $after: String) { runs(filter: $filter, first: $first, after: $after) {'
  + ' totalCount pageInfo { hasNextPage endCursor }'
  + ' nodes { id name status lastStep symptomIds tags diagnosis { healthy causes { id name confidence } } } } }';
var names = JSON.parse(document.getElementById('${NAMES_ID}').textContent);
var params = new URLSearchParams(location.search);
var filter = {};
['status', 'symptom', 'cause', 'tag'].forEach(function (k) { var v = (params.get(k) || '').trim(); if (v) filter[k] = v; });
var body = document.getElementById('runs-body');
var statusEl = document.getElementById('runs-status');
var prev = document.getElementById('runs-prev');
var next = document.getElementById('runs-next');
var cursors = [null];
var page = 0;
var shown = '';
var endCursor = null;
var loading = false;

${DOM_HELPERS}

function statusBadge(status) {
  var known = Object.prototype.hasOwnProperty.call(names.statuses, status);
  var b = el('span', 'status status-' + (known ? status : 'other'));
  var sym = el('span', null, known ? names.statuses[status] : '•');
  sym.setAttribute('aria-hidden', 'true');
  b.appendChild(sym);
  b.appendChild(document.createTextNode(' ' + status));
  return b;
}

function topCause(run) {
  var td = el('td', 'top-cause');
  var top = run.diagnosis.causes[0];
  if (run.diagnosis.healthy) {
    var ok = el('span', 'healthy');
    var mark = el('span', null, '✓');
    mark.setAttribute('aria-hidden', 'true');
    ok.appendChild(mark);
    ok.appendChild(document.createTextNode(' healthy'));
    td.appendChild(ok);
    if (top) td.appendChild(el('span', 'meta', ' (strongest: ' + top.name + ', ' + fmt(top.confidence) + ')'));
    return td;
  }
  if (!top) { td.appendChild(el('span', 'meta', 'none yet')); return td; }
  td.appendChild(el('span', 'cause-name', top.name));
  td.appendChild(document.createTextNode(' '));
  var c = el('span', 'conf', fmt(top.confidence));
  td.appendChild(c);
  var m = el('meter');
  m.min = 0; m.max = 1; m.value = top.confidence;
  m.setAttribute('aria-hidden', 'true');
  td.appendChild(m);
  return td;
}

function row(run) {
  var tr = el('tr');
  tr.setAttribute('data-run', run.id);
  var th = el('th');
  th.scope = 'row';
  var a = el('a', 'run-link', run.name || run.id);
  a.href = '/runs/' + encodeURIComponent(run.id);
  th.appendChild(a);
  if (run.name && run.name !== run.id) { th.appendChild(el('br')); th.appendChild(el('code', 'meta', run.id)); }
  tr.appendChild(th);
  var st = el('td');
  st.appendChild(statusBadge(run.status));
  tr.appendChild(st);
  tr.appendChild(topCause(run));
  var sy = el('td');
  if (run.symptomIds.length) {
    var ul = el('ul', 'chips');
    run.symptomIds.forEach(function (id) { ul.appendChild(el('li', null, names.symptoms[id] || id)); });
    sy.appendChild(ul);
  } else sy.appendChild(el('span', 'meta', 'none'));
  tr.appendChild(sy);
  tr.appendChild(el('td', 'num', run.lastStep == null ? '—' : String(run.lastStep)));
  var tags = Object.keys(run.tags || {}).map(function (k) { return k + '=' + run.tags[k]; });
  tr.appendChild(el('td', 'tags', tags.join(', ')));
  return tr;
}

function describeFilter() {
  var parts = [];
  if (filter.status) parts.push('status ' + filter.status);
  if (filter.symptom) parts.push('symptom ' + (names.symptoms[filter.symptom] || filter.symptom));
  if (filter.cause) parts.push('cause ' + (names.causes[filter.cause] || filter.cause));
  if (filter.tag) parts.push('tag ' + filter.tag);
  return parts.length ? ' matching ' + parts.join(', ') : '';
}

function render(conn) {
  var focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest('tr[data-run]') : null;
  var focusId = focused ? focused.getAttribute('data-run') : null;
  body.textContent = '';
  conn.nodes.forEach(function (run) { body.appendChild(row(run)); });
  if (!conn.nodes.length) {
    var tr = el('tr'), td = el('td', null, conn.totalCount ? 'No runs on this page.' : 'No runs' + describeFilter() + ' yet.');
    td.colSpan = 6;
    tr.appendChild(td);
    body.appendChild(tr);
  }
  var from = page * ${RUNS_PAGE_SIZE} + 1;
  var text = conn.totalCount
    ? 'Runs ' + from + '–' + (from + conn.nodes.length - 1) + ' of ' + conn.totalCount + describeFilter() + '.'
    : 'No runs' + describeFilter() + '.';
  if (statusEl.textContent !== text) statusEl.textContent = text;
  endCursor = conn.pageInfo.endCursor;
  prev.disabled = page === 0;
  next.disabled = !conn.pageInfo.hasNextPage;
  if (focusId) {
    var again = body.querySelector('tr[data-run="' + CSS.escape(focusId) + '"] a.run-link');
    if (again) again.focus();
  }
  document.body.setAttribute('data-runs-ready', String(conn.nodes.length));
}

function load() {
  if (loading) return Promise.resolve();
  loading = true;
  // GET: a query needs no more, and with auth on the login cookie counts on GETs only.
  var vars = JSON.stringify({ filter: filter, first: ${RUNS_PAGE_SIZE}, after: cursors[page] });
  return fetch('/graphql?query=' + encodeURIComponent(QUERY) + '&variables=' + encodeURIComponent(vars), {
    headers: { accept: 'application/json' },
  })
    .then(function (res) { return res.json(); })
    .then(function (res) {
      if (res.errors) throw new Error(res.errors[0].message);
      var key = JSON.stringify(res.data.runs);
      if (key !== shown) { shown = key; render(res.data.runs); }
    })
    .catch(function (err) { statusEl.textContent = 'Could not load the runs: ' + err.message; })
    .then(function () { loading = false; });
}

prev.addEventListener('click', function () { if (page > 0) { page--; shown = ''; load(); } });
next.addEventListener('click', function () {
  if (!endCursor) return;
  cursors[page + 1] = endCursor;
  page++;
  shown = '';
  load();
});

// Arrow keys (and j/k) move between the runs' links; Home/End jump to the ends.
body.addEventListener('keydown', function (e) {
  var links = Array.prototype.slice.call(body.querySelectorAll('a.run-link'));
  var i = links.indexOf(document.activeElement);
  if (i < 0 || e.altKey || e.ctrlKey || e.metaKey) return;
  var to = null;
  if (e.key === 'ArrowDown' || e.key === 'j') to = Math.min(i + 1, links.length - 1);
  else if (e.key === 'ArrowUp' || e.key === 'k') to = Math.max(i - 1, 0);
  else if (e.key === 'Home') to = 0;
  else if (e.key === 'End') to = links.length - 1;
  if (to === null) return;
  e.preventDefault();
  links[to].focus();
});

load();
setInterval(function () { if (!document.hidden) load(); }, ${RUNS_REFRESH_MS});
})();
`;
