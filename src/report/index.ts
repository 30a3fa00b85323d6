// Besides renderReport: the view, its sections and the page's scripts and styles, which src/dashboard reuses to show a report live.
export { MAX_POINTS } from './build-report-data.js';
export { downsampleMinMax } from './downsample.js';
export { type EditPreview, previewEdits } from './edit-preview.js';
export { esc, scriptJson } from './html.js';
export { MARKER_PATHS, markerSvg } from './marker-shapes.js';
export { renderReport } from './render-report.js';
export { type ReportAssets, reportAssets } from './report-assets.js';
export { type MarkerSymbol, REPORT_DATA_ID, ReportData, readReportData } from './report-data.js';
export { ReportFormat, type ReportInput, ReportOptions } from './report-input.js';
export { REPORT_SECTIONS, type ReportSection } from './report-sections.js';
export { buildReportView, type ReportView } from './report-view.js';
