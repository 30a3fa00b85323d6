import type {
  HistogramPoint,
  HistogramSeries,
  KnowledgeCounts,
  KnowledgeSeed,
  Outcome,
  OutcomeFilter,
  RunEvent,
  RunSummary,
  SavedDetectorState,
  SeriesChunk,
  StateDelta,
  StoredRun,
  SymptomOccurrence,
} from '../domain/index.js';
import { TraindxError } from '../errors/index.js';
import type { AlertStore } from './alert-store.js';

// Plain data shapes of runs and knowledge live in domain; re-exported here while
// callers still import them from the store.

/**
 * What one acknowledged ingest batch leaves in the store. It is written in one
 * transaction: either all of it (events as series, occurrences, the detectors'
 * state after the batch) or none, and a `batchId` already stored is ignored,
 * so a client may resend a batch whose answer it did not get.
 */
export interface StoredBatch {
  batchId: string;
  /**
   * Optimistic concurrency: the run's batch count the detector state was
   * computed from. If another writer stored a batch in between, the store
   * refuses with BatchConflictError and the caller recomputes.
   */
  expectedBatchCount?: number;
  eventCount: number;
  lastStep?: number;
  series: SeriesChunk[];
  /** The weight and gradient histograms the batch's steps carried, in event order (kept bounded: histogram-bounds.ts). */
  histograms?: HistogramPoint[];
  occurrences: SymptomOccurrence[];
  /**
   * The whole detector state after this batch (JSON), as versions before
   * stateDelta wrote it; it replaces the run's state parts.
   */
  detectorState?: string;
  /** What this batch changed in the run's detector state (parts written and removed), so another process can resume. */
  stateDelta?: StateDelta;
  /** Set when the batch carried the run's `end` event. */
  status?: string;
}

/**
 * The port every stage talks to. Two adapters implement it (memory, neo4j) and
 * both pass the same contract suite (test/store/contract.ts). Reasoning is not
 * here: the store returns plain data and `reason` works on it.
 */
export interface GraphStore extends AlertStore {
  readonly kind: 'memory' | 'neo4j';
  /** One line for the start-up log: what is stored where. */
  readonly description: string;
  close(): Promise<void>;
  /**
   * Resolves when the store answers and holds what it must; throws
   * StoreUnavailableError (STORE_UNAVAILABLE) when it cannot be reached. A
   * Neo4j found fresh (back from an outage without its data) first gets its
   * schema again and what `onFresh` adds. `/health` asks it.
   */
  ensureReady(): Promise<void>;
  /**
   * What a fresh store needs before it serves again, besides its schema: the
   * engine seeds the knowledge graph. `prepare` gets the store itself, unguarded
   * (its calls do not wait for readiness). The memory store never loses its
   * state while open, so it never calls it.
   */
  onFresh(prepare: (store: GraphStore) => Promise<void>): void;

  /** The whole knowledge graph (symptoms, causes, remedies, links, sources). */
  readKnowledge(): Promise<KnowledgeSeed>;
  /**
   * Inserts or updates (by id, or by the pair of ids of a link) everything
   * given; removes nothing. An existing FIXED_BY link keeps the tries and
   * successes learned from outcomes, so a reseed never forgets them. With
   * `change` (a team's edit through the API), in the same write: the entries
   * of `change.tag` are marked as the team's (who, when), those of
   * `change.untag` are the seed's again.
   */
  upsertKnowledge(part: KnowledgeSeed, change?: KnowledgeChangeWrite): Promise<void>;
  /** The entries a team changed or added (see upsertKnowledge's `change`), by part and key. */
  readKnowledgeTags(): Promise<KnowledgeTag[]>;
  /**
   * In one write: upserts `restore` (the seed's entries, learned counts kept),
   * deletes the entries of `remove` (a node with its links), and forgets the
   * tags of `untag`. How an admin goes back to the shipped seed.
   */
  revertKnowledge(restore: KnowledgeSeed, remove: KnowledgeSeed, untag: KnowledgeRef[]): Promise<void>;
  countKnowledge(): Promise<KnowledgeCounts>;
  /** The given symptoms, the causes they suggest, the remedies of those causes, and the links between. */
  knowledgeAround(symptomIds: string[]): Promise<KnowledgeSeed>;

