import { NAMES_ID } from '../runs-page.js';
import { COMPARE_JS } from './compare-script.js';
import { DOM_HELPERS } from './dom-helpers.js';
import { OUTCOME_JS } from './outcome-script.js';

/** Runs per page of the list. */
export const RUNS_PAGE_SIZE = 20;
/** Runs searched at once when the list is filtered by name (the API's largest page). */
export const RUNS_SEARCH_SIZE = 100;
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
  + ' nodes { id name status lastStep symptomIds tags parentRunId appliedRemedies diagnosis { healthy symptoms { severity } causes { id name confidence } } } } }';
var names = JSON.parse(document.getElementById('${NAMES_ID}').textContent);
var params = new URLSearchParams(location.search);
var search = (params.get('q') || '').trim();
var searchEl = document.getElementById('f-q');
var sort = { key: null, dir: 1 };
var selected = {};
var nodes = [];
var cache = {};
var pageSize = search ? ${RUNS_SEARCH_SIZE} : ${RUNS_PAGE_SIZE};
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
${OUTCOME_JS}
${COMPARE_JS}
var compare = Compare(document.getElementById('compare'));

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

function byId(id) { return nodes.filter(function (n) { return n.id === id; })[0]; }

function label(run) {
  var name = run.name || run.id;
  if (!run.parentRunId) return name;
  var parent = byId(run.parentRunId);
  var remedies = (run.appliedRemedies || []).map(function (r) { return names.remedies[r] || r; });
  return name + ' (retry of ' + (parent ? parent.name || parent.id : run.parentRunId) + (remedies.length ? ', with ' + remedies.join(', ') : '') + ')';
}

function row(run) {
  var tr = el('tr');
  tr.setAttribute('data-run', run.id);
  if (run.parentRunId) tr.className = 'retry';
  var pick = el('td', 'pick');
  var box = el('input');
  box.type = 'checkbox';
  box.className = 'compare-pick';
  box.checked = !!selected[run.id];
  box.setAttribute('aria-label', 'Compare ' + (run.name || run.id));
  box.addEventListener('change', function () { toggle(run, box.checked); });
  pick.appendChild(box);
  tr.appendChild(pick);
  var th = el('th');
  th.scope = 'row';
  var a = el('a', 'run-link', run.name || run.id);
  a.href = '/runs/' + encodeURIComponent(run.id);
  th.appendChild(a);
  if (run.name && run.name !== run.id) { th.appendChild(el('br')); th.appendChild(el('code', 'meta', run.id)); }
  if (run.parentRunId) {
    var parent = byId(run.parentRunId);
    var note = el('p', 'retry-of');
    note.appendChild(el('span', null, '↳ retry of '));
    var pa = el('a', null, parent ? parent.name || parent.id : run.parentRunId);
    pa.href = '/runs/' + encodeURIComponent(run.parentRunId);
    note.appendChild(pa);
    var remedies = (run.appliedRemedies || []).map(function (r) { return names.remedies[r] || r; });
    if (remedies.length) note.appendChild(el('span', null, ', remedy applied: ' + remedies.join(', ')));
    th.appendChild(note);
  }
  tr.appendChild(th);
  var st = el('td');
  st.appendChild(statusBadge(run.status));
  tr.appendChild(st);
  var oc = el('td', 'outcome-cell');
  oc.appendChild(outcomeBadge(run));
  tr.appendChild(oc);
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
  var dl = el('td', 'downloads');
  [['trace.jsonl', 'trace'], ['report.html', 'report']].forEach(function (f, i) {
    if (i) dl.appendChild(document.createTextNode(' · '));
    var link = el('a', 'download-' + f[1], f[1]);
    link.href = '/runs/' + encodeURIComponent(run.id) + '/' + f[0];
    link.setAttribute('download', '');
    link.setAttribute('aria-label', 'Download the ' + f[1] + ' of ' + (run.name || run.id));
    dl.appendChild(link);
  });
  tr.appendChild(dl);
  return tr;
}

var SORTS = {
  name: function (r) { return (r.name || r.id).toLowerCase(); },
  status: function (r) { return r.status; },
  outcome: function (r) { return OUTCOME_RANK[outcomeOf(r).kind]; },
  cause: function (r) { var c = r.diagnosis.causes[0]; return c ? c.confidence : -1; },
  lastStep: function (r) { return r.lastStep == null ? -1 : r.lastStep; },
};

