import type { Cause, Symptom } from '../../domain/index.js';
import type { RequestContext } from '../context.js';

type Ctx = RequestContext;
const sourceOf = async (ctx: Ctx, id: string) => (await ctx.knowledge()).source.get(id) ?? { id, title: id };

/** Query fields and types over the knowledge graph. Thin: read the graph, shape it. */
export const knowledgeResolvers = {
  Query: {
    symptoms: async (_: unknown, args: { kind?: string }, ctx: Ctx) =>
      (await ctx.knowledge()).seed.symptoms.filter((s) => !args.kind || s.kind === args.kind),
    causes: async (_: unknown, __: unknown, ctx: Ctx) => (await ctx.knowledge()).seed.causes,
    remedies: async (_: unknown, __: unknown, ctx: Ctx) => (await ctx.knowledge()).seed.remedies,
    sources: async (_: unknown, __: unknown, ctx: Ctx) => (await ctx.knowledge()).seed.sources,
    symptom: async (_: unknown, args: { id: string }, ctx: Ctx) =>
      (await ctx.knowledge()).symptom.get(args.id) ?? null,
    cause: async (_: unknown, args: { id: string }, ctx: Ctx) =>
      (await ctx.knowledge()).cause.get(args.id) ?? null,
    remedy: async (_: unknown, args: { id: string }, ctx: Ctx) =>
      (await ctx.knowledge()).remedy.get(args.id) ?? null,
    knowledgeCounts: (_: unknown, __: unknown, ctx: Ctx) => ctx.store.countKnowledge(),
  },
  Symptom: {
    causes: async (s: Symptom, _: unknown, ctx: Ctx) => {
      const k = await ctx.knowledge();
      return k.seed.suggests
        .filter((l) => l.symptom === s.id)
        .sort((a, b) => b.weight - a.weight)
        .map((l) => ({ ...l, cause: k.cause.get(l.cause) }));
    },
  },
  SuggestedCause: { source: (l: { source: string }, _: unknown, ctx: Ctx) => sourceOf(ctx, l.source) },
  SymptomLink: { source: (l: { source: string }, _: unknown, ctx: Ctx) => sourceOf(ctx, l.source) },
  RemedyLink: { source: (l: { source: string }, _: unknown, ctx: Ctx) => sourceOf(ctx, l.source) },
  Cause: {
    remedies: async (c: Cause, _: unknown, ctx: Ctx) => {
      const k = await ctx.knowledge();
      return k.seed.fixedBy
        .filter((l) => l.cause === c.id)
        .sort((a, b) => b.effectiveness - a.effectiveness)
        .map((l) => ({ ...l, remedy: k.remedy.get(l.remedy) }));
    },
    suggestedBy: async (c: Cause, _: unknown, ctx: Ctx) => {
      const k = await ctx.knowledge();
      return k.seed.suggests
        .filter((l) => l.cause === c.id)
        .sort((a, b) => b.weight - a.weight)
        .map((l) => ({ ...l, symptom: k.symptom.get(l.symptom) }));
    },
  },
};
