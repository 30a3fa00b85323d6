import type { TokenScope } from '../store/index.js';

/**
 * The one table of what each root field needs: every Query, Mutation and
 * Subscription field of schema.graphql has a row, and a field without one
 * is refused when the app is built (test/api/scopes.test.ts reads the
 * schema and fails first). `read` may query and subscribe; `write` may also
 * start, log, finish and import runs and record outcomes (its own runs, see
 * RUN_OF); `admin` may also change the knowledge graph.
 */
export const SCOPES: Record<'Query' | 'Mutation' | 'Subscription', Record<string, TokenScope>> = {
  Query: {
    symptoms: 'read',
    causes: 'read',
    remedies: 'read',
    sources: 'read',
    symptom: 'read',
    cause: 'read',
    remedy: 'read',
    knowledgeCounts: 'read',
    runs: 'read',
    run: 'read',
    explain: 'read',
    similarRuns: 'read',
    outcomes: 'read',
    knowledgeChanges: 'admin',
    outcomeRecords: 'admin',
  },
  Mutation: {
    startRun: 'write',
    logEvents: 'write',
    ingest: 'write',
    finishRun: 'write',
    importTrace: 'write',
    recordOutcome: 'write',
    upsertKnowledge: 'admin',
    revertKnowledge: 'admin',
    discardOutcomes: 'admin',
  },
  Subscription: {
    alerts: 'read',
  },
};

/**
 * The run a write field touches, for the rule that a write token writes only
 * to runs it started (admin: any). `importTrace` names its run on the
 * trace's first line.
 */
export const RUN_OF: Record<string, (args: Record<string, unknown>) => string | undefined> = {
  startRun: (args) => idOf(args.run),
  logEvents: (args) => asString(args.runId),
  ingest: (args) => asString(args.runId),
  finishRun: (args) => asString(args.runId),
  recordOutcome: (args) => asString((args.outcome as { runId?: unknown } | undefined)?.runId),
  importTrace: (args) => {
    const text = typeof args.jsonl === 'string' ? args.jsonl : '';
    const first = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
    try {
      return idOf(JSON.parse(first));
    } catch {
      return undefined;
    }
  },
};

/** Fields after which the caller's token is recorded as the run's owner (the run now exists). */
export const STARTS_RUN = new Set(['startRun', 'importTrace']);

const asString = (v: unknown) => (typeof v === 'string' ? v : undefined);
const idOf = (run: unknown) => asString((run as { id?: unknown } | null)?.id);
