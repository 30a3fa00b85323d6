import { reportAssets } from '../../report/index.js';

/**
 * `/assets/charts.js`: uPlot and the report's own chart script, wrapped so a
 * live page can draw again after new points arrive: `traindxCharts.draw()`
 * destroys the plots it drew before (uPlot's cursor-sync group holds them)
 * and runs the report script on the data now in the page. The report script
 * adds one resize listener per run; here its `window` is a stand-in that
 * keeps only the latest one, so redrawing every few seconds leaks nothing.
 */
export function chartsScript(): string {
  const { uplotJs, chartScript } = reportAssets();
  return `${uplotJs}
;(function (root) {
'use strict';
var onResize = null;
root.addEventListener('resize', function (e) { if (onResize) onResize(e); });
function draw() {
  uPlot.sync('traindx-steps').plots.slice().forEach(function (u) { u.destroy(); });
  var window = {
    devicePixelRatio: root.devicePixelRatio,
    addEventListener: function (type, fn) { if (type === 'resize') onResize = fn; },
  };
${chartScript}
}
root.traindxCharts = { draw: draw };
})(window);
`;
}
