import type { KnowledgeSeed } from '../../domain/index.js';
import type { KnowledgeChangeWrite, KnowledgeRef } from '../graph-store.js';
import * as Q from './queries.js';
import { causeToRow, int, remedyToRow } from './rows.js';

type Run = (query: string, params: Record<string, unknown>) => Promise<unknown>;

/**
 * Inside one write transaction: upserts every node kind, then the links
 * (their nodes first), one round trip per non-empty kind.
 *
 * @example await session.executeWrite((tx) => writeKnowledge((q, p) => tx.run(q, p), part));
 */
export async function writeKnowledge(run: Run, part: KnowledgeSeed): Promise<void> {
  const each = (q: string, rows: unknown[]) => (rows.length ? run(q, { rows }) : undefined);
  await each(
    Q.UPSERT_SOURCES,
    part.sources.map((s) => ({ url: null, note: null, ...s })),
  );
  await each(Q.UPSERT_SYMPTOMS, part.symptoms);
  await each(Q.UPSERT_CAUSES, part.causes.map(causeToRow));
  await each(Q.UPSERT_REMEDIES, part.remedies.map(remedyToRow));
  await each(Q.UPSERT_SUGGESTS, part.suggests);
  await each(
    Q.UPSERT_FIXED_BY,
    part.fixedBy.map((l) => ({ ...l, tries: int(l.tries), successes: int(l.successes) })),
  );
}

/** Inside the same transaction as the write: the team's marks set and cleared. */
export async function writeKnowledgeTags(run: Run, change: KnowledgeChangeWrite): Promise<void> {
  await untagKnowledge(run, change.untag);
  if (change.tag.length) await run(Q.TAG_KNOWLEDGE, { refs: change.tag, by: change.by, at: change.at });
}

export async function untagKnowledge(run: Run, refs: KnowledgeRef[]): Promise<void> {
  if (refs.length) await run(Q.UNTAG_KNOWLEDGE, { refs });
}

/** Inside one write transaction: removes links, then nodes with whatever links are left at them. */
export async function removeKnowledge(run: Run, part: KnowledgeSeed): Promise<void> {
  const rows = (q: string, list: unknown[]) => (list.length ? run(q, { rows: list }) : undefined);
  const ids = (q: string, list: { id: string }[]) =>
    list.length ? run(q, { ids: list.map((n) => n.id) }) : undefined;
  await rows(Q.REMOVE_SUGGESTS, part.suggests);
  await rows(Q.REMOVE_FIXED_BY, part.fixedBy);
  await ids(Q.REMOVE_SOURCES, part.sources);
  await ids(Q.REMOVE_SYMPTOMS, part.symptoms);
  await ids(Q.REMOVE_CAUSES, part.causes);
  await ids(Q.REMOVE_REMEDIES, part.remedies);
}