  /** Stores a run's `run` event; a second call with the same id keeps the first and says so. */
  putRun(run: RunEvent): Promise<{ created: boolean }>;
  getRun(runId: string): Promise<StoredRun | null>;
  /** How far a run's stored state is (its batch count and status): a light read to tell whether anything changed. */
  runVersion(runId: string): Promise<{ batchCount: number; status?: string } | null>;
  listRuns(): Promise<RunSummary[]>;
  /**
   * The run's saved detector state: a whole state an older version wrote, or
   * the parts its batches' deltas left (in the order they were first
   * written); only the parts of `keys` when given. Null for an unknown run.
   */
  readDetectorState(runId: string, keys?: readonly string[]): Promise<SavedDetectorState | null>;
  /** Whether a batch of this id was stored for the run. */
  hasBatch(runId: string, batchId: string): Promise<boolean>;
  /** Atomic and idempotent by `batchId` (see StoredBatch). */
  appendBatch(runId: string, batch: StoredBatch): Promise<{ accepted: boolean }>;
  /** A run's series, chunks merged and ordered by step; one key or all. */
  readSeries(runId: string, key?: string): Promise<SeriesChunk[]>;
  /**
   * A run's weight and gradient histograms per (layer, kind), steps ascending,
   * thinned to HISTOGRAM_BOUNDS; by kind, then layer. Empty for a run without any.
   */
  readHistograms(runId: string): Promise<HistogramSeries[]>;
  /** A run's symptom occurrences; a later write of the same (symptom, layer, firstStep) replaces the earlier. */
  readOccurrences(runId: string): Promise<SymptomOccurrence[]>;

  /**
   * Stores the outcome and, in the same transaction, counts it on the FIXED_BY
   * link of each of its causes to its remedy (tries + 1, successes + 1 if it
   * worked). Links that do not exist are skipped: `updatedLinks` says how many
   * were counted. Idempotent by (runId, remedyId): a second outcome of the
   * same pair changes nothing and answers `recorded: false, updatedLinks: 0`.
   * The runs need not be stored.
   */
  recordOutcome(outcome: Outcome): Promise<{ recorded: boolean; updatedLinks: number }>;
  /** Recorded outcomes that count (not discarded), ordered by parentRunId, runId, remedyId. */
  listOutcomes(filter?: OutcomeFilter): Promise<Outcome[]>;
  /**
   * Every recorded outcome with where it came from (the token that owned its
   * run when it was recorded) and whether an admin discarded it; same order.
   */
  listOutcomeRecords(filter?: OutcomeFilter): Promise<OutcomeRecord[]>;
  /**
   * Discards outcomes by (runId, remedyId): each stays listed as discarded
   * (so the same pair is not recorded again) and, in the same write, its
   * count comes off its FIXED_BY links. Returns the keys it discarded (not
   * those unknown or discarded already).
   */
  discardOutcomes(keys: OutcomeKey[], by: string | null, at: string): Promise<OutcomeKey[]>;

  /** Stores an API token (its hash only); a name or hash already stored is refused with TOKEN_EXISTS. */
  putToken(token: StoredToken): Promise<void>;
  /** The token of this sha256 hash (hex), or null (never stored, or revoked). */
  findToken(hash: string): Promise<StoredToken | null>;
  /** Every live token, by name, without hashes. */
  listTokens(): Promise<TokenInfo[]>;
  /** Removes the token of this name; false when there is none. */
  revokeToken(name: string): Promise<boolean>;
  /** Records that the token `tokenName` started the run, unless one did first; returns the run's owner. */
  claimRun(runId: string, tokenName: string): Promise<string>;
  /** The name of the token that started the run, or null (started without auth, or no such run). */
  runOwner(runId: string): Promise<string | null>;
}

