import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KnowledgeSeed, Outcome, RunEvent, SymptomOccurrence } from '../../src/domain/index.js';
import { LimitError } from '../../src/errors/index.js';
import { loadSeed, seedStore } from '../../src/knowledge/index.js';
import { type GraphStore, STORE_LIMITS } from '../../src/store/index.js';
import { uniqueId } from '../support/neo4j.js';

const SEED_DIR = join(import.meta.dirname, '../../graph-seed');

const runEvent = (id: string, extra: Partial<RunEvent> = {}): RunEvent => ({
  type: 'run',
  formatVersion: 1,
  id,
  name: 'contract',
  model: { layers: [{ name: 'dense', type: 'Dense', activation: 'relu', units: 8 }] },
  ...extra,
});

const occurrence = (symptomId: string, firstStep: number, lastStep: number): SymptomOccurrence => ({
  symptomId,
  firstStep,
  lastStep,
  layer: 'dense',
  severity: 'warning',
  confidence: 0.8,
  evidence: [`seen from ${firstStep} to ${lastStep}`],
});

/** A tiny knowledge seed with ids of its own, so tests never touch the shipped graph's links. */
function miniSeed(tag: string, weight = 0.5): KnowledgeSeed {
  const s = `t_${tag}_symptom`;
  const c = `t_${tag}_cause`;
  const r = `t_${tag}_remedy`;
  return {
    sources: [{ id: `t-${tag.replace(/_/g, '-')}-src`, title: 'test source' }],
    symptoms: [
      { id: s, name: 'S', description: 'd', kind: 'dynamic', aliases: [], outcome: false, risk: false },
    ],
    causes: [{ id: c, name: 'C', description: 'd', category: 'optimization', mechanism: false }],
    remedies: [
      {
        id: r,
        name: 'R',
        description: 'd',
        structural: true,
        edit: { op: 'insert_layer', layerType: 'BatchNormalization' },
        snippets: { tfjs: 'a', keras: 'b', pytorch: 'c' },
      },
    ],
    suggests: [
      { symptom: s, cause: c, weight, rationale: 'because', source: `t-${tag.replace(/_/g, '-')}-src` },
    ],
    fixedBy: [
      {
        cause: c,
        remedy: r,
        effectiveness: 0.7,
        rationale: 'fixes',
        source: `t-${tag.replace(/_/g, '-')}-src`,
        tries: 0,
        successes: 0,
      },
    ],
  };
}

/** An outcome of `t_${tag}_remedy` applied for `t_${tag}_cause`, as miniSeed names them. */
const outcomeOf = (tag: string, runId: string, success: boolean, extra: Partial<Outcome> = {}): Outcome => ({
  runId,
  parentRunId: `${runId}-parent`,
  remedyId: `t_${tag}_remedy`,
  causeIds: [`t_${tag}_cause`],
  success,
  ...extra,
});

/** The learned counts on miniSeed's one FIXED_BY link, as readKnowledge and knowledgeAround return them. */
async function learnedCounts(store: GraphStore, tag: string) {
  const link = (k: KnowledgeSeed) => k.fixedBy.find((l) => l.cause === `t_${tag}_cause`)!;
  const all = link(await store.readKnowledge());
  const around = link(await store.knowledgeAround([`t_${tag}_symptom`]));
  expect(around).toEqual(all);
  return { tries: all.tries, successes: all.successes, effectiveness: all.effectiveness };
}

const testTag = (label: string) => uniqueId(label).replace(/-/g, '_');

