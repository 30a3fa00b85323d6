import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSeed, SeedError } from '../../src/knowledge/index.js';

const SEED_DIR = join(import.meta.dirname, '../../graph-seed');
const VOCABULARY = readFileSync(join(import.meta.dirname, '../../docs/spec/vocabulary.md'), 'utf8');

/** Ids listed in a section of spec/vocabulary.md. */
function vocabularyIds(section: 'Symptoms' | 'Causes'): string[] {
  const part = VOCABULARY.split(`## ${section}`)[1]!.split('## ')[0]!;
  return [...part.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]!);
}

describe('the knowledge seed', () => {
  it('holds every symptom and cause id of the shared vocabulary', async () => {
    const seed = await loadSeed([SEED_DIR]);
    const symptoms = seed.symptoms.map((s) => s.id);
    const causes = seed.causes.map((c) => c.id);
    expect(vocabularyIds('Symptoms').length).toBe(18);
    expect(vocabularyIds('Causes').length).toBe(19);
    for (const id of vocabularyIds('Symptoms')) expect(symptoms).toContain(id);
    for (const id of vocabularyIds('Causes')) expect(causes).toContain(id);
  });

  it('meets the sizes the foundation asks for, every link with a weight, rationale and source', async () => {
    const seed = await loadSeed([SEED_DIR]);
    expect(seed.remedies.length).toBeGreaterThanOrEqual(35);
    expect(seed.suggests.length).toBeGreaterThanOrEqual(70);
    expect(seed.fixedBy.length).toBeGreaterThanOrEqual(60);
    for (const l of [...seed.suggests, ...seed.fixedBy]) {
      expect(l.rationale.length).toBeGreaterThan(10);
      expect(seed.sources.map((s) => s.id)).toContain(l.source);
    }
    expect(seed.symptoms.some((s) => s.kind === 'static')).toBe(true);
    expect(seed.symptoms.some((s) => s.kind === 'data')).toBe(true);
    for (const r of seed.remedies) {
      expect(r.snippets.tfjs && r.snippets.keras && r.snippets.pytorch).toBeTruthy();
    }
  });

  it('gives every vocabulary symptom at least two causes and every cause a remedy', async () => {
    const seed = await loadSeed([SEED_DIR]);
    for (const id of vocabularyIds('Symptoms')) {
      expect(seed.suggests.filter((l) => l.symptom === id).length, id).toBeGreaterThanOrEqual(2);
    }
    for (const c of seed.causes)
      expect(
        seed.fixedBy.some((l) => l.cause === c.id),
        c.id,
      ).toBe(true);
  });

  it('holds non_finite_tensors, a dynamic symptom beyond the vocabulary, pointing at numerics and data before the step size', async () => {
    const seed = await loadSeed([SEED_DIR]);
    expect(seed.symptoms.find((s) => s.id === 'non_finite_tensors')).toMatchObject({ kind: 'dynamic' });
    const weight = (cause: string) =>
      seed.suggests.find((l) => l.symptom === 'non_finite_tensors' && l.cause === cause)?.weight ?? 0;
    for (const cause of ['numerical_instability', 'bad_input_data', 'poor_weight_initialization']) {
      expect(weight(cause), cause).toBeGreaterThan(weight('learning_rate_too_high'));
    }
    expect(weight('learning_rate_too_high')).toBeGreaterThan(0);
  });

  it('reports a broken entry by file, id and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traindx-seed-'));
    cpSync(SEED_DIR, dir, { recursive: true });
    const path = join(dir, 'causes.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/category: \w+/, 'category: 42\n  weight: x'));
    writeFileSync(
      join(dir, 'links/suggests.yaml'),
      // First in the file: the message lists 20 problems, and the broken cause above has many links.
      `- { symptom: loss_nan, cause: no_such_cause, weight: 0.5, rationale: r, source: karpathy-recipe }\n${readFileSync(join(dir, 'links/suggests.yaml'), 'utf8')}`,
    );
    const err = await loadSeed([dir]).catch((e) => e);
    expect(err).toBeInstanceOf(SeedError);
    expect(err.message).toMatch(/causes\.yaml: entry '[a-z_]+': field 'category'/);
    expect(err.message).toMatch(
      /suggests\.yaml: link 'loss_nan->no_such_cause': unknown cause 'no_such_cause'/,
    );
  });

  it("merges a user's own seed folder over the shipped one", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traindx-user-seed-'));
    writeFileSync(
      join(dir, 'causes.yaml'),
      '- { id: stale_data_loader, name: Stale data loader, description: The loader repeats one batch., category: data }\n',
    );
    writeFileSync(join(dir, 'sources.yaml'), '- { id: team-wiki, title: Our team wiki }\n');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'links'));
    writeFileSync(
      join(dir, 'links/suggests.yaml'),
      '- { symptom: loss_not_decreasing, cause: stale_data_loader, weight: 0.3, rationale: Seen twice in our runs., source: team-wiki }\n',
    );
    const seed = await loadSeed([SEED_DIR, dir]);
    expect(seed.causes.map((c) => c.id)).toContain('stale_data_loader');
    expect(seed.suggests.find((l) => l.cause === 'stale_data_loader')?.weight).toBe(0.3);
  });
});
