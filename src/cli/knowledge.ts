import type { Config } from '../config/index.js';
import {
  type KnowledgeChange,
  listKnowledgeChanges,
  loadShippedSeed,
  revertKnowledgeChanges,
} from '../knowledge/index.js';
import { withStore } from '../store/index.js';

// A value as one line of the diff: JSON, cut so a long snippet does not flood the terminal.
const shown = (v: unknown) => {
  const text = v === undefined ? '(none)' : JSON.stringify(v);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
};

/** The lines of one change: what, who and when, then each differing field, seed value then team value. */
export function formatChange(c: KnowledgeChange): string[] {
  const head = `${c.kind.padEnd(7)} ${c.id}  by ${c.by ?? '(no token)'} at ${c.at}`;
  if (c.kind === 'added') return [head, `  ${shown(c.team)}`];
  return [head, ...c.fields.map((f) => `  ${f}: seed ${shown(c.seed?.[f])} -> team ${shown(c.team?.[f])}`)];
}

/**
 * `traindx knowledge diff`: where the store's knowledge graph differs from the
 * shipped seed because a team changed it (the GraphQL knowledgeChanges).
 *
 * @example await knowledgeDiff(config, console.log)
 */
export async function knowledgeDiff(config: Config, out: (line: string) => void): Promise<void> {
  const changes = await withStore(config, async (store) =>
    listKnowledgeChanges(store, await loadShippedSeed()),
  );
  if (changes.length === 0) return out('no changes from the shipped seed (graph-seed/)');
  out(`${changes.length} change${changes.length === 1 ? '' : 's'} from the shipped seed (graph-seed/):`);
  for (const c of changes) for (const line of formatChange(c)) out(line);
}

/**
 * `traindx knowledge revert ID...`: puts entries back as the shipped seed has
 * them (the GraphQL revertKnowledge); an id that is no change is refused (exit 2).
 *
 * @example await knowledgeRevert(config, ['suggests:loss_nan->learning_rate_too_high'], console.log)
 */
export async function knowledgeRevert(
  config: Config,
  ids: string[],
  out: (line: string) => void,
): Promise<void> {
  const reverted = await withStore(config, async (store) =>
    revertKnowledgeChanges(store, ids, await loadShippedSeed()),
  );
  for (const c of reverted) out(`reverted ${c.id} (${c.kind === 'added' ? 'removed' : 'back to the seed'})`);
}
