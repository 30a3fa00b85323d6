import { MARKER_PATHS, REPORT_DATA_ID } from '../../report/index.js';
import { ALERT_SYMBOLS, ALERT_WORDS, HASHES_ID } from '../run-page.js';
import { COMPARE_JS, compareControlsHtml } from './compare-script.js';
import { DOM_HELPERS } from './dom-helpers.js';

/** How often a running run's page asks whether new events arrived. */
export const RUN_POLL_MS = 3000;

const ALERTS = `subscription Alerts($runId: ID!) { alerts(runId: $runId) { seq kind change step
  symptom { id name severity confidence layer evidence } topCause { id name confidence } } }`;

/**
 * `/assets/run.js`: keeps a run page live while the run trains.
 * - Subscribes to `alerts(runId)` with EventSource (server-sent events, the
 *   GET form of /graphql) and lists each alert as it arrives, marked by a
 *   shape and a word, not colour alone.
 * - Polls `run { status eventCount }` every few seconds; when events arrived,
 *   or at once on a change of top cause or the end of the run, fetches
 *   /runs/<id>/view.json and replaces only the fragments whose hash changed
 *   (keeping open <details> and focus), redrawing the charts with the new points.
 */
export const RUN_SCRIPT = `(function () {
'use strict';
var ALERTS = ${JSON.stringify(ALERTS.replace(/\s+/g, ' '))};
var SHAPES = ${JSON.stringify(MARKER_PATHS)};
var ALERT_SYMBOLS = ${JSON.stringify(ALERT_SYMBOLS)};
var ALERT_WORDS = ${JSON.stringify(ALERT_WORDS)};
var body = document.body;
var runId = body.getAttribute('data-run-id');
var status = body.getAttribute('data-run-status');
var eventCount = Number(body.getAttribute('data-event-count'));
var hashes = JSON.parse(document.getElementById('${HASHES_ID}').textContent);
var dataEl = document.getElementById('${REPORT_DATA_ID}');
var alertsEl = document.getElementById('alerts');
var liveEl = document.getElementById('live-state');
var source = null, timer = null, busy = false, again = false, refreshes = 0, soon = null;

window.traindxCharts.draw();

${DOM_HELPERS}

function shape(name) {
  var NS = 'http://www.w3.org/2000/svg';
  var svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('class', 'sym');
  svg.setAttribute('viewBox', '-6 -6 12 12');
  svg.setAttribute('width', '14');
  svg.setAttribute('height', '14');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  var p = document.createElementNS(NS, 'path');
  p.setAttribute('d', SHAPES[name] || SHAPES.triangle);
  svg.appendChild(p);
  return svg;
}

function live(symbol, text, state) {
  liveEl.textContent = '';
  var s = el('span', null, symbol);
  s.setAttribute('aria-hidden', 'true');
  liveEl.appendChild(s);
  liveEl.appendChild(document.createTextNode(' ' + text));
  body.setAttribute('data-live', state);
}

// Each kind of alert (and each severity of symptom) has its own shape; the legend above the list names them.
function symbolOf(a) {
  return ALERT_SYMBOLS[a.kind === 'symptom' && a.symptom ? a.symptom.severity : a.kind] || 'triangle';
}

function addAlert(a) {
  // The page came with the run's stored alerts: one of them sent again live is not listed twice.
  if (a.seq != null && alertsEl.querySelector('[data-seq="' + a.seq + '"]')) return;
  var li = el('li', 'alert alert-' + a.kind);
  if (a.seq != null) li.setAttribute('data-seq', String(a.seq));
  li.setAttribute('data-kind', a.kind);
  li.appendChild(shape(symbolOf(a)));
  var now = new Date();
  var time = el('time', 'meta', now.toLocaleTimeString());
  time.dateTime = now.toISOString();
  li.appendChild(time);
  li.appendChild(el('strong', null, ' ' + (ALERT_WORDS[a.change || a.kind] || a.kind)));
  if (a.step != null) li.appendChild(el('span', 'meta', ' at step ' + a.step));
  var text = '';
  if (a.kind === 'symptom' && a.symptom) {
    var s = a.symptom;
    text = s.name + (s.layer ? ' in ' + s.layer : '') + ' (' + s.severity + ', confidence ' + fmt(s.confidence) + ')';
  } else if (a.topCause) {
    text = (a.kind === 'finished' ? 'most likely ' : 'now ') + a.topCause.name + ' (confidence ' + fmt(a.topCause.confidence) + ')';
  }
  if (text) li.appendChild(document.createTextNode(': ' + text));
  if (a.symptom && a.symptom.evidence.length) li.appendChild(el('span', 'evidence', a.symptom.evidence[0]));
  alertsEl.insertBefore(li, alertsEl.firstChild);
  while (alertsEl.children.length > 200) alertsEl.removeChild(alertsEl.lastChild);
}

function swap(id, html) {
  var old = document.getElementById(id);
  if (!old) return;
  var t = document.createElement('template');
  t.innerHTML = html;
  var fresh = t.content.firstElementChild;
  var was = old.querySelectorAll('details'), now = fresh.querySelectorAll('details');
  for (var i = 0; i < Math.min(was.length, now.length); i++) now[i].open = was[i].open;
  // A picker (the histograms' layer) keeps the reader's choice while the new section still offers it.
  old.querySelectorAll('select[id]').forEach(function (sel) {
    var same = fresh.querySelector('select#' + CSS.escape(sel.id));
    if (same && Array.prototype.some.call(same.options, function (o) { return o.value === sel.value; })) same.value = sel.value;
  });
  var focusId = old.contains(document.activeElement) ? document.activeElement.id : '';
  old.replaceWith(fresh);
  if (focusId && document.getElementById(focusId)) document.getElementById(focusId).focus();
}

function apply(v) {
  if (v.head.hash !== hashes.head) { swap('run-head', v.head.html); hashes.head = v.head.hash; }
  var redraw = v.dataHash !== hashes.data;
  v.sections.forEach(function (s) {
    if (hashes.sections[s.id] === s.hash) return;
    swap(s.id, s.html);
    hashes.sections[s.id] = s.hash;
    if (s.id === 'charts') redraw = true;
  });
  if (redraw) {
    dataEl.textContent = JSON.stringify(v.data);
    hashes.data = v.dataHash;
    window.traindxCharts.draw();
  }
  document.title = v.title;
  eventCount = v.eventCount;
  body.setAttribute('data-event-count', String(eventCount));
  body.setAttribute('data-refreshes', String(++refreshes));
  if (v.status !== status) {
    status = v.status;
    body.setAttribute('data-run-status', status);
  }
  if (status !== 'running') stop();
}

function refresh() {
  if (busy) { again = true; return; }
  busy = true;
  fetch('/runs/' + encodeURIComponent(runId) + '/view.json', { headers: { accept: 'application/json' } })
    .then(function (res) { if (!res.ok) throw new Error('HTTP ' + res.status); return res.json(); })
    .then(apply)
    .catch(function (err) { live('!', 'Could not refresh the run: ' + err.message, 'error'); })
    .then(function () { busy = false; if (again) { again = false; refresh(); } });
}

function poll() {
  if (document.hidden || busy) return;
  // GET: with auth on the login cookie counts on GETs only.
  var q = 'query Progress($id: ID!) { run(id: $id) { status eventCount } }';
  fetch('/graphql?query=' + encodeURIComponent(q) + '&variables=' + encodeURIComponent(JSON.stringify({ id: runId })), {
    headers: { accept: 'application/json' },
  })
    .then(function (res) { return res.json(); })
    .then(function (res) {
      var run = res.data && res.data.run;
      if (run && (run.eventCount !== eventCount || run.status !== status)) refresh();
    })
    .catch(function () { /* the next poll tries again */ });
}

function stop() {
  if (source) { source.close(); source = null; }
  if (timer) { clearInterval(timer); timer = null; }
  live('■', 'This run has ended (' + status + '); the diagnosis below is final.', 'ended');
}

function start() {
  var url = '/graphql?query=' + encodeURIComponent(ALERTS) + '&variables=' + encodeURIComponent(JSON.stringify({ runId: runId }));
  source = new EventSource(url);
  source.addEventListener('open', function () { live('●', 'Live: alerts appear here as the run trains.', 'open'); });
  source.addEventListener('error', function () { if (source) live('○', 'Connection lost; reconnecting…', 'reconnecting'); });
  source.addEventListener('next', function (e) {
    var msg = JSON.parse(e.data);
    if (!msg.data || !msg.data.alerts) return;
    var a = msg.data.alerts;
    addAlert(a);
    // A new top cause or the end changes the diagnosis: fetch it now, not at the next poll.
    if (a.kind !== 'symptom') { clearTimeout(soon); soon = setTimeout(refresh, 150); }
  });
  source.addEventListener('complete', function () { if (source) { source.close(); source = null; } });
  timer = setInterval(poll, ${RUN_POLL_MS});
}

${COMPARE_JS}
var RELATED = 'query Related($id: ID!) { run(id: $id) { id name parentRunId appliedRemedies }'
  + ' retries: runs(filter: { parentRunId: $id }, first: 20) { nodes { id name status appliedRemedies } }'
  + ' similarRuns(runId: $id, first: 5) { similarity run { id name status } } }';
var COMPARE_HTML = ${JSON.stringify(compareControlsHtml())};

function gql(query, vars) {
  return fetch('/graphql?query=' + encodeURIComponent(query) + '&variables=' + encodeURIComponent(JSON.stringify(vars)), {
    headers: { accept: 'application/json' },
  })
    .then(function (res) { return res.json(); })
    .then(function (res) { if (res.errors) throw new Error(res.errors[0].message); return res.data; });
}

function runLink(r) {
  var a = el('a', 'related-run', r.name || r.id);
  a.href = '/runs/' + encodeURIComponent(r.id);
  a.setAttribute('data-run', r.id);
  return a;
}

// Related runs (parent, its remedies, retries, similar runs) and a chart overlaying this run with its parent and
// retries: built here, after the head, which the live refresh replaces without touching them.
function related() {
  var main = document.getElementById('main');
  var live = document.getElementById('live');
  var sec = el('section', 'related');
  sec.id = 'related';
  sec.setAttribute('aria-labelledby', 'related-h');
  var h = el('h2', null, 'Related runs');
  h.id = 'related-h';
  sec.appendChild(h);
  var list = el('ul', 'related-list');
  sec.appendChild(list);
  main.insertBefore(sec, live);
  var cmp = el('section', 'compare');
  cmp.id = 'compare';
  cmp.setAttribute('aria-labelledby', 'compare-h');
  var ch = el('h2', null, 'Curves');
  ch.id = 'compare-h';
  cmp.appendChild(ch);
  var t = document.createElement('template');
  t.innerHTML = COMPARE_HTML;
  cmp.appendChild(t.content);
  var charts = document.getElementById('charts');
  if (charts && charts.parentNode === main) main.insertBefore(cmp, charts.nextSibling);
  else main.appendChild(cmp);
  var compare = Compare(cmp);
  gql(RELATED, { id: runId }).then(function (d) {
    // The remedies applied (to this run and its retries), named from the knowledge graph.
    var seen = {};
    d.run.appliedRemedies.concat.apply(d.run.appliedRemedies, d.retries.nodes.map(function (r) { return r.appliedRemedies; }))
      .forEach(function (id) { seen[id] = true; });
    var remedyIds = Object.keys(seen);
    if (!remedyIds.length) return [d, {}];
    var q = 'query Names(' + remedyIds.map(function (_, i) { return '$r' + i + ': ID!'; }).join(', ') + ') { '
      + remedyIds.map(function (_, i) { return 'r' + i + ': remedy(id: $r' + i + ') { id name }'; }).join(' ') + ' }';
    var vars = {};
    remedyIds.forEach(function (id, i) { vars['r' + i] = id; });
    return gql(q, vars).then(function (n) {
      var names = {};
      Object.keys(n).forEach(function (k) { if (n[k]) names[n[k].id] = n[k].name; });
      return [d, names];
    });
  }).then(function (both) {
    var d = both[0], remedyNames = both[1];
    var named = function (ids) { return ids.map(function (id) { return remedyNames[id] || id; }).join(', '); };
    var run = d.run;
    function item(kind, nodes) {
      var li = el('li');
      li.setAttribute('data-kind', kind);
      li.appendChild(el('strong', null, kind + ': '));
      nodes.forEach(function (n) { li.appendChild(n); });
      list.appendChild(li);
    }
    if (run.parentRunId) {
      var bits = [runLink({ id: run.parentRunId, name: run.parentRunId })];
      if (run.appliedRemedies.length) bits.push(document.createTextNode(', remedy applied: ' + named(run.appliedRemedies)));
      item('Retry of', bits);
    }
    var retries = d.retries.nodes;
    if (retries.length) {
      var nodes = [];
      retries.forEach(function (r, i) {
        if (i) nodes.push(document.createTextNode('; '));
        nodes.push(runLink(r));
        nodes.push(document.createTextNode(' (' + r.status + (r.appliedRemedies.length ? ', with ' + named(r.appliedRemedies) : '') + ')'));
      });
      item('Retries', nodes);
    }
    var similar = d.similarRuns.filter(function (s) { return s.run.id !== runId; });
    if (similar.length) {
      var sn = [];
      similar.forEach(function (s, i) {
        if (i) sn.push(document.createTextNode('; '));
        sn.push(runLink(s.run));
        sn.push(document.createTextNode(' (similarity ' + fmt(s.similarity) + ')'));
      });
      item('Similar runs', sn);
    }
    if (!list.children.length) list.appendChild(el('li', 'meta', 'No parent, retries or similar runs.'));
    var ids = [runId];
    if (run.parentRunId) ids.push(run.parentRunId);
    retries.forEach(function (r) { ids.push(r.id); });
    return Promise.all(ids.map(fetchCompareRun)).then(function (runs) {
      runs = runs.filter(Boolean);
      runs.forEach(function (r) {
        r.label = (r.name || r.id) + (r.id === runId ? ' (this run)' : r.id === run.parentRunId ? ' (parent)' : ' (retry' + (r.appliedRemedies.length ? ', with ' + named(r.appliedRemedies) : '') + ')');
      });
      // With a parent or retries the chart compares them; alone, it is this run's curves with the chart controls.
      if (runs.length > 1) ch.textContent = 'Curves beside the parent and retries';
      compare.show(runs);
      body.setAttribute('data-related-ready', 'true');
    });
  }).catch(function (err) {
    list.appendChild(el('li', null, 'Could not load related runs: ' + err.message));
  });
}

related();
if (status === 'running') start();
})();
`;
