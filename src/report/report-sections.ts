import { chartsHtml } from './html-charts.js';
import { causesHtml, symptomsHtml } from './html-findings.js';
import { editsHtml, remediesHtml } from './html-remedies.js';
import { missingHtml, summaryHtml } from './html-summary.js';
import { whyHtml } from './html-why.js';
import type { ReportView } from './report-view.js';

/** One section of a report page: its element id, its heading, and its HTML for a view. */
export interface ReportSection {
  id: string;
  name: string;
  html(view: ReportView): string;
  /** Rendered only when it has something to say (its HTML is then ''), and not listed in the section links. */
  optional?: true;
}

/**
 * The sections of a run's report, in page order: the HTML report and the
 * dashboard's run page both show these, so the two cannot drift apart.
 *
 * @example REPORT_SECTIONS.map((s) => s.html(view)).join('\n')
 */
export const REPORT_SECTIONS: readonly ReportSection[] = [
  // First, so the reason and the fix are on the first screen (the causes' text can run long).
  { id: 'why', name: 'Why', html: whyHtml, optional: true },
  { id: 'summary', name: 'Run summary', html: summaryHtml },
  { id: 'causes', name: 'Likely causes', html: causesHtml },
  { id: 'symptoms', name: 'Symptoms', html: symptomsHtml },
  { id: 'remedies', name: 'What to change', html: remediesHtml },
  { id: 'edits', name: 'Structure edits', html: editsHtml },
  { id: 'charts', name: 'Training curves', html: chartsHtml },
  { id: 'missing', name: 'Signals the trace lacked', html: missingHtml, optional: true },
];
