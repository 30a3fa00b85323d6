import { fmt } from '../detect/index.js';
import type { DistributionSummary, Spread } from './distribution-summary.js';
import { stepSpan } from './html.js';
import { FRAMEWORKS } from './html-remedies.js';
import type { ReportView } from './report-view.js';
import type { Fact, SeriesSummary } from './run-summary.js';

/**
 * The report as Markdown (GitHub flavour): the same sections as the HTML
 * page, with each curve summarised in a table instead of plotted.
 */
export function renderMarkdown(view: ReportView): string {
  const out: string[] = [];
  out.push(`# ${text(view.title)}`, '');
  out.push(`**Verdict: ${view.healthy ? 'healthy' : 'needs attention'}.** ${text(view.verdict)}`, '');
  const why = view.why;
  if (why) {
    // The why card in words: the numbers, the onset and the first fix, before the long sections.
    out.push(`## Why: ${text(why.cause.name)} (confidence ${fmt(why.cause.confidence)})`, '');
    out.push(...why.numbers.map((n) => `- **${text(n.value)}** — ${text(n.label)}`), '');
    if (why.fix) {
      out.push(`First fix: ${text(why.fix.name)}, ${code(why.fix.edit)}`, '');
      for (const s of why.fix.snippets)
        out.push(`${s.name}:`, '', fence(s.code, s.framework === 'tfjs' ? 'js' : 'python'), '');
    }
  }

  out.push('## Run summary', '');
  for (const [title, facts] of [
    ['Outcome', view.sections.outcome],
    ['Optimizer and training', view.sections.optimizer],
    ['Data', view.sections.data],
  ] as [string, Fact[]][]) {
    if (!facts.length) continue;
    out.push(`### ${title}`, '', ...facts.map((f) => `- ${text(f.label)}: ${text(f.value)}`), '');
  }
  out.push('### Model layers', '');
  if (view.layers.length) {
    out.push(
      table(
        ['#', 'name', 'type', 'activation', 'units', 'parameters', 'trainable'],
        view.layers.map((l) => [
          String(l.index),
          code(l.name),
          text(l.type),
          text(l.activation),
          l.units,
          l.params,
          l.trainable ? 'yes' : 'no (frozen)',
        ]),
      ),
      '',
    );
  } else out.push('The trace does not list the model’s layers.', '');

  out.push('## Likely causes', '');
  if (!view.causes.length)
    out.push(
      view.symptoms.length
        ? 'The symptoms found point to no cause in the knowledge graph.'
        : 'No detector found a symptom.',
      '',
    );
  for (const c of view.causes) {
    out.push(`### ${c.rank}. ${text(c.name)} (confidence ${fmt(c.confidence)})`, '');
    out.push(`${text(c.category ?? 'cause')} · ${code(c.id)}`, '', text(c.explanation), '');
    if (c.evidence.length) {
      out.push('Evidence:', '');
      for (const e of c.evidence) {
        const s = e.symptom;
        out.push(
          `- #${s.n} ${text(s.name)}${s.layer ? ` in ${code(s.layer)}` : ''}, ${s.timed ? stepSpan(s.firstStep, s.lastStep) : 'in the setup'}`,
        );
        for (const line of s.evidence) out.push(`  - ${text(line)}`);
        out.push(
          `  - why it points here (link weight ${fmt(e.weight)}, adds ${fmt(e.contribution)}): ${text(e.rationale)} [${text(e.source)}]`,
        );
      }
      out.push('');
    }
    if (c.against.length)
      out.push(
        `Against it: the run recorded what would show ${text(c.against.join(', ').toLowerCase())}, and did not show it.`,
        '',
      );
  }

  if (view.otherCauses.length) {
    out.push('### Less likely causes', '');
    out.push(
      table(
        ['rank', 'cause', 'confidence', 'pointed to by'],
        view.otherCauses.map((c) => [
          String(c.rank),
          text(c.name),
          fmt(c.confidence),
          c.evidence.map((e) => `#${e.symptom.n} ${text(e.symptom.name)}`).join(', '),
        ]),
      ),
      '',
    );
  }

  out.push('## Symptoms and evidence', '');
  if (view.symptoms.length) {
    out.push(
      table(
        ['#', 'symptom', 'layer', 'when', 'severity', 'confidence', 'evidence'],
        view.symptoms.map((s) => [
          `#${s.n}`,
          `${text(s.name)} (${code(s.id)})`,
          s.layer ? code(s.layer) : '—',
          s.timed ? stepSpan(s.firstStep, s.lastStep) : 'setup',
          s.severity,
          fmt(s.confidence),
          s.evidence.map(text).join('<br>'),
        ]),
      ),
      '',
    );
  } else out.push('No detector reported a symptom.', '');

  out.push('## What to change', '');
  if (!view.remedies.length) out.push('Nothing to change: no cause was found.', '');
  view.remedies.forEach((r, i) => {
    out.push(`### ${i + 1}. ${text(r.name)}`, '');
    out.push(
      `Expected effect ${fmt(r.score)} · for ${text(r.forCauses.join(', '))}${r.structural ? ' · changes the model' : ''}`,
      '',
      text(r.action),
      '',
    );
    if (r.snippets)
      for (const [key, name, lang] of FRAMEWORKS) out.push(`${name}:`, '', fence(r.snippets[key], lang), '');
  });

  if (view.otherRemedies.length) {
    out.push('### Other remedies', '');
    for (const r of view.otherRemedies)
      out.push(`- ${text(r.name)}: expected effect ${fmt(r.score)}, for ${text(r.forCauses.join(', '))}`);
    out.push('');
  }

  out.push('## Structure edits', '');
  if (!view.edits.length) out.push('No change to the model’s structure is recommended for this run.', '');
  else
    out.push(
      'The concrete changes of the strongest remedies, applied to this run’s layers. They are alternatives: apply one, retrain, and compare.',
      '',
    );
  for (const e of view.edits) {
    out.push(`### ${text(e.remedyName)}`, '', `For ${text(e.causeNames.join(', '))}.`, '');
    if (e.rows.some((r) => r.mark !== 'same')) {
      const mark = { same: '', insert: '+ added', remove: '− removed', change: '~ changed' } as const;
      out.push(
        table(
          ['change', 'before', 'after', 'what'],
          e.rows.map((r) => [
            mark[r.mark],
            r.before === undefined ? '—' : r.mark === 'remove' ? `~~${text(r.before)}~~` : text(r.before),
            r.after === undefined ? '—' : text(r.after),
            text(r.note ?? ''),
          ]),
        ),
        '',
      );
    }
    for (const s of e.settings)
      out.push(
        `- ${code(`${s.target}.${s.field}`)}: ${s.from !== undefined ? `${text(s.from)} → ` : ''}${text(s.to)}`,
      );
    if (e.settings.length) out.push('');
  }

  out.push('## Curves in numbers', '');
  if (view.signals.length) out.push(signalsTable(view.signals), '');
  else out.push('The trace recorded no series.', '');

  if (view.distributions.length) {
    out.push(
      '## Weight and gradient distributions',
      '',
      'Per layer, the median and the range holding the middle 90% of its values, at the first and the latest step the trace recorded a histogram at.',
      '',
      distributionsTable(view.distributions),
      '',
    );
  }

  if (view.missingSignals.length) {
    out.push(
      '## Signals the trace lacked',
      '',
      `The detectors that need these stayed silent: ${view.missingSignals.map(code).join(', ')}.`,
      '',
    );
  }
  out.push(
    '---',
    '',
    `Generated by traindx for run ${code(view.data.runId)}${view.profile ? `, thresholds of profile ${text(view.profile)}` : ''}.`,
    '',
  );
  return out.join('\n');
}