/** One of the six lists of the knowledge graph. */
export type KnowledgePart = keyof KnowledgeSeed;

/** An entry of the graph by part and key: a node's id, `from->to` for a link (as seed-parts keys them). */
export interface KnowledgeRef {
  part: KnowledgePart;
  key: string;
}

/** A team's mark on an entry: the seed no longer writes over it. */
export interface KnowledgeTag extends KnowledgeRef {
  /** The token's name; null when auth was off. */
  by: string | null;
  /** ISO 8601. */
  at: string;
}

/** The marks an API edit leaves (upsertKnowledge's `change`). */
export interface KnowledgeChangeWrite {
  by: string | null;
  at: string;
  tag: KnowledgeRef[];
  untag: KnowledgeRef[];
}

/** What identifies an outcome (recordOutcome is idempotent by it). */
export interface OutcomeKey {
  runId: string;
  remedyId: string;
}

/** An outcome with its provenance, as an admin lists it. */
export interface OutcomeRecord extends Outcome {
  /** The token that owned the retried run when the outcome was recorded; null without one. */
  recordedBy: string | null;
  /** ISO 8601; null for outcomes stored before it was kept. */
  recordedAt: string | null;
  discarded: boolean;
  discardedBy: string | null;
  discardedAt: string | null;
}

/** The key of a knowledge entry, the same as seed-parts' SEED_PART_KEYS. */
export function knowledgeKey(part: KnowledgePart, entry: unknown): string {
  const e = entry as Record<string, string>;
  if (part === 'suggests') return `${e.symptom}->${e.cause}`;
  if (part === 'fixedBy') return `${e.cause}->${e.remedy}`;
  return e.id!;
}

/** What a token may do: read ⊂ write ⊂ admin. */
export type TokenScope = 'read' | 'write' | 'admin';

/** A token as listed: never its secret, nor its hash. */
export interface TokenInfo {
  name: string;
  scope: TokenScope;
  /** ISO 8601. */
  createdAt: string;
}

/** A token as stored: the sha256 (hex) of the secret, never the secret. */
export interface StoredToken extends TokenInfo {
  hash: string;
}

/** A second token under a name or a hash already stored. */
export class TokenExistsError extends TraindxError {
  readonly code = 'TOKEN_EXISTS';
  readonly category = 'conflict';
}

/** The key that makes an occurrence unique within a run. */
export const occurrenceKey = (o: SymptomOccurrence): string =>
  `${o.symptomId}|${o.layer ?? ''}|${o.firstStep}`;

/** Joins chunks of the same key in step order. */
export function mergeChunks(chunks: SeriesChunk[]): SeriesChunk[] {
  const byKey = new Map<string, SeriesChunk[]>();
  for (const c of chunks) byKey.set(c.key, [...(byKey.get(c.key) ?? []), c]);
  return [...byKey.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, parts]) => {
      parts.sort((a, b) => (a.steps[0] ?? 0) - (b.steps[0] ?? 0));
      return { key, steps: parts.flatMap((p) => p.steps), values: parts.flatMap((p) => p.values) };
    });
}

export class RunNotFoundError extends TraindxError {
  readonly code = 'RUN_NOT_FOUND';
  readonly category = 'not_found';
  /** `hint` is a second sentence saying how to create the run, where the caller knows it. */
  constructor(
    readonly runId: string,
    hint?: string,
  ) {
    super(`Run '${runId}' does not exist.${hint ? ` ${hint}` : ''}`);
  }
}

/** Another writer appended to the run first; the ingestor recomputes and retries. */
export class BatchConflictError extends TraindxError {
  readonly code = 'BATCH_CONFLICT';
  readonly category = 'conflict';
  constructor(
    readonly runId: string,
    expected: number,
    actual: number,
  ) {
    super(`Run '${runId}' has ${actual} batches, expected ${expected}: another writer appended first.`);
  }
}
