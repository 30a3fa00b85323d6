import { fmt } from '../detect/index.js';
import type { PreviewRow } from './edit-preview.js';
import { esc } from './html.js';
import type { RemedyView, ReportView } from './report-view.js';

// The strongest remedies show their code at once; the others behind a click.
const OPEN_SNIPPETS = 3;

export const FRAMEWORKS = [
  ['tfjs', 'TensorFlow.js', 'js'],
  ['keras', 'Keras', 'python'],
  ['pytorch', 'PyTorch', 'python'],
] as const;

/** "What to change": remedies by expected effect, each with tfjs/Keras/PyTorch snippets. */
export function remediesHtml(view: ReportView): string {
  const body = view.remedies.length
    ? `<ol class="remedies">${view.remedies.map((r, i) => remedyHtml(r, i < OPEN_SNIPPETS)).join('\n')}</ol>`
    : '<p>Nothing to change: no cause was found.</p>';
  const others = view.otherRemedies.length
    ? `<h3>Other remedies</h3><ul>${view.otherRemedies
        .map(
          (r) =>
            `<li>${esc(r.name)}: expected effect ${fmt(r.score)}, for ${esc(r.forCauses.join(', '))}</li>`,
        )
        .join('')}</ul>`
    : '';
  return `<section id="remedies" aria-labelledby="remedies-h"><h2 id="remedies-h">What to change</h2>
${view.remedies.length ? '<p>Ranked by expected effect: the chance the change removes one of the likely causes.</p>' : ''}${body}${others}</section>`;
}

function remedyHtml(r: RemedyView, open: boolean): string {
  const snippets = r.snippets
    ? `<details class="snippets"${open ? ' open' : ''}><summary>Code: TensorFlow.js, Keras, PyTorch</summary>${FRAMEWORKS.map(
        ([key, name, lang]) =>
          `<h4>${name}</h4><pre><code class="language-${lang}">${esc(r.snippets![key])}</code></pre>`,
      ).join('')}</details>`
    : '';
  return `<li id="remedy-${esc(r.id)}"><h3>${esc(r.name)}</h3>
<p class="meta">expected effect ${fmt(r.score)} · for ${esc(r.forCauses.join(', '))}${r.structural ? ' · changes the model' : ''}</p>
<p>${esc(r.action)}</p>${snippets}</li>`;
}

const MARKS: Record<PreviewRow['mark'], string> = {
  same: '',
  insert: '+ added',
  remove: '− removed',
  change: '~ changed',
};

/** "Structure edits": each structural remedy as the model's layer list before and after. */
export function editsHtml(view: ReportView): string {
  if (!view.edits.length) {
    return `<section id="edits" aria-labelledby="edits-h"><h2 id="edits-h">Structure edits</h2><p>No change to the model's structure is recommended for this run.</p></section>`;
  }
  const blocks = view.edits.map((e) => {
    const rows = e.rows
      .map(
        (row) => `<tr class="${row.mark}"><td><span class="mark">${MARKS[row.mark]}</span></td>
<td>${row.before === undefined ? '—' : row.mark === 'remove' ? `<del>${esc(row.before)}</del>` : esc(row.before)}</td>
<td>${row.after === undefined ? '—' : row.mark === 'insert' ? `<ins>${esc(row.after)}</ins>` : esc(row.after)}</td>
<td>${esc(row.note ?? '')}</td></tr>`,
      )
      .join('\n');
    const settings = e.settings.length
      ? `<ul>${e.settings
          .map(
            (s) =>
              `<li><code>${esc(s.target)}.${esc(s.field)}</code>: ${s.from !== undefined ? `${esc(s.from)} → ` : ''}${esc(s.to)}</li>`,
          )
          .join('')}</ul>`
      : '';
    const table = e.rows.some((r) => r.mark !== 'same')
      ? `<div class="scroll"><table class="diff"><caption class="meta">Layers in forward order, input first</caption>
<thead><tr><th scope="col">Change</th><th scope="col">Before</th><th scope="col">After</th><th scope="col">What</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
      : '';
    return `<article id="edit-${esc(e.remedy)}"><h3>${esc(e.remedyName)}</h3><p class="meta">for ${esc(e.causeNames.join(', '))}</p>${table}${settings}</article>`;
  });
  return `<section id="edits" aria-labelledby="edits-h"><h2 id="edits-h">Structure edits</h2>
<p>The concrete changes of the strongest remedies, applied to this run's layers. They are alternatives: apply one, retrain, and compare.</p>
${blocks.join('\n')}</section>`;
}
