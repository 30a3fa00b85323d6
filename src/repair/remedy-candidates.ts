import type { Diagnosis, KnowledgeSeed, RecommendedRemedy, RunEvent } from '../domain/index.js';
import { resolveRemedyEdit } from '../reason/index.js';
import type { TrainingTemplate } from '../train/index.js';
import { applyEdits } from './apply-edits.js';
import { remedyEdits } from './remedy-edits.js';
import { editsForRemedy } from './template-remedies.js';

/** A remedy that can be carried out on a template: the edited copy and what changed. */
export interface RemedyCandidate {
  remedyId: string;
  name: string;
  /** The remedy's score in the diagnosis (undefined for remedies outside its ranking). */
  score?: number;
  forCauses: string[];
  changes: string[];
  template: TrainingTemplate;
}

export interface SkippedRemedy {
  remedyId: string;
  reason: string;
}

interface CandidateOptions {
  exclude: ReadonlySet<string>;
  seen: ReadonlySet<string>;
  /** The graph and the run the edits resolve against, for what a remedy's graph entry adds (see remedyEdits). */
  graph?: { knowledge: KnowledgeSeed; run: RunEvent };
}

/**
 * The remedies of a diagnosis, in its ranking, that a template can carry out:
 * each one's edits (from the graph, resolved against the run, or the
 * template's own for data and process remedies) applied to a copy. Remedies
 * in `exclude`, with no expressible edit, or whose result was trained before
 * (`seen` holds fingerprints) are skipped, each with its reason. Given the
 * graph and the run, a remedy's graph entry adds what one resolved edit
 * cannot say (a value per optimizer, companion edits; see remedyEdits).
 *
 * @example rankedCandidates(diagnosis, template, { exclude: new Set(['lower_learning_rate']), seen })
 */
export function rankedCandidates(
  diagnosis: Diagnosis,
  template: TrainingTemplate,
  o: CandidateOptions,
): { candidates: RemedyCandidate[]; skipped: SkippedRemedy[] } {
  return candidatesOf(diagnosis.remedies, template, o);
}

/**
 * Every remedy of the knowledge graph a template can carry out, whatever the
 * diagnosis said (what a random-remedy baseline draws from), in id order.
 */
export function allCandidates(
  knowledge: KnowledgeSeed,
  run: RunEvent,
  template: TrainingTemplate,
  o: Omit<CandidateOptions, 'graph'>,
): { candidates: RemedyCandidate[]; skipped: SkippedRemedy[] } {
  const remedies = [...knowledge.remedies]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((r) => ({
      id: r.id,
      name: r.name,
      forCauses: [],
      edits: r.edit ? resolveRemedyEdit(r.edit, run).map((e) => ({ ...e, remedy: r.id, forCauses: [] })) : [],
    }));
  return candidatesOf(remedies, template, { ...o, graph: { knowledge, run } });
}

function candidatesOf(
  remedies: (Pick<RecommendedRemedy, 'id' | 'name' | 'forCauses' | 'edits'> & { score?: number })[],
  template: TrainingTemplate,
  o: CandidateOptions,
): { candidates: RemedyCandidate[]; skipped: SkippedRemedy[] } {
  const candidates: RemedyCandidate[] = [];
  const skipped: SkippedRemedy[] = [];
  const graphEdits = new Map(o.graph?.knowledge.remedies.map((r) => [r.id, r.edit]));
  for (const r of remedies) {
    if (o.exclude.has(r.id)) continue;
    const edits = o.graph
      ? remedyEdits(r, graphEdits.get(r.id), o.graph.run, template)
      : editsForRemedy(r, template);
    if (edits.length === 0) {
      skipped.push({ remedyId: r.id, reason: 'no edit a template can express' });
      continue;
    }
    const applied = applyEdits(template, edits);
    if (!applied.ok) {
      skipped.push({ remedyId: r.id, reason: applied.reason });
      continue;
    }
    if (o.seen.has(fingerprint(applied.template))) {
      skipped.push({ remedyId: r.id, reason: 'gives a template already trained' });
      continue;
    }
    candidates.push({
      remedyId: r.id,
      name: r.name,
      ...(r.score !== undefined ? { score: r.score } : {}),
      forCauses: r.forCauses,
      changes: applied.changes,
      template: applied.template,
    });
  }
  return { candidates, skipped };
}

/** Identifies a template's content, whatever the order of its keys. */
export const fingerprint = (t: TrainingTemplate): string => JSON.stringify(sortKeys(t));

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}
