import { genericSnippets } from '../../reason/index.js';
import type { RequestContext } from '../context.js';
import type { Resolvers } from '../generated/resolvers.js';

/** A link's source node; an id the graph does not hold answers with the id as its title. */
export const sourceOf = async (ctx: RequestContext, id: string) =>
  (await ctx.knowledge()).source.get(id) ?? { id, title: id };

/** Query fields and types over the knowledge graph. Thin: read the graph, shape it. */
export const knowledgeResolvers: Resolvers = {
  Query: {
    symptoms: async (_, { kind }, ctx) =>
      (await ctx.knowledge()).seed.symptoms.filter((s) => !kind || s.kind === kind),
    causes: async (_, __, ctx) => (await ctx.knowledge()).seed.causes,
    remedies: async (_, __, ctx) => (await ctx.knowledge()).seed.remedies,
    sources: async (_, __, ctx) => (await ctx.knowledge()).seed.sources,
    symptom: async (_, { id }, ctx) => (await ctx.knowledge()).symptom.get(id) ?? null,
    cause: async (_, { id }, ctx) => (await ctx.knowledge()).cause.get(id) ?? null,
    remedy: async (_, { id }, ctx) => (await ctx.knowledge()).remedy.get(id) ?? null,
    knowledgeCounts: (_, __, ctx) => ctx.store.countKnowledge(),
  },
  Symptom: {
    causes: async (s, _, ctx) => {
      const k = await ctx.knowledge();
      return k.seed.suggests
        .filter((l) => l.symptom === s.id && k.cause.has(l.cause))
        .sort((a, b) => b.weight - a.weight)
        .map((l) => ({ ...l, cause: k.cause.get(l.cause)! }));
    },
  },
  Cause: {
    remedies: async (c, _, ctx) => {
      const k = await ctx.knowledge();
      return k.seed.fixedBy
        .filter((l) => l.cause === c.id && k.remedy.has(l.remedy))
        .sort((a, b) => b.effectiveness - a.effectiveness)
        .map((l) => ({ ...l, remedy: k.remedy.get(l.remedy)! }));
    },
    suggestedBy: async (c, _, ctx) => {
      const k = await ctx.knowledge();
      return k.seed.suggests
        .filter((l) => l.cause === c.id && k.symptom.has(l.symptom))
        .sort((a, b) => b.weight - a.weight)
        .map((l) => ({ ...l, symptom: k.symptom.get(l.symptom)! }));
    },
  },
  SuggestedCause: { source: (l, _, ctx) => sourceOf(ctx, l.source) },
  SymptomLink: { source: (l, _, ctx) => sourceOf(ctx, l.source) },
  RemedyLink: { source: (l, _, ctx) => sourceOf(ctx, l.source) },
  // The seed's snippets are templates (`{{optimizer.learningRate|1e-4}}`); with no run at hand, their examples.
  Remedy: { edit: (r) => r.edit ?? null, snippets: (r) => genericSnippets(r.snippets) },
};
