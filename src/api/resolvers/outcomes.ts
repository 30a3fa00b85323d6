import type { Resolvers } from '../generated/resolvers.js';

/** Writes to the graph: outcomes of applied remedies, and knowledge sent by users. */
export const graphWriteResolvers: Resolvers = {
  Mutation: {
    recordOutcome: (_, { outcome }, ctx) => ctx.traindx.recordOutcome(outcome),
    upsertKnowledge: (_, { knowledge }, ctx) => ctx.traindx.upsertKnowledge(knowledge),
  },
};
