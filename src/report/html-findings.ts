import { fmt } from '../detect/index.js';
import { esc, stepSpan } from './html.js';
import { markerSvg } from './marker-shapes.js';
import type { CauseView, ReportView } from './report-view.js';
import type { MarkedSymptom } from './symptom-markers.js';

/** "Likely causes": ranked, each with its explanation, the evidence behind it and what speaks against it. */
export function causesHtml(view: ReportView): string {
  const intro = view.causes.length
    ? '<p>Ranked by confidence. Each cause lists the symptoms of this run that point to it, with the numbers the detectors measured and why the link holds.</p>'
    : `<p>No cause: ${view.symptoms.length ? 'the symptoms found point to no cause in the knowledge graph.' : 'no detector found a symptom.'}</p>`;
  const others = view.otherCauses.length
    ? `<h3>Less likely causes</h3><div class="scroll"><table><thead><tr><th scope="col" class="num">Rank</th><th scope="col">Cause</th><th scope="col" class="num">Confidence</th><th scope="col">Pointed to by</th></tr></thead><tbody>${view.otherCauses
        .map(
          (c) =>
            `<tr><td class="num">${c.rank}</td><td>${esc(c.name)}</td><td class="num">${fmt(c.confidence)}</td><td>${c.evidence.map((e) => `#${e.symptom.n} ${esc(e.symptom.name)}`).join(', ')}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '';
  return `<section id="causes" aria-labelledby="causes-h"><h2 id="causes-h">Likely causes</h2>${intro}
<ol class="causes">${view.causes.map((c, i) => causeHtml(c, i === 0)).join('\n')}</ol>${others}</section>`;
}

// The top cause's text is open; the others' one click away, so the ranking stays short and the why card above carries the gist.
function causeHtml(c: CauseView, open: boolean): string {
  const evidence = c.evidence.length
    ? `<div class="evidence"><h4>Evidence: ${c.evidence.length} symptom(s)</h4><ul>${c.evidence
        .map(
          (e) => `<li>${symptomRef(e.symptom)}
<ul>${e.symptom.evidence.map((line) => `<li>${esc(line)}</li>`).join('')}</ul>
<p class="why">Why it points here (link weight ${fmt(e.weight)}, adds ${fmt(e.contribution)}): ${esc(e.rationale)} [${esc(e.source)}]</p></li>`,
        )
        .join('')}</ul></div>`
    : '';
  const against = c.against.length
    ? `<p><strong>Against it:</strong> the run recorded what would show ${esc(c.against.join(', ').toLowerCase())}, and did not show it.</p>`
    : '';
  return `<li id="cause-${esc(c.id)}"><h3>${esc(c.name)} <span class="conf">confidence ${fmt(c.confidence)}</span></h3>
<meter min="0" max="1" value="${c.confidence}" aria-label="confidence ${fmt(c.confidence)}">${fmt(c.confidence)}</meter>
<p class="meta">${esc(c.category ?? 'cause')} · <code>${esc(c.id)}</code></p>
<details class="cause-text"${open ? ' open' : ''}><summary>Explanation and evidence</summary>
<p>${esc(c.explanation)}</p>${c.description ? `<p class="why">${esc(c.description)}</p>` : ''}
${evidence}${against}</details></li>`;
}

/** A symptom by marker shape, number and name, linked to its row in the symptom table. */
export function symptomRef(s: MarkedSymptom): string {
  const where = s.layer ? ` in <code>${esc(s.layer)}</code>` : '';
  const when = s.timed ? `, ${stepSpan(s.firstStep, s.lastStep)}` : ', in the setup';
  return `${markerSvg(s.symbol)} <a href="#symptom-${s.n}">#${s.n} ${esc(s.name)}</a>${where}${when}`;
}

/** The table of every symptom with its marker, where and when, and its evidence. */
export function symptomsHtml(view: ReportView): string {
  if (!view.symptoms.length) {
    return `<section id="symptoms" aria-labelledby="symptoms-h"><h2 id="symptoms-h">Symptoms</h2><p>No detector reported a symptom.</p></section>`;
  }
  const rows = view.symptoms
    .map(
      (
        s,
      ) => `<tr id="symptom-${s.n}"><td data-label="Marker">${markerSvg(s.symbol)} #${s.n}</td><td data-label="Symptom">${esc(s.name)}<br><code>${esc(s.id)}</code></td>
<td data-label="Layer">${s.layer ? `<code>${esc(s.layer)}</code>` : '—'}</td><td data-label="When">${s.timed ? esc(stepSpan(s.firstStep, s.lastStep)) : 'setup'}</td>
<td data-label="Severity">${esc(s.severity)}</td><td data-label="Confidence" class="num">${fmt(s.confidence)}</td><td data-label="Evidence"><ul>${s.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul></td></tr>`,
    )
    .join('\n');
  return `<section id="symptoms" aria-labelledby="symptoms-h"><h2 id="symptoms-h">Symptoms and evidence</h2>
<p>The marker shape and number of each symptom are the ones drawn on the charts.</p>
<div class="scroll"><table class="stack"><thead><tr><th scope="col">Marker</th><th scope="col">Symptom</th><th scope="col">Layer</th><th scope="col">When</th><th scope="col">Severity</th><th scope="col" class="num">Confidence</th><th scope="col">Evidence</th></tr></thead>
<tbody>${rows}</tbody></table></div></section>`;
}
