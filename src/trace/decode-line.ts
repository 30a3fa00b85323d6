import { hasNonFinite } from './has-non-finite.js';
import { TraceError } from './trace-error.js';

const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

// Free-text fields whose value may legitimately be the string "NaN".
const TEXT_KEYS = new Set(['type', 'id', 'name', 'reason', 'status', 'split', 'framework', 'task']);

function reviveNonFinite(key: string, value: unknown): unknown {
  if (typeof value === 'string' && !TEXT_KEYS.has(key)) {
    const n = NON_FINITE[value];
    if (n !== undefined) return n;
  }
  return value;
}

/**
 * Parses one JSON line of a trace, turning the strings "NaN", "Infinity" and
 * "-Infinity" back into numbers (spec/trace-format.md). The reviver costs about
 * half of JSON.parse's speed, so it only runs on lines that contain one.
 *
 * @example decodeLine('{"type":"step","step":1,"loss":"NaN"}', { line: 2 }) // { ..., loss: NaN }
 */
export function decodeLine(text: string, where: { file?: string; line?: number; event?: number }): unknown {
  const needsReviver = text.includes('NaN"') || text.includes('Infinity"');
  try {
    return needsReviver ? JSON.parse(text, reviveNonFinite) : JSON.parse(text);
  } catch (err) {
    throw new TraceError(where, undefined, `broken JSON (${(err as Error).message})`);
  }
}

/** JSON.stringify replacer that writes non-finite numbers as the spec's strings. */
export function encodeNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  }
  return value;
}

/** One event as one trace line (no newline). */
export function encodeEvent(event: unknown): string {
  // The same text either way; the replacer only when a value needs it (see hasNonFinite).
  return hasNonFinite(event) ? JSON.stringify(event, encodeNonFinite) : JSON.stringify(event);
}

/**
 * Same rule as decodeLine for an event that arrived already parsed (a GraphQL
 * batch): "NaN", "Infinity" and "-Infinity" strings become numbers, in place.
 */
export function reviveEvent<T>(value: T, key = ''): T {
  if (value === null || typeof value !== 'object') return reviveNonFinite(key, value) as T;
  // Every value of every ingested event passes here: write back only what
  // changed (a string turned number), since rewriting each property of a
  // batch cost more than reading it. Numbers are never rewritten.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v === 'object' && v !== null) reviveEvent(v, key);
      else if (typeof v === 'string') value[i] = reviveNonFinite(key, v);
    }
    return value;
  }
  const o = value as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (typeof v === 'object' && v !== null) reviveEvent(v, k);
    else if (typeof v === 'string') {
      const n = reviveNonFinite(k, v);
      if (n !== v) o[k] = n;
    }
  }
  return value;
}
