/**
 * The report's own stylesheet, inlined after uPlot's. System fonts only (a
 * web font would need the network); colours pass WCAG AA contrast on white,
 * and every state that has a colour also has a word or a symbol.
 */
export const REPORT_CSS = `
:root { --fg: #1b1b1b; --muted: #555; --line: #d0d0d0; --bad: #a4262c; --ok: #1e6b35; --code: #f4f4f4; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, nav, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.5rem; }
.kicker { margin: 0; color: var(--muted); font-size: .9rem; text-transform: uppercase; letter-spacing: .05em; }
h1 { margin: .2rem 0 .6rem; font-size: 1.8rem; overflow-wrap: anywhere; }
h2 { margin-top: 2.2rem; padding-bottom: .2rem; border-bottom: 2px solid var(--line); }
h3 { margin-bottom: .3rem; }
.verdict { font-size: 1.15rem; padding: .8rem 1rem; border-left: 6px solid; background: #f7f7f7; }
.verdict.bad { border-color: var(--bad); }
.verdict.ok { border-color: var(--ok); }
.verdict strong { color: inherit; }
nav ul { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; list-style: none; padding: 0; margin: .5rem 0 0; }
a { color: #0b57a4; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 0 2rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .93rem; }
th, td { text-align: left; vertical-align: top; padding: .3rem .6rem; border-bottom: 1px solid var(--line); }
thead th { border-bottom: 2px solid #999; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
ol.causes, ol.remedies { padding-left: 1.4rem; }
ol.causes > li, ol.remedies > li { margin-bottom: 1.4rem; }
.conf { font-weight: normal; color: var(--muted); font-size: .95rem; }
meter { width: 12rem; height: 1rem; vertical-align: middle; }
.meta { color: var(--muted); margin: .1rem 0 .5rem; }
.evidence li { margin-bottom: .4rem; }
.evidence ul ul { margin: .2rem 0; color: #333; }
.why { color: var(--muted); font-size: .93rem; margin: .1rem 0 0; }
.sym { vertical-align: -2px; fill: #111; stroke: #fff; stroke-width: 1; }
pre { background: var(--code); padding: .6rem .8rem; overflow-x: auto; border-radius: 4px; font-size: .88rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
details > summary { cursor: pointer; color: #0b57a4; }
details.snippets h4 { margin: .6rem 0 .2rem; font-size: .95rem; }
table.diff td { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .86rem; }
table.diff tr.insert td { background: #e9f6ec; }
table.diff tr.remove td { background: #fbeaea; }
table.diff tr.change td { background: #fff6dd; }
.mark { font-family: system-ui, sans-serif; font-weight: 600; white-space: nowrap; }
del { text-decoration: line-through; }
ins { text-decoration: none; }
figure.chart { margin: 1.5rem 0 2rem; }
figure.chart h3 { margin: 0; }
figcaption p { margin: .2rem 0 .5rem; color: var(--muted); }
.plot { min-height: 100px; width: 100%; }
.plot .uplot { width: auto; }
ul.markers { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; font-size: .9rem; margin: .4rem 0; }
.scale { display: flex; align-items: center; gap: .5rem; font-size: .9rem; flex-wrap: wrap; }
.scale .bar { width: 14rem; height: .9rem; border: 1px solid #999;
  background: linear-gradient(to right, #440154, #472d7b, #3b528b, #2c728e, #21918c, #28ae80, #5ec962, #addc30, #fde725); }

.swatch.bad { background: #000; color: #fff; }
.swatch.zero { background: #d9d9d9; color: #333; }
.swatch { display: inline-block; width: 1.1rem; height: .9rem; border: 1px solid #999; vertical-align: middle; text-align: center; font-size: .7rem; line-height: .8rem; }
output.readout { display: block; min-height: 1.5em; font-size: .9rem; color: var(--muted); }
.chart-error { color: var(--bad); }
footer { margin-top: 3rem; padding-bottom: 2rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); }
@media print { nav, details > summary { display: none; } details { display: block; } figure.chart { break-inside: avoid; } }
`;
