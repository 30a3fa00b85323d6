import type { ConfigInput, Finding } from './config-finding.js';
import { nameList } from './config-finding.js';

/** Thresholds of the architecture checks (see the `config` profile section). */
export interface ArchitectureThresholds {
  saturatingMinLayers: number;
  normMinWeightedLayers: number;
  plainMinWeightedLayers: number;
  frozenShareMax: number;
}

const SATURATING = new Set(['sigmoid', 'tanh', 'hardsigmoid', 'hardtanh']);
// Recurrent cells gate with sigmoid/tanh by design; those are not hidden-layer activations to change.
const RECURRENT = /lstm|gru|rnn|recurrent/i;
// Frameworks that list leaf modules (PyTorch) show no Add layer for a residual block; these names betray one.
const RESIDUAL_HINT = /residual|shortcut|skip|downsample|bottleneck|basicblock|resblock|resnet/i;

/**
 * saturating_hidden_activation: at least `saturatingMinLayers` hidden weighted
 * layers use sigmoid or tanh (Glorot & Bengio 2010: saturation in deep sigmoid nets).
 */
export function checkSaturatingHidden(input: ConfigInput<ArchitectureThresholds>): Finding[] {
  const { model, t } = input;
  const layers = model.hidden.filter((l) => SATURATING.has(l.activation) && !RECURRENT.test(l.type));
  if (layers.length < t.saturatingMinLayers) return [];
  const acts = [...new Set(layers.map((l) => l.activation))].join('/');
  return [
    {
      symptomId: 'saturating_hidden_activation',
      severity: 'warning',
      confidence: 0.8,
      evidence: [
        `${layers.length} of ${model.hidden.length} hidden weighted layers use ${acts} ` +
          `(${nameList(layers.map((l) => l.name))}); bound ${t.saturatingMinLayers}`,
      ],
    },
  ];
}

/** missing_normalization_layers: a deep stack with no BatchNorm/LayerNorm/GroupNorm layer (SELU nets self-normalise). */
export function checkMissingNormalization(input: ConfigInput<ArchitectureThresholds>): Finding[] {
  const { model, t } = input;
  const n = model.weighted.length;
  if (n < t.normMinWeightedLayers || model.hasNormalization) return [];
  if (model.hidden.length > 0 && model.hidden.every((l) => l.activation === 'selu')) return [];
  return [
    {
      symptomId: 'missing_normalization_layers',
      severity: 'info',
      confidence: 0.6,
      evidence: [
        `${n} weighted layers (${nameList(model.weighted.map((l) => l.name))}) and no normalization layer; bound ${t.normMinWeightedLayers}`,
      ],
    },
  ];
}

/**
 * deep_plain_network: many weighted layers in a row and no residual (Add)
 * connection (He et al. 2016). Surer than missing_normalization_layers
 * (0.7 against 0.6) where both apply: He et al.'s plain-34 had batch
 * normalisation after every convolution and still trained worse than
 * plain-18, so past the bound normalisation alone does not undo the depth.
 */
export function checkDeepPlain(input: ConfigInput<ArchitectureThresholds>): Finding[] {
  const { run, model, t } = input;
  const n = model.weighted.length;
  if (n < t.plainMinWeightedLayers || model.hasResidual) return [];
  const hint = [run.name ?? '', ...model.layers.flatMap((l) => [l.name, l.type])].some((s) =>
    RESIDUAL_HINT.test(s),
  );
  if (hint) return [];
  return [
    {
      symptomId: 'deep_plain_network',
      severity: 'info',
      confidence: 0.7,
      evidence: [
        `${n} weighted layers in a plain stack with no Add/residual layer; bound ${t.plainMinWeightedLayers}`,
      ],
    },
  ];
}

/**
 * frozen_layers: the output layer or every weighted layer is non-trainable,
 * or the model has parameters but none trainable. A frozen body under a
 * trainable head is the fine-tuning setup, right when the body was
 * pretrained and a model that learns nothing but its head when it was not;
 * unless the run event says its weights were loaded (`model.pretrained`),
 * where frozen layers hold more than `frozenShareMax` of the weighted
 * parameters it is advice (`info`), which the reasoner weighs in full only
 * when the run fails to learn. The fine-tuning profile, where freezing is
 * the plan, never reports it.
 */
export function checkFrozen(input: ConfigInput<ArchitectureThresholds>): Finding[] {
  const { run, model } = input;
  const out = model.output;
  const { params, trainableParams } = run.model ?? {};
  const frozen = model.weighted.filter((l) => !l.trainable);
  const evidence: string[] = [];
  if (params !== undefined && params > 0 && trainableParams === 0) {
    evidence.push(`model.trainableParams is 0 of ${params} params`);
  }
  if (model.weighted.length > 0 && frozen.length === model.weighted.length) {
    evidence.push(
      `all ${frozen.length} weighted layers have trainable: false (${nameList(frozen.map((l) => l.name))})`,
    );
  } else if (out && !out.trainable) {
    evidence.push(`the output layer ${out.name} has trainable: false`);
  }
  if (evidence.length === 0)
    return run.model?.pretrained === true ? [] : frozenBody(model, input.t.frozenShareMax);
  const all = evidence.length > 1 || frozen.length === model.weighted.length || trainableParams === 0;
  return [
    {
      symptomId: 'frozen_layers',
      layer: all ? undefined : out?.name,
      severity: all ? 'critical' : 'warning',
      confidence: 0.9,
      evidence,
    },
  ];
}

/** The advice for a frozen body under a trainable head, or nothing (see checkFrozen). */
function frozenBody(model: ConfigInput<unknown>['model'], shareMax: number): Finding[] {
  const frozen = model.weighted.filter((l) => !l.trainable);
  const params = (layers: typeof frozen) => layers.reduce((sum, l) => sum + (l.params ?? 0), 0);
  const total = params(model.weighted);
  if (frozen.length === 0 || total === 0) return [];
  const share = params(frozen) / total;
  if (share <= shareMax) return [];
  return [
    {
      symptomId: 'frozen_layers',
      severity: 'info',
      confidence: 0.6,
      evidence: [
        `${frozen.length} of ${model.weighted.length} weighted layers have trainable: false (${nameList(frozen.map((l) => l.name))}), ` +
          `${(share * 100).toFixed(0)}% of the weighted params, under a trainable head; bound ${(shareMax * 100).toFixed(0)}%: ` +
          'right for a pretrained body, while a body trained from scratch stays as initialised',
      ],
    },
  ];
}
