import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import type { ReportInput, ReportOptions } from './report-input.js';
import { buildReportView } from './report-view.js';

/**
 * Renders a run's report: one self-contained HTML page (text, and charts
 * drawn by inlined uPlot from data embedded once as JSON) or Markdown with
 * the same content minus the plots. Pure apart from reading uPlot's files
 * from its package once per process.
 *
 * @example writeFileSync('report.html', renderReport({ diagnosis, run, series, knowledge }, { format: 'html' }));
 */
export function renderReport(input: ReportInput, options: ReportOptions): string {
  const view = buildReportView(input);
  return options.format === 'md' ? renderMarkdown(view) : renderHtml(view);
}
