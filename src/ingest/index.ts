export { createIngestor, type IngestDeps, type IngestOptions, type IngestResult } from './ingest-batch.js';
export { toSeries } from './to-series.js';
