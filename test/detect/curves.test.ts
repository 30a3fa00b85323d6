import { describe, expect, it } from 'vitest';
import { ALL_FAMILIES, createDetectorSet } from '../../src/detect/index.js';
import type { RunEvent, SymptomOccurrence, TraceEvent } from '../../src/domain/index.js';
import { HEALTHY_SAMPLES, readSample } from '../support/samples.js';
import { profileValues } from './harness.js';

const CURVE_SYMPTOMS = [
  'prediction_collapse',
  'loss_at_uniform_chance',
  'loss_divergence',
  'model_frozen',
  'slow_convergence',
  'output_loss_mismatch',
];

/** A run of curves alone: id and task, one epoch event per row, an end event. */
function curves(
  rows: { tl: number; ta?: number; vl?: number; va?: number }[],
  run: Partial<RunEvent> = {},
): TraceEvent[] {
  return [
    { type: 'run', formatVersion: 1, id: 'c', task: 'classification', ...run } as TraceEvent,
    ...rows.map(
      (r, i) =>
        ({
          type: 'epoch',
          epoch: i,
          step: (i + 1) * 50 - 1,
          train: { loss: r.tl, ...(r.ta !== undefined ? { accuracy: r.ta } : {}) },
          ...(r.vl !== undefined
            ? { val: { loss: r.vl, ...(r.va !== undefined ? { accuracy: r.va } : {}) } }
            : {}),
        }) as TraceEvent,
    ),
    { type: 'end', step: rows.length * 50 - 1, status: 'completed' } as TraceEvent,
  ];
}

async function findings(events: TraceEvent[]): Promise<SymptomOccurrence[]> {
  const [run, ...rest] = events;
  const set = createDetectorSet({
    run: run as RunEvent,
    profile: await profileValues(),
    families: ALL_FAMILIES,
  });
  for (const e of rest) set.feed(e);
  return set.occurrences().filter((o) => CURVE_SYMPTOMS.includes(o.symptomId));
}

const ids = (o: SymptomOccurrence[]) => [...new Set(o.map((x) => x.symptomId))].sort();
const rows = (n: number, f: (i: number) => { tl: number; ta?: number; vl?: number; va?: number }) =>
  Array.from({ length: n }, (_, i) => f(i));

