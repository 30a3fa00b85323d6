/**
 * The report's own stylesheet, inlined after uPlot's. System fonts only (a
 * web font would need the network); colours pass WCAG AA contrast (4.5:1)
 * on their background in both schemes, light and dark (prefers-color-scheme:
 * every colour is a variable), and every state that has a colour also has a
 * word or a symbol. Nothing is wider than a 390 px phone: long words wrap,
 * tables scroll inside their own box.
 */
export const REPORT_CSS = `
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #fff; --muted: #555; --line: #d0d0d0; --rule: #999; --bad: #a4262c; --ok: #1e6b35;
  --code: #f4f4f4; --panel: #f7f7f7; --link: #0b57a4; --text2: #333; --ins: #e9f6ec; --del: #fbeaea; --chg: #fff6dd; --accent: #b35900; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8e8e8; --bg: #121212; --muted: #b4b4b4; --line: #444; --rule: #777; --bad: #ff8a80; --ok: #7ddc91;
    --code: #1f1f1f; --panel: #1c1c1c; --link: #8ab4f8; --text2: #d4d4d4; --ins: #173321; --del: #3d1f22; --chg: #3a3116; --accent: #ffb06b; }
}
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); overflow-wrap: break-word; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, nav, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.5rem; }
.kicker { margin: 0; color: var(--muted); font-size: .9rem; text-transform: uppercase; letter-spacing: .05em; }
h1 { margin: .2rem 0 .6rem; font-size: 1.8rem; overflow-wrap: anywhere; }
h2 { margin-top: 2.2rem; padding-bottom: .2rem; border-bottom: 2px solid var(--line); }
h3 { margin-bottom: .3rem; }
.verdict { font-size: 1.15rem; padding: .8rem 1rem; border-left: 6px solid; background: var(--panel); }
.verdict.bad { border-color: var(--bad); }
.verdict.ok { border-color: var(--ok); }
.verdict strong { color: inherit; }
nav ul { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; list-style: none; padding: 0; margin: .5rem 0 0; }
a { color: var(--link); }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 0 2rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .93rem; }
th, td { text-align: left; vertical-align: top; padding: .3rem .6rem; border-bottom: 1px solid var(--line); }
thead th { border-bottom: 2px solid var(--rule); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
ol.causes, ol.remedies { padding-left: 1.4rem; }
ol.causes > li, ol.remedies > li { margin-bottom: 1.4rem; }
.conf { font-weight: normal; color: var(--muted); font-size: .95rem; }
meter { width: 12rem; height: 1rem; vertical-align: middle; }
.meta { color: var(--muted); margin: .1rem 0 .5rem; }
.evidence li { margin-bottom: .4rem; }
.evidence ul ul { margin: .2rem 0; color: var(--text2); }
.why { color: var(--muted); font-size: .93rem; margin: .1rem 0 0; }
.sym { vertical-align: -2px; fill: var(--fg); stroke: var(--bg); stroke-width: 1; }
pre { background: var(--code); padding: .6rem .8rem; overflow-x: auto; border-radius: 4px; font-size: .88rem; overflow-wrap: normal; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
details > summary { cursor: pointer; color: var(--link); }
details.snippets h4 { margin: .6rem 0 .2rem; font-size: .95rem; }
table.diff td { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .86rem; }
table.diff tr.insert td { background: var(--ins); }
table.diff tr.remove td { background: var(--del); }
table.diff tr.change td { background: var(--chg); }
.mark { font-family: system-ui, sans-serif; font-weight: 600; white-space: nowrap; }
del { text-decoration: line-through; }
ins { text-decoration: none; }
figure.chart { margin: 1.5rem 0 2rem; }
figure.chart h3 { margin: 0; }
figcaption p { margin: .2rem 0 .5rem; color: var(--muted); }
/* The chart script draws for a white page: a chart is a light island in both schemes. */
.plot { min-height: 100px; width: 100%; background: #fff; color: #1b1b1b; border-radius: 4px; }
.plot .uplot { width: auto; }
ul.markers { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; font-size: .9rem; margin: .4rem 0; }
.scale { display: flex; align-items: center; gap: .5rem; font-size: .9rem; flex-wrap: wrap; }
.scale .bar { width: 14rem; max-width: 60vw; height: .9rem; border: 1px solid #999;
  background: linear-gradient(to right, #440154, #472d7b, #3b528b, #2c728e, #21918c, #28ae80, #5ec962, #addc30, #fde725); }

.scale .bar.rev { background: linear-gradient(to right, #fde725, #addc30, #5ec962, #28ae80, #21918c, #2c728e, #3b528b, #472d7b, #440154); }
.dist-h { margin: .8rem 0 .2rem; font-size: 1rem; }
.dist-pick select { max-width: 100%; font: inherit; }
.swatch.bad { background: #000; color: #fff; }
.swatch.zero { background: #d9d9d9; color: #333; }
.swatch { display: inline-block; width: 1.1rem; height: .9rem; border: 1px solid #999; vertical-align: middle; text-align: center; font-size: .7rem; line-height: .8rem; }
output.readout { display: block; min-height: 1.5em; font-size: .9rem; color: var(--muted); }
.chart-error { color: var(--bad); }
.why-card { margin: 1.2rem 0 0; padding: .2rem 1rem 1rem; border: 2px solid var(--line); border-left: 6px solid var(--accent); border-radius: 4px; }
.why-card h2 { margin-top: .6rem; border: 0; }
.why-chart { margin: .4rem 0; }
.why-chart svg { display: block; width: 100%; height: 9rem; }
.why-chart .curve { fill: none; stroke: var(--link); stroke-width: 2; }
.why-chart .span { fill: var(--accent); opacity: .14; }
.why-chart .onset { stroke: var(--accent); stroke-width: 2.5; stroke-dasharray: 5 3; }
.why-chart figcaption { display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; font-size: .88rem; color: var(--muted); }
.onset-key { color: var(--fg); font-weight: 600; }
dl.why-numbers { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .6rem 1.2rem; margin: .8rem 0; }
dl.why-numbers div { display: flex; flex-direction: column-reverse; }
dl.why-numbers dd { font-size: 1.45rem; font-weight: 700; font-variant-numeric: tabular-nums; }
dl.why-numbers dt { font-size: .88rem; }
.why-fix h3 { margin: .4rem 0 .2rem; }
code.edit { font-size: 1rem; font-weight: 600; }
footer { margin-top: 3rem; padding-bottom: 2rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); }
/* On a phone a wide table becomes one block per row, each cell under its column's name. */
@media (max-width: 40rem) {
  table.stack, table.stack tbody, table.stack tr, table.stack td, table.stack th[scope="row"] { display: block; width: 100%; }
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.stack tr { border-bottom: 2px solid var(--rule); padding: .4rem 0; }
  table.stack td, table.stack th[scope="row"] { border: 0; padding: .15rem 0; text-align: left; }
  table.stack td::before { content: attr(data-label) ": "; color: var(--muted); font-size: .85rem; }
  table.stack td ul { padding-left: 1.1rem; margin: .2rem 0; }
  meter { width: 100%; max-width: 12rem; }
}
.evidence h4 { margin: .6rem 0 .2rem; font-size: 1rem; }
@media print { nav, details > summary { display: none; } details { display: block; } figure.chart { break-inside: avoid; } }
`;
