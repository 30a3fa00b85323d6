/**
 * The series a comparison reads from `run { series(keys) }`: step series,
 * epoch series (indexed by epoch), `epoch.step` (each epoch's last step) and
 * `time` (each step's wall time, when the trace carries it).
 */
export const COMPARE_KEYS = [
  'loss',
  'metrics.accuracy',
  'epoch.train.loss',
  'epoch.train.accuracy',
  'epoch.val.loss',
  'epoch.val.accuracy',
  'epoch.step',
  'time',
];

/** The curves one can overlay: each tries its keys in order (a step series first, then the epoch one). */
export const COMPARE_METRICS: [string, string, string[]][] = [
  ['loss', 'Loss', ['loss', 'epoch.train.loss']],
  ['val_loss', 'Validation loss', ['epoch.val.loss']],
  ['accuracy', 'Accuracy', ['metrics.accuracy', 'epoch.train.accuracy']],
  ['val_accuracy', 'Validation accuracy', ['epoch.val.accuracy']],
];

/**
 * The comparison's controls and chart, the same on the runs list and a run
 * page: which curve, EMA smoothing, the x axis (step, epoch, or wall time
 * when every run shown carries `time`), a linear or log y axis, and an SVG
 * chart with one line per run (a colour and a dash pattern each, named in
 * the legend, so lines read without colour).
 */
export function compareControlsHtml(): string {
  const options = COMPARE_METRICS.map(([id, name]) => `<option value="${id}">${name}</option>`).join('');
  return `<div class="compare-controls">
<div class="field"><label for="cmp-metric">Curve</label><select id="cmp-metric">${options}</select></div>
<div class="field"><label for="cmp-ema">Smoothing (EMA) <output id="cmp-ema-out" for="cmp-ema">0</output></label><input id="cmp-ema" type="range" min="0" max="0.99" step="0.01" value="0"></div>
<div class="field"><label for="cmp-x">X axis</label><select id="cmp-x"><option value="step">step</option><option value="epoch">epoch</option><option value="time">wall time</option></select></div>
<div class="field"><label for="cmp-y">Y axis</label><select id="cmp-y"><option value="linear">linear</option><option value="log">log</option></select></div>
</div>
<p id="cmp-note" class="meta" role="status"></p>
<div id="cmp-chart" class="compare-chart"></div>
<ul id="cmp-legend" class="compare-legend"></ul>`;
}

/**
 * Browser JavaScript (inlined into runs.js and run.js): `Compare(root)`
 * returns `{ show(runs) }`, where each run is `{ id, name, label, series }`
 * as `run { series(keys) }` answers. Expects DOM_HELPERS' `el` in scope.
 */
