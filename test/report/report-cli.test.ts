import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatherReportInput } from '../../src/cli/report.js';
import { loadConfig, seedDir } from '../../src/config/index.js';
import { createProfiles } from '../../src/engine/index.js';
import { InputError } from '../../src/errors/index.js';
import { createIngestor } from '../../src/ingest/index.js';
import { loadSeed, seedStore } from '../../src/knowledge/index.js';
import { readReportData } from '../../src/report/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { runCli } from '../support/run-cli.js';
import { SAMPLES_DIR } from '../support/samples.js';
import { FIXTURES } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'traindx-report-'));
const wine = join(SAMPLES_DIR, 'keras-sgd-lr3-wine.jsonl');

describe('traindx report', () => {
  it('writes one self-contained HTML file for a trace file and says what it found', () => {
    const out = join(dir, 'wine.html');
    const res = runCli(['report', wine, '-o', out]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^Wrote .*wine\.html \(\d+ kB\): Most likely learning rate too high/);
    const page = readFileSync(out, 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(readReportData(page).runId).toBe('35faf37c-7019-5ecf-ba73-9f32595aaa5f');
  });

  it('prints Markdown with --format md', () => {
    const res = runCli(['report', wine, '--format', 'md']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^# traindx report: keras-sgd-lr3-wine \(needs attention\)\n/);
    expect(res.stdout).not.toContain('<script');
  });

  it('exits 2 with one line naming the file and line of a broken trace', () => {
    const lines = readFileSync(wine, 'utf8').split('\n');
    lines[6] = lines[6]!.replace(/"step":\d+/, '"step":"seven"');
    const path = join(dir, 'broken.jsonl');
    writeFileSync(path, lines.join('\n'));
    const res = runCli(['report', path, '-o', join(dir, 'broken.html')]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/broken\.jsonl, line 7: field 'step'/);
    expect(existsSync(join(dir, 'broken.html'))).toBe(false);
  });

  it('names a missing file, and an id that is neither a file nor a stored run, as bad input', async () => {
    const config = loadConfig({}, { dataDir: join(dir, 'empty') });
    await expect(gatherReportInput(join(dir, 'nope.jsonl'), config)).rejects.toThrow(InputError);
    await expect(gatherReportInput(join(dir, 'nope.jsonl'), config)).rejects.toThrow(
      /nope\.jsonl: no such trace file/,
    );
    await expect(gatherReportInput('no-such-run', config)).rejects.toThrow(
      /'no-such-run' is neither a trace file nor a run in the memory store/,
    );
  });

  it('reports a run already in the store by its id, in Markdown for a .md output name', async () => {
    const dataDir = join(dir, 'data');
    const store = await openMemoryStore({ dataDir });
    await seedStore(store, await loadSeed([seedDir()]));
    const profiles = createProfiles();
    const ingest = createIngestor({ store, profileFor: async (run) => (await profiles.forRun(run)).values });
    const events = readFileSync(join(FIXTURES, 'dying-relu.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const runId = events[0].id as string;
    await ingest(runId, 'b0', events, { finish: true });
    await store.close();

    const out = join(dir, 'stored.md');
    const res = runCli(['report', runId, '--data-dir', dataDir, '-o', out]);
    expect(res.code, res.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^# traindx report: dying-relu /);
    expect(text).toContain('Dead ReLU units');
  });
});
