import type { TraceEvent } from '../../domain/index.js';
import type { ReadLimits } from '../read-lines.js';

/** What an importer sees of a path before choosing it: enough to recognise a format by content. */
export interface Probe {
  path: string;
  isDirectory: boolean;
  /** The first bytes of a file (decompressed when it is gzip), empty for a folder. */
  head: Buffer;
  /** A folder's entries (names only, sorted), empty for a file. */
  entries: string[];
}

/** How the user steers an import: `--map tag=field` overrides of the shared field map (field-map.ts). */
export interface ImportOptions {
  /** Source name (tag, column, key) → trace field, e.g. `{ 'my/loss': 'loss', 'noise': 'ignore' }`. */
  map?: Readonly<Record<string, string>>;
  /** Bounds on lines and decompression (default DEFAULT_READ_LIMITS). */
  limits?: ReadLimits;
}

/** One run found in a file or folder: a name to pick it by, and its events as a stream. */
export interface ImportedRun {
  /** The run's id where the source names it, else the file's name. */
  name: string;
  /** Where it was read from (shown in errors and listings). */
  source: string;
  /**
   * The run's events, validated, `run` first, one by one or in chunks (a chunk
   * costs one await however many events it holds: faster for large files);
   * errors name the file and the line (or byte offset).
   */
  events: AsyncIterable<TraceEvent | readonly TraceEvent[]>;
  /**
   * What the reader wants the user to know and the trace cannot say (tags it
   * did not map, a run that rewound after a restart). Filled while `events`
   * streams: complete once the stream has ended.
   */
  notes: string[];
}

/**
 * One input format: `match` recognises it from content (magic bytes, a header
 * line, the files of a folder), never from a file name alone; `parse` streams
 * the runs it holds. Importers are tried in order, the first match wins.
 *
 * @example const jsonl: Importer = { format: 'jsonl', match: (p) => startsWithObject(p.head), parse: ... };
 */
export interface Importer {
  /** A short name for listings and errors (`jsonl`, `tensorboard`, ...). */
  format: string;
  match(probe: Probe): boolean;
  parse(path: string, options?: ImportOptions): AsyncIterable<ImportedRun>;
}
