/**
 * The dashboard's stylesheet, served after the report's (which it builds
 * on): site header, focus rings, the runs table, filters, the live alert
 * list and the knowledge graph. Every colour that carries meaning comes with
 * a symbol, a word, a shape or a dash; focus is always visible.
 */
export const DASHBOARD_CSS = `
.skip { position: absolute; left: -999px; top: .5rem; background: #fff; padding: .4rem .8rem; z-index: 10; }
.skip:focus { left: .5rem; }
header.site { max-width: none; padding: .55rem 0; border-bottom: 1px solid var(--line); background: #f7f7f7; }
header.site nav { max-width: 72rem; padding: 0 1.25rem; display: flex; align-items: center; gap: 1.5rem; }
header.site nav ul { margin: 0; }
.brand { font-weight: 700; letter-spacing: .02em; }
header.site a[aria-current="page"] { font-weight: 700; text-decoration: underline 3px; text-underline-offset: .3em; }
main { padding-top: 1rem; }
main:focus { outline: none; }
a:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible, summary:focus-visible {
  outline: 3px solid #0b57a4; outline-offset: 2px; border-radius: 2px; }
.filters { display: flex; flex-wrap: wrap; gap: .8rem 1.2rem; align-items: flex-end; padding: .8rem 1rem; background: #f7f7f7; border: 1px solid var(--line); border-radius: 4px; margin: 1rem 0; }
.field { display: flex; flex-direction: column; gap: .2rem; }
.field label { font-weight: 600; font-size: .9rem; }
.field small { font-size: .8rem; }
select, input[type="text"], button { font: inherit; font-size: .95rem; padding: .3rem .5rem; border: 1px solid #767676; border-radius: 3px; background: #fff; color: var(--fg); }
button { cursor: pointer; background: #0b57a4; color: #fff; border-color: #0b57a4; }
button:disabled { background: #e6e6e6; color: #595959; border-color: #aaa; cursor: default; }
.runs-status { font-weight: 600; }
table.runs { width: 100%; }
table.runs tbody tr:hover, table.runs tbody tr:focus-within { background: #eef4fb; }
table.runs tbody tr:focus-within th { box-shadow: inset 4px 0 0 #0b57a4; }
table.runs th[scope="row"] { font-weight: normal; }
a.run-link { font-weight: 600; }
ul.chips { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem; }
ul.chips li { border: 1px solid #999; border-radius: 999px; padding: 0 .5rem; font-size: .85rem; white-space: nowrap; }
.top-cause meter { width: 5rem; height: .8rem; margin-left: .4rem; }
.cause-name { font-weight: 600; }
.tags { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
.status { display: inline-block; white-space: nowrap; font-weight: 600; padding: 0 .45rem; border-radius: 3px; border: 1px solid; }
.status-running { color: #0b57a4; }
.status-completed { color: #1e6b35; }
.status-diverged, .status-crashed { color: #a4262c; }
.status-stopped, .status-other { color: #555; }
.healthy { color: #1e6b35; font-weight: 600; }
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
ul.alerts li.alert-top_cause { background: #fff6dd; }
p.lead { font-size: 1.05rem; }
ul.symptom-index { columns: 2 18rem; }
ol.sources li { margin-bottom: .3rem; }
.key { font-weight: 600; }
.kg-wrap { border: 1px solid var(--line); border-radius: 4px; padding: .5rem; }
svg.kg { display: block; max-width: none; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.kg .colhead { font-size: 13px; font-weight: 600; fill: #444; }
.kg .edge { fill: none; opacity: .55; }
.kg .edge.suggests { stroke: #0b57a4; }
.kg .edge.fixed_by { stroke: #7a4a00; stroke-dasharray: 7 4; }
.kg .edge.hl { opacity: 1; }
.kg.dim .edge:not(.hl), .kg.dim .node:not(.hl) { opacity: .18; }
#kg-arrow path { fill: #333; }
.kg .node rect { fill: #fff; stroke: #333; stroke-width: 1.5; }
.kg .node.symptom rect { fill: #fdeee4; stroke-width: 3; }
.kg .node.cause rect { fill: #e8f1fb; }
.kg .node.remedy rect { fill: #eaf6ec; }
.kg .node.hl rect { stroke-width: 3; }
.kg .node:focus { outline: none; }
.kg .node:focus-visible rect { stroke: #0b57a4; stroke-width: 4; }
.kg .node text { font-size: 12.5px; fill: #111; }
.kg .node:hover text { text-decoration: underline; }
.kg .elabel { display: none; font-size: 11px; font-weight: 600; fill: #111; paint-order: stroke; stroke: #fff; stroke-width: 4px; stroke-linejoin: round; }
.kg .elabel.suggests { display: inline; }
.kg.focus-cause .elabel.fixed_by.at-to.hl, .kg.focus-remedy .elabel.fixed_by.at-from.hl { display: inline; }
@media print { header.site, .filters, .pager, #live { display: none; } }
`;
