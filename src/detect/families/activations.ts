import { z } from 'zod';
import type { LayerStats, StepEvent } from '../../domain/index.js';
import { defineFamily } from '../detector.js';
import type { LayerView, ModelView } from '../model-view.js';
import {
  createSustain,
  describesActivatedOutput,
  type Finding,
  fmt,
  forwardNonFinite,
  pct,
  pushSustain,
  refineSustain,
  reportFinding,
  SUSTAIN_THRESHOLDS,
  type Sustain,
} from '../stats/index.js';
import { saturationBound } from './activations-bound.js';

/**
 * Activation health, per layer: `dead_units` (a ReLU layer's share of units
 * that output 0 for the whole batch stays above deadShare; without
 * deadFraction, its share of exactly-zero gradients above zeroGradShare) and
 * `saturated_activations` (a hidden sigmoid/tanh layer's share of saturated
 * outputs stays above saturatedShare, read from saturatedFraction or, when a
 * recorder writes only actMean/actStd, from a bound those moments imply).
 * Activations written as separate layers (PyTorch `relu_0`) are reported
 * under their own name, with the layer they belong to in the evidence. The
 * output layer is never judged for saturation: the model's last weighted
 * layer, or, for stats the model does not describe, the last entry written.
 * Readings of a layer holding non-finite values are skipped.
 */
export const ActivationThresholds = refineSustain(
  z.object({
    deadShare: z.number().min(0).max(1).default(0.5),
    zeroGradShare: z.number().min(0).max(1).default(0.7),
    saturatedShare: z.number().min(0).max(1).default(0.5),
    ...SUSTAIN_THRESHOLDS,
  }),
);
export type ActivationThresholds = z.infer<typeof ActivationThresholds>;

interface KeySeries {
  dead: Sustain;
  zero: Sustain;
  sat: Sustain;
}

export interface ActivationState {
  keys: Record<string, KeySeries>;
  /** Layers (by owner name) whose recorder wrote deadFraction: zeroGradFraction is then only supporting evidence. */
  sawDead: Record<string, boolean>;
  /** Open findings by `symptomId|key`. */
  findings: Record<string, Finding>;
}

/** ReLU-family activations whose units can die: zero output and zero gradient for negative inputs. */
const DYING = new Set(['relu', 'relu6', 'thresholdedrelu']);
const SATURATING = new Set(['sigmoid', 'tanh', 'hardsigmoid', 'hardtanh']);
/** A share this high leaves the layer nearly useless: reported as critical (chosen here). */
const CRITICAL_SHARE = 0.9;

