import type { KnowledgeSeed, Source, Symptom } from '../domain/index.js';
import { learnedEffectiveness } from '../reason/index.js';

export type NodeKind = 'symptom' | 'cause' | 'remedy';

export interface GraphNode {
  /** `s:`, `c:` or `r:` and the id: unique across the three kinds. */
  key: string;
  kind: NodeKind;
  id: string;
  name: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** The name wrapped to at most two lines. */
  lines: string[];
}

export interface GraphEdge {
  kind: 'suggests' | 'fixed_by';
  from: string;
  to: string;
  /** SUGGESTS weight, or FIXED_BY effectiveness as seeded. */
  weight: number;
  /** FIXED_BY only: outcomes recorded on the link, and the effectiveness they imply. */
  tries?: number;
  successes?: number;
  learned?: number;
  rationale: string;
  source: string;
  /** SVG path data: a horizontal-tangent cubic from the right side of `from` to the left side of `to`. */
  path: string;
}

export interface GraphLayout {
  width: number;
  height: number;
  symptom: Symptom;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** The sources the links cite, numbered in order of first citation (1-based in the page). */
  sources: Source[];
  /** The node highlighted before the reader picks one: the strongest cause. */
  focus: string | null;
}

// Three columns: symptom → causes → remedies. Sizes in SVG user units (px at 100%).
const PAD = 16;
const COLS = { symptom: { x: PAD, w: 180 }, cause: { x: 310, w: 220 }, remedy: { x: 670, w: 250 } };
const NODE_H = 40;
const PITCH = 50;
const CHARS_PER_LINE = { symptom: 22, cause: 28, remedy: 32 };

/**
 * Lays out a symptom's neighbourhood as a layered graph: a layer per node
 * kind, causes by SUGGESTS weight, remedies (each once, however many causes
 * it fixes) by the mean rank of their causes, which keeps edges from
 * crossing much. A fixed 3-layer shape needs no layout engine. Null when the
 * symptom is unknown.
 *
 * @example layoutNeighbourhood(seed, 'exploding_gradients')!.nodes.length // 1 + causes + remedies
 */
export function layoutNeighbourhood(seed: KnowledgeSeed, symptomId: string): GraphLayout | null {
  const symptom = seed.symptoms.find((s) => s.id === symptomId);
  if (!symptom) return null;
  const causeOf = new Map(seed.causes.map((c) => [c.id, c]));
  const remedyOf = new Map(seed.remedies.map((r) => [r.id, r]));
  const suggests = seed.suggests
    .filter((l) => l.symptom === symptomId && causeOf.has(l.cause))
    .sort((a, b) => b.weight - a.weight || a.cause.localeCompare(b.cause));
  const rank = new Map(suggests.map((l, i) => [l.cause, i]));
  const fixes = seed.fixedBy
    .filter((l) => rank.has(l.cause) && remedyOf.has(l.remedy))
    .sort((a, b) => rank.get(a.cause)! - rank.get(b.cause)! || b.effectiveness - a.effectiveness);
  const remedyIds = [...new Set(fixes.map((l) => l.remedy))];
  const mean = (id: string) => {
    const ranks = fixes.filter((l) => l.remedy === id).map((l) => rank.get(l.cause)!);
    return ranks.reduce((a, b) => a + b, 0) / ranks.length;
  };
  const best = (id: string) => Math.max(...fixes.filter((l) => l.remedy === id).map((l) => l.effectiveness));
  remedyIds.sort((a, b) => mean(a) - mean(b) || best(b) - best(a) || a.localeCompare(b));

  const rows = Math.max(suggests.length, remedyIds.length, 1);
  const height = rows * PITCH + 2 * PAD;
  // Each column's nodes spread evenly over the same height, centred.
  const place = (kind: NodeKind, i: number, n: number, id: string, name: string): GraphNode => {
    const slot = (height - 2 * PAD) / n;
    const cy = PAD + slot * (i + 0.5);
    return {
      key: `${kind[0]}:${id}`,
      kind,
      id,
      name,
      x: COLS[kind].x,
      y: Math.round(cy - NODE_H / 2),
      w: COLS[kind].w,
      h: NODE_H,
      lines: wrapName(name, CHARS_PER_LINE[kind]),
    };
  };
  const nodes = [
    place('symptom', 0, 1, symptom.id, symptom.name),
    ...suggests.map((l, i) => place('cause', i, suggests.length, l.cause, causeOf.get(l.cause)!.name)),
    ...remedyIds.map((id, i) => place('remedy', i, remedyIds.length, id, remedyOf.get(id)!.name)),
  ];
  const node = new Map(nodes.map((n) => [n.key, n]));
  const curve = (from: string, to: string) => {
    const a = node.get(from)!;
    const b = node.get(to)!;
    const [x1, y1, x2, y2] = [a.x + a.w, a.y + a.h / 2, b.x, b.y + b.h / 2];
    const mx = (x1 + x2) / 2;
    return `M${x1} ${y1}C${mx} ${y1} ${mx} ${y2} ${x2} ${y2}`;
  };
  const edges: GraphEdge[] = [
    ...suggests.map((l): GraphEdge => {
      const [from, to] = [`s:${symptom.id}`, `c:${l.cause}`];
      const { weight, rationale, source } = l;
      return { kind: 'suggests', from, to, weight, rationale, source, path: curve(from, to) };
    }),
    ...fixes.map((l): GraphEdge => {
      const [from, to] = [`c:${l.cause}`, `r:${l.remedy}`];
      return {
        kind: 'fixed_by',
        from,
        to,
        weight: l.effectiveness,
        tries: l.tries,
        successes: l.successes,
        learned: learnedEffectiveness(l),
        rationale: l.rationale,
        source: l.source,
        path: curve(from, to),
      };
    }),
  ];
  const sourceOf = new Map(seed.sources.map((s) => [s.id, s]));
  const cited = [...new Set(edges.map((e) => e.source))].map(
    (id): Source => sourceOf.get(id) ?? { id, title: id },
  );
  return {
    width: COLS.remedy.x + COLS.remedy.w + PAD,
    height,
    symptom,
    nodes,
    edges,
    sources: cited,
    focus: suggests[0] ? `c:${suggests[0].cause}` : null,
  };
}

/** A name in at most two lines of `max` characters, broken at spaces; the rest becomes an ellipsis. */
export function wrapName(name: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of name.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (next.length <= max || !line) line = next;
    else {
      lines.push(line);
      line = word;
    }
  }
  lines.push(line);
  if (lines.length <= 2) return lines.map((l) => clip(l, max));
  return [clip(lines[0]!, max), clip(lines.slice(1).join(' '), max)];
}

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