function signalsTable(signals: SeriesSummary[]): string {
  const at = (s: SeriesSummary, p: SeriesSummary['first']) =>
    p ? `${fmt(p.value)} (${s.unit} ${p.at})` : '—';
  return table(
    ['curve', 'values', 'non-finite', 'first', 'last', 'lowest', 'highest'],
    signals.map((s) => [
      text(s.label),
      String(s.count),
      String(s.nonFinite),
      at(s, s.first),
      at(s, s.last),
      at(s, s.min),
      at(s, s.max),
    ]),
  );
}

function distributionsTable(rows: DistributionSummary[]): string {
  const at = (s: Spread) => `${fmt(s.median)} [${fmt(s.p05)}, ${fmt(s.p95)}] (step ${s.step})`;
  return table(
    ['layer', 'values', 'histograms', 'first: median [5%, 95%]', 'latest: median [5%, 95%]'],
    rows.map((d) => [
      code(d.layer),
      d.kind === 'weight' ? 'weights' : 'gradients',
      String(d.count),
      at(d.first),
      at(d.last),
    ]),
  );
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(head), `|${head.map(() => ' --- |').join('')}`, ...rows.map(line)].join('\n');
}

// A table cell is one line, and a pipe would end it.
const cell = (s: string) => s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

/** Text from a trace or the graph: Markdown and HTML characters escaped, so a name cannot become markup. */
const text = (s: string) => s.replace(/[\\`*_[\]<>#]/g, (c) => `\\${c}`);

/** An inline code span that survives backticks inside. */
const code = (s: string) => {
  const ticks = '`'.repeat(Math.max(0, ...(s.match(/`+/g) ?? []).map((m) => m.length)) + 1);
  return ticks.length > 1 ? `${ticks} ${s} ${ticks}` : `\`${s}\``;
};

const fence = (body: string, lang: string) => {
  const ticks = '`'.repeat(Math.max(3, ...(body.match(/`{3,}/g) ?? []).map((m) => m.length + 1)));
  return `${ticks}${lang}\n${body}\n${ticks}`;
};