// The page's order: the chosen column (stable, so ties keep newest first), then each retry under its parent.
function ordered(list) {
  var shown = list.filter(function (r) {
    if (!search) return true;
    var s = search.toLowerCase();
    return (r.name || '').toLowerCase().indexOf(s) >= 0 || r.id.toLowerCase().indexOf(s) >= 0;
  });
  if (sort.key) {
    var f = SORTS[sort.key];
    shown = shown.map(function (r, i) { return [r, i]; }).sort(function (a, b) {
      var x = f(a[0]), y = f(b[0]);
      return x < y ? -sort.dir : x > y ? sort.dir : a[1] - b[1];
    }).map(function (p) { return p[0]; });
  }
  var ids = {};
  shown.forEach(function (r) { ids[r.id] = true; });
  var out = [];
  function place(r) {
    out.push(r);
    shown.forEach(function (c) { if (c.parentRunId === r.id && c.id !== r.id) place(c); });
  }
  shown.forEach(function (r) { if (!r.parentRunId || !ids[r.parentRunId]) place(r); });
  return out;
}

// Ticking a run brings its retries and its parent along, so a repair is seen beside what it repaired.
function toggle(run, on) {
  var family = [run.id];
  nodes.forEach(function (n) { if (n.parentRunId === run.id) family.push(n.id); });
  if (run.parentRunId) family.push(run.parentRunId);
  if (on) family.forEach(function (id) { selected[id] = true; });
  else delete selected[run.id];
  body.querySelectorAll('input.compare-pick').forEach(function (b) {
    b.checked = !!selected[b.closest('tr').getAttribute('data-run')];
  });
  showCompare();
}

var compareSeq = 0;
function showCompare() {
  var ids = Object.keys(selected);
  // Ticks faster than the fetches: only the latest selection is drawn.
  var seq = ++compareSeq;
  Promise.all(ids.map(function (id) {
    if (cache[id]) return Promise.resolve(cache[id]);
    return fetchCompareRun(id).then(function (r) { if (r) cache[id] = r; return r; });
  }))
    .then(function (list) {
      if (seq !== compareSeq) return;
      var runs = list.filter(Boolean);
      runs.forEach(function (r) { r.label = label(r); });
      compare.show(runs);
    })
    .catch(function (err) { document.getElementById('cmp-note').textContent = 'Could not load the curves: ' + err.message; });
}

document.querySelectorAll('button.sort').forEach(function (b) {
  b.addEventListener('click', function () {
    var key = b.getAttribute('data-sort-key');
    sort = { key: key, dir: sort.key === key ? -sort.dir : 1 };
    document.querySelectorAll('th[data-sort]').forEach(function (th) {
      if (th.getAttribute('data-sort') === key) th.setAttribute('aria-sort', sort.dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
      th.querySelector('.sort-dir').textContent = th.getAttribute('data-sort') === key ? (sort.dir > 0 ? ' ▲' : ' ▼') : '';
    });
    if (lastConn) render(lastConn);
  });
});

if (searchEl) searchEl.addEventListener('input', function () {
  search = searchEl.value.trim();
  if (lastConn) render(lastConn);
});

var lastConn = null;

function describeFilter() {
  var parts = [];
  if (filter.status) parts.push('status ' + filter.status);
  if (filter.symptom) parts.push('symptom ' + (names.symptoms[filter.symptom] || filter.symptom));
  if (filter.cause) parts.push('cause ' + (names.causes[filter.cause] || filter.cause));
  if (filter.tag) parts.push('tag ' + filter.tag);
  if (search) parts.push('name “' + search + '”');
  return parts.length ? ' matching ' + parts.join(', ') : '';
}

function render(conn) {
  var focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest('tr[data-run]') : null;
  var focusId = focused ? focused.getAttribute('data-run') : null;
  lastConn = conn;
  nodes = conn.nodes;
  body.textContent = '';
  var list = ordered(conn.nodes);
  list.forEach(function (run) { body.appendChild(row(run)); });
  if (!list.length) {
    var tr = el('tr'), td = el('td', null, conn.nodes.length ? 'No run on this page is named like “' + search + '”.' : conn.totalCount ? 'No runs on this page.' : 'No runs' + describeFilter() + ' yet.');
    td.colSpan = 10;
    tr.appendChild(td);
    body.appendChild(tr);
  }
  var from = page * pageSize + 1;
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
  document.body.setAttribute('data-runs-ready', String(list.length));
}

function load() {
  if (loading) return Promise.resolve();
  loading = true;
  // GET: a query needs no more, and with auth on the login cookie counts on GETs only.
  var vars = JSON.stringify({ filter: filter, first: pageSize, after: cursors[page] });
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
