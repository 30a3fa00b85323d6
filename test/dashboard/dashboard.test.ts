import { beforeAll, describe, expect, it, vi } from 'vitest';
import { wrapName } from '../../src/dashboard/graph-layout.js';
import { layoutNeighbourhood } from '../../src/dashboard/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import { streamRun, testApp, traceEvents } from './support.js';

// The dashboard's pages and data as the server sends them, in process (no port, no browser);
// dashboard-browser.test.ts drives the same pages in Chromium against the real server.
describe('the dashboard, served by the API app', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  beforeAll(async () => {
    t = await testApp();
    await streamRun(t.post, traceEvents('lr-too-high-sgd.jsonl', 'lr-10'));
  });

  it('serves the runs list with a title, a strict CSP and a label for every filter control', async () => {
    const res = await t.get('/?status=completed');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'.*script-src 'self'/);
    const html = await res.text();
    expect(html).toContain('<title>Filtered runs · traindx</title>');
    expect(html).toContain('<option value="completed" selected>completed</option>');
    const controls = [...html.matchAll(/<(?:select|input) id="([^"]+)"/g)].map((m) => m[1]);
    // The filters (search by name among them), then the comparison's chart controls (issue 18).
    expect(controls).toEqual([
      'f-status',
      'f-symptom',
      'f-cause',
      'f-q',
      'f-tag',
      'cmp-metric',
      'cmp-ema',
      'cmp-x',
      'cmp-y',
    ]);
    for (const id of controls) expect(html).toContain(`<label for="${id}">`);
  });

  it('renders a run page with the report’s sections, its top cause first, and its chart data', async () => {
    const html = await (await t.get('/runs/lr-10')).text();
    expect(html).toMatch(/<title>lr-too-high-sgd: completed, needs attention · traindx<\/title>/);
    for (const id of ['why', 'summary', 'causes', 'symptoms', 'remedies', 'edits', 'charts', 'live'])
      expect(html).toContain(`<section id="${id}"`);
    expect(html.indexOf('id="cause-learning_rate_too_high"')).toBe(html.indexOf('id="cause-'));
    // The why card under the verdict, before the alerts panel.
    expect(html.indexOf('<section id="why"')).toBeLessThan(html.indexOf('<section id="live"'));
    expect(html).toContain('<script src="/assets/charts.js" defer></script>');
    expect(html).not.toMatch(/<script>|<style>|style="/);

    const view = (await (await t.get('/runs/lr-10/view.json')).json()) as any;
    expect(view).toMatchObject({ runId: 'lr-10', status: 'completed', lastStep: 499 });
    expect(view.sections.map((s: any) => s.id)).toEqual([
      'why',
      'summary',
      'causes',
      'symptoms',
      'remedies',
      'edits',
      'charts',
      'missing',
    ]);
    expect(view.data.charts.find((c: any) => c.id === 'loss').series[0].y.length).toBeGreaterThan(100);
    // The page carries the same hashes, so its script replaces only what changed.
    expect(html).toContain(`"data":"${view.dataHash}"`);
  });

  it('answers 404 for a run that does not exist, as a page and as JSON', async () => {
    const page = await t.get('/runs/nope');
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Run &#39;nope&#39; does not exist.');
    const json = await t.get('/runs/nope/view.json');
    expect(json.status).toBe(404);
    expect(await json.json()).toEqual({ error: "Run 'nope' does not exist." });
    expect((await t.get('/runs/%E0%A4%A')).status).toBe(404);
  });

  it('draws the neighbourhood of exploding_gradients as SVG nodes and edges, with its links as tables', async () => {
    const html = await (await t.get('/graph?symptom=exploding_gradients')).text();
    expect(html).toContain(
      '<title>Exploding gradients: causes and remedies · traindx knowledge graph</title>',
    );
    expect(html).toContain('data-key="s:exploding_gradients"');
    expect(html).toContain('data-key="c:learning_rate_too_high"');
    expect(html).toContain('data-key="r:gradient_clipping"');
    expect(html.match(/class="edge suggests/g)!.length).toBe(html.match(/class="node cause/g)!.length);
    expect(html).toMatch(/class="edge fixed_by/);
    expect(html).toContain('id="row-c-learning_rate_too_high"');
    expect((await t.get('/graph?symptom=no_such_thing')).status).toBe(404);
    expect(await (await t.get('/graph')).text()).toContain('href="/graph?symptom=exploding_gradients"');
  });

  it('serves its assets with ETags and loads nothing from another host', async () => {
    const pages = ['/', '/runs/lr-10', '/graph?symptom=exploding_gradients', '/graph'];
    const assets = ['charts.js', 'run.js', 'runs.js', 'graph.js', 'report.css', 'uplot.css', 'dashboard.css'];
    for (const path of [...pages, ...assets.map((a) => `/assets/${a}`)]) {
      const res = await t.get(path);
      expect(res.status, path).toBe(200);
      const text = await res.text();
      // Only XML namespace names (which nothing fetches) may look like URLs.
      const urls = text.match(/\bhttps?:\/\/[^\s"'<>)]+/g) ?? [];
      expect(
        urls.filter((u) => !u.startsWith('http://www.w3.org/')),
        path,
      ).toEqual([]);
      expect(text, path).not.toMatch(/(?:src|href)="\/\//);
    }
    const first = await t.get('/assets/charts.js');
    expect(first.headers.get('content-type')).toMatch(/^text\/javascript/);
    const again = await t.get('/assets/charts.js', { 'if-none-match': first.headers.get('etag')! });
    expect(again.status).toBe(304);
    expect((await t.get('/assets/nothing.js')).status).toBe(404);
  });

  it('answers an unexpected failure with a plain 500 page that names nothing internal', async () => {
    const broken = await testApp();
    broken.app.services.store.getRun = async () => {
      throw new Error('bolt://secret-host refused');
    };
    // The server's log gets the error (yoga's logger writes to the console); the page does not.
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await broken.get('/runs/lr-10');
    const logged = spy.mock.calls.flat().map(String).join('\n');
    spy.mockRestore();
    expect(logged).toContain('secret-host');
    expect(res.status).toBe(500);
    const html = await res.text();
    expect(html).toContain('Unexpected error.');
    expect(html).not.toMatch(/secret|at \//);
  });

  it('leaves the API’s own paths alone', async () => {
    expect(((await (await t.get('/health')).json()) as any).status).toBe('ok');
    const data = (await t.post('{ run(id: "lr-10") { status } }')) as any;
    expect(data.run.status).toBe('completed');
  });
});

describe('the knowledge-graph layout', () => {
  it('puts each cause and each remedy in its column once, with one edge per link', async () => {
    const seed = await loadSeed([`${import.meta.dirname}/../../graph-seed`]);
    const g = layoutNeighbourhood(seed, 'exploding_gradients')!;
    const causes = seed.suggests.filter((l) => l.symptom === 'exploding_gradients');
    const fixes = seed.fixedBy.filter((l) => causes.some((c) => c.cause === l.cause));
    const of = (kind: string) => g.nodes.filter((n) => n.kind === kind);
    expect(of('cause').map((n) => n.id)).toEqual(
      [...causes].sort((a, b) => b.weight - a.weight || a.cause.localeCompare(b.cause)).map((l) => l.cause),
    );
    expect(of('remedy').length).toBe(new Set(fixes.map((l) => l.remedy)).size);
    expect(g.edges.length).toBe(causes.length + fixes.length);
    expect(g.focus).toBe('c:learning_rate_too_high');
    // Columns left to right, and no two nodes of a column overlap.
    for (const kind of ['cause', 'remedy']) {
      const ys = of(kind)
        .map((n) => n.y)
        .sort((a, b) => a - b);
      for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(of(kind)[0]!.h);
    }
    expect(of('symptom')[0]!.x).toBeLessThan(of('cause')[0]!.x);
    expect(of('cause')[0]!.x).toBeLessThan(of('remedy')[0]!.x);
    expect(layoutNeighbourhood(seed, 'nope')).toBeNull();
  });

  it('wraps a long name into two lines and an ellipsis', () => {
    expect(wrapName('Learning rate too high', 28)).toEqual(['Learning rate too high']);
    expect(wrapName('Use a learning-rate schedule with a long warmup phase', 20)).toEqual([
      'Use a learning-rate',
      'schedule with a lon…',
    ]);
  });
});
