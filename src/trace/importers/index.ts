export { IMPORTERS, importRuns } from './import-runs.js';
export type { ImportedRun, Importer, Probe } from './importer.js';
export { jsonlImporter } from './jsonl.js';
export { probePath } from './probe-path.js';
