export { createIngestor, type IngestDeps, type IngestResult } from './ingest-batch.js';
export { toSeries } from './to-series.js';
