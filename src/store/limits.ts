import type { KnowledgeSeed, Outcome, RunEvent } from '../domain/index.js';
import { LimitError } from '../errors/index.js';
import type { StoredBatch } from './graph-store.js';

/**
 * The longest ids and names either store keeps, in characters (UTF-16 code
 * units, as `string.length` counts them). Both adapters check them, so a run
 * the memory store takes, Neo4j takes too. Neo4j indexes these values and
 * refuses an index key over ~8 kB; the largest composite key here (a run id
 * and a batch id or series key, 4 bytes of UTF-8 per pair of code units at
 * worst) stays under 4 kB.
 */
export const STORE_LIMITS = {
  /** Run, batch, parent run, remedy, cause and other knowledge ids. */
  idChars: 512,
  /** A layer's name, in the run's model and in a symptom's `layer`. */
  layerNameChars: 256,
  /** A series key (`loss`, `metrics.<name>`, `layers.<layer>.<stat>`, ...). */
  seriesKeyChars: 512,
} as const;

/**
 * Refuses an id over the limit with ID_TOO_LONG, naming the field.
 *
 * @example checkId('runId', runId) // throws LimitError for 'x'.repeat(513)
 */
export function checkId(field: string, value: string | undefined | null): void {
  if (value != null && value.length > STORE_LIMITS.idChars) {
    throw new LimitError(
      `field '${field}': at most ${STORE_LIMITS.idChars} characters, got ${value.length}; use a shorter id.`,
      'ID_TOO_LONG',
    );
  }
}

function checkName(field: string, value: string | undefined | null, max: number): void {
  if (value != null && value.length > max) {
    throw new LimitError(
      `field '${field}': at most ${max} characters, got ${value.length}; use a shorter name.`,
      'NAME_TOO_LONG',
    );
  }
}

/** A run's id, parent and layer names. */
export function checkRunLimits(run: RunEvent): void {
  checkId('id', run.id);
  checkId('parentRunId', run.parentRunId);
  for (const [i, l] of (run.model?.layers ?? []).entries()) {
    checkName(`model.layers[${i}].name`, l.name, STORE_LIMITS.layerNameChars);
  }
}

/** A batch's ids, series keys (and the layer inside `layers.<layer>.<stat>`) and its symptoms' layers. */
export function checkBatchLimits(runId: string, batch: StoredBatch): void {
  checkId('runId', runId);
  checkId('batchId', batch.batchId);
  for (const { key } of batch.series) {
    checkName('series key', key, STORE_LIMITS.seriesKeyChars);
    // The stat is the last dot-separated part; a layer's name may itself hold dots.
    if (key.startsWith('layers.')) {
      checkName('layer', key.slice(7, key.lastIndexOf('.')), STORE_LIMITS.layerNameChars);
    }
  }
  for (const o of batch.occurrences) checkName('layer', o.layer, STORE_LIMITS.layerNameChars);
  for (const h of batch.histograms ?? []) checkName('layer', h.layer, STORE_LIMITS.layerNameChars);
}

export function checkOutcomeLimits(outcome: Outcome): void {
  checkId('runId', outcome.runId);
  checkId('parentRunId', outcome.parentRunId);
  checkId('remedyId', outcome.remedyId);
  for (const id of outcome.causeIds) checkId('causeIds', id);
}

/** Every id of a part of the knowledge graph. */
export function checkKnowledgeLimits(part: KnowledgeSeed): void {
  for (const kind of ['sources', 'symptoms', 'causes', 'remedies'] as const) {
    for (const node of part[kind]) checkId(`${kind}.id`, node.id);
  }
}
