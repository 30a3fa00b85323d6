import type { RequestContext } from '../context.js';
import type { Resolvers } from '../generated/resolvers.js';
import { sourceOf } from './knowledge.js';

const knowledge = (ctx: RequestContext) => ctx.knowledge();
// A link may name a node another replica has not cached yet: answer with what the diagnosis knows.
const causeOf = async (ctx: RequestContext, id: string) =>
  (await knowledge(ctx)).cause.get(id) ?? {
    id,
    name: id,
    description: '',
    category: 'unknown',
    mechanism: false,
  };

/** The parts of a diagnosis that point into the graph resolve to its nodes. */
export const diagnosisResolvers: Resolvers = {
  Diagnosis: { facts: (d) => d.facts },
  SymptomFinding: {
    name: async (s, _, ctx) => (await knowledge(ctx)).symptom.get(s.id)?.name ?? s.id,
    firstStep: (s) => s.firstStep,
    lastStep: (s) => s.lastStep,
    layer: (s) => s.layer ?? null,
  },
  CauseFinding: { cause: async (c, _, ctx) => (await knowledge(ctx)).cause.get(c.id) ?? null },
  RemedyFinding: { remedy: async (r, _, ctx) => (await knowledge(ctx)).remedy.get(r.id) ?? null },
  ExplanationPath: { cause: (p, _, ctx) => causeOf(ctx, p.cause) },
  SuggestsEdge: { source: (e, _, ctx) => sourceOf(ctx, e.source) },
  FixedByEdge: {
    source: (e, _, ctx) => sourceOf(ctx, e.source),
    remedy: async (e, _, ctx) => {
      const r = (await knowledge(ctx)).remedy.get(e.remedy);
      return (
        r ?? {
          id: e.remedy,
          name: e.remedy,
          description: '',
          structural: false,
          snippets: { tfjs: '', keras: '', pytorch: '' },
        }
      );
    },
  },
  MissingEvidence: { symptom: (m, _, ctx) => symptomOf(ctx, m.symptomId) },
  ExplainedElsewhere: {
    symptom: (e, _, ctx) => symptomOf(ctx, e.symptomId),
    layer: (e) => e.layer ?? null,
    cause: (e, _, ctx) => causeOf(ctx, e.cause),
  },
};

async function symptomOf(ctx: RequestContext, id: string) {
  return (
    (await knowledge(ctx)).symptom.get(id) ?? {
      id,
      name: id,
      description: '',
      kind: 'dynamic' as const,
      aliases: [],
      outcome: false,
      risk: false,
    }
  );
}
