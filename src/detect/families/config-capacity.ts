import { normaliseName } from '../model-view.js';
import type { ConfigInput, Finding } from './config-finding.js';
import { nameList } from './config-finding.js';

// Initialisers that give every unit of a layer the same weights.
const SYMMETRIC = /^(zeros?|ones|constant)/;
const DENSE = /^(dense|linear)$/i;

/**
 * symmetric_initialization: weighted layers whose kernel starts at zeros or
 * one constant. Every unit of such a layer computes the same output and gets
 * the same gradient, so the units stay identical: the symmetry is never
 * broken (Goodfellow et al. 2016, sec. 8.4). A bias at a constant is normal.
 */
export function checkSymmetricInit(input: ConfigInput<unknown>): Finding[] {
  const { run, model } = input;
  const info = new Map((run.model?.layers ?? []).map((l) => [l.name, l]));
  const layers = model.weighted.filter((l) => {
    const init = info.get(l.name)?.kernelInitializer;
    return init !== undefined && SYMMETRIC.test(normaliseName(init)) && (l.units ?? 2) > 1;
  });
  if (layers.length === 0) return [];
  const inits = [...new Set(layers.map((l) => info.get(l.name)!.kernelInitializer))].join(', ');
  return [
    {
      symptomId: 'symmetric_initialization',
      severity: 'warning',
      confidence: 0.9,
      evidence: [
        `${layers.length} weighted layer(s) (${nameList(layers.map((l) => l.name))}) start with kernelInitializer ${inits}: every unit of a layer starts equal and gets the same gradient`,
      ],
    },
  ];
}

/**
 * bottleneck_layer: a hidden layer narrower than the number of classes − 1.
 * The logits are then confined to a space of that rank, so the classes
 * cannot all be separated whatever the training (the softmax bottleneck,
 * Yang et al. 2018). Needs the class count (dataset.numClasses, or a softmax
 * output's units).
 */
export function checkBottleneck(input: ConfigInput<unknown>): Finding[] {
  const { run, model } = input;
  const out = model.output;
  const classes =
    run.dataset?.numClasses ?? (out && normaliseName(out.activation) === 'softmax' ? out.units : undefined);
  if (classes === undefined || classes < 3) return [];
  // Dense layers only: a conv layer's width is its filters times its positions.
  const narrow = model.hidden.filter(
    (l) => DENSE.test(l.type) && l.units !== undefined && l.units < classes - 1,
  );
  if (narrow.length === 0) return [];
  const widths = narrow.map((l) => `${l.name}: ${l.units}`).join(', ');
  return [
    {
      symptomId: 'bottleneck_layer',
      layer: narrow[0]!.name,
      severity: 'warning',
      confidence: 0.85,
      evidence: [
        `hidden layer(s) narrower than ${classes} classes − 1 = ${classes - 1} (${widths}): the logits span at most ${Math.min(...narrow.map((l) => l.units!))} dimensions`,
      ],
    },
  ];
}

/**
 * linear_model: a model whose only weighted layer is its (dense) output: a
 * linear classifier or regressor, whatever its output activation. It can
 * only draw linear boundaries (Goodfellow et al. 2016, sec. 6.1: a linear
 * model cannot learn XOR), which fits some tasks and caps the rest: a risk,
 * advice once the run shows it learned.
 */
export function checkLinearModel(input: ConfigInput<unknown>): Finding[] {
  const { model } = input;
  const only = model.weighted.length === 1 ? model.weighted[0]! : undefined;
  if (!only || !DENSE.test(only.type) || model.hidden.length > 0) return [];
  return [
    {
      symptomId: 'linear_model',
      layer: only.name,
      severity: 'warning',
      confidence: 0.75,
      evidence: [
        `the model's only weighted layer is its output ${only.name} (${only.type}, ${only.units ?? '?'} units, ${only.activation || 'linear'}): a linear model, whose decision boundaries are hyperplanes`,
      ],
    },
  ];
}