/**
 * The behaviour every GraphStore adapter must show. Run against the memory
 * store and a real Neo4j server with the same assertions.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<GraphStore>,
  reopen?: () => Promise<GraphStore>,
) {
  describe(`${name} store contract`, () => {
    it('seeds the shipped knowledge twice and keeps the same counts', async () => {
      const store = await open();
      try {
        const seed = await loadSeed([SEED_DIR]);
        await seedStore(store, seed);
        const first = await store.countKnowledge();
        const report = await seedStore(store, seed);
        expect(await store.countKnowledge()).toEqual(first);
        expect(report.suggests.created + report.suggests.updated).toBe(0);
        expect(first.symptoms).toBeGreaterThanOrEqual(seed.symptoms.length);
        expect(first.suggests).toBeGreaterThanOrEqual(seed.suggests.length);
      } finally {
        await store.close();
      }
    });

    it("keeps a cause's wording for runs without its symptom, as the seed has it", async () => {
      const store = await open();
      try {
        const tag = testTag('wording');
        const seed = miniSeed(tag);
        const wordingWithout = {
          symptom: `t_${tag}_symptom`,
          name: 'C without S',
          why: 'why, without S',
          source: seed.sources[0]!.id,
        };
        await seedStore(store, { ...seed, causes: [{ ...seed.causes[0]!, wordingWithout }] });
        const cause = (k: KnowledgeSeed) => k.causes.find((c) => c.id === `t_${tag}_cause`);
        expect(cause(await store.readKnowledge())?.wordingWithout).toEqual(wordingWithout);
        expect(cause(await store.knowledgeAround([`t_${tag}_symptom`]))?.wordingWithout).toEqual(
          wordingWithout,
        );
      } finally {
        await store.close();
      }
    });

    it('updates a link whose weight changed instead of adding a second one', async () => {
      const store = await open();
      try {
        const tag = uniqueId('w').replace(/-/g, '_');
        await seedStore(store, miniSeed(tag, 0.5));
        const before = await store.countKnowledge();
        const report = await seedStore(store, miniSeed(tag, 0.9));
        expect(report.suggests).toEqual({ created: 0, updated: 1, unchanged: 0 });
        expect(await store.countKnowledge()).toEqual(before);
        const around = await store.knowledgeAround([`t_${tag}_symptom`]);
        expect(around.suggests).toHaveLength(1);
        expect(around.suggests[0]!.weight).toBe(0.9);
        expect(around.causes.map((c) => c.id)).toEqual([`t_${tag}_cause`]);
        expect(around.remedies[0]!.edit).toEqual({ op: 'insert_layer', layerType: 'BatchNormalization' });
        expect(around.fixedBy[0]!.tries).toBe(0);
      } finally {
        await store.close();
      }
    });

    it('returns the causes and remedies around exploding_gradients with weights, rationales and sources', async () => {
      const store = await open();
      try {
        await seedStore(store, await loadSeed([SEED_DIR]));
        const k = await store.knowledgeAround(['exploding_gradients']);
        expect(k.suggests.length).toBeGreaterThanOrEqual(2);
        for (const l of k.suggests) {
          expect(l.symptom).toBe('exploding_gradients');
          expect(l.rationale.length).toBeGreaterThan(5);
          expect(k.sources.map((s) => s.id)).toContain(l.source);
        }
        expect(k.fixedBy.length).toBeGreaterThan(0);
        expect(typeof k.fixedBy[0]!.tries).toBe('number');
      } finally {
        await store.close();
      }
    });

    it('stores a run once and says whether it was created', async () => {
      const store = await open();
      try {
        const id = uniqueId('run');
        expect(await store.putRun(runEvent(id))).toEqual({ created: true });
        expect(await store.putRun(runEvent(id, { name: 'other' }))).toEqual({ created: false });
        const stored = await store.getRun(id);
        expect(stored?.run.name).toBe('contract');
        expect(stored?.eventCount).toBe(0);
        expect((await store.listRuns()).map((r) => r.id)).toContain(id);
        expect(await store.getRun(uniqueId('missing'))).toBeNull();
      } finally {
        await store.close();
      }
    });

    it('appends a batch once: a resent batch id changes nothing', async () => {
      const store = await open();
      try {
        const id = uniqueId('batch');
        await store.putRun(runEvent(id));
        const batch = {
          batchId: 'b1',
          expectedBatchCount: 0,
          eventCount: 3,
          lastStep: 2,
          series: [{ key: 'loss', steps: [0, 1, 2], values: [2.3, Number.NaN, 1.9] }],
          occurrences: [occurrence('loss_nan', 1, 1)],
          detectorState: '{"v":1}',
        };
        expect(await store.runVersion(id)).toEqual({ batchCount: 0 });
        expect(await store.runVersion(uniqueId('absent'))).toBeNull();
        expect(await store.appendBatch(id, batch)).toEqual({ accepted: true });
        expect(await store.runVersion(id)).toEqual({ batchCount: 1 });
        expect(await store.hasBatch(id, 'b1')).toBe(true);
        expect(await store.appendBatch(id, batch)).toEqual({ accepted: false });
        const stored = await store.getRun(id);
        expect(stored).toMatchObject({ eventCount: 3, batchCount: 1, lastStep: 2, detectorState: '{"v":1}' });
        const [loss] = await store.readSeries(id, 'loss');
        expect(loss!.steps).toEqual([0, 1, 2]);
        expect(loss!.values[1]).toBeNaN();
        expect(await store.readOccurrences(id)).toEqual([occurrence('loss_nan', 1, 1)]);
      } finally {
        await store.close();
      }
    });

    it('merges series chunks in step order and replaces an occurrence that grew', async () => {
      const store = await open();
      try {
        const id = uniqueId('chunks');
        await store.putRun(runEvent(id));
        await store.appendBatch(id, {
          batchId: 'a',
          eventCount: 2,
          lastStep: 1,
          series: [{ key: 'loss', steps: [0, 1], values: [3, 2] }],
          occurrences: [occurrence('loss_divergence', 1, 1)],
        });
        await store.appendBatch(id, {
          batchId: 'b',
          eventCount: 2,
          lastStep: 3,
          series: [
            { key: 'loss', steps: [2, 3], values: [1, 0.5] },
            { key: 'layers.dense.gradNorm', steps: [2], values: [0.1] },
          ],
          occurrences: [occurrence('loss_divergence', 1, 3)],
          status: 'completed',
        });
        const series = await store.readSeries(id);
        expect(series.map((s) => s.key)).toEqual(['layers.dense.gradNorm', 'loss']);
        expect(series[1]).toEqual({ key: 'loss', steps: [0, 1, 2, 3], values: [3, 2, 1, 0.5] });
        expect(await store.readOccurrences(id)).toEqual([occurrence('loss_divergence', 1, 3)]);
        expect((await store.getRun(id))?.status).toBe('completed');
      } finally {
        await store.close();
      }
    });

    it('refuses a batch computed from a stale batch count', async () => {
      const store = await open();
      try {
        const id = uniqueId('conflict');
        await store.putRun(runEvent(id));
        await store.appendBatch(id, {
          batchId: 'a',
          expectedBatchCount: 0,
          eventCount: 1,
          series: [],
          occurrences: [],
        });
        await expect(
          store.appendBatch(id, {
            batchId: 'b',
            expectedBatchCount: 0,
            eventCount: 1,
            series: [],
            occurrences: [],
          }),
        ).rejects.toThrow(/expected 0/);
        expect((await store.getRun(id))?.batchCount).toBe(1);
      } finally {
        await store.close();
      }
    });

    it('keeps the batches of two runs apart whose ids join to the same string', async () => {
      const store = await open();
      try {
        const team = uniqueId('team');
        const batchOf = (batchId: string) => ({
          batchId,
          eventCount: 1,
          series: [{ key: 'loss', steps: [0], values: [1] }],
          occurrences: [occurrence('loss_nan', 0, 0)],
        });
        await store.putRun(runEvent(`${team}/exp`));
        await store.putRun(runEvent(team));
        expect(await store.appendBatch(`${team}/exp`, batchOf('b0'))).toEqual({ accepted: true });
        expect(await store.hasBatch(team, 'exp/b0')).toBe(false);
        expect(await store.appendBatch(team, batchOf('exp/b0'))).toEqual({ accepted: true });
        for (const id of [team, `${team}/exp`]) {
          expect(await store.getRun(id)).toMatchObject({ eventCount: 1, batchCount: 1 });
          expect(await store.readOccurrences(id)).toEqual([occurrence('loss_nan', 0, 0)]);
        }
      } finally {
        await store.close();
      }
    });

    it('takes ids and names up to the limits and refuses longer ones with a code naming the field', async () => {
      const store = await open();
      try {
        const id = `${uniqueId('long')}-`.padEnd(STORE_LIMITS.idChars, 'x');
        const layer = 'l'.repeat(STORE_LIMITS.layerNameChars);
        const run = runEvent(id, { model: { layers: [{ name: layer, type: 'Dense', units: 1 }] } });
        expect(await store.putRun(run)).toEqual({ created: true });
        const batch = (batchId: string, seriesKey = `layers.${layer}.mean`, occLayer = layer) => ({
          batchId,
          eventCount: 1,
          series: [{ key: seriesKey, steps: [0], values: [1] }],
          occurrences: [{ ...occurrence('loss_nan', 0, 0), layer: occLayer }],
        });
        const longest = 'b'.repeat(STORE_LIMITS.idChars);
        expect(await store.appendBatch(id, batch(longest))).toEqual({ accepted: true });
        expect(await store.hasBatch(id, longest)).toBe(true);

        const refusal = async (p: Promise<unknown>) => {
          const err = (await p.then(
            () => null,
            (e: unknown) => e,
          )) as LimitError;
          expect(err).toBeInstanceOf(LimitError);
          return { code: err.code, message: err.message };
        };
        expect(await refusal(store.putRun(runEvent('r'.repeat(10_000))))).toEqual({
          code: 'ID_TOO_LONG',
          message: "field 'id': at most 512 characters, got 10000; use a shorter id.",
        });
        expect((await refusal(store.appendBatch(id, batch('b'.repeat(10_000))))).message).toMatch(
          /^field 'batchId': at most 512 characters, got 10000/,
        );
        const longLayer = 'l'.repeat(STORE_LIMITS.layerNameChars + 1);
        expect(
          await refusal(
            store.putRun(runEvent(uniqueId('layers'), { model: { layers: [{ name: longLayer }] } })),
          ),
        ).toEqual({
          code: 'NAME_TOO_LONG',
          message: "field 'model.layers[0].name': at most 256 characters, got 257; use a shorter name.",
        });
        expect((await refusal(store.appendBatch(id, batch('c', `layers.${longLayer}.mean`)))).code).toBe(
          'NAME_TOO_LONG',
        );
        expect((await refusal(store.appendBatch(id, batch('d', 'loss', longLayer)))).message).toMatch(
          /^field 'layer': at most 256/,
        );
        expect(
          (await refusal(store.recordOutcome({ ...outcomeOf('x', id, true), remedyId: 'r'.repeat(513) })))
            .code,
        ).toBe('ID_TOO_LONG');
        expect(await store.getRun(id)).toMatchObject({ batchCount: 1, eventCount: 1 });
      } finally {
        await store.close();
      }
    });

    it('lists runs with their batch count, sorted distinct symptoms, parent, applied remedies and tags', async () => {
      const store = await open();
      try {
        const parent = uniqueId('parent');
        const child = uniqueId('child');
        await store.putRun(runEvent(parent));
        await store.putRun(
          runEvent(child, {
            parentRunId: parent,
            appliedRemedies: ['lower_learning_rate'],
            tags: { team: 'vision', 'git.sha': 'abc123' },
          }),
        );
        await store.appendBatch(child, {
          batchId: 'a',
          eventCount: 2,
          lastStep: 4,
          series: [],
          occurrences: [occurrence('loss_nan', 4, 4), occurrence('exploding_gradients', 2, 3)],
        });
        await store.appendBatch(child, {
          batchId: 'b',
          eventCount: 1,
          lastStep: 5,
          series: [],
          occurrences: [{ ...occurrence('exploding_gradients', 5, 5), layer: 'out' }],
          status: 'failed',
        });
        const runs = await store.listRuns();
        expect(runs.find((r) => r.id === parent)).toEqual({
          id: parent,
          name: 'contract',
          eventCount: 0,
          batchCount: 0,
          symptomIds: [],
        });
        expect(runs.find((r) => r.id === child)).toEqual({
          id: child,
          name: 'contract',
          status: 'failed',
          lastStep: 5,
          eventCount: 3,
          batchCount: 2,
          symptomIds: ['exploding_gradients', 'loss_nan'],
          parentRunId: parent,
          appliedRemedies: ['lower_learning_rate'],
          tags: { team: 'vision', 'git.sha': 'abc123' },
        });
      } finally {
        await store.close();
      }
    });

    it('counts an outcome on the FIXED_BY links of its causes once, however often it is recorded', async () => {
      const store = await open();
      try {
        const tag = testTag('o');
        await seedStore(store, miniSeed(tag));
        const child = uniqueId('retry');
        const worked = outcomeOf(tag, child, true, { causeIds: [`t_${tag}_cause`, `t_${tag}_unlinked`] });
        expect(await store.recordOutcome(worked)).toEqual({ recorded: true, updatedLinks: 1 });
        expect(await learnedCounts(store, tag)).toMatchObject({ tries: 1, successes: 1 });

        expect(await store.recordOutcome(worked)).toEqual({ recorded: false, updatedLinks: 0 });
        expect(await store.recordOutcome({ ...worked, success: false })).toEqual({
          recorded: false,
          updatedLinks: 0,
        });
        expect(await learnedCounts(store, tag)).toMatchObject({ tries: 1, successes: 1 });

        const failed = outcomeOf(tag, uniqueId('retry'), false, { note: 'still diverges' });
        expect(await store.recordOutcome(failed)).toEqual({ recorded: true, updatedLinks: 1 });
        expect(await learnedCounts(store, tag)).toMatchObject({ tries: 2, successes: 1 });
        expect(await store.listOutcomes({ remedyId: `t_${tag}_remedy` })).toEqual(
          [worked, failed].sort((a, b) => (a.parentRunId < b.parentRunId ? -1 : 1)),
        );
      } finally {
        await store.close();
      }
    });

    it('counts concurrent outcomes without losing one, and a concurrently repeated outcome once', async () => {
      const store = await open();
      try {
        const tag = testTag('race');
        await seedStore(store, miniSeed(tag));
        const repeated = outcomeOf(tag, uniqueId('retry'), true);
        const distinct = Array.from({ length: 4 }, () => outcomeOf(tag, uniqueId('retry'), false));
        const results = await Promise.all(
          [...[1, 2, 3, 4].map(() => repeated), ...distinct].map((o) => store.recordOutcome(o)),
        );
        expect(results.filter((r) => r.recorded)).toHaveLength(5);
        expect(await learnedCounts(store, tag)).toMatchObject({ tries: 5, successes: 1 });
      } finally {
        await store.close();
      }
    });

    it('records an outcome whose remedy has no FIXED_BY link to its causes, counting nothing', async () => {
      const store = await open();
      try {
        const tag = testTag('nolink');
        const outcome = outcomeOf(tag, uniqueId('retry'), true);
        expect(await store.recordOutcome(outcome)).toEqual({ recorded: true, updatedLinks: 0 });
        expect(await store.listOutcomes({ parentRunId: outcome.parentRunId })).toEqual([outcome]);
      } finally {
        await store.close();
      }
    });

    it('lists outcomes by remedy, by parent run, or both, in parent, run, remedy order', async () => {
      const store = await open();
      try {
        const tag = testTag('list');
        const parent = uniqueId('p');
        const a = outcomeOf(tag, `${parent}-b`, true, { parentRunId: parent });
        const b = outcomeOf(tag, `${parent}-a`, false, { parentRunId: parent, remedyId: `t_${tag}_other` });
        const c = outcomeOf(tag, `${parent}-a`, true, { parentRunId: parent });
        const elsewhere = outcomeOf(tag, uniqueId('r'), true);
        for (const o of [a, b, c, elsewhere]) await store.recordOutcome(o);
        expect(await store.listOutcomes({ parentRunId: parent })).toEqual([b, c, a]);
        expect(await store.listOutcomes({ parentRunId: parent, remedyId: `t_${tag}_remedy` })).toEqual([
          c,
          a,
        ]);
        const ofRemedy = await store.listOutcomes({ remedyId: `t_${tag}_remedy` });
        expect(ofRemedy).toHaveLength(3);
        expect(ofRemedy).toContainEqual(elsewhere);
        expect((await store.listOutcomes()).length).toBeGreaterThanOrEqual(4);
        expect(await store.listOutcomes({ parentRunId: uniqueId('nobody') })).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('keeps learned tries and successes when the knowledge is seeded again, changed or not', async () => {
      const store = await open();
      try {
        const tag = testTag('reseed');
        await seedStore(store, miniSeed(tag));
        await store.recordOutcome(outcomeOf(tag, uniqueId('retry'), true));
        await store.recordOutcome(outcomeOf(tag, uniqueId('retry'), false));

        const unchanged = await seedStore(store, miniSeed(tag));
        expect(unchanged.fixedBy).toEqual({ created: 0, updated: 0, unchanged: 1 });
        expect(await learnedCounts(store, tag)).toEqual({ tries: 2, successes: 1, effectiveness: 0.7 });

        const seed = miniSeed(tag);
        seed.fixedBy[0] = { ...seed.fixedBy[0]!, effectiveness: 0.4 };
        const changed = await seedStore(store, seed);
        expect(changed.fixedBy).toEqual({ created: 0, updated: 1, unchanged: 0 });
        expect(await learnedCounts(store, tag)).toEqual({ tries: 2, successes: 1, effectiveness: 0.4 });
      } finally {
        await store.close();
      }
    });

    it('rejects an outcome without causes', async () => {
      const store = await open();
      try {
        const outcome = outcomeOf(testTag('empty'), uniqueId('retry'), true, { causeIds: [] });
        await expect(store.recordOutcome(outcome)).rejects.toThrow(/causeIds/);
        expect(await store.listOutcomes({ parentRunId: outcome.parentRunId })).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('rejects a batch for a run it does not know', async () => {
      const store = await open();
      try {
        await expect(
          store.appendBatch(uniqueId('nope'), { batchId: 'x', eventCount: 0, series: [], occurrences: [] }),
        ).rejects.toThrow(/does not exist/);
      } finally {
        await store.close();
      }
    });

    if (reopen) {
      it('finds its runs, batches and occurrences again after a restart', async () => {
        const id = uniqueId('restart');
        const store = await open();
        await store.putRun(runEvent(id));
        await store.appendBatch(id, {
          batchId: 'a',
          eventCount: 2,
          lastStep: 1,
          series: [{ key: 'loss', steps: [0, 1], values: [1, Number.POSITIVE_INFINITY] }],
          occurrences: [occurrence('loss_nan', 1, 1)],
          detectorState: '{"x":1}',
        });
        await store.close();
        const again = await reopen();
        try {
          expect(await again.getRun(id)).toMatchObject({
            eventCount: 2,
            lastStep: 1,
            detectorState: '{"x":1}',
          });
          expect(await again.hasBatch(id, 'a')).toBe(true);
          expect((await again.readSeries(id, 'loss'))[0]!.values[1]).toBe(Number.POSITIVE_INFINITY);
          expect(await again.readOccurrences(id)).toHaveLength(1);
        } finally {
          await again.close();
        }
      });

      it('finds its outcomes and learned counts again after a restart, and still records each once', async () => {
        const tag = testTag('restart_o');
        const outcome = outcomeOf(tag, uniqueId('retry'), true, { note: 'fixed it' });
        const store = await open();
        await seedStore(store, miniSeed(tag));
        await store.recordOutcome(outcome);
        await store.close();
        const again = await reopen();
        try {
          expect(await again.listOutcomes({ parentRunId: outcome.parentRunId })).toEqual([outcome]);
          expect(await learnedCounts(again, tag)).toMatchObject({ tries: 1, successes: 1 });
          expect(await again.recordOutcome(outcome)).toEqual({ recorded: false, updatedLinks: 0 });
          expect(await learnedCounts(again, tag)).toMatchObject({ tries: 1, successes: 1 });
        } finally {
          await again.close();
        }
      });
    }
  });
}
