import { MARKER_PATHS } from './marker-shapes.js';
import { REPORT_DATA_ID } from './report-data.js';

/**
 * The browser side of an HTML report: reads the embedded JSON once and draws
 * every chart with uPlot. Plain ES2017 in a string, not TypeScript: it runs in
 * the reader's browser, inlined, with no build step, and the same text works
 * whether traindx runs from src/ (tsx) or dist/. The browser test
 * (test/report/report-browser.test.ts) is what checks it.
 *
 * Choices that make a chart readable without colour: series differ by dash
 * and point style as well as colour (Okabe–Ito palette), symptom markers by
 * shape and number, non-finite values by a text label (NaN, +Inf, -Inf), and
 * the heatmap uses viridis, whose brightness alone orders the values.
 */
export const CLIENT_SCRIPT = `(function () {
'use strict';
var data = JSON.parse(document.getElementById('${REPORT_DATA_ID}').textContent);
var SHAPES = ${JSON.stringify(MARKER_PATHS)};
var COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
var DASHES = [[], [7, 3], [2, 3], [9, 3, 2, 3]];
var VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];
var HEIGHT = 280;
var plots = [];
var dpr = window.devicePixelRatio || 1;

function fmt(v) {
  if (v == null) return '';
  if (!isFinite(v)) return String(v);
  var a = Math.abs(v);
  if (a !== 0 && (a >= 1e4 || a < 1e-3)) return v.toExponential(2).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

var DASH_NAMES = ['solid', 'dashed', 'dotted', 'dash-dot'];

// The legend names each line's style too, so curves are told apart without colour.
function styleOf(s, i) {
  if (s.style === 'batch') return { stroke: COLORS[0], width: 1, dash: [], hint: 'thin line' };
  if (s.style === 'epoch-train') return { stroke: COLORS[1], width: 2, dash: [], points: 'filled', hint: 'line, dots' };
  if (s.style === 'epoch-val') return { stroke: COLORS[2], width: 2, dash: [7, 3], points: 'hollow', hint: 'dashed, rings' };
  if (s.style === 'eval') return { stroke: COLORS[3], width: 2, dash: [2, 3], points: 'filled', hint: 'dotted, dots' };
  return { stroke: COLORS[i % COLORS.length], width: 1.5, dash: DASHES[i % DASHES.length], hint: DASH_NAMES[i % DASHES.length] };
}

function plotWidth(fig) {
  var el = fig.querySelector('.plot') || fig;
  return Math.max(320, Math.min(1100, el.clientWidth || 900));
}

function shape(ctx, name, x, y, size) {
  var p = new Path2D(SHAPES[name]);
  ctx.save();
  ctx.translate(x, y);
  ctx.scale(size / 10, size / 10);
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = '#ffffff';
  ctx.stroke(p);
  ctx.fillStyle = '#111111';
  ctx.fill(p);
  ctx.restore();
}

function label(ctx, text, x, y, color) {
  ctx.font = (11 * dpr) + 'px system-ui, sans-serif';
  var w = ctx.measureText(text).width + 6 * dpr;
  ctx.fillStyle = 'rgba(255,255,255,0.9)';
  ctx.fillRect(x, y - 10 * dpr, w, 14 * dpr);
  ctx.fillStyle = color;
  ctx.fillText(text, x + 3 * dpr, y);
}

// Symptom markers sit in lanes above the plot: the symptom's shape and number at
// its first step, a bar to its last step, a dashed line down into the plot, and
// the shape again on the first curve (or on the layer's row of the heatmap).
// Lanes are packed so that overlapping spans never share one.
var LANE = 15;

function laneLayout(markers, xMin, xMax) {
  var minSpan = (xMax - xMin) * 0.06, ends = [], lane = {};
  markers.slice().sort(function (a, b) { return data.symptoms[a].firstStep - data.symptoms[b].firstStep; })
    .forEach(function (m) {
      var s = data.symptoms[m], l = 0;
      while (l < ends.length && ends[l] >= s.firstStep) l++;
      ends[l] = Math.max(s.lastStep, s.firstStep + minSpan);
      lane[m] = l;
    });
  return { count: ends.length, lane: lane };
}

function drawMarkers(u, markers, layout, yOf) {
  var ctx = u.ctx, box = u.bbox, right = box.left + box.width;
  ctx.save();
  markers.forEach(function (m) {
    var s = data.symptoms[m];
    var x0 = u.valToPos(s.firstStep, 'x', true), x1 = u.valToPos(s.lastStep, 'x', true);
    if (x1 < box.left || x0 > right) return;
    var inside = x0 >= box.left;
    x0 = Math.max(x0, box.left);
    x1 = Math.min(x1, right);
    var ly = box.top - (layout.count - layout.lane[m] - 0.5) * LANE * dpr - 3 * dpr;
    ctx.strokeStyle = '#333333';
    ctx.lineWidth = 2 * dpr;
    if (x1 - x0 > 1) {
      ctx.beginPath();
      ctx.moveTo(x0, ly);
      ctx.lineTo(x1, ly);
      ctx.moveTo(x1, ly - 4 * dpr);
      ctx.lineTo(x1, ly + 4 * dpr);
      ctx.stroke();
    }
    if (inside) {
      ctx.setLineDash([4 * dpr, 3 * dpr]);
      ctx.strokeStyle = '#666666';
      ctx.lineWidth = dpr;
      ctx.beginPath();
      ctx.moveTo(x0, ly);
      ctx.lineTo(x0, box.top + box.height);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    shape(ctx, s.symbol, x0, ly, 11 * dpr);
    label(ctx, String(s.n), x0 + 7 * dpr, ly + 4 * dpr, '#111111');
    var y = inside ? yOf(s, u) : null;
    if (y != null) shape(ctx, s.symbol, x0, y, 11 * dpr);
  });
  ctx.restore();
}

function extent(xArrays) {
  var lo = Infinity, hi = -Infinity;
  xArrays.forEach(function (xs) { if (xs.length) { lo = Math.min(lo, xs[0]); hi = Math.max(hi, xs[xs.length - 1]); } });
  return lo <= hi ? [lo, hi] : [0, 1];
}

// NaN/Inf stretches: a bar along the top (bottom for -Inf) in the series'
// colour, labelled with the kind, so they show though no number can be drawn.
function drawNonFinite(u, chart) {
  var ctx = u.ctx, box = u.bbox, lastLabel = -1e9;
  ctx.save();
  chart.series.forEach(function (s, i) {
    var color = styleOf(s, i).stroke;
    s.nonFinite.forEach(function (r) {
      var xa = u.valToPos(r[0], 'x', true), xb = u.valToPos(r[1], 'x', true);
      if (xb < box.left || xa > box.left + box.width) return;
      var low = r[2] === '-Infinity';
      var y = low ? box.top + box.height - 5 * dpr : box.top + 1 * dpr;
      ctx.fillStyle = color;
      ctx.fillRect(Math.max(xa, box.left) - dpr, y, Math.max(2 * dpr, Math.min(xb, box.left + box.width) - xa + 2 * dpr), 4 * dpr);
      if (xa - lastLabel > 60 * dpr) {
        var text = r[2] === 'NaN' ? 'NaN' : low ? '-Inf' : '+Inf';
        label(ctx, text + (r[3] > 1 ? ' x' + r[3] : ''), Math.max(xa, box.left), low ? y - 4 * dpr : y + 16 * dpr, color);
        lastLabel = xa;
      }
    });
  });
  ctx.restore();
}

function linearTicks(u, splits) {
  return splits.map(fmt);
}

// A log axis over many decades: label whole powers of ten only, at most ~6 of them.
function logTicks(u, splits) {
  var decades = splits.filter(function (v) { return Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9; });
  var every = Math.max(1, Math.ceil(decades.length / 6));
  return splits.map(function (v) {
    var p = Math.log10(v), r = Math.round(p);
    if (Math.abs(p - r) > 1e-9 || r % every !== 0) return '';
    return r >= 4 || r <= -4 ? '1e' + r : fmt(v);
  });
}

function firstAtOrAfter(xs, v) {
  var lo = 0, hi = xs.length - 1;
  while (lo < hi) {
    var mid = (lo + hi) >> 1;
    if (xs[mid] < v) lo = mid + 1; else hi = mid;
  }
  return lo;
}

function lineChart(fig, chart) {
  // Series that share their steps (per-layer stats) need no join.
  var shared = chart.series.every(function (s) { return s.xi === chart.series[0].xi; });
  var aligned = shared
    ? [data.xs[chart.series[0].xi]].concat(chart.series.map(function (s) { return s.y; }))
    : uPlot.join(chart.series.map(function (s) { return [data.xs[s.xi], s.y]; }));
  var series = [{ label: data.xLabel }];
  chart.series.forEach(function (s, i) {
    var st = styleOf(s, i);
    series.push({
      label: s.label + ' · ' + st.hint,
      stroke: st.stroke,
      width: st.width,
      dash: st.dash,
      value: function (u, v) { return fmt(v); },
      points: st.points
        ? { show: true, size: 7, width: 2, stroke: st.stroke, fill: st.points === 'hollow' ? '#ffffff' : st.stroke }
        : { show: false },
    });
  });
  var share = chart.id === 'dead' || chart.id === 'saturated' || chart.id === 'accuracy';
  var yOf = function (s, u) {
    var xs = aligned[0], ys = aligned[1];
    for (var i = firstAtOrAfter(xs, s.firstStep); i < xs.length; i++) {
      if (ys[i] != null) return u.valToPos(ys[i], 'y', true);
    }
    return null;
  };
  var ext = extent(chart.series.map(function (s) { return data.xs[s.xi]; }));
  var layout = laneLayout(chart.markers, ext[0], ext[1]);
  var opts = {
    width: plotWidth(fig),
    height: HEIGHT + LANE * layout.count,
    padding: [12 + LANE * layout.count, null, null, null],
    scales: {
      x: { time: false },
      y: chart.log ? { distr: 3 } : share ? { range: function (u, min, max) { return [0, Math.max(1, max)]; } } : {},
    },
    axes: [
      { label: data.xLabel },
      { label: chart.yLabel + (chart.log ? ' (log scale)' : ''), size: 64, values: chart.log ? logTicks : linearTicks },
    ],
    series: series,
    cursor: { sync: { key: 'traindx-steps' } },
    hooks: { draw: [function (u) { drawNonFinite(u, chart); drawMarkers(u, chart.markers, layout, yOf); }] },
  };
  var u = new uPlot(opts, aligned, fig.querySelector('.plot'));
  var points = 0;
  chart.series.forEach(function (s) { s.y.forEach(function (v) { if (v != null) points++; }); });
  return { u: u, points: points };
}

function viridis(t) {
  var x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1), i = Math.floor(x);
  return VIRIDIS[Math.min(i + (x - i >= 0.5 ? 1 : 0), VIRIDIS.length - 1)];
}

function heatmap(fig, h) {
  var rows = h.layers.length, cols = h.x0.length;
  var lo = Infinity, hi = -Infinity, points = 0;
  h.cells.forEach(function (line) {
    line.forEach(function (v) { if (v != null) { points++; lo = Math.min(lo, v); hi = Math.max(hi, v); } });
  });
  points += h.nonFinite.length + h.zero.length;
  if (!(hi > lo)) { hi = lo + 1; }
  // Column edges halfway between readings, so the cells tile the step axis.
  var edges = [];
  for (var c = 0; c <= cols; c++) {
    if (c === 0) edges.push(h.x0[0] - (cols > 1 ? (h.x0[1] - h.x1[0]) / 2 : 0.5));
    else if (c === cols) edges.push(h.x1[cols - 1] + (cols > 1 ? (h.x0[cols - 1] - h.x1[cols - 2]) / 2 : 0.5));
    else edges.push((h.x1[c - 1] + h.x0[c]) / 2);
  }
  var xs = h.x0.map(function (a, c) { return (a + h.x1[c]) / 2; });
  var flagged = {};
  h.nonFinite.forEach(function (rc) { flagged[rc[0] + ':' + rc[1]] = 'bad'; });
  h.zero.forEach(function (rc) { flagged[rc[0] + ':' + rc[1]] = 'zero'; });
  var rowY = function (u, r, edge) { return u.valToPos(rows - 1 - r + edge, 'y', true); };
  var readout = fig.querySelector('.readout');
  var layout = laneLayout(h.markers, h.x0[0], h.x1[cols - 1]);
  var opts = {
    width: plotWidth(fig),
    height: Math.max(160, 26 * rows + 60) + LANE * layout.count,
    padding: [12 + LANE * layout.count, null, null, null],
    legend: { show: false },
    scales: {
      x: { time: false, range: function (u, min, max) { return min === xs[0] && max === xs[cols - 1] ? [edges[0], edges[cols]] : [min, max]; } },
      y: { range: [-0.5, rows - 0.5] },
    },
    axes: [
      { label: data.xLabel },
      {
        size: 96,
        splits: function () { return h.layers.map(function (_, i) { return i; }); },
        values: function (u, splits) { return splits.map(function (v) { return h.layers[rows - 1 - v] || ''; }); },
        grid: { show: false },
      },
    ],
    // One empty series gives uPlot its axes and cursor; the cells are drawn in the draw hook.
    series: [{}, { label: 'gradient norm', stroke: 'transparent', points: { show: false } }],
    cursor: { sync: { key: 'traindx-steps' }, points: { show: false } },
    hooks: {
      draw: [function (u) {
        var ctx = u.ctx;
        ctx.save();
        for (var r = 0; r < rows; r++) {
          var yTop = rowY(u, r, 0.5), yBot = rowY(u, r, -0.5);
          for (var c = 0; c < cols; c++) {
            var xa = u.valToPos(edges[c], 'x', true), xb = u.valToPos(edges[c + 1], 'x', true);
            if (xb < u.bbox.left || xa > u.bbox.left + u.bbox.width) continue;
            var flag = flagged[r + ':' + c], v = h.cells[r][c];
            if (flag === 'bad') ctx.fillStyle = '#000000';
            else if (flag === 'zero') ctx.fillStyle = '#d9d9d9';
            else if (v == null) continue;
            else ctx.fillStyle = viridis((v - lo) / (hi - lo));
            ctx.fillRect(xa, yTop, Math.max(1, xb - xa + 0.5), yBot - yTop);
            if (flag === 'bad' || flag === 'zero') {
              ctx.fillStyle = flag === 'bad' ? '#ffffff' : '#333333';
              var cx = (xa + xb) / 2, cy = (yTop + yBot) / 2, sz = Math.min(8 * dpr, Math.max(2, xb - xa));
              if (flag === 'bad') shapeFill(ctx, 'cross', cx, cy, sz, '#ffffff');
              else ctx.fillRect(cx - dpr, cy - dpr, 2 * dpr, 2 * dpr);
            }
          }
        }
        ctx.restore();
        drawMarkers(u, h.markers, layout, function (s, u) {
          var r = h.layers.indexOf(s.layer);
          return r < 0 ? null : rowY(u, r, 0);
        });
      }],
      setCursor: [function (u) {
        if (!readout) return;
        var c = u.cursor.idx, top = u.cursor.top;
        if (c == null || top == null || top < 0) { readout.textContent = ''; return; }
        var r = rows - 1 - Math.round(u.posToVal(top, 'y'));
        if (r < 0 || r >= rows) { readout.textContent = ''; return; }
        var flag = flagged[r + ':' + c], v = h.cells[r][c];
        var value = flag === 'bad' ? 'NaN or infinite reading' : flag === 'zero' ? 'exactly 0' : v == null ? 'no reading' : 'gradient norm ' + fmt(Math.pow(10, v));
        readout.textContent = h.layers[r] + ', steps ' + h.x0[c] + (h.x1[c] !== h.x0[c] ? '-' + h.x1[c] : '') + ': ' + value;
      }],
    },
  };
  var u = new uPlot(opts, [xs, xs.map(function () { return null; })], fig.querySelector('.plot'));
  return { u: u, points: points };
}

// Viridis reversed: light for few values, dark for most, so an empty cell is the white page
// and the eye reads darkness as density; brightness alone orders it (colour-blind safe).
function density(t) { return viridis(1 - t); }

// One layer's weights or gradients over steps: column i spans halfway to its
// neighbours' steps, row r the values [lo + r*h, lo + (r+1)*h).
function distributionPlot(el, d, readout) {
  var cols = d.steps.length, rows = cols ? d.shares[0].length : 0, h = (d.hi - d.lo) / Math.max(1, rows);
  var edges = [];
  for (var c = 0; c <= cols; c++) {
    if (c === 0) edges.push(d.steps[0] - (cols > 1 ? (d.steps[1] - d.steps[0]) / 2 : 0.5));
    else if (c === cols) edges.push(d.steps[cols - 1] + (cols > 1 ? (d.steps[cols - 1] - d.steps[cols - 2]) / 2 : 0.5));
    else edges.push((d.steps[c - 1] + d.steps[c]) / 2);
  }
  var name = d.kind === 'weight' ? 'weights' : 'gradients';
  var opts = {
    width: plotWidth(el),
    height: 220,
    legend: { show: false },
    scales: {
      x: { time: false, range: function (u, min, max) { return min === d.steps[0] && max === d.steps[cols - 1] ? [edges[0], edges[cols]] : [min, max]; } },
      y: { range: [d.lo, d.hi] },
    },
    axes: [{ label: 'step' }, { label: name, size: 64, values: linearTicks }],
    series: [{}, { label: name, stroke: 'transparent', points: { show: false } }],
    cursor: { sync: { key: 'traindx-steps' }, points: { show: false } },
    hooks: {
      draw: [function (u) {
        var ctx = u.ctx;
        ctx.save();
        for (var c = 0; c < cols; c++) {
          var xa = u.valToPos(edges[c], 'x', true), xb = u.valToPos(edges[c + 1], 'x', true);
          if (xb < u.bbox.left || xa > u.bbox.left + u.bbox.width) continue;
          for (var r = 0; r < rows; r++) {
            var v = d.shares[c][r];
            if (!v) continue;
            var yTop = u.valToPos(d.lo + (r + 1) * h, 'y', true), yBot = u.valToPos(d.lo + r * h, 'y', true);
            ctx.fillStyle = density(v / 100);
            ctx.fillRect(xa, yTop, Math.max(1, xb - xa + 0.5), Math.max(1, yBot - yTop + 0.5));
          }
        }
        ctx.restore();
      }],
      setCursor: [function (u) {
        if (!readout) return;
        var c = u.cursor.idx;
        if (c == null || u.cursor.left == null || u.cursor.left < 0) return;
        var peak = 0;
        for (var r = 1; r < rows; r++) if (d.shares[c][r] > d.shares[c][peak]) peak = r;
        readout.textContent = d.layer + ' ' + name + ', step ' + d.steps[c] + ': most values near ' + fmt(d.lo + (peak + 0.5) * h);
      }],
    },
  };
  el.setAttribute('data-steps', String(cols));
  return new uPlot(opts, [d.steps, d.steps.map(function () { return null; })], el);
}

// The distributions figure: the chosen layer's two heat maps, drawn again when another layer is picked.
function distributions(fig, list) {
  var select = fig.querySelector('select'), readout = fig.querySelector('.readout'), drawn = [];
  function show() {
    drawn.forEach(function (u) {
      u.destroy();
      plots = plots.filter(function (p) { return p.u !== u; });
    });
    drawn = [];
    var cells = 0;
    ['weight', 'grad'].forEach(function (kind) {
      var el = fig.querySelector('.dist-plot[data-kind="' + kind + '"]');
      el.textContent = '';
      var d = list.filter(function (x) { return x.layer === select.value && x.kind === kind; })[0];
      if (!d) {
        el.setAttribute('data-steps', '0');
        var p = document.createElement('p');
        p.className = 'meta';
        p.textContent = 'The trace recorded no ' + (kind === 'weight' ? 'weight' : 'gradient') + ' histograms for this layer.';
        el.appendChild(p);
        return;
      }
      var u = distributionPlot(el, d, readout);
      drawn.push(u);
      plots.push({ u: u, fig: el });
      cells += d.steps.length;
    });
    fig.setAttribute('data-layer', select.value);
    fig.setAttribute('data-points', String(cells));
    return drawn[0];
  }
  // A live page runs this script again on the same figure: one listener, the latest.
  if (select.traindxShow) select.removeEventListener('change', select.traindxShow);
  select.traindxShow = show;
  select.addEventListener('change', show);
  var first = show();
  // show() keeps its plots in the resize list itself.
  return { u: first, points: Number(fig.getAttribute('data-points')), listed: true };
}

function shapeFill(ctx, name, x, y, size, color) {
  var p = new Path2D(SHAPES[name]);
  ctx.save();
  ctx.translate(x, y);
  ctx.scale(size / 10, size / 10);
  ctx.fillStyle = color;
  ctx.fill(p);
  ctx.restore();
}

function mount(id, draw, spec) {
  var fig = document.getElementById('chart-' + id);
  if (!fig) return;
  try {
    var made = draw(fig, spec);
    if (!made.listed) plots.push({ u: made.u, fig: fig });
    fig.setAttribute('data-points', String(made.points));
    fig.setAttribute('data-drawn', 'true');
  } catch (err) {
    fig.setAttribute('data-drawn', 'error');
    var p = document.createElement('p');
    p.className = 'chart-error';
    p.textContent = 'This chart could not be drawn: ' + err.message + '. Its numbers are in the table below.';
    fig.querySelector('.plot').appendChild(p);
  }
}

data.charts.forEach(function (c) { mount(c.id, lineChart, c); });
if (data.heatmap) mount(data.heatmap.id, heatmap, data.heatmap);
if (data.distributions && data.distributions.length) mount('distributions', distributions, data.distributions);
document.body.setAttribute('data-charts-ready', String(plots.length));

var pending = false;
window.addEventListener('resize', function () {
  if (pending) return;
  pending = true;
  requestAnimationFrame(function () {
    pending = false;
    plots.forEach(function (p) { p.u.setSize({ width: plotWidth(p.fig), height: p.u.height }); });
  });
});
})();
`;
