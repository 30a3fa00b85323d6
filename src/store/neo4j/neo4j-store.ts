import neo4j, { type Driver, type ManagedTransaction, type QueryResult } from 'neo4j-driver';
import {
  type FixedByLink,
  type KnowledgeCounts,
  type KnowledgeSeed,
  Outcome,
  type RunEvent,
  type SuggestsLink,
  type SymptomOccurrence,
} from '../../domain/index.js';
import { StoreUnavailableError } from '../../errors/index.js';
import {
  BatchConflictError,
  type GraphStore,
  type KnowledgeTag,
  mergeChunks,
  type OutcomeKey,
  occurrenceKey,
  RunNotFoundError,
} from '../graph-store.js';
import {
  checkBatchLimits,
  checkId,
  checkKnowledgeLimits,
  checkOutcomeLimits,
  checkRunLimits,
} from '../limits.js';
import { ALERT_SCHEMA } from './alert-queries.js';
import { createNeo4jAlerts } from './alerts.js';
import { createReadiness, DRIVER_TIMEOUTS, isUnavailable, storeDown } from './availability.js';
import { HISTOGRAM_SCHEMA, readHistograms, writeHistograms } from './histograms.js';
import { removeKnowledge, untagKnowledge, writeKnowledge, writeKnowledgeTags } from './knowledge-writes.js';
import { discardOutcome, outcomeRecordFrom, writeOutcome } from './outcomes.js';
import * as Q from './queries.js';
import { causeFromNode, chunkToRow, dropNulls, int, remedyFromNode, runSummaryFrom } from './rows.js';
import { readStateParts, writeStateDelta } from './state-parts.js';
import { createNeo4jTokens } from './tokens.js';

export interface Neo4jOptions {
  uri: string;
  user: string;
  password: string;
  database: string;
  /** Called with every statement and its parameters before it is sent (logging, query snapshots in tests). */
  onQuery?: (query: string, params: Record<string, unknown>) => void;
}

/**
 * The Neo4j adapter. One driver per store; integers come back as JS numbers
 * (`disableLosslessIntegers`) and go in as `neo4j.int` where the value is an
 * integer, so no `Integer` object leaks out and counters stay integers in the
 * graph. Writes run in transaction functions, which the driver retries on
 * transient errors.
 */
