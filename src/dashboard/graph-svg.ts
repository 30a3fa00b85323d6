import { fmt } from '../detect/index.js';
import { esc } from '../report/index.js';
import type { GraphEdge, GraphLayout, GraphNode } from './graph-layout.js';

// Room above the columns for their headings.
const HEAD = 30;
const KIND_WORD = { symptom: 'Symptom', cause: 'Cause', remedy: 'Remedy' };

/**
 * The layered graph as inline SVG. Kinds differ by shape and a word, link
 * kinds by dash as well as colour, weights by line width and a number; every
 * node is a link (keyboard-focusable) to its row in the tables under the
 * graph, where the same facts stand as text. The page script highlights a
 * focused node's links; without it the strongest cause stays highlighted.
 *
 * @example graphSvg(layoutNeighbourhood(seed, 'exploding_gradients')!)
 */
export function graphSvg(g: GraphLayout): string {
  const node = new Map(g.nodes.map((n) => [n.key, n]));
  const ref = new Map(g.sources.map((s, i) => [s.id, i + 1]));
  const lit = (e: GraphEdge) => (g.focus !== null && (e.from === g.focus || e.to === g.focus) ? ' hl' : '');
  const ends = (e: GraphEdge) => `data-from="${esc(e.from)}" data-to="${esc(e.to)}"`;
  const edges = g.edges
    .map(
      (e) =>
        `<path class="edge ${e.kind}${lit(e)}" ${ends(e)} d="${e.path}" stroke-width="${fmt(1 + 3 * e.weight)}" marker-end="url(#kg-arrow)"><title>${esc(edgeTitle(e, node, g))}</title></path>`,
    )
    .join('\n');
  const labels = g.edges
    .flatMap((e) => {
      const a = node.get(e.from)!;
      const b = node.get(e.to)!;
      const text = `${edgeNumber(e)} [${ref.get(e.source)}]`;
      const at = (cls: string, x: number, y: number, anchor: string) =>
        `<text class="elabel ${e.kind} ${cls}${lit(e)}" ${ends(e)} x="${x}" y="${y}" text-anchor="${anchor}">${esc(text)}</text>`;
      // Beside the arrowhead, above the line; a FIXED_BY label also beside its cause, shown when
      // the remedy is focused (then its links come from different causes, so labels never stack).
      return e.kind === 'suggests'
        ? [at('at-to', b.x - 10, mid(b) - 6, 'end')]
        : [at('at-to', b.x - 10, mid(b) - 6, 'end'), at('at-from', a.x + a.w + 8, mid(a) - 6, 'start')];
    })
    .join('\n');
  const nodes = g.nodes.map((n) => nodeSvg(n, g, n.key === g.focus)).join('\n');
  const headings = [
    [16, 'Symptom'],
    [310, 'Causes · SUGGESTS weight'],
    [670, 'Remedies · FIXED_BY effectiveness'],
  ]
    .map(([x, t]) => `<text class="colhead" x="${x}" y="18">${t}</text>`)
    .join('');
  return `<svg id="kg" class="kg${g.focus?.startsWith('c:') ? ' focus-cause' : ''}" data-focus="${esc(g.focus ?? '')}" viewBox="0 0 ${g.width} ${g.height + HEAD}" width="${g.width}" height="${g.height + HEAD}" role="group" aria-labelledby="kg-title" aria-describedby="kg-desc">
<title id="kg-title">Knowledge graph around ${esc(g.symptom.name)}</title>
<desc id="kg-desc">${esc(describe(g))}</desc>
<defs><marker id="kg-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0 0L10 5L0 10Z"/></marker></defs>
${headings}
<g transform="translate(0 ${HEAD})">
<g class="edges">${edges}</g>
<g class="nodes">${nodes}</g>
<g class="labels">${labels}</g>
</g>
</svg>`;
}

function nodeSvg(n: GraphNode, g: GraphLayout, lit: boolean): string {
  const link = g.edges.find((e) => e.to === n.key);
  const what =
    n.kind === 'symptom'
      ? `${g.edges.length ? `suggests ${g.edges.filter((e) => e.kind === 'suggests').length} causes` : 'no causes'}`
      : n.kind === 'cause'
        ? `SUGGESTS weight ${fmt(link?.weight ?? 0)}, fixed by ${g.edges.filter((e) => e.from === n.key).length} remedies`
        : `fixes ${g.edges.filter((e) => e.to === n.key).length} of these causes`;
  const lines = n.lines.map((l, i) => `<tspan x="${n.x + 10}" y="${textY(n, i)}">${esc(l)}</tspan>`).join('');
  return `<a class="node ${n.kind}${lit ? ' hl' : ''}" href="#row-${n.kind[0]}-${esc(n.id)}" data-key="${esc(n.key)}" aria-label="${esc(`${KIND_WORD[n.kind]}: ${n.name}; ${what}`)}">
<title>${esc(`${KIND_WORD[n.kind]}: ${n.name} (${n.id})`)}</title>
<rect x="${n.x}" y="${n.y}" width="${n.w}" height="${n.h}" rx="${n.kind === 'symptom' ? n.h / 2 : n.kind === 'cause' ? 3 : 10}"/>
<text class="name">${lines}</text></a>`;
}

const mid = (n: GraphNode) => n.y + n.h / 2;
const textY = (n: GraphNode, line: number) => (n.lines.length === 1 ? mid(n) + 4 : mid(n) - 3 + line * 14);

/** The number a link shows: the weight, or the effectiveness and how many recorded retries worked. */
export function edgeNumber(e: GraphEdge): string {
  if (e.kind === 'suggests' || !e.tries) return fmt(e.weight);
  return `${fmt(e.weight)} · ${e.successes}/${e.tries} worked`;
}

function edgeTitle(e: GraphEdge, node: Map<string, GraphNode>, g: GraphLayout): string {
  const from = node.get(e.from)!.name;
  const to = node.get(e.to)!.name;
  const source = g.sources.find((s) => s.id === e.source)?.title ?? e.source;
  const head =
    e.kind === 'suggests'
      ? `${from} SUGGESTS ${to} (weight ${fmt(e.weight)})`
      : `${from} FIXED_BY ${to} (effectiveness ${fmt(e.weight)}${e.tries ? `, ${e.successes} of ${e.tries} recorded retries worked, learned ${fmt(e.learned ?? e.weight)}` : ''})`;
  return `${head}. ${e.rationale} Source: ${source}`;
}

function describe(g: GraphLayout): string {
  const causes = g.nodes.filter((n) => n.kind === 'cause').length;
  const remedies = g.nodes.filter((n) => n.kind === 'remedy').length;
  return `${g.symptom.name} suggests ${causes} causes, fixed by ${remedies} remedies; the tables below list every link with its weight, rationale and source.`;
}