export const COMPARE_JS = `
var COMPARE_KEYS = ${JSON.stringify(COMPARE_KEYS)};
var COMPARE_METRICS = ${JSON.stringify(COMPARE_METRICS)};
// Okabe-Ito: told apart with the common colour-vision deficiencies; the dashes tell them apart without colour.
var CMP_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
var CMP_DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '10 4'];

function fetchCompareRun(id) {
  var q = 'query Cmp($id: ID!, $keys: [String!]) { run(id: $id) { id name status parentRunId appliedRemedies series(keys: $keys) { key steps values } } }';
  return fetch('/graphql?query=' + encodeURIComponent(q) + '&variables=' + encodeURIComponent(JSON.stringify({ id: id, keys: COMPARE_KEYS })), {
    headers: { accept: 'application/json' },
  })
    .then(function (res) { return res.json(); })
    .then(function (res) {
      if (res.errors) throw new Error(res.errors[0].message);
      return res.data.run;
    });
}

function Compare(root) {
  var q = function (id) { return root.querySelector('#' + id); };
  var metricEl = q('cmp-metric'), emaEl = q('cmp-ema'), emaOut = q('cmp-ema-out'), xEl = q('cmp-x'), yEl = q('cmp-y');
  var chart = q('cmp-chart'), legend = q('cmp-legend'), note = q('cmp-note');
  var runs = [];

  function byKey(run) {
    var m = {};
    (run.series || []).forEach(function (s) { m[s.key] = s; });
    return m;
  }

  // x of a step on the chosen axis (null when that run cannot place it).
  function stepX(m, axis, step) {
    if (axis === 'step') return step;
    if (axis === 'time') {
      var t = m.time;
      if (!t) return null;
      var i = t.steps.indexOf(step);
      if (i < 0) return null;
      return (t.values[i] - t.values[0]) / 1000;
    }
    var ends = m['epoch.step'];
    if (!ends || !ends.values.length) return null;
    // Epoch e ends at step ends[e]: a step inside it is e plus how far through it is.
    var prev = -1;
    for (var e = 0; e < ends.values.length; e++) {
      var end = ends.values[e];
      if (step <= end) return ends.steps[e] + (step - prev) / Math.max(1, end - prev);
      prev = end;
    }
    return null;
  }

  function points(run, metric, axis) {
    var m = byKey(run);
    var keys = COMPARE_METRICS.filter(function (c) { return c[0] === metric; })[0][2];
    var s = null;
    for (var k = 0; k < keys.length && !s; k++) s = m[keys[k]] || null;
    if (!s) return [];
    var isEpoch = s.key.indexOf('epoch.') === 0;
    var out = [];
    s.steps.forEach(function (n, i) {
      var v = s.values[i];
      if (v == null || !isFinite(v)) return;
      var x;
      if (isEpoch) {
        if (axis === 'epoch') x = n + 1;
        else {
          var ends = m['epoch.step'];
          var j = ends ? ends.steps.indexOf(n) : -1;
          x = j < 0 ? null : stepX(m, axis, ends.values[j]);
        }
      } else x = stepX(m, axis, n);
      if (x != null && isFinite(x)) out.push([x, v]);
    });
    return out;
  }

  // TensorBoard's smoothing: an exponential moving average, debiased so the first points are not pulled to 0.
  function ema(pts, a) {
    if (!a) return pts;
    var last = 0, n = 0;
    return pts.map(function (p) {
      last = last * a + (1 - a) * p[1];
      n++;
      return [p[0], last / (1 - Math.pow(a, n))];
    });
  }

  function fmtNum(v) {
    if (v === 0) return '0';
    var a = Math.abs(v);
    return a >= 1e4 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
  }

  function draw() {
    var metric = metricEl.value, a = Number(emaEl.value), axis = xEl.value, log = yEl.value === 'log';
    emaOut.textContent = String(a);
    var hasTime = runs.length > 0 && runs.every(function (r) { return byKey(r).time; });
    var timeOpt = xEl.querySelector('option[value="time"]');
    timeOpt.disabled = !hasTime;
    if (axis === 'time' && !hasTime) { xEl.value = axis = 'step'; }
    chart.textContent = '';
    legend.textContent = '';
    var lines = runs.map(function (r) {
      var pts = ema(points(r, metric, axis), a);
      if (log) pts = pts.filter(function (p) { return p[1] > 0; }).map(function (p) { return [p[0], Math.log10(p[1])]; });
      return { run: r, pts: pts };
    });
    var all = [];
    lines.forEach(function (l) { all = all.concat(l.pts); });
    var dropped = log ? ' Values at or below 0 are left out on the log axis.' : '';
    note.textContent = runs.length
      ? (all.length ? runs.length + ' run' + (runs.length > 1 ? 's' : '') + ' shown.' + dropped + (hasTime ? '' : ' Wall time needs every run to carry time stamps.') : 'None of these runs recorded this curve.')
      : 'Tick runs in the list to overlay their curves.';
    root.setAttribute('data-series', String(lines.filter(function (l) { return l.pts.length; }).length));
    if (!all.length) return;
    var xs = all.map(function (p) { return p[0]; }), ys = all.map(function (p) { return p[1]; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    if (x1 === x0) x1 = x0 + 1;
    if (y1 === y0) { y1 = y0 + 1; y0 = y0 - 1; }
    var W = 720, H = 300, L = 60, R = 12, T = 12, B = 40;
    var sx = function (x) { return L + (x - x0) / (x1 - x0) * (W - L - R); };
    var sy = function (y) { return T + (1 - (y - y0) / (y1 - y0)) * (H - T - B); };
    var NS = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    svg.setAttribute('role', 'img');
    var metricName = metricEl.options[metricEl.selectedIndex].text;
    var xName = { step: 'step', epoch: 'epoch', time: 'seconds since start' }[axis];
    svg.setAttribute('aria-label', metricName + ' by ' + xName + (log ? ', log scale' : '') + ', ' + lines.length + ' runs');
    svg.setAttribute('data-y-scale', log ? 'log' : 'linear');
    function text(x, y, s, anchor) {
      var t = document.createElementNS(NS, 'text');
      t.setAttribute('x', x); t.setAttribute('y', y); t.setAttribute('class', 'cmp-tick');
      if (anchor) t.setAttribute('text-anchor', anchor);
      t.textContent = s;
      svg.appendChild(t);
    }
    var axisPath = document.createElementNS(NS, 'path');
    axisPath.setAttribute('d', 'M' + L + ' ' + T + 'V' + (H - B) + 'H' + (W - R));
    axisPath.setAttribute('class', 'cmp-axis');
    svg.appendChild(axisPath);
    var yLabel = function (v) { return log ? fmtNum(Math.pow(10, v)) : fmtNum(v); };
    text(L - 4, T + 10, yLabel(y1), 'end');
    text(L - 4, H - B, yLabel(y0), 'end');
    text(L, H - B + 16, fmtNum(x0), 'start');
    text(W - R, H - B + 16, fmtNum(x1), 'end');
    text((L + W - R) / 2, H - 6, xName + (log ? ' · y on a log scale' : ''), 'middle');
    lines.forEach(function (l, i) {
      var colour = CMP_COLOURS[i % CMP_COLOURS.length], dash = CMP_DASHES[i % CMP_DASHES.length];
      if (l.pts.length) {
        var d = l.pts.map(function (p, j) { return (j ? 'L' : 'M') + sx(p[0]).toFixed(1) + ' ' + sy(p[1]).toFixed(1); }).join('');
        var path = document.createElementNS(NS, 'path');
        path.setAttribute('d', d);
        path.setAttribute('class', 'cmp-line');
        path.setAttribute('data-run', l.run.id);
        path.setAttribute('stroke', colour);
        if (dash) path.setAttribute('stroke-dasharray', dash);
        svg.appendChild(path);
      }
      var li = el('li');
      li.setAttribute('data-run', l.run.id);
      var sw = document.createElementNS(NS, 'svg');
      sw.setAttribute('width', '28'); sw.setAttribute('height', '10'); sw.setAttribute('aria-hidden', 'true');
      var ln = document.createElementNS(NS, 'path');
      ln.setAttribute('d', 'M1 5H27'); ln.setAttribute('stroke', colour); ln.setAttribute('stroke-width', '2.5');
      if (dash) ln.setAttribute('stroke-dasharray', dash);
      sw.appendChild(ln);
      li.appendChild(sw);
      li.appendChild(document.createTextNode(' ' + l.run.label + (l.pts.length ? '' : ' (no such curve)')));
      legend.appendChild(li);
    });
    chart.appendChild(svg);
  }

  [metricEl, emaEl, xEl, yEl].forEach(function (c) { c.addEventListener('input', draw); c.addEventListener('change', draw); });
  return { show: function (list) { runs = list; draw(); } };
}
`;
