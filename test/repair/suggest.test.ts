import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/domain/index.js';
import { openEphemeralTraindx } from '../../src/engine/index.js';
import { initTfjsBackend } from '../../src/monitor/index.js';
import {
  applyEdits,
  type RunNumbers,
  readRunNumbers,
  ruleValues,
  suggestStructure,
} from '../../src/repair/index.js';
import { loadTemplate, parseTemplate, trainAndDiagnose } from '../../src/train/index.js';

const TEMPLATES = join(import.meta.dirname, '../../templates');
const rules = ruleValues();

/** Epoch numbers of a run that reached `train`/`val` accuracy, losses falling then (optionally) rising. */
function numbersOf(o: {
  train: number[];
  val: number[];
  valLoss?: number[];
  params: number;
  trainSize: number;
}): RunNumbers {
  const run: RunEvent = {
    type: 'run',
    formatVersion: 1,
    id: 'r',
    model: { params: o.params, layers: [] },
    dataset: { trainSize: o.trainSize },
  };
  return {
    run,
    epochs: o.train.map((acc, epoch) => ({
      epoch,
      train: { loss: 1 - acc, accuracy: acc },
      val: { loss: o.valLoss?.[epoch] ?? 1 - o.val[epoch]!, accuracy: o.val[epoch]! },
    })),
    gradNorms: new Map([
      ['dense_0', 0.001],
      ['dense_6', 0.8],
    ]),
  };
}

const mlp = (hidden: number[], more: object = {}) =>
  parseTemplate(
    {
      data: { generate: 'blobs' },
      model: {
        layers: [
          ...hidden.map((units, i) => ({ name: `dense_${i}`, type: 'dense', units, activation: 'relu' })),
          { name: `dense_${hidden.length}`, type: 'dense', units: 3, activation: 'softmax' },
        ],
      },
      optimizer: { name: 'adam', learningRate: 0.01 },
      loss: 'categoricalCrossentropy',
      epochs: 10,
      ...more,
    },
    't',
  );

describe('structure suggestions', () => {
  it('widens a narrow model that fits neither split, quoting the run’s numbers', async () => {
    const { tf } = await initTfjsBackend();
    const traindx = await openEphemeralTraindx();
    const template = await loadTemplate(join(TEMPLATES, 'blobs-narrow.yaml'));
    const run = await trainAndDiagnose({ tf, traindx }, template, {
      baseDir: TEMPLATES,
      runId: 'narrow',
      traceDir: mkdtempSync(join(tmpdir(), 'traindx-suggest-')),
    });
    // The diagnosis itself names the two-unit bottleneck for six classes (a static capacity check).
    expect(run.diagnosis.symptoms.map((s) => s.id)).toContain('bottleneck_layer');
    const suggestions = suggestStructure(await readRunNumbers(run.tracePath), run.resolved, rules);
    const widen = suggestions.find((s) => s.id === 'widen')!;
    const acc = run.result.final!.train.accuracy!;
    expect(widen.because).toContain(`train accuracy ${Number(acc.toPrecision(2))}`);
    expect(widen.because).toContain('with 1 hidden layer of 2 units');
    expect(widen.because).toContain('rule: under 0.9 train accuracy');
    const applied = applyEdits(run.resolved, widen.edits);
    expect(applied.ok && applied.changes).toEqual([
      'dense_0.units 2 → 8',
      'insert dense (8 relu) after dense_0',
    ]);
    expect(suggestions.map((s) => s.id)).not.toContain('dropout');
  });

  it('names dropout, L2, a smaller width and early stopping for a memorised training set', () => {
    const numbers = numbersOf({
      train: [0.8, 0.95, 0.99, 1, 1],
      val: [0.78, 0.85, 0.84, 0.82, 0.8],
      valLoss: [0.5, 0.4, 0.45, 0.6, 0.8],
      params: 17_000,
      trainSize: 42,
    });
    const suggestions = suggestStructure(numbers, mlp([128, 128]), rules);
    expect(suggestions.map((s) => s.id)).toEqual(['dropout', 'l2', 'narrow', 'early-stopping']);
    expect(suggestions[0]!.because).toBe(
      'train accuracy 1 against validation 0.8, a gap of 0.2, and no dropout: the model memorises its training set (rule: train accuracy ≥ 0.95 and a gap ≥ 0.08)',
    );
    expect(suggestions[2]!.because).toContain('17000 parameters for 42 training examples (405 per example)');
    expect(suggestions[3]!.because).toContain('validation loss ended at 0.8, 100% above its best 0.4');
  });

  it('normalises a deep stack, quoting its gradient norms', () => {
    const numbers = numbersOf({
      train: [0.9, 0.92, 0.93],
      val: [0.9, 0.91, 0.92],
      params: 2000,
      trainSize: 320,
    });
    const [s] = suggestStructure(numbers, mlp([16, 16, 16, 16, 16, 16, 16]), rules);
    expect(s!.id).toBe('batch-norm');
    expect(s!.because).toContain('7 hidden weighted layers and no normalisation layer');
    expect(s!.because).toContain('the gradient norm of dense_0 is 0.0013× that of dense_6');
    expect(s!.edits).toHaveLength(7);
  });

  it('takes its thresholds from the profile’s suggest section', () => {
    const numbers = numbersOf({
      train: [0.8, 0.95, 0.99],
      val: [0.78, 0.9, 0.93],
      params: 100,
      trainSize: 320,
    });
    expect(suggestStructure(numbers, mlp([8]), rules).map((s) => s.id)).toEqual([]);
    const strict = ruleValues({ suggest: { overfitGap: 0.05 } });
    expect(suggestStructure(numbers, mlp([8]), strict).map((s) => s.id)).toEqual(['dropout', 'l2']);
  });
});
