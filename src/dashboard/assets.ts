import { reportAssets } from '../report/index.js';
import { chartsScript } from './client/charts-script.js';
import { GRAPH_SCRIPT } from './client/graph-script.js';
import { RUN_SCRIPT } from './client/run-script.js';
import { RUNS_SCRIPT } from './client/runs-script.js';
import { type Asset, asset } from './responses.js';
import { DASHBOARD_CSS } from './styles.js';

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

let assets: Map<string, Asset> | undefined;

/**
 * Everything the pages load, by name under /assets/: uPlot and the report's
 * chart script and styles (the same files a report inlines), and the
 * dashboard's own scripts and styles. Built once, on first use.
 *
 * @example dashboardAsset('charts.js')?.type // 'text/javascript; charset=utf-8'
 */
export function dashboardAsset(name: string): Asset | undefined {
  assets ??= buildAssets();
  return assets.get(name);
}

function buildAssets(): Map<string, Asset> {
  const report = reportAssets();
  return new Map([
    ['uplot.css', asset(CSS, report.uplotCss)],
    ['report.css', asset(CSS, report.css)],
    ['dashboard.css', asset(CSS, DASHBOARD_CSS)],
    ['charts.js', asset(JS, chartsScript())],
    ['runs.js', asset(JS, RUNS_SCRIPT)],
    ['run.js', asset(JS, RUN_SCRIPT)],
    ['graph.js', asset(JS, GRAPH_SCRIPT)],
  ]);
}
