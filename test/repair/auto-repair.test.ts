import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEphemeralTraindx, type Traindx } from '../../src/engine/index.js';
import { initTfjsBackend, type Tf } from '../../src/monitor/index.js';
import { autoRepair, type RepairReport } from '../../src/repair/index.js';
import { staticFailures } from '../../src/repair/static-preflight.js';
import { loadTemplate } from '../../src/train/index.js';

const TEMPLATES = join(import.meta.dirname, '../../templates');
const out = mkdtempSync(join(tmpdir(), 'traindx-repair-'));

describe('auto-repair of a template whose learning rate is far too high', () => {
  let tf: Tf;
  let traindx: Traindx;
  let report: RepairReport;
  let before: string[];

  beforeAll(async () => {
    ({ tf } = await initTfjsBackend());
    traindx = await openEphemeralTraindx();
    // SGD at lr 10 on three blobs, 400 examples, one hidden layer of 16 units: ~0.5 s per run.
    const template = await loadTemplate(join(TEMPLATES, 'blobs-sgd-lr-too-high.yaml'));
    report = await autoRepair({ tf, traindx, warn: () => {} }, template, {
      baseDir: TEMPLATES,
      traceDir: out,
      runId: 'lr10',
      maxAttempts: 3,
    });
    before = report.original.diagnosis.remedies.map((r) => r.id);
  });

  it('diagnoses the learning rate and repairs the run within 3 attempts', () => {
    expect(report.original.diagnosis.healthy).toBe(false);
    expect(report.original.diagnosis.causes[0]!.id).toBe('learning_rate_too_high');
    expect(report.repaired).toBe(true);
    expect(report.attempts.length).toBeLessThanOrEqual(3);
    const last = report.attempts.at(-1)!;
    expect(last.repairsOriginal).toBe(true);
    expect(last.judgement.after.value).toBeGreaterThan(report.originalMetric.value);
    expect(last.changes.join(' ')).toMatch(/optimizer\.learningRate 10 → /);
  });

  it("foresees the original's static failures from its template alone, as its run showed them", async () => {
    const { original } = report;
    const knowledge = (await traindx.knowledge()).seed;
    const profile = (await traindx.profile(original.profile)).values;
    const event = (await traindx.store.getRun(original.result.runId))!.run;
    const base = { event, template: original.resolved, data: original.data };
    const dynamic = new Set(knowledge.symptoms.filter((s) => s.kind === 'dynamic').map((s) => s.id));
    const shown = original.diagnosis.symptoms
      .filter((s) => s.severity !== 'info' && !dynamic.has(s.id))
      .map((s) => s.id);
    expect(shown).toContain('learning_rate_above_range');
    expect([...staticFailures(tf, base, original.resolved, profile, knowledge)!].sort()).toEqual(
      [...new Set(shown)].sort(),
    );
  });

  it('trains every attempt as a child run that names its parent and the remedy applied', async () => {
    for (const a of report.attempts) {
      const stored = await traindx.store.getRun(a.runId);
      expect(stored?.run).toMatchObject({ parentRunId: a.parentRunId, appliedRemedies: [a.remedyId] });
    }
  });

  it('records each outcome on the graph, and the next ranking for the cause prefers what worked', async () => {
    const outcomes = await traindx.listOutcomes();
    expect(outcomes.map((o) => [o.remedyId, o.success])).toEqual(
      report.attempts.map((a) => [a.remedyId, a.judgement.verdict !== 'not improved']),
    );
    // Each keeps the context it was learned in: its parent's failure symptoms, an MLP, SGD.
    const failures = report.original.diagnosis.symptoms.filter((s) => s.severity !== 'info').map((s) => s.id);
    expect(outcomes[0]!.context).toEqual({
      family: 'mlp',
      optimizer: 'sgd',
      symptoms: [...new Set(failures)].sort(),
    });
    const after = (await traindx.diagnose('lr10'))!.remedies;
    const worked = report.attempts.at(-1)!.remedyId;
    const scoreOf = (id: string, rs: { id: string; score: number }[]) => rs.find((r) => r.id === id)!.score;
    expect(scoreOf(worked, after)).toBeGreaterThan(scoreOf(worked, report.original.diagnosis.remedies));
    expect(after.find((r) => r.id === worked)).toMatchObject({ tries: 1, successes: 1 });
    // Among the remedies for the cause it was applied for, what worked now ranks first.
    const cause = (await traindx.listOutcomes()).at(-1)!.causeIds[0]!;
    expect(after.find((r) => r.forCauses.includes(cause))!.id).toBe(worked);
    // What failed first drops below what worked: the ranking itself changed.
    const failed = report.attempts
      .filter((a) => a.judgement.verdict === 'not improved')
      .map((a) => a.remedyId);
    for (const id of failed) {
      expect(before.indexOf(id)).toBeLessThan(before.indexOf(worked));
      expect(after.findIndex((r) => r.id === id)).toBeGreaterThan(after.findIndex((r) => r.id === worked));
    }
  });

  it('tries what worked first when the same fault comes again', async () => {
    const template = await loadTemplate(join(TEMPLATES, 'blobs-sgd-lr-too-high.yaml'));
    const again = await autoRepair({ tf, traindx, warn: () => {} }, template, {
      baseDir: TEMPLATES,
      traceDir: out,
      runId: 'lr10-again',
      maxAttempts: 1,
    });
    expect(again.attempts[0]!.remedyId).toBe(report.attempts.at(-1)!.remedyId);
    expect(again.repaired).toBe(true);
  });
});
