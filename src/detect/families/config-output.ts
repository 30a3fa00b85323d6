import { fmt } from '../stats/index.js';
import type { ConfigInput, Finding } from './config-finding.js';
import {
  declaredClasses,
  isMultiLabel,
  isRegression,
  type LossInfo,
  lossInfo,
  statedOutputActivation,
} from './config-loss-kind.js';

// Activations that confine outputs to a range; used as logits they cap the
// softmax/sigmoid confidence, as outputs they bound what a regression can reach.
const RANGES: Record<string, [number, number]> = {
  sigmoid: [0, 1],
  hardsigmoid: [0, 1],
  softmax: [0, 1],
  tanh: [-1, 1],
  hardtanh: [-1, 1],
  softsign: [-1, 1],
  relu: [0, Number.POSITIVE_INFINITY],
  relu6: [0, 6],
  softplus: [0, Number.POSITIVE_INFINITY],
};
const SQUASHING = new Set(['sigmoid', 'hardsigmoid', 'tanh', 'hardtanh', 'softsign', 'relu', 'relu6']);

const logitsText = (loss: LossInfo, framework: string | undefined): string => {
  if (loss.logitsSource === 'field') return `fromLogits ${loss.fromLogits}`;
  if (loss.logitsSource === 'loss class')
    return `the loss class takes ${loss.fromLogits ? 'logits' : 'probabilities'}`;
  return `fromLogits not given, ${framework ?? 'framework'} default ${loss.fromLogits}`;
};

/**
 * loss_task_mismatch: the loss does not fit the task the run states (a
 * regression loss for a classifier, a classification loss for a regression).
 * output_loss_mismatch: the last layer's activation and the loss do not fit
 * (UMLAUT: a probability loss needs softmax or from_logits; double softmax
 * or sigmoid; softmax over one unit; log-softmax vs NLL; classification
 * outputs or label ranges that do not fit a regression).
 */
