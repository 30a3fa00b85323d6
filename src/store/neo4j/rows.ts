import neo4j, { type Record as Neo4jRecord } from 'neo4j-driver';
import type { Cause, Remedy, RunEvent, RunSummary, SeriesChunk } from '../../domain/index.js';

// Domain values to the rows the queries take, and records back to domain values.

/** An integer parameter as `Integer`, so it stays an integer in the graph; absent stays null. */
export const int = (n: number | undefined | null) =>
  n === undefined || n === null ? null : neo4j.int(Math.trunc(n));

/** A LIST_RUNS record as a RunSummary. */
export function runSummaryFrom(r: Neo4jRecord): RunSummary {
  const value = <T>(key: string) => (r.get(key) as T | null) ?? undefined;
  // Runs stored before PUT_RUN copied these out of runJson still have them only there.
  const legacy = value<string>('legacyRunJson');
  const run: Partial<RunEvent> = legacy
    ? JSON.parse(legacy)
    : {
        parentRunId: value<string>('parentRunId'),
        appliedRemedies: value<string[]>('appliedRemedies'),
        tags: JSON.parse(r.get('tagsJson') as string) ?? undefined,
      };
  return {
    id: r.get('id') as string,
    name: value<string>('name'),
    status: value<string>('status'),
    lastStep: value<number>('lastStep'),
    eventCount: r.get('eventCount') as number,
    batchCount: r.get('batchCount') as number,
    symptomIds: r.get('symptomIds') as string[],
    parentRunId: run.parentRunId,
    appliedRemedies: run.appliedRemedies,
    tags: run.tags,
  };
}

export function chunkToRow(c: SeriesChunk) {
  return { key: c.key, firstStep: int(c.steps[0] ?? 0), steps: c.steps.map((s) => int(s)), values: c.values };
}

/** A cause as UPSERT_CAUSES takes it: its nested wording as JSON (a node property cannot hold a map). */
export function causeToRow(c: Cause) {
  const { wordingWithout, ...rest } = c;
  return { ...rest, wordingWithoutJson: wordingWithout ? JSON.stringify(wordingWithout) : null };
}

export function causeFromNode(n: Record<string, unknown>): Cause {
  const { wordingWithoutJson, ...rest } = n;
  return {
    ...(rest as Cause),
    ...(wordingWithoutJson ? { wordingWithout: JSON.parse(wordingWithoutJson as string) } : {}),
  };
}

export function remedyToRow(r: Remedy) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    structural: r.structural,
    editJson: r.edit ? JSON.stringify(r.edit) : null,
    snippetTfjs: r.snippets.tfjs,
    snippetKeras: r.snippets.keras,
    snippetPytorch: r.snippets.pytorch,
  };
}

export function remedyFromNode(n: Record<string, unknown>): Remedy {
  return {
    id: n.id as string,
    name: n.name as string,
    description: n.description as string,
    structural: n.structural as boolean,
    ...(n.editJson ? { edit: JSON.parse(n.editJson as string) } : {}),
    snippets: {
      tfjs: n.snippetTfjs as string,
      keras: n.snippetKeras as string,
      pytorch: n.snippetPytorch as string,
    },
  };
}

export function dropNulls<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}
