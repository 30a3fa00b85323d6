import { chartAssets } from './chart-assets.js';
import { CLIENT_SCRIPT } from './client-script.js';
import { REPORT_CSS } from './report-styles.js';

/** What a report page loads besides its HTML. */
export interface ReportAssets {
  /** uPlot's script and stylesheet (MIT licence notice kept in the script). */
  uplotJs: string;
  uplotCss: string;
  /** The script that draws the charts from the JSON in the element of id REPORT_DATA_ID. */
  chartScript: string;
  /** The report's own stylesheet. */
  css: string;
}

/**
 * The scripts and styles of a report page: inlined by the HTML report, served
 * as files by the dashboard. uPlot's files are read from its package once.
 *
 * @example `<style>${reportAssets().css}</style>`
 */
export function reportAssets(): ReportAssets {
  const uplot = chartAssets();
  return { uplotJs: uplot.js, uplotCss: uplot.css, chartScript: CLIENT_SCRIPT, css: REPORT_CSS };
}