export const activationsFamily = defineFamily<ActivationState, ActivationThresholds>({
  name: 'activations',
  thresholds: ActivationThresholds,
  signals: ['layers.deadFraction', 'layers.saturatedFraction', 'layers.zeroGradFraction'],
  initialState: () => ({ keys: {}, sawDead: {}, findings: {} }),
  create(ctx, state, emit) {
    const t = ctx.thresholds;
    const { model } = ctx;
    const series = (key: string): KeySeries => {
      let s = state.keys[key];
      if (s === undefined) {
        s = { dead: createSustain(), zero: createSustain(), sat: createSustain() };
        state.keys[key] = s;
      }
      return s;
    };
    const report = (symptomId: string, key: string, f: Omit<Finding, 'symptomId' | 'layer' | 'latest'>) => {
      const id = `${symptomId}|${key}`;
      const open = state.findings[id] ?? null;
      state.findings[id] = reportFinding(
        open,
        { ...f, symptomId, layer: key, firstStep: open?.firstStep ?? f.firstStep, latest: null },
        emit,
      );
    };
    const within = (n: number, since: number) =>
      `in ${n} of the last ${t.sustainWindow} readings since step ${since}`;
    const ofOwner = (owner: LayerView | undefined, key: string) =>
      owner !== undefined && owner.name !== key ? ` (the activation of ${owner.name})` : '';

    /** dead_units from deadFraction (SageMaker DeadRelu), else from zeroGradFraction (AUTOTRAINER). */
    const checkDead = (e: StepEvent, key: string, owner: LayerView | undefined, act: string | undefined) => {
      const layers = e.layers!;
      const s = layers[key]!;
      const dead = s.deadFraction;
      if (dead !== undefined && Number.isFinite(dead)) {
        state.sawDead[owner?.name ?? key] = true;
        if ((act !== undefined && !DYING.has(act)) || ownEntryWins(owner, key, layers, 'deadFraction'))
          return;
        const k = series(key);
        const n = pushSustain(k.dead, dead >= t.deadShare, e.step, t.sustainWindow);
        if (n < t.sustainNeed || dead < t.deadShare) return;
        const zg = layers[owner?.name ?? key]?.zeroGradFraction;
        const support =
          zg !== undefined && zg >= t.zeroGradShare
            ? `; zeroGradFraction of ${owner?.name ?? key} is ${pct(zg)} (AUTOTRAINER dying ReLU ≥ ${pct(t.zeroGradShare)})`
            : '';
        report('dead_units', key, {
          firstStep: k.dead.since,
          lastStep: e.step,
          severity: dead >= CRITICAL_SHARE ? 'critical' : 'warning',
          confidence: confidenceOf(dead, t.deadShare) + (support ? 0.05 : 0),
          evidence: [
            `deadFraction of ${key}${ofOwner(owner, key)} is ${pct(dead)} at step ${e.step}, ≥ ${pct(t.deadShare)} ${within(n, k.dead.since)} (SageMaker DeadRelu threshold_layer)${support}`,
          ],
        });
        return;
      }
      if (!zeroGradApplies(model, owner, key, state.sawDead, layers)) return;
      const zg = s.zeroGradFraction!;
      const k = series(key);
      const n = pushSustain(k.zero, zg >= t.zeroGradShare, e.step, t.sustainWindow);
      if (n < t.sustainNeed || zg < t.zeroGradShare) return;
      report('dead_units', key, {
        firstStep: k.zero.since,
        lastStep: e.step,
        severity: 'warning',
        confidence: 0.5,
        evidence: [
          `zeroGradFraction of the ReLU layer ${key} is ${pct(zg)} at step ${e.step}, ≥ ${pct(t.zeroGradShare)} ${within(n, k.zero.since)} (AUTOTRAINER dying ReLU; no deadFraction recorded)`,
        ],
      });
    };

    /** saturated_activations from saturatedFraction, else from the bound actMean/actStd imply. */
    const checkSaturated = (
      e: StepEvent,
      key: string,
      owner: LayerView | undefined,
      act: string | undefined,
      lastKey: string | undefined,
    ) => {
      const layers = e.layers!;
      // Not on the output layer, where confident predictions look saturated.
      if (owner !== undefined && owner === model.output) return;
      // Without a model description, the last entry a recorder writes (layers go in forward order) is the output.
      if (owner === undefined && key === lastKey) return;
      const s = layers[key]!;
      const sat = s.saturatedFraction;
      let value: number;
      const fromFraction = sat !== undefined && Number.isFinite(sat);
      if (fromFraction) {
        if (
          (act !== undefined && !SATURATING.has(act)) ||
          ownEntryWins(owner, key, layers, 'saturatedFraction')
        )
          return;
        value = sat;
      } else {
        if (act === undefined || s.actMean === undefined || !describesActivatedOutput(model, key)) return;
        const bound = saturationBound(act, s.actMean, s.actStd);
        if (bound === undefined) return;
        value = bound;
      }
      const k = series(key);
      const n = pushSustain(k.sat, value >= t.saturatedShare, e.step, t.sustainWindow);
      if (n < t.sustainNeed || value < t.saturatedShare) return;
      const std = s.actStd !== undefined ? `, std ${fmt(s.actStd)}` : '';
      const line = fromFraction
        ? `saturatedFraction of ${key}${ofOwner(owner, key)} is ${pct(value)} at step ${e.step}`
        : `${act} output of ${key}${ofOwner(owner, key)} has mean ${fmt(s.actMean!)}${std} at step ${e.step}: at least ${pct(value)} of its outputs must be saturated (bound from mean and std)`;
      report('saturated_activations', key, {
        firstStep: k.sat.since,
        lastStep: e.step,
        severity: value >= CRITICAL_SHARE ? 'critical' : 'warning',
        confidence: confidenceOf(value, t.saturatedShare),
        evidence: [
          `${line}; ≥ ${pct(t.saturatedShare)} ${within(n, k.sat.since)} (SageMaker SaturatedActivation threshold_layer)`,
        ],
      });
    };

    return {
      onStep(e: StepEvent) {
        if (e.layers === undefined) return;
        const lastKey = lastKeyOf(e.layers);
        for (const key in e.layers) {
          const owner = model.ownerOf(key);
          // NaN outputs are neither > 0 nor saturated: fractions over them are no evidence (non_finite_tensors reports them).
          if (holdsNonFiniteOutput(e.layers, key, owner)) continue;
          const act = model.activationOf(key) || undefined;
          checkDead(e, key, owner, act);
          checkSaturated(e, key, owner, act, lastKey);
        }
      },
    };
  },
});

/** True when the key's entry, or its owner layer's, holds non-finite weights, outputs or a nanCount. */
function holdsNonFiniteOutput(
  layers: Record<string, LayerStats>,
  key: string,
  owner: LayerView | undefined,
): boolean {
  if (forwardNonFinite(layers[key]!)) return true;
  const own = owner !== undefined && owner.name !== key ? layers[owner.name] : undefined;
  return own !== undefined && forwardNonFinite(own);
}

/** The last key of a step's layer stats, in the order the recorder wrote them. */
function lastKeyOf(layers: Record<string, LayerStats>): string | undefined {
  let last: string | undefined;
  for (const key in layers) last = key;
  return last;
}

/** Confidence grows from 0.6 at the threshold to 0.9 at a share of 1. */
const confidenceOf = (value: number, threshold: number): number =>
  Math.min(0.95, 0.6 + (0.3 * (value - threshold)) / Math.max(1e-9, 1 - threshold));

/** A layer key whose separate activation layer writes the same field: the activation's own entry is read instead. */
function ownEntryWins(
  owner: LayerView | undefined,
  key: string,
  layers: Record<string, LayerStats>,
  field: 'deadFraction' | 'saturatedFraction',
): boolean {
  if (owner === undefined || owner.name !== key) return false;
  return owner.activationLayers.some((a) => layers[a]?.[field] !== undefined);
}

/**
 * The zeroGradFraction fallback (AUTOTRAINER) applies to a weighted ReLU layer
 * that is not the first (its zero gradients can come from always-zero input
 * features) and whose recorder writes no deadFraction.
 */
function zeroGradApplies(
  model: ModelView,
  owner: LayerView | undefined,
  key: string,
  sawDead: Record<string, boolean>,
  layers: Record<string, LayerStats>,
): boolean {
  if (owner === undefined || owner.name !== key || !owner.hasWeights || sawDead[key]) return false;
  const zg = layers[key]!.zeroGradFraction;
  if (zg === undefined || !Number.isFinite(zg)) return false;
  if (owner.activationLayers.some((a) => layers[a]?.deadFraction !== undefined)) return false;
  return DYING.has(owner.activation) && owner !== model.weighted[0];
}
