export { MAX_POINTS } from './build-report-data.js';
export { downsampleMinMax } from './downsample.js';
export { type EditPreview, previewEdits } from './edit-preview.js';
export { renderReport } from './render-report.js';
export { REPORT_DATA_ID, ReportData, readReportData } from './report-data.js';
export { ReportFormat, type ReportInput, ReportOptions } from './report-input.js';