describe('curve shapes of a run that carries nothing else', () => {
  it('reads a loss flat at ln 5 with accuracy near 1/5 as uniform chance, with K and the numbers in the evidence', async () => {
    const found = await findings(
      curves(rows(8, (i) => ({ tl: 1.6094 + (i % 2) * 0.001, ta: 0.2 + (i % 3) * 0.003 }))),
    );
    const uniform = found.find((o) => o.symptomId === 'loss_at_uniform_chance')!;
    expect(uniform.evidence[0]).toMatch(/is ln 5 = 1\.61/);
    expect(uniform.firstStep).toBe(49);
  });

  it('does not read a loss held at ln K as a frozen model: a converged constant predictor is still too', async () => {
    const atChance = await findings(curves(rows(8, () => ({ tl: 1.6095, ta: 0.2, vl: 1.6094, va: 0.2 }))));
    expect(ids(atChance)).toEqual(['loss_at_uniform_chance', 'prediction_collapse']);
    // Frozen above ln 5: the weights never moved from a random init.
    const frozen = await findings(curves(rows(8, () => ({ tl: 1.989, ta: 0.282, vl: 2.02, va: 0.255 }))));
    expect(ids(frozen)).toContain('model_frozen');
  });

  it('reads a pinned accuracy as predictions collapsed, and a flat loss far above ln(1/accuracy) as confidently wrong', async () => {
    const found = await findings(curves(rows(10, () => ({ tl: 12.73, ta: 0.213, vl: 13.54, va: 0.16 }))));
    // Its stillness is the saturation's (a clipped probability passes no gradient), not read again as frozen weights.
    expect(ids(found)).toEqual(['loss_divergence', 'prediction_collapse']);
    expect(found.find((o) => o.symptomId === 'loss_divergence')!.evidence[0]).toMatch(/confidently wrong/);
  });

  it('reads wrong answers that each cost 10 nats or more as saturated outputs while accuracy still moves', async () => {
    // Inputs 100x too large: accuracy 0.56-0.72, every wrong example near the 1e-7 clip (16.1 nats).
    const found = await findings(
      curves(rows(6, (i) => ({ tl: 16 * (0.3 + (i % 2) * 0.1), ta: 0.7 - (i % 2) * 0.1 }))),
    );
    const saturated = found.find((o) => o.symptomId === 'loss_divergence')!;
    expect(saturated.evidence[0]).toMatch(/each wrong example costs at least 16 nats/);
    // A model right 80% of the time at loss 0.6 pays 3 nats an error: calibrated enough.
    const calibrated = await findings(curves(rows(6, (i) => ({ tl: 0.6 - i * 0.01, ta: 0.8 + i * 0.005 }))));
    expect(ids(calibrated)).not.toContain('loss_divergence');
  });

  it('reads a collapse to the majority class while the loss still falls, without calling it frozen or confident', async () => {
    const found = await findings(
      curves(
        rows(8, (i) => ({ tl: 0.15 + 0.06 * 0.7 ** i, ta: 0.9637, vl: 0.18 + 0.03 * 0.7 ** i, va: 0.96 })),
      ),
    );
    expect(ids(found)).toEqual(['prediction_collapse']);
  });

  it('reads a steady, tiny decline as slow convergence, and a converging run as nothing', async () => {
    const slow = await findings(curves(rows(10, (i) => ({ tl: 1.708 - i * 0.0017, ta: 0.12 + i * 0.002 }))));
    expect(ids(slow)).toEqual(['slow_convergence']);
    const converging = await findings(
      curves(rows(10, (i) => ({ tl: 0.05 + 0.5 * 0.5 ** i, ta: 0.8 + i * 0.01 }))),
    );
    expect(converging).toEqual([]);
  });

  it('reads a loss lower than any cross-entropy of the logged accuracy allows as a loss that does not fit the output', async () => {
    // A softmax over one unit outputs 1 whatever the input: categorical cross-entropy ~0, accuracy the class share.
    const found = await findings(
      curves(rows(8, (i) => ({ tl: 6e-8 + i * 1e-10, ta: 0.499 + (i % 2) * 0.01 }))),
    );
    const mismatch = found.find((o) => o.symptomId === 'output_loss_mismatch')!;
    expect(mismatch.evidence[0]).toMatch(/accuracy would be at least 1/);
    expect(mismatch.firstStep).toBe(49);
    // A loss of 0.3 nats allows 43% errors: 0.6 accuracy is consistent with it, 0.2 is not.
    const fits = await findings(curves(rows(6, (i) => ({ tl: 0.3 - i * 0.01, ta: 0.6 + i * 0.01 }))));
    expect(ids(fits)).not.toContain('output_loss_mismatch');
    const low = await findings(curves(rows(6, (i) => ({ tl: 0.3 - i * 0.01, ta: 0.2 + i * 0.01 }))));
    expect(ids(low)).toContain('output_loss_mismatch');
  });

  it('stays silent on a run with a model or class facts (other families read those)', async () => {
    const pinned = rows(10, () => ({ tl: 12.73, ta: 0.213, vl: 13.54, va: 0.16 }));
    const fromCurves = (o: SymptomOccurrence[]) =>
      o.filter((x) =>
        /rule: the same accuracy|is ln \d|confidently wrong|is the same to/.test(x.evidence[0] ?? ''),
      );
    expect(fromCurves(await findings(curves(pinned)))).toHaveLength(2);
    const layers = [{ name: 'd', type: 'Dense', activation: 'softmax', units: 5 }];
    expect(fromCurves(await findings(curves(pinned, { model: { layers } } as Partial<RunEvent>)))).toEqual(
      [],
    );
    expect(
      fromCurves(await findings(curves(pinned, { dataset: { numClasses: 5 } } as Partial<RunEvent>))),
    ).toEqual([]);
  });

  it.each(HEALTHY_SAMPLES)(
    'finds none of these shapes in the healthy sample %s cut down to its curves',
    async (name) => {
      const events = await readSample(name);
      const run = events[0] as RunEvent;
      const cut = [
        { type: 'run', formatVersion: 1, id: run.id, task: run.task } as TraceEvent,
        ...events.filter((e) => e.type === 'epoch' || e.type === 'end'),
      ];
      expect(await findings(cut)).toEqual([]);
    },
  );
});

describe('a non-finite loss in the first row of an epoch log', () => {
  const all = async (events: TraceEvent[]) => {
    const [run, ...rest] = events;
    const set = createDetectorSet({
      run: run as RunEvent,
      profile: await profileValues(),
      families: ALL_FAMILIES,
    });
    for (const e of rest) set.feed(e);
    return set;
  };

  it('is not read as a loss that went non-finite without growing: the steps before it were never seen', async () => {
    const set = await all(curves([{ tl: Number.POSITIVE_INFINITY }], { task: 'regression' }));
    expect(ids(set.occurrences())).toEqual(['loss_nan']);
    expect(set.observableSymptoms()).not.toContain('loss_non_finite_without_growth');
  });

  it('is read so after finite epochs that did not grow', async () => {
    const set = await all(curves([{ tl: 1.2 }, { tl: 1.1 }, { tl: Number.NaN }], { task: 'regression' }));
    expect(ids(set.occurrences())).toContain('loss_non_finite_without_growth');
  });
});

describe('symptoms judged against chance in a log of curves alone', () => {
  const observable = async (run: Partial<RunEvent>) => {
    const events = curves(
      rows(6, (i) => ({ tl: 1.2 - i * 0.1, ta: 0.5 + i * 0.05 })),
      run,
    );
    const set = createDetectorSet({
      run: events[0] as RunEvent,
      profile: await profileValues(),
      families: ALL_FAMILIES,
    });
    for (const e of events.slice(1)) set.feed(e);
    return set.observableSymptoms();
  };

  it('are not observable without a class count: their absence is unseen, not evidence', async () => {
    const seen = await observable({});
    expect(seen).not.toContain('accuracy_at_chance');
    expect(seen).not.toContain('underfitting');
    expect(seen).toContain('loss_not_decreasing');
  });

  it('are observable once the run gives its class count', async () => {
    const seen = await observable({ dataset: { numClasses: 5 } } as Partial<RunEvent>);
    expect(seen).toContain('accuracy_at_chance');
    expect(seen).toContain('underfitting');
  });
});