export function checkOutputLoss(input: ConfigInput<unknown>): Finding[] {
  const { run, model } = input;
  const out = model.output;
  const loss = lossInfo(run);
  if (!out) return [];
  const act = statedOutputActivation(run, model);
  const units = out.units;
  const k = declaredClasses(input.run);
  const found: Finding[] = [];
  const add = (
    text: string,
    confidence: number,
    severity: Finding['severity'] = 'warning',
    symptomId = 'output_loss_mismatch',
  ) => found.push({ symptomId, layer: out.name, severity, confidence, evidence: [text] });
  const where = `output layer ${out.name} (${out.type}${units !== undefined ? `, ${units} units` : ''})`;
  // The loss itself does not fit the task the run states: the loss, not the output head, is what to change.
  const lossOffTask = (text: string) => add(text, 0.85, 'warning', 'loss_task_mismatch');

  if (act === 'softmax' && units === 1) {
    add(`${where} applies softmax to a single unit, which outputs 1.0 for every input`, 0.95, 'critical');
  }
  if (!loss) return found;
  const sure = loss.logitsSource === 'framework default' ? 0.6 : 0.85;
  const logits = logitsText(loss, run.framework);
  const lossName = `loss ${loss.label}`;

  if (isRegression(run, loss)) {
    if (loss.kind !== 'regression' && loss.kind !== 'other') {
      lossOffTask(`task ${run.task} is trained with the classification ${lossName}`);
    }
    if (act === 'softmax' && units !== 1) {
      add(`${where} has softmax outputs, which sum to 1, for the regression ${lossName}`, 0.8);
    }
    const range = act !== undefined ? RANGES[act] : undefined;
    const labels = run.dataset?.labelStats;
    if (range && act !== 'softmax' && labels?.min !== undefined && labels.max !== undefined) {
      const [lo, hi] = range;
      if (labels.min < lo - 1e-6 || labels.max > hi + 1e-6) {
        add(
          `${where} has activation ${act} with range [${fmt(lo)}, ${fmt(hi)}], but the labels span ` +
            `[${fmt(labels.min)}, ${fmt(labels.max)}] (dataset.labelStats) under ${lossName}`,
          0.8,
        );
      }
    }
    return found;
  }

  if (loss.kind === 'regression') {
    lossOffTask(
      `task ${run.task ?? 'classification'}${k ? ` with ${k} classes` : ''} is trained with the regression ${lossName}, which scores class probabilities as numbers to match, not as a distribution to make likely`,
    );
    if (act !== undefined)
      add(`${where} has ${act} outputs, but the loss is the regression ${lossName}`, 0.7);
    return found;
  }
  if ((loss.kind === 'categorical' || loss.kind === 'nll') && units === 1) {
    add(
      `${where} has one unit under the multi-class ${lossName}: softmax over one unit is 1, so the loss is always 0`,
      0.9,
      'critical',
    );
    return found;
  }
  if (act === undefined) return found;

  if (loss.kind === 'categorical') {
    if (act === 'softmax' && loss.fromLogits) {
      add(
        `${where} applies softmax and ${lossName} applies softmax again (${logits}): a double softmax`,
        sure,
      );
    } else if (act === 'logsoftmax' && !loss.fromLogits) {
      add(
        `${where} outputs log-probabilities (logsoftmax) but ${lossName} expects probabilities (${logits})`,
        sure,
      );
    } else if (!loss.fromLogits && act !== 'softmax' && act !== 'logsoftmax') {
      add(
        `${where} has activation ${act}, not a probability distribution, but ${lossName} expects probabilities (${logits})`,
        sure,
      );
    } else if (loss.fromLogits && SQUASHING.has(act)) {
      add(
        `${where} squashes its outputs with ${act} before ${lossName}, which expects raw scores (${logits})`,
        0.7,
      );
    }
  } else if (loss.kind === 'nll' && act !== 'logsoftmax') {
    add(
      `${where} has activation ${act}, but ${lossName} expects log-probabilities (a logsoftmax output)`,
      0.8,
    );
  } else if (loss.kind === 'binary') {
    if (act === 'softmax' && (units ?? 0) > 2) {
      add(
        `${where} applies softmax over ${units} units with binary ${lossName}${k ? ` (${k} classes)` : ''}: softmax couples the units that binary cross-entropy scores one by one`,
        0.85,
      );
    } else if (loss.fromLogits && (act === 'sigmoid' || act === 'softmax')) {
      add(`${where} applies ${act} and ${lossName} applies a sigmoid again (${logits})`, sure);
    } else if (!loss.fromLogits && act !== 'sigmoid' && act !== 'softmax') {
      add(
        `${where} has activation ${act}, not a probability, but ${lossName} expects probabilities (${logits})`,
        sure,
      );
    } else if (loss.fromLogits && SQUASHING.has(act)) {
      add(
        `${where} squashes its outputs with ${act} before ${lossName}, which expects raw scores (${logits})`,
        0.7,
      );
    }
  }
  return found;
}

/**
 * output_units_mismatch: a single-label classifier's last layer does not
 * have one unit per class (binary: 1 sigmoid unit or 2 softmax units).
 */
export function checkOutputUnits(input: ConfigInput<unknown>): Finding[] {
  const { run, model } = input;
  const out = model.output;
  const loss = lossInfo(run);
  const k = declaredClasses(input.run);
  const units = out?.units;
  if (!out || units === undefined || k === undefined || k < 2) return [];
  if (isRegression(run, loss) || isMultiLabel(run, model, loss)) return [];
  const act = statedOutputActivation(run, model);
  const perClass = loss?.kind === 'categorical' || loss?.kind === 'nll' || act === 'softmax';
  const binary = loss?.kind === 'binary' || act === 'sigmoid';
  const bad = k === 2 ? units > 2 : (perClass || binary) && units !== k;
  if (!bad) return [];
  const source = run.dataset?.numClasses !== undefined ? `numClasses ${k}` : `classCounts has ${k} entries`;
  const head = act ? `${units} ${act} units` : `${units} units`;
  const expected = k === 2 ? '1 sigmoid or 2 softmax units' : `${k} units, one per class`;
  return [
    {
      symptomId: 'output_units_mismatch',
      layer: out.name,
      severity: units < k ? 'critical' : 'warning',
      confidence: 0.85,
      evidence: [
        `output layer ${out.name} has ${head} but the dataset has ${k} classes (${source}); expected ${expected}`,
      ],
    },
  ];
}