export async function openNeo4jStore(options: Neo4jOptions): Promise<GraphStore> {
  const auth = options.password ? neo4j.auth.basic(options.user, options.password) : undefined;
  const driver: Driver = neo4j.driver(options.uri, auth, {
    disableLosslessIntegers: true,
    maxConnectionPoolSize: 20,
    ...DRIVER_TIMEOUTS,
  });
  const onQuery = options.onQuery ?? (() => {});
  const exec: Driver['executeQuery'] = ((query: string, params: Record<string, unknown>, config: object) => {
    onQuery(query, params);
    return driver.executeQuery(query, params, config);
  }) as Driver['executeQuery'];
  const txRun = (tx: ManagedTransaction, query: string, params: Record<string, unknown>) => {
    onQuery(query, params);
    return tx.run(query, params);
  };
  const db = { database: options.database };
  /** A write transaction (retried by the driver on transient errors) whose statements go through onQuery. */
  const write = async <T>(
    work: (run: (q: string, p: Record<string, unknown>) => Promise<QueryResult>) => Promise<T>,
  ) => {
    const session = driver.session(db);
    try {
      return await session.executeWrite((tx) => work((q, p) => txRun(tx, q, p)));
    } finally {
      await session.close();
    }
  };
  const createSchema = async () => {
    for (const statement of [...Q.SCHEMA, ...ALERT_SCHEMA, ...HISTOGRAM_SCHEMA])
      await exec(statement, {}, db).catch((err: unknown) => {
        // Two servers starting on one fresh database both run `IF NOT EXISTS`; the slower one is told the
        // other's index or constraint already exists, which is the state it wanted.
        if (!SCHEMA_RACE.has((err as { code?: string }).code ?? '')) throw err;
      });
  };
  try {
    await driver.verifyConnectivity(db);
    await createSchema();
  } catch (err) {
    await driver.close();
    // At start-up the operator reads this: the address and the driver's words help.
    const message = `Cannot reach Neo4j at ${options.uri}: ${(err as Error).message}`;
    throw isUnavailable(err) ? new StoreUnavailableError(message, { cause: err }) : new Error(message);
  }
  const read = async <T>(query: string, params: Record<string, unknown>, key: string): Promise<T[]> => {
    const { records } = await exec(query, params, { ...db, routing: neo4j.routing.READ });
    return records.map((r) => r.get(key) as T);
  };

  let prepare: ((store: GraphStore) => Promise<void>) | undefined;
  const readiness = createReadiness(
    async () => {
      // Auto-commit, so the driver does not retry: during an outage the check fails at once.
      const session = driver.session({ ...db, defaultAccessMode: neo4j.session.READ });
      try {
        const { records } = await session.run(Q.IS_SEEDED);
        return records[0]?.get('seeded') === true;
      } finally {
        await session.close();
      }
    },
    async () => {
      await createSchema();
      await prepare?.(inner);
    },
  );

  const inner: GraphStore = {
    kind: 'neo4j',
    description: `neo4j store at ${options.uri} (database ${options.database})`,
    close: () => driver.close(),
    ensureReady: () => readiness.check(),
    onFresh(hook) {
      prepare = hook;
    },

    async readKnowledge() {
      const [sources, symptoms, causes, remedies, suggests, fixedBy] = await Promise.all([
        read<KnowledgeSeed['sources'][number]>(Q.READ_SOURCES, {}, 'n'),
        read<KnowledgeSeed['symptoms'][number]>(Q.READ_SYMPTOMS, {}, 'n'),
        read<Record<string, unknown>>(Q.READ_CAUSES, {}, 'n'),
        read<Record<string, unknown>>(Q.READ_REMEDIES, {}, 'n'),
        read<SuggestsLink>(Q.READ_SUGGESTS, {}, 'l'),
        read<FixedByLink>(Q.READ_FIXED_BY, {}, 'l'),
      ]);
      return {
        sources: sources.map(dropNulls),
        symptoms: symptoms.map((s) => ({ ...s, aliases: s.aliases ?? [] })),
        causes: causes.map(causeFromNode),
        remedies: remedies.map(remedyFromNode),
        suggests,
        fixedBy,
      } as KnowledgeSeed;
    },

    async upsertKnowledge(part, change) {
      checkKnowledgeLimits(part);
      await write(async (run) => {
        await writeKnowledge(run, part);
        if (change) await writeKnowledgeTags(run, change);
      });
    },

    async readKnowledgeTags() {
      return read<KnowledgeTag>(Q.READ_KNOWLEDGE_TAGS, {}, 'c');
    },

    async revertKnowledge(restore, remove, untag) {
      checkKnowledgeLimits(restore);
      await write(async (run) => {
        await removeKnowledge(run, remove);
        await writeKnowledge(run, restore);
        await untagKnowledge(run, untag);
      });
    },

    async countKnowledge() {
      const { records } = await exec(Q.COUNT_KNOWLEDGE, {}, { ...db, routing: neo4j.routing.READ });
      return records[0]!.toObject() as unknown as KnowledgeCounts;
    },

    async knowledgeAround(ids) {
      const { records } = await exec(Q.KNOWLEDGE_AROUND, { ids }, { ...db, routing: neo4j.routing.READ });
      const r = records[0];
      if (!r) return { sources: [], symptoms: [], causes: [], remedies: [], suggests: [], fixedBy: [] };
      const suggests = r.get('suggests') as SuggestsLink[];
      const fixedBy = r.get('fixedBy') as FixedByLink[];
      const sourceIds = [...new Set([...suggests, ...fixedBy].map((l) => l.source))];
      const sources = sourceIds.length
        ? (await read<KnowledgeSeed['sources'][number]>(Q.READ_SOURCES, {}, 'n'))
            .filter((s) => sourceIds.includes(s.id))
            .map(dropNulls)
        : [];
      return {
        symptoms: (r.get('symptoms') as KnowledgeSeed['symptoms']).map((s) => ({
          ...s,
          aliases: s.aliases ?? [],
        })),
        causes: (r.get('causes') as Record<string, unknown>[]).map(causeFromNode),
        remedies: (r.get('remedies') as Record<string, unknown>[]).map(remedyFromNode),
        sources,
        suggests,
        fixedBy,
      };
    },

    async putRun(run: RunEvent) {
      checkRunLimits(run);
      const layers = (run.model?.layers ?? []).map((l, index) => ({
        name: l.name,
        index: int(index),
        type: l.type ?? null,
        activation: l.activation ?? null,
        units: int(l.units),
      }));
      const { records } = await exec(
        Q.PUT_RUN,
        {
          id: run.id,
          name: run.name ?? null,
          runJson: JSON.stringify(run),
          layers,
          parentRunId: run.parentRunId ?? null,
          appliedRemedies: run.appliedRemedies ?? null,
          tagsJson: JSON.stringify(run.tags ?? null),
        },
        db,
      );
      return { created: records[0]?.get('created') === true };
    },

    async getRun(runId) {
      const { records } = await exec(Q.GET_RUN, { id: runId }, { ...db, routing: neo4j.routing.READ });
      const r = records[0];
      if (!r) return null;
      return {
        run: JSON.parse(r.get('runJson') as string) as RunEvent,
        status: (r.get('status') as string | null) ?? undefined,
        lastStep: (r.get('lastStep') as number | null) ?? undefined,
        eventCount: r.get('eventCount') as number,
        batchCount: r.get('batchCount') as number,
        detectorState: (r.get('detectorState') as string | null) ?? undefined,
      };
    },

    async runVersion(runId) {
      const { records } = await exec(Q.RUN_VERSION, { id: runId }, { ...db, routing: neo4j.routing.READ });
      const r = records[0];
      if (!r) return null;
      const status = (r.get('status') as string | null) ?? undefined;
      return { batchCount: r.get('batchCount') as number, ...(status !== undefined ? { status } : {}) };
    },

    async listRuns() {
      const { records } = await exec(Q.LIST_RUNS, {}, { ...db, routing: neo4j.routing.READ });
      return records.map(runSummaryFrom);
    },

    readDetectorState: (runId, keys) =>
      readStateParts((q, p) => exec(q, p, { ...db, routing: neo4j.routing.READ }), runId, keys),

    async hasBatch(runId, batchId) {
      const [n] = await read<number>(Q.BATCH_EXISTS, { runId, batchId }, 'n');
      return (n ?? 0) > 0;
    },

    async appendBatch(runId, batch) {
      checkBatchLimits(runId, batch);
      const session = driver.session(db);
      try {
        return await session.executeWrite(async (tx) => {
          const head = await txRun(tx, Q.RUN_BATCH_HEAD, { id: runId, batchId: batch.batchId });
          const row = head.records[0];
          if (!row) throw new RunNotFoundError(runId);
          if ((row.get('seen') as number) > 0) return { accepted: false };
          const actual = row.get('batchCount') as number;
          if (batch.expectedBatchCount !== undefined && batch.expectedBatchCount !== actual) {
            throw new BatchConflictError(runId, batch.expectedBatchCount, actual);
          }
          await recordBatch((q, p) => txRun(tx, q, p), runId, batch);
          if (batch.histograms?.length)
            await writeHistograms((q, p) => txRun(tx, q, p), runId, batch.histograms);
          if (batch.stateDelta)
            await writeStateDelta((q, p) => txRun(tx, q, p), runId, actual, batch.stateDelta);
          return { accepted: true };
        });
      } catch (err) {
        // A concurrent writer stored the same batch first: the constraint rejected ours.
        if ((err as { code?: string }).code === 'Neo.ClientError.Schema.ConstraintValidationFailed') {
          return { accepted: false };
        }
        throw err;
      } finally {
        await session.close();
      }
    },

    async readSeries(runId, key) {
      await assertRun(runId);
      const { records } = await exec(
        Q.READ_SERIES,
        { runId, key: key ?? null },
        { ...db, routing: neo4j.routing.READ },
      );
      return mergeChunks(
        records.map((r) => ({ key: r.get('key'), steps: r.get('steps'), values: r.get('values') })),
      );
    },

    async readHistograms(runId) {
      await assertRun(runId);
      return readHistograms(exec, db, runId);
    },

    async readOccurrences(runId) {
      await assertRun(runId);
      const rows = await read<Record<string, unknown>>(Q.READ_OCCURRENCES, { runId }, 'o');
      return rows.map((o) => dropNulls(o) as unknown as SymptomOccurrence);
    },

    async recordOutcome(outcome) {
      const parsed = Outcome.parse(outcome);
      checkOutcomeLimits(parsed);
      const session = driver.session(db);
      try {
        return await session.executeWrite((tx) => writeOutcome((q, p) => txRun(tx, q, p), parsed));
      } catch (err) {
        // A concurrent writer stored the same (runId, remedyId) first: the constraint rejected ours.
        if ((err as { code?: string }).code === 'Neo.ClientError.Schema.ConstraintValidationFailed') {
          return { recorded: false, updatedLinks: 0 };
        }
        throw err;
      } finally {
        await session.close();
      }
    },

    async listOutcomes(filter = {}) {
      const rows = await read<Record<string, unknown>>(
        Q.LIST_OUTCOMES,
        { remedyId: filter.remedyId ?? null, parentRunId: filter.parentRunId ?? null },
        'o',
      );
      return rows.map((o) => dropNulls(o) as unknown as Outcome);
    },

    async listOutcomeRecords(filter = {}) {
      const rows = await read<Record<string, unknown>>(
        Q.LIST_OUTCOME_RECORDS,
        { remedyId: filter.remedyId ?? null, parentRunId: filter.parentRunId ?? null },
        'o',
      );
      return rows.map(outcomeRecordFrom);
    },

    async discardOutcomes(keys, by, at) {
      const done: OutcomeKey[] = [];
      // One transaction per outcome: a failure leaves the ones before it discarded and says so by the list.
      for (const key of keys) {
        for (const id of [key.runId, key.remedyId]) checkId('outcome key', id);
        if (await write((run) => discardOutcome(run, key, by, at)))
          done.push({ runId: key.runId, remedyId: key.remedyId });
      }
      return done;
    },
    ...createNeo4jTokens(exec, db),
    ...createNeo4jAlerts(exec, db),
  };
  return guard(inner, readiness);

  async function assertRun(runId: string): Promise<void> {
    const [n] = await read<number>(Q.RUN_EXISTS, { id: runId }, 'n');
    if (!n) throw new RunNotFoundError(runId);
  }
}

