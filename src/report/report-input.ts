import { z } from 'zod';
import type { Diagnosis, HistogramSeries, KnowledgeSeed, RunEvent, SeriesChunk } from '../domain/index.js';

/** Everything a report shows; gathered by the CLI (from a trace file or a store), rendered without I/O. */
export interface ReportInput {
  diagnosis: Diagnosis;
  /** The run's `run` event: model layers, data set, optimizer. */
  run: RunEvent;
  /** The run's stored series (store.readSeries): keys as in src/ingest/to-series.ts. */
  series: SeriesChunk[];
  /** The run's weight and gradient histograms (store.readHistograms); none when the trace had none. */
  histograms?: HistogramSeries[];
  /** The knowledge graph: names of symptoms and causes, remedy snippets. */
  knowledge: KnowledgeSeed;
}

export const ReportFormat = z.enum(['html', 'md']);
export type ReportFormat = z.infer<typeof ReportFormat>;

export const ReportOptions = z.object({ format: ReportFormat });
export type ReportOptions = z.infer<typeof ReportOptions>;
