export { decodeLine, encodeEvent, encodeNonFinite, reviveEvent } from './decode-line.js';
export { hasNonFinite } from './has-non-finite.js';
export {
  FIELD_MAP,
  IMPORTERS,
  type ImportedRun,
  type Importer,
  type ImportOptions,
  importRuns,
  type Probe,
  parseFieldMap,
} from './importers/index.js';
export { parseTraceText } from './parse-trace-text.js';
export {
  DEFAULT_READ_LIMITS,
  type NumberedLine,
  type ReadLimits,
  readLineChunks,
  readLines,
} from './read-lines.js';
export { readTrace, readTraceChunks } from './read-trace.js';
export { TraceError } from './trace-error.js';
export { createSequenceState, type SequenceState, validateEvent } from './validate-event.js';
export { createTraceWriter, type TraceWriter } from './write-trace.js';
