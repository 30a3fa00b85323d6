import { HEALTHY_THRESHOLD, type RunSummary, type StoredRun } from '../../domain/index.js';
import { InputError } from '../../errors/index.js';
import { RunNotFoundError } from '../../store/index.js';
import type { RequestContext } from '../context.js';
import type { Resolvers } from '../generated/resolvers.js';
import type { RunParent } from '../parents.js';

export const toRunParent = (id: string, stored: StoredRun, symptomIds?: string[]): RunParent => ({
  ...stored,
  id,
  ...(symptomIds ? { symptomIds } : {}),
});

/** Runs: listing with filters and cursors, one run, its diagnosis, series and similar runs. */
export const runResolvers: Resolvers = {
  Query: {
    runs: async (_, { filter, first, after }, ctx) => {
      const limit = Math.min(Math.max(first ?? 20, 0), 100);
      const all = await filterRuns(ctx, (await ctx.store.listRuns()).reverse(), filter ?? {});
      const start = after ? all.findIndex((r) => r.id === decodeCursor(after)) + 1 : 0;
      if (after && start === 0)
        throw new InputError(`runs: cursor '${after}' is not from this list.`, 'BAD_CURSOR');
      const page = all.slice(start, start + limit);
      const nodes = await Promise.all(
        page.map(async (s) => toRunParent(s.id, (await ctx.store.getRun(s.id))!, s.symptomIds)),
      );
      return {
        edges: nodes.map((node) => ({ cursor: encodeCursor(node.id), node })),
        nodes,
        pageInfo: {
          hasNextPage: start + limit < all.length,
          endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1]!.id) : null,
        },
        totalCount: all.length,
      };
    },
    run: async (_, { id }, ctx) => {
      const stored = await ctx.store.getRun(id);
      return stored ? toRunParent(id, stored) : null;
    },
    explain: async (_, { runId, causeId }, ctx) => {
      const d = await ctx.diagnose(runId);
      if (!d) throw new RunNotFoundError(runId);
      return d.causes.find((c) => c.id === causeId) ?? null;
    },
    similarRuns: async (_, { runId, first }, ctx) => {
      const all = await ctx.store.listRuns();
      const me = all.find((r) => r.id === runId);
      if (!me) throw new RunNotFoundError(runId);
      const mine = new Set(me.symptomIds);
      // Newest first among equals: the runs a person most likely still remembers.
      const ranked = [...all]
        .reverse()
        .filter((r) => r.id !== runId && r.symptomIds.some((s) => mine.has(s)))
        .map((r) => {
          const shared = r.symptomIds.filter((s) => mine.has(s));
          const union = new Set([...mine, ...r.symptomIds]).size;
          return { summary: r, shared, similarity: Math.round((shared.length / union) * 1000) / 1000 };
        })
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, Math.min(Math.max(first ?? 5, 0), 50));
      return Promise.all(
        ranked.map(async ({ summary, shared, similarity }) => ({
          run: toRunParent(summary.id, (await ctx.store.getRun(summary.id))!, summary.symptomIds),
          similarity,
          sharedSymptoms: shared,
          outcomes: await ctx.store.listOutcomes({ parentRunId: summary.id }),
        })),
      );
    },
    outcomes: (_, { remedyId }, ctx) => ctx.store.listOutcomes(remedyId ? { remedyId } : undefined),
  },
  Run: {
    name: (r) => r.run.name ?? null,
    status: (r) => r.status ?? 'running',
    parentRunId: (r) => r.run.parentRunId ?? null,
    appliedRemedies: (r) => r.run.appliedRemedies ?? [],
    tags: (r) => r.run.tags ?? {},
    spec: (r) => r.run,
    symptomIds: async (r, _, ctx) =>
      r.symptomIds ?? [...new Set((await ctx.store.readOccurrences(r.id)).map((o) => o.symptomId))].sort(),
    diagnosis: async (r, _, ctx) => {
      const d = await ctx.diagnose(r.id);
      if (!d) throw new RunNotFoundError(r.id);
      return d;
    },
    alerts: (r, _, ctx) => ctx.store.readAlerts(r.id),
    series: async (r, { keys }, ctx) => {
      const chunks = keys?.length
        ? (await Promise.all(keys.map((k) => ctx.store.readSeries(r.id, k)))).flat()
        : await ctx.store.readSeries(r.id);
      return chunks.map((c) => ({ ...c, values: c.values.map((v) => (Number.isFinite(v) ? v : null)) }));
    },
    histograms: async (r, { layer, kind }, ctx) =>
      (await ctx.store.readHistograms(r.id)).filter(
        (h) => (!layer || h.layer === layer) && (!kind || h.kind === kind),
      ),
  },
};

async function filterRuns(
  ctx: RequestContext,
  runs: RunSummary[],
  f: {
    status?: string | null;
    symptom?: string | null;
    cause?: string | null;
    tag?: string | null;
    parentRunId?: string | null;
  },
): Promise<RunSummary[]> {
  const [tagKey, tagValue] = f.tag ? splitTag(f.tag) : [];
  const cheap = runs.filter(
    (r) =>
      (!f.status || (r.status ?? 'running') === f.status) &&
      (!f.symptom || r.symptomIds.includes(f.symptom)) &&
      (!f.parentRunId || r.parentRunId === f.parentRunId) &&
      (!tagKey ||
        (r.tags?.[tagKey] !== undefined && (tagValue === undefined || r.tags[tagKey] === tagValue))),
  );
  if (!f.cause) return cheap;
  // A cause is a conclusion, not stored: diagnose the runs that passed the other filters.
  const keep = await Promise.all(
    cheap.map(async (r) => {
      const d = await ctx.diagnose(r.id);
      return !!d?.causes.some((c) => c.id === f.cause && c.confidence >= HEALTHY_THRESHOLD);
    }),
  );
  return cheap.filter((_, i) => keep[i]);
}

const splitTag = (tag: string): [string, string | undefined] => {
  const i = tag.indexOf('=');
  return i < 0 ? [tag, undefined] : [tag.slice(0, i), tag.slice(i + 1)];
};
const encodeCursor = (id: string) => Buffer.from(`run:${id}`).toString('base64url');
const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString().replace(/^run:/, '');
