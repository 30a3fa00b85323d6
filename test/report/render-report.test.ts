import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/domain/index.js';
import { fillSnippets } from '../../src/reason/index.js';
import { type ReportInput, readReportData, renderReport } from '../../src/report/index.js';
import { readTrace } from '../../src/trace/index.js';
import { SAMPLES_DIR } from '../support/samples.js';
import { FIXTURES, inputOf } from './support.js';

const fixture = (name: string) => join(FIXTURES, `${name}.jsonl`);
const html = (input: ReportInput) => renderReport(input, { format: 'html' });
const md = (input: ReportInput) => renderReport(input, { format: 'md' });

/** What the page says as text: tags dropped, entities decoded (enough for these assertions). */
const textOf = (page: string) =>
  page
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

async function eventsOf(path: string): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const e of readTrace(path)) out.push(e);
  return out;
}

// Gathered once, as `traindx report FILE` gathers them (ingest into an in-memory store, then diagnose).
const [lrHigh, nanRun, deepSigmoid, healthy] = await Promise.all(
  ['lr-too-high-sgd', 'lr-too-high-sgd-logits', 'deep-sigmoid-10', 'healthy-mlp-adam'].map((n) =>
    inputOf(fixture(n)),
  ),
);

describe('the HTML report of a real tfjs run whose learning rate was too high', () => {
  const input = lrHigh!;
  const page = html(input);
  const text = textOf(page);
  const top = input.diagnosis.causes[0]!;

  it('leads with the verdict sentence and names the run in the title and the heading', () => {
    expect(top.id).toBe('learning_rate_too_high');
    expect(page).toMatch(/<title>traindx report: lr-too-high-sgd \(needs attention\)<\/title>/);
    expect(page).toMatch(/<h1>lr-too-high-sgd<\/h1>/);
    expect(text).toContain(`Verdict: needs attention. ${input.diagnosis.summary}`);
  });

  it('ranks the causes with their explanations and the evidence numbers of the run', () => {
    expect(page).toContain('id="cause-learning_rate_too_high"');
    expect(text).toContain(top.explanation.replace(/\s+/g, ' '));
    for (const path of top.paths) for (const line of path.occurrence.evidence) expect(text).toContain(line);
    expect(text.indexOf(top.name)).toBeLessThan(text.indexOf(input.diagnosis.causes[1]!.name));
  });

  it('gives the remedies with their tfjs, Keras and PyTorch snippets, filled with this run’s values', () => {
    const lower = input.knowledge.remedies.find((r) => r.id === 'lower_learning_rate')!;
    const remedy = input.diagnosis.remedies.find((r) => r.id === 'lower_learning_rate')!;
    const edit = remedy.edits.find((e) => e.field === 'learningRate')!;
    const filled = fillSnippets(lower.snippets, remedy.edits, input.diagnosis.facts);
    expect(filled.keras).toContain(`learning_rate=${edit.value})  # a tenth of ${edit.from}`);
    expect(page).toContain('id="remedy-lower_learning_rate"');
    for (const [key, lang] of [
      ['tfjs', 'js'],
      ['keras', 'python'],
      ['pytorch', 'python'],
    ] as const)
      expect(page).toContain(`<code class="language-${lang}">${esc(filled[key])}</code>`);
  });

  it('summarises the run: layers, data, optimizer and outcome', () => {
    for (const layer of input.run.model!.layers) expect(page).toContain(`<code>${layer.name}</code>`);
    expect(text).toMatch(/optimizer sgd/);
    expect(text).toMatch(/learning rate 8/);
    expect(text).toMatch(/training examples 1600/);
    expect(text).toMatch(/status completed/);
  });

  it('embeds chart data whose point counts match the trace, with the symptoms marked on the loss chart', async () => {
    const data = readReportData(page);
    const steps = (await eventsOf(fixture('lr-too-high-sgd'))).filter((e) => e.type === 'step');
    const loss = data.charts.find((c) => c.id === 'loss')!.series.find((s) => s.key === 'loss')!;
    expect(loss.count).toBe(steps.filter((e) => e.loss !== undefined).length);
    expect(loss.finiteCount).toBe(steps.filter((e) => Number.isFinite(e.loss)).length);
    expect(data.xs[loss.xi]).toHaveLength(loss.y.length);
    expect(data.charts.map((c) => c.id)).toEqual(
      expect.arrayContaining(['loss', 'accuracy', 'learning-rate', 'dead']),
    );
    expect(data.heatmap?.layers).toEqual(['dense_0', 'dense_1', 'dense_2']);
    const markedIds = data.charts.find((c) => c.id === 'loss')!.markers.map((i) => data.symptoms[i]!.id);
    expect(markedIds).toContain('loss_divergence');
    for (const c of data.charts) expect(page).toContain(`id="chart-${c.id}"`);
  });

  it('loads nothing from the network: no http(s) URL in a src or href, and a CSP that forbids it', () => {
    expect(page).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(page).not.toMatch(/https?:\/\//i);
    expect(page).toContain("default-src 'none'");
  });
});

describe('the HTML report of a run that produced NaN', () => {
  const path = fixture('lr-too-high-sgd-logits');
  const input = nanRun!;
  const data = readReportData(html(input));

  it('keeps the non-finite loss as a marked stretch and breaks the line there', async () => {
    const steps = (await eventsOf(path)).filter((e) => e.type === 'step');
    const nan = steps.filter((e) => e.loss !== undefined && Number.isNaN(e.loss));
    const loss = data.charts.find((c) => c.id === 'loss')!.series.find((s) => s.key === 'loss')!;
    expect(loss.nonFiniteCount).toBe(nan.length);
    expect(loss.nonFinite).toEqual([[nan[0]!.step, nan[nan.length - 1]!.step, 'NaN', nan.length]]);
    expect(loss.y[data.xs[loss.xi]!.indexOf(nan[0]!.step)]).toBeNull();
    expect(data.charts.find((c) => c.id === 'loss')!.log).toBe(true);
  });
});

describe('structure edits', () => {
  const input = deepSigmoid!;
  const page = html(input);
  const edits = input.diagnosis.structureEdits;

  it('lists every edit of the diagnosis as a before/after layer list', () => {
    expect(edits.length).toBeGreaterThan(0);
    const section = page.slice(page.indexOf('id="edits"'), page.indexOf('id="charts"'));
    for (const remedy of new Set(edits.map((e) => e.remedy)))
      expect(section).toContain(`id="edit-${remedy}"`);
    expect(section).toMatch(/<th scope="col">Before<\/th><th scope="col">After<\/th>/);
    for (const e of edits.filter((x) => x.op === 'insert')) {
      expect(section).toContain(`inserted after ${e.at}`);
      expect(section).toContain(`<ins>(new) · ${String(e.layer!.type)}`);
    }
    for (const e of edits.filter((x) => x.op === 'replace' || x.op === 'set')) {
      if (e.at === 'optimizer' || e.at === 'training') expect(section).toContain(`${e.at}.${e.field}`);
      else expect(section).toContain(`${e.field}: ${String(e.from ?? '(unset)')} → ${String(e.value)}`);
    }
  });

  it('marks the vanishing gradients on the layer rows of the gradient heatmap', () => {
    const data = readReportData(page);
    const marked = data.heatmap!.markers.map((i) => data.symptoms[i]!);
    expect(marked.map((s) => s.id)).toContain('vanishing_gradients');
    expect(data.heatmap!.layers).toHaveLength(11);
    expect(data.heatmap!.cells.every((row) => row.length === data.heatmap!.x0.length)).toBe(true);
  });
});

describe('the report of a healthy run', () => {
  const input = healthy!;
  const page = html(input);

  it('says it is healthy and proposes no structure edit', () => {
    expect(input.diagnosis.healthy).toBe(true);
    expect(page).toMatch(/<title>traindx report: healthy-mlp-adam \(healthy\)<\/title>/);
    expect(page).toContain('class="verdict ok"');
    expect(textOf(page)).toContain('No change to the model');
  });
});

describe('the shared recorded samples', () => {
  it.each([
    ['keras-sgd-lr3-wine', 'learning_rate_too_high'],
    ['pytorch-deep-sigmoid-digits', 'saturating_activation'],
  ])('renders %s with %s among the top causes, in both formats', async (name, cause) => {
    const input = await inputOf(join(SAMPLES_DIR, `${name}.jsonl`));
    const ids = input.diagnosis.causes.slice(0, 2).map((c) => c.id);
    expect(ids).toContain(cause);
    const page = html(input);
    expect(page).toContain(`id="cause-${cause}"`);
    expect(readReportData(page).runId).toBe(input.run.id);
    expect(md(input)).toContain(input.diagnosis.causes.find((c) => c.id === cause)!.name);
  });

  it.each(['keras-healthy-digits-mlp128', 'pytorch-healthy-blobs-tanh'])('calls %s healthy', async (name) => {
    const input = await inputOf(join(SAMPLES_DIR, `${name}.jsonl`));
    expect(html(input)).toContain('Verdict: healthy.');
  });
});

describe('the Markdown report', () => {
  const input = deepSigmoid!;
  const text = md(input);

  it('has the same content as the HTML page minus the plots', () => {
    expect(text.startsWith('# traindx report: deep-sigmoid-10 (needs attention)\n')).toBe(true);
    for (const heading of [
      '## Run summary',
      '## Likely causes',
      '## Symptoms and evidence',
      '## What to change',
      '## Structure edits',
      '## Curves in numbers',
    ])
      expect(text).toContain(heading);
    const top = input.diagnosis.causes[0]!;
    expect(text).toContain(`### 1. ${top.name} (confidence`);
    expect(text).toMatch(/\| change \| before \| after \| what \|/);
    expect(text).toContain('```python');
    expect(text).not.toMatch(/<script|<canvas|<svg/);
  });

  it('summarises every curve in numbers, non-finite counts included', () => {
    expect(text).toMatch(/\| train loss \(batch\) \| 600 \| 0 \|/);
    expect(text).toMatch(/\| dense\\_0 gradient norm \| 120 \| 0 \|/);
  });
});

describe('the Markdown report of a run with histograms', () => {
  // dense_0's weights: even over [-1, 1] at step 0; at step 100 nine in ten in (0, 2].
  const histograms = [
    {
      layer: 'dense_0',
      kind: 'weight' as const,
      steps: [0, 100],
      histograms: [
        { edges: [-1, 0, 1], counts: [5, 5] },
        { edges: [-2, 0, 2], counts: [1, 9] },
      ],
    },
  ];

  it('gives each layer and kind its median and middle 90% at the first and latest step', () => {
    const text = md({ ...deepSigmoid!, histograms });
    expect(text).toContain('## Weight and gradient distributions');
    // Quantiles interpolate within a bucket: the 5% of ten values is half-way into the first five.
    expect(text).toContain(
      '| `dense_0` | weights | 2 | 0 [-0.9, 0.9] (step 0) | 0.889 [-1, 1.89] (step 100) |',
    );
  });

  it('has no distributions section when the trace carried no histograms', () => {
    expect(md(deepSigmoid!)).not.toContain('## Weight and gradient distributions');
  });
});

describe('text from a trace', () => {
  it('cannot become markup in either format', () => {
    const input = healthy!;
    const evil = '</script><script>alert(1)</script>';
    const run = { ...input.run, name: evil, model: { layers: [{ name: evil, type: 'Dense' }] } };
    const page = html({ ...input, run });
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(readReportData(page).runId).toBe(input.run.id);
    // Inside a code span Markdown shows HTML as text; everywhere else it must be escaped.
    expect(md({ ...input, run }).replace(/`[^`\n]*`/g, '')).not.toContain('<script>');
  });
});
