import { fmt } from '../detect/index.js';
import type { KnowledgeSeed } from '../domain/index.js';
import { esc } from '../report/index.js';
import { type GraphLayout, layoutNeighbourhood } from './graph-layout.js';
import { graphSvg } from './graph-svg.js';
import { layout } from './layout.js';

const KINDS = [
  ['dynamic', 'Seen while training'],
  ['static', 'Found in the model or settings'],
  ['data', 'Found in the data'],
] as const;

/**
 * `/graph?symptom=<id>`: a symptom's neighbourhood drawn as a layered SVG
 * graph, then the same links as tables (weights, rationales, sources,
 * recorded retries). `/graph` alone lists the symptoms to start from.
 * Server-rendered from the knowledge graph the API answers from; null
 * (a 404) for an unknown symptom.
 *
 * @example graphPageHtml(seed, 'exploding_gradients')
 */
export function graphPageHtml(seed: KnowledgeSeed, symptomId: string | null): string | null {
  const g = symptomId ? layoutNeighbourhood(seed, symptomId) : null;
  if (symptomId && !g) return null;
  const picker = `<form class="filters" method="get" action="/graph" aria-label="Pick a symptom">
<div class="field"><label for="g-symptom">Symptom</label><select id="g-symptom" name="symptom">${KINDS.map(
    ([kind, name]) =>
      `<optgroup label="${name}">${seed.symptoms
        .filter((s) => s.kind === kind)
        .map(
          (s) =>
            `<option value="${esc(s.id)}"${s.id === symptomId ? ' selected' : ''}>${esc(s.name)}</option>`,
        )
        .join('')}</optgroup>`,
  ).join('')}</select></div>
<div class="actions"><button type="submit">Show its causes and remedies</button></div></form>`;
  const main = g ? neighbourhoodHtml(g, picker) : indexHtml(seed, picker);
  return layout({
    title: g
      ? `${g.symptom.name}: causes and remedies · traindx knowledge graph`
      : 'Knowledge graph · traindx',
    current: 'graph',
    main,
    scripts: g ? ['graph.js'] : [],
  });
}

function indexHtml(seed: KnowledgeSeed, picker: string): string {
  const count = (id: string) => seed.suggests.filter((l) => l.symptom === id).length;
  const groups = KINDS.map(
    ([kind, name]) =>
      `<h2>${name}</h2><ul class="symptom-index">${seed.symptoms
        .filter((s) => s.kind === kind)
        .map(
          (s) =>
            `<li><a href="/graph?symptom=${encodeURIComponent(s.id)}">${esc(s.name)}</a> <span class="meta">${count(s.id)} causes</span></li>`,
        )
        .join('')}</ul>`,
  ).join('\n');
  return `<h1>Knowledge graph</h1>
<p>What traindx knows: ${seed.symptoms.length} symptoms, ${seed.causes.length} causes, ${seed.remedies.length} remedies, linked by ${seed.suggests.length} weighted SUGGESTS and ${seed.fixedBy.length} FIXED_BY links, each with a rationale and a source. Pick a symptom to see what it points to.</p>
${picker}
${groups}`;
}

function neighbourhoodHtml(g: GraphLayout, picker: string): string {
  const s = g.symptom;
  const ref = new Map(g.sources.map((src, i) => [src.id, i + 1]));
  const name = new Map(g.nodes.map((n) => [n.key, n.name]));
  const cite = (id: string) => `<a href="#source-${ref.get(id)}">[${ref.get(id)}]</a>`;
  const suggests = g.edges.filter((e) => e.kind === 'suggests');
  const fixes = g.edges.filter((e) => e.kind === 'fixed_by');
  const causeRows = suggests
    .map((e) => {
      const id = e.to.slice(2);
      return `<tr id="row-c-${esc(id)}"><th scope="row">${esc(name.get(e.to))}<br><a href="/?cause=${encodeURIComponent(id)}">runs with this cause</a></th><td data-label="Weight" class="num">${fmt(e.weight)}</td><td data-label="Why">${esc(e.rationale)}</td><td data-label="Source">${cite(e.source)}</td></tr>`;
    })
    .join('\n');
  const seen = new Set<string>();
  const remedyRows = fixes
    .map((e) => {
      const first = !seen.has(e.to);
      seen.add(e.to);
      return `<tr${first ? ` id="row-r-${esc(e.to.slice(2))}"` : ''}><th scope="row">${esc(name.get(e.to))}</th><td data-label="For cause">${esc(name.get(e.from))}</td><td data-label="Effectiveness" class="num">${fmt(e.weight)}</td><td data-label="Retries that worked" class="num">${e.tries ? `${e.successes} of ${e.tries}` : 'none yet'}</td><td data-label="Learned" class="num">${fmt(e.learned ?? e.weight)}</td><td data-label="Why">${esc(e.rationale)}</td><td data-label="Source">${cite(e.source)}</td></tr>`;
    })
    .join('\n');
  return `<h1>${esc(s.name)}</h1>
<p id="row-s-${esc(s.id)}" class="lead">${esc(s.description)} <span class="meta">(<code>${esc(s.id)}</code>, ${esc(s.kind)}) · <a href="/?symptom=${encodeURIComponent(s.id)}">runs that showed it</a></span></p>
${picker}
<section id="graph" aria-labelledby="graph-h"><h2 id="graph-h">Causes and remedies</h2>
<p>Each line is a link of the graph, as wide as its weight: <span class="key suggests">solid</span> SUGGESTS (how strongly the symptom points to the cause), <span class="key fixed_by">dashed</span> FIXED_BY (how well the remedy fixes the cause, and how many recorded retries it worked in). Numbers in brackets are sources, listed below. Focus or point at a node to see its links; Tab moves through the nodes and Enter opens a node’s row in the tables.</p>
<div class="scroll kg-wrap">${graphSvg(g)}</div></section>
<section id="causes-table" aria-labelledby="causes-table-h"><h2 id="causes-table-h">Causes it suggests</h2>
<div class="scroll"><table class="stack"><thead><tr><th scope="col">Cause</th><th scope="col" class="num">Weight</th><th scope="col">Why</th><th scope="col">Source</th></tr></thead>
<tbody>${causeRows || '<tr><td colspan="4">No cause is linked to this symptom.</td></tr>'}</tbody></table></div></section>
<section id="remedies-table" aria-labelledby="remedies-table-h"><h2 id="remedies-table-h">Remedies of those causes</h2>
<p>Learned effectiveness pulls the seeded value toward what recorded retries showed: (successes + 2 × effectiveness) / (tries + 2).</p>
<div class="scroll"><table class="stack"><thead><tr><th scope="col">Remedy</th><th scope="col">For cause</th><th scope="col" class="num">Effectiveness</th><th scope="col" class="num">Retries that worked</th><th scope="col" class="num">Learned</th><th scope="col">Why</th><th scope="col">Source</th></tr></thead>
<tbody>${remedyRows || '<tr><td colspan="7">No remedy is linked to these causes.</td></tr>'}</tbody></table></div></section>
<section id="sources" aria-labelledby="sources-h"><h2 id="sources-h">Sources</h2>
<ol class="sources">${g.sources.map((src, i) => `<li id="source-${i + 1}">${esc(src.title)}</li>`).join('')}</ol></section>`;
}
