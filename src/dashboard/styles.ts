/**
 * The dashboard's stylesheet, served after the report's (which it builds
 * on): site header, focus rings, the runs table, filters, the live alert
 * list and the knowledge graph. Every colour that carries meaning comes with
 * a symbol, a word, a shape or a dash; focus is always visible. Colours are
 * the report's variables plus a few of its own, so dark mode
 * (prefers-color-scheme) needs only their dark values; nothing is wider than
 * a 390 px phone.
 */
export const DASHBOARD_CSS = `
:root { --hover: #eef4fb; --btn: #0b57a4; --btn-fg: #fff; --off-bg: #e6e6e6; --off-fg: #595959; --field: #767676;
  --kg-symptom: #fdeee4; --kg-cause: #e8f1fb; --kg-remedy: #eaf6ec; --kg-node: #fff; --kg-ink: #111; --kg-stroke: #333;
  --kg-suggests: #0b57a4; --kg-fixed: #7a4a00; --run: #0b57a4; --stopped: #555; }
@media (prefers-color-scheme: dark) {
  :root { --hover: #1d2a3a; --btn: #8ab4f8; --btn-fg: #0d1b2e; --off-bg: #2a2a2a; --off-fg: #b4b4b4; --field: #8a8a8a;
    --kg-symptom: #3d2a1f; --kg-cause: #1c2b3d; --kg-remedy: #1d3324; --kg-node: #1c1c1c; --kg-ink: #e8e8e8; --kg-stroke: #bbb;
    --kg-suggests: #8ab4f8; --kg-fixed: #e0a860; --run: #8ab4f8; --stopped: #b4b4b4; }
}
.skip { position: absolute; left: -999px; top: .5rem; background: var(--bg); padding: .4rem .8rem; z-index: 10; }
.skip:focus { left: .5rem; }
header.site { max-width: none; padding: .55rem 0; border-bottom: 1px solid var(--line); background: var(--panel); }
header.site nav { max-width: 72rem; padding: 0 1.25rem; display: flex; align-items: center; gap: 1.5rem; }
header.site nav ul { margin: 0; }
.brand { font-weight: 700; letter-spacing: .02em; }
header.site a[aria-current="page"] { font-weight: 700; text-decoration: underline 3px; text-underline-offset: .3em; }
main { padding-top: 1rem; }
main:focus { outline: none; }
a:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible, summary:focus-visible {
  outline: 3px solid var(--link); outline-offset: 2px; border-radius: 2px; }
.filters { display: flex; flex-wrap: wrap; gap: .8rem 1.2rem; align-items: flex-end; padding: .8rem 1rem; background: var(--panel); border: 1px solid var(--line); border-radius: 4px; margin: 1rem 0; }
.field { display: flex; flex-direction: column; gap: .2rem; min-width: 0; max-width: 100%; }
.field label { font-weight: 600; font-size: .9rem; }
.field small { font-size: .8rem; }
select, input[type="text"], button { font: inherit; font-size: .95rem; padding: .3rem .5rem; border: 1px solid var(--field); border-radius: 3px; background: var(--bg); color: var(--fg); max-width: 100%; }
button { cursor: pointer; background: var(--btn); color: var(--btn-fg); border-color: var(--btn); }
button:disabled { background: var(--off-bg); color: var(--off-fg); border-color: var(--field); cursor: default; }
.runs-status { font-weight: 600; }
table.runs { width: 100%; }
table.runs tbody tr:hover, table.runs tbody tr:focus-within { background: var(--hover); }
table.runs tbody tr:focus-within th { box-shadow: inset 4px 0 0 var(--link); }
table.runs th[scope="row"] { font-weight: normal; }
a.run-link { font-weight: 600; }
ul.chips { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem; }
ul.chips li { border: 1px solid var(--rule); border-radius: 999px; padding: 0 .5rem; font-size: .85rem; white-space: nowrap; }
.top-cause meter { width: 5rem; height: .8rem; margin-left: .4rem; }
.cause-name { font-weight: 600; }
.tags { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
.status { display: inline-block; white-space: nowrap; font-weight: 600; padding: 0 .45rem; border-radius: 3px; border: 1px solid; }
.status-running { color: var(--run); }
.status-completed { color: var(--ok); }
.status-diverged, .status-crashed { color: var(--bad); }
.status-stopped, .status-other { color: var(--stopped); }
.healthy { color: var(--ok); font-weight: 600; }
.pager { display: flex; gap: .8rem; margin: 1rem 0; padding: 0; }
.run-state { margin: 0 0 .4rem; }
nav.sections { padding: 0; }
#live { border: 1px solid var(--line); border-radius: 4px; padding: .2rem 1rem .6rem; margin-top: 1.2rem; }
#live h2 { margin-top: .6rem; }
.live-state { font-weight: 600; }
ul.alerts { list-style: none; padding: 0; margin: .4rem 0 0; max-height: 16rem; overflow-y: auto; }
ul.alerts li { padding: .35rem .2rem; border-top: 1px solid var(--line); }
ul.alerts li .sym { margin-right: .3rem; }
ul.alerts time { margin-right: .3rem; font-variant-numeric: tabular-nums; }
ul.alerts .evidence { display: block; color: var(--muted); font-size: .9rem; margin-left: 1.3rem; }
ul.alerts li.alert-top_cause { background: var(--chg); }
p.lead { font-size: 1.05rem; }
ul.symptom-index { columns: 2 18rem; }
ol.sources li { margin-bottom: .3rem; }
.key { font-weight: 600; }
.kg-wrap { border: 1px solid var(--line); border-radius: 4px; padding: .5rem; max-width: 100%; overflow-x: auto; }
svg.kg { display: block; max-width: none; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.kg .colhead { font-size: 13px; font-weight: 600; fill: var(--muted); }
.kg .edge { fill: none; opacity: .55; }
.kg .edge.suggests { stroke: var(--kg-suggests); }
.kg .edge.fixed_by { stroke: var(--kg-fixed); stroke-dasharray: 7 4; }
.kg .edge.hl { opacity: 1; }
.kg.dim .edge:not(.hl), .kg.dim .node:not(.hl) { opacity: .18; }
#kg-arrow path { fill: var(--kg-stroke); }
.kg .node rect { fill: var(--kg-node); stroke: var(--kg-stroke); stroke-width: 1.5; }
.kg .node.symptom rect { fill: var(--kg-symptom); stroke-width: 3; }
.kg .node.cause rect { fill: var(--kg-cause); }
.kg .node.remedy rect { fill: var(--kg-remedy); }
.kg .node.hl rect { stroke-width: 3; }
.kg .node:focus { outline: none; }
.kg .node:focus-visible rect { stroke: var(--link); stroke-width: 4; }
.kg .node text { font-size: 12.5px; fill: var(--kg-ink); }
.kg .node:hover text { text-decoration: underline; }
.kg .elabel { display: none; font-size: 11px; font-weight: 600; fill: var(--kg-ink); paint-order: stroke; stroke: var(--bg); stroke-width: 4px; stroke-linejoin: round; }
.kg .elabel.suggests { display: inline; }
.kg.focus-cause .elabel.fixed_by.at-to.hl, .kg.focus-remedy .elabel.fixed_by.at-from.hl { display: inline; }
/* On a phone each run is a block: its name on a line, then status, cause, symptoms, step and tags. */
@media (max-width: 40rem) {
  table.runs, table.runs tbody, table.runs tr { display: block; width: 100%; }
  table.runs thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.runs tr { border-bottom: 2px solid var(--rule); padding: .5rem 0; }
  table.runs th[scope="row"], table.runs td { display: block; border: 0; padding: .15rem 0; text-align: left; }
  table.runs th[scope="row"] { font-size: 1.05rem; overflow-wrap: anywhere; }
  table.runs td.num::before { content: "last step "; color: var(--muted); }
  table.runs td.tags:empty { display: none; }
  table.runs caption { display: block; text-align: left; }
  header.site nav { flex-wrap: wrap; gap: .2rem 1rem; }
}
/* Runs side by side (issue 18): outcome apart from status, sortable columns, retries under their parent, the comparison chart. */
:root { --attention: #8a5300; }
@media (prefers-color-scheme: dark) { :root { --attention: #f0b45a; } }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
input[type="search"] { font: inherit; font-size: .95rem; padding: .3rem .5rem; border: 1px solid var(--field); border-radius: 3px; background: var(--bg); color: var(--fg); max-width: 100%; }
.outcome { display: inline-block; white-space: nowrap; font-weight: 600; }
.outcome-healthy { color: var(--ok); }
.outcome-attention { color: var(--attention); }
.outcome-failed { color: var(--bad); }
button.sort { background: none; color: inherit; border: 0; padding: 0; font-weight: 700; text-align: left; }
button.sort:hover { text-decoration: underline; }
table.runs tr.retry th[scope="row"] { padding-left: 1.4rem; }
.retry-of { margin: .15rem 0 0; font-size: .88rem; color: var(--muted); }
td.pick { width: 1.5rem; }
td.pick input { width: 1.1rem; height: 1.1rem; }
.downloads { white-space: nowrap; }
.compare, .related { border: 1px solid var(--line); border-radius: 4px; padding: .2rem 1rem .6rem; margin-top: 1.2rem; }
.compare-controls { display: flex; flex-wrap: wrap; gap: .8rem 1.2rem; align-items: flex-end; }
.compare-chart svg { display: block; width: 100%; height: auto; max-width: 100%; }
.cmp-line { fill: none; stroke-width: 2; }
.cmp-axis { fill: none; stroke: var(--muted); }
.cmp-tick { font-size: 12px; fill: var(--fg); }
ul.compare-legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; }
ul.compare-legend li { overflow-wrap: anywhere; }
@media (max-width: 40rem) { td.pick { width: auto; } table.runs tr.retry th[scope="row"] { padding-left: .8rem; } }
@media print { header.site, .filters, .pager, #live { display: none; } }
`;
