// Besides renderReport: the view, HTML sections, chart script and styles, which src/dashboard reuses to show a report live.
export { MAX_POINTS } from './build-report-data.js';
export { chartAssets } from './chart-assets.js';
export { CLIENT_SCRIPT } from './client-script.js';
export { downsampleMinMax } from './downsample.js';
export { type EditPreview, previewEdits } from './edit-preview.js';
export { esc, scriptJson } from './html.js';
export { chartsHtml } from './html-charts.js';
export { causesHtml, symptomsHtml } from './html-findings.js';
export { editsHtml, remediesHtml } from './html-remedies.js';
export { MARKER_PATHS, markerSvg } from './marker-shapes.js';
export { missingHtml, summaryHtml } from './render-html.js';
export { renderReport } from './render-report.js';
export { type MarkerSymbol, REPORT_DATA_ID, ReportData, readReportData } from './report-data.js';
export { ReportFormat, type ReportInput, ReportOptions } from './report-input.js';
export { REPORT_CSS } from './report-styles.js';
export { buildReportView, type ReportView } from './report-view.js';
