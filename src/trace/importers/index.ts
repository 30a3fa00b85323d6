export { csvImporter } from './csv/index.js';
export { FIELD_MAP, histogramField, parseFieldMap, resolveField, type TraceField } from './field-map.js';
export { hfTrainerStateImporter } from './hf-trainer-state.js';
export { IMPORTERS, importRuns } from './import-runs.js';
export type { ImportedRun, Importer, ImportOptions, Probe } from './importer.js';
export { jsonlImporter } from './jsonl.js';
export { probePath } from './probe-path.js';
export { tensorboardImporter } from './tensorboard/index.js';
export { wandbImporter } from './wandb/index.js';
