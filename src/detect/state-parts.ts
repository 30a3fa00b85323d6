import type { StateDelta } from '../domain/index.js';
import { decodeLine, encodeEvent } from '../trace/index.js';

/**
 * A saved detector state as parts: each key is the JSON array of a path into
 * the state (`["families","gradients","layers","conv1"]`), each value the
 * JSON text of what sits there. An object whose text is large is not one part
 * but a `{}` part and one part per property, so a batch that changes one
 * layer's state rewrites that layer's part, not the run's whole state (issue
 * 16: 40 batches of 1,000 new layers each had made a 708 MB journal). Paths
 * are JSON, never joined strings, so no layer name can collide with another
 * path.
 */
export type StateParts = Map<string, string>;

/**
 * Objects whose text would be longer than about this are split into their
 * properties (one layer's state of a family fits in one part). Estimated
 * from the object's shape, numbers at 8 characters each, never by encoding
 * it: a state is then encoded once per batch, each part once, and whether an
 * object is split does not flip as its numbers change length.
 */
const PART_CHARS = 1024;
/**
 * Levels always split: the root (so `signals` and `ended`, what a diagnosis
 * reads, are parts of their own) and its records (families, occurrences, layer
 * names, series keys), which grow with the run.
 */
const ALWAYS_SPLIT_DEPTH = 2;

/** The part keys a diagnosis reads (see readSavedSignals). */
export const SIGNAL_PART_KEYS: readonly string[] = [JSON.stringify(['signals']), JSON.stringify(['ended'])];

/**
 * Splits a state tree into parts (see StateParts); the same tree always gives
 * the same parts, in the order of the tree's keys.
 *
 * @example splitState({ signals: ['loss'], ended: false }) // Map { '["signals"]' => '["loss"]', '["ended"]' => 'false' }
 */
export function splitState(tree: Record<string, unknown>): StateParts {
  const parts: StateParts = new Map();
  splitInto((key, text) => parts.set(key, text), '', 0, tree);
  return parts;
}

/**
 * Brings `parts` (the parts of the state last saved) up to `tree` in place
 * and returns what changed: the same as diffParts(parts, splitState(tree)),
 * without a second map of every part per batch.
 *
 * @example const delta = updateParts(saved, tree); // saved now holds splitState(tree)
 */
export function updateParts(parts: StateParts, tree: Record<string, unknown>): StateDelta {
  const set: [string, string][] = [];
  const seen: string[] = [];
  let kept = 0;
  const had = parts.size;
  splitInto(
    (key, text) => {
      seen.push(key);
      const before = parts.get(key);
      if (before !== undefined) kept++;
      if (before === text) return;
      parts.set(key, text);
      set.push([key, text]);
    },
    '',
    0,
    tree,
  );
  const del: string[] = [];
  if (kept < had) {
    const current = new Set(seen);
    for (const key of parts.keys()) if (!current.has(key)) del.push(key);
    for (const key of del) parts.delete(key);
  }
  return { set, del };
}

/**
 * Emits the parts of `value` at the path whose key is `key` (the JSON array of
 * the path; '' for the root). A child's key is its parent's with one more
 * element, built by hand: JSON.stringify of every path was a good part of a
 * batch's time on a run of 10^4 layers.
 */
function splitInto(
  emit: (key: string, text: string) => void,
  key: string,
  depth: number,
  value: unknown,
): void {
  const split = isPlainObject(value) && (depth < ALWAYS_SPLIT_DEPTH || charsLeft(value, PART_CHARS) < 0);
  if (!split) {
    emit(key || '[]', encodeEvent(value));
    return;
  }
  if (depth > 0) emit(key, '{}');
  const prefix = depth > 0 ? `${key.slice(0, -1)},` : '[';
  for (const k in value) {
    const child = value[k];
    if (child === undefined || typeof child === 'function') continue; // JSON leaves these out too
    splitInto(emit, `${prefix}${JSON.stringify(k)}]`, depth + 1, child);
  }
}

/** About how many characters of `budget` are left after the value's JSON text; below 0 as soon as it is spent. */
function charsLeft(value: unknown, budget: number): number {
  if (value === null || typeof value !== 'object') {
    return budget - (typeof value === 'string' ? value.length + 2 : 8);
  }
  let left = budget - 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && left >= 0; i++) left = charsLeft(value[i], left - 1);
    return left;
  }
  for (const k in value) {
    if (left < 0) break;
    left = charsLeft((value as Record<string, unknown>)[k], left - k.length - 4);
  }
  return left;
}

/**
 * What changed from `before` to `after`: parts to write (new or with another
 * text, in `after`'s order) and keys to remove.
 *
 * @example diffParts(new Map([['["a"]', '1']]), new Map([['["a"]', '2']])) // { set: [['["a"]', '2']], del: [] }
 */
export function diffParts(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): StateDelta {
  const set: [string, string][] = [];
  const del: string[] = [];
  for (const [k, text] of after) if (before.get(k) !== text) set.push([k, text]);
  for (const k of before.keys()) if (!after.has(k)) del.push(k);
  return { set, del };
}

/**
 * The state tree the parts describe (the inverse of splitState), into `root`
 * (default a new object). Parts come parent first, as splitState and the
 * stores keep them; a child whose parent part is missing still gets an
 * object to live in.
 *
 * @example joinParts([['["signals"]', '["loss"]']]) // { signals: ['loss'] }
 */
export function joinParts(
  parts: Iterable<readonly [string, string]>,
  root: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const [key, text] of parts) {
    const path = JSON.parse(key) as string[];
    if (path.length === 0) {
      Object.assign(root, decodeLine(text, { event: 0 }));
      continue;
    }
    let node = root;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i]!;
      let next = node[k];
      if (!isPlainObject(next)) {
        next = {};
        setOwn(node, k, next);
      }
      node = next as Record<string, unknown>;
    }
    const last = path[path.length - 1]!;
    // A split object's own part is `{}`: keep the children already joined under it.
    if (text === '{}' && isPlainObject(node[last])) continue;
    setOwn(node, last, decodeLine(text, { event: 0 }));
  }
  return root;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A layer named `__proto__` must become a property, never the object's prototype.
function setOwn(node: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
  } else node[key] = value;
}