/**
 * The store callers get: each operation waits for a due readiness check, and
 * a driver error saying Neo4j cannot be reached becomes STORE_UNAVAILABLE
 * (and makes the next operation check first).
 */
function guard(inner: GraphStore, readiness: ReturnType<typeof createReadiness>): GraphStore {
  const unavailable = (err: unknown) => {
    if (!isUnavailable(err)) return err;
    readiness.markSuspect();
    return storeDown(err);
  };
  const outer: Record<string, unknown> = { ...inner };
  for (const [name, method] of Object.entries(inner)) {
    if (typeof method !== 'function' || name === 'close' || name === 'onFresh') continue;
    const call = method as (...args: unknown[]) => Promise<unknown>;
    outer[name] =
      name === 'ensureReady'
        ? () => call().catch((err: unknown) => Promise.reject(unavailable(err)))
        : async (...args: unknown[]) => {
            try {
              await readiness.before();
              return await call(...args);
            } catch (err) {
              throw unavailable(err);
            }
          };
  }
  return outer as unknown as GraphStore;
}

async function recordBatch(
  run: (query: string, params: Record<string, unknown>) => Promise<unknown>,
  runId: string,
  batch: Parameters<GraphStore['appendBatch']>[1],
): Promise<void> {
  await run(Q.RECORD_BATCH, {
    runId,
    batchId: batch.batchId,
    eventCount: int(batch.eventCount),
    lastStep: int(batch.lastStep),
    status: batch.status ?? null,
    detectorState: batch.detectorState ?? null,
  });
  if (batch.series.length) {
    await run(Q.APPEND_SERIES, { runId, chunks: batch.series.map(chunkToRow) });
  }
  if (batch.occurrences.length) {
    const rows = batch.occurrences.map((o) => ({
      slot: occurrenceKey(o),
      symptomId: o.symptomId,
      firstStep: int(o.firstStep),
      lastStep: int(o.lastStep),
      layer: o.layer ?? null,
      severity: o.severity,
      confidence: o.confidence,
      evidence: o.evidence,
    }));
    await run(Q.UPSERT_OCCURRENCES, { runId, rows });
  }
}

const SCHEMA_RACE = new Set([
  'Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists',
  'Neo.ClientError.Schema.IndexAlreadyExists',
  'Neo.ClientError.Schema.ConstraintAlreadyExists',
]);
