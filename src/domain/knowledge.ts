import { z } from 'zod';

// The knowledge graph's nodes and links as they live in graph-seed/ and in a
// store. Ids of vocabulary symptoms and causes are fixed by spec/vocabulary.md.

const Id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case id');
const SourceId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a kebab-case source id');
const Weight = z.number().min(0).max(1);

export const Source = z.object({
  id: SourceId,
  title: z.string().min(1),
  url: z.string().optional(),
  note: z.string().optional(),
});
export type Source = z.infer<typeof Source>;

export const SymptomKind = z.enum(['dynamic', 'static', 'data']);
export type SymptomKind = z.infer<typeof SymptomKind>;

export const Symptom = z.object({
  id: Id,
  name: z.string().min(1),
  description: z.string().min(1),
  kind: SymptomKind,
  aliases: z.array(z.string()).default([]),
  /**
   * An outcome any failure tends to produce (the run does not learn: flat
   * loss, chance accuracy, underfitting). The reasoner credits it to the
   * best-supported cause rather than letting it lift every cause it links to.
   */
  outcome: z.boolean().default(false),
  /**
   * A setup that often makes training fail but need not (a deep tanh stack,
   * a learning rate outside the usual range): once the run's outcome could be
   * seen and it shows no failure, the reasoner weighs it as advice.
   */
  risk: z.boolean().default(false),
});
export type Symptom = z.infer<typeof Symptom>;

export const Cause = z.object({
  id: Id,
  name: z.string().min(1),
  description: z.string().min(1),
  category: z.string().min(1),
  /**
   * How common the cause is before any evidence, in (0, 1); 0.5 (the
   * default) is neutral. The reasoner multiplies the cause's odds by prior/(1−prior).
   */
  prior: z.number().gt(0).lt(1).optional(),
  /**
   * A mechanism with causes of its own upstream (dead ReLUs, weights that do
   * not move). When the run's setup (a static or data finding) points at
   * another cause, the mechanism's symptoms are credited to that cause first.
   */
  mechanism: z.boolean().default(false),
  /**
   * The cause's words for a run that did not show `symptom`, when its usual
   * name and rationale presume it (a deep sigmoid stack shrinks the gradient
   * layer by layer with or without saturation): the diagnosis then names
   * the cause `name` and explains it with `why` [source], so its words never
   * contradict the run's own numbers. The id stays the same.
   */
  wordingWithout: z
    .object({ symptom: Id, name: z.string().min(1), why: z.string().min(1), source: SourceId })
    .optional(),
});
export type Cause = z.infer<typeof Cause>;

/** A concrete change to the model's structure or training setup. */
export const StructureEdit = z.looseObject({ op: z.string().min(1) });
export type StructureEdit = z.infer<typeof StructureEdit>;

export const Snippets = z.object({ tfjs: z.string(), keras: z.string(), pytorch: z.string() });
export type Snippets = z.infer<typeof Snippets>;

export const Remedy = z.object({
  id: Id,
  name: z.string().min(1),
  description: z.string().min(1),
  structural: z.boolean(),
  edit: StructureEdit.optional(),
  snippets: Snippets,
});
export type Remedy = z.infer<typeof Remedy>;

export const SuggestsLink = z.object({
  symptom: Id,
  cause: Id,
  weight: Weight,
  /**
   * P(symptom | cause): how often the cause shows this symptom when the run
   * records what would show it. Only links with it count as negative
   * evidence when the symptom is absent; omit it where the symptom is one
   * sign among many (e.g. a zero learning rate for "learning rate too low").
   */
  predicts: Weight.optional(),
  rationale: z.string().min(1),
  source: SourceId,
});
export type SuggestsLink = z.infer<typeof SuggestsLink>;

export const FixedByLink = z.object({
  cause: Id,
  remedy: Id,
  effectiveness: Weight,
  rationale: z.string().min(1),
  source: SourceId,
  // Outcome counts learned from runs that applied the remedy; seeds start at 0.
  tries: z.number().int().nonnegative().default(0),
  successes: z.number().int().nonnegative().default(0),
});
export type FixedByLink = z.infer<typeof FixedByLink>;

export const KnowledgeSeed = z.object({
  sources: z.array(Source),
  symptoms: z.array(Symptom),
  causes: z.array(Cause),
  remedies: z.array(Remedy),
  suggests: z.array(SuggestsLink),
  fixedBy: z.array(FixedByLink),
});
export type KnowledgeSeed = z.infer<typeof KnowledgeSeed>;
