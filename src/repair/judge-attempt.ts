import type { ValMetric } from '../reason/index.js';
import type { Task, TrainResult } from '../train/index.js';

/**
 * The validation metric of a run: accuracy for classification, mean squared
 * error for regression (whatever loss it trained with, so runs whose loss an
 * edit changed still compare), of the epoch the model ended with. A run that
 * blew up counts as the worst value (NaN accuracy as 0, NaN error as +∞).
 *
 * @example validationMetric(result, 'classification', 80) // { name: 'val accuracy', value: 0.93, ... }
 */
export function validationMetric(result: Pick<TrainResult, 'final'>, task: Task, n: number): ValMetric {
  const val = result.final?.val;
  if (task !== 'regression' && val?.accuracy !== undefined)
    return { name: 'val accuracy', value: finiteOr(val.accuracy, 0), higherIsBetter: true, n };
  if (task === 'regression' && val?.mse !== undefined)
    return { name: 'val mse', value: finiteOr(val.mse, Number.POSITIVE_INFINITY), higherIsBetter: false, n };
  return { name: 'val loss', value: finiteOr(val?.loss, Number.POSITIVE_INFINITY), higherIsBetter: false, n };
}

const finiteOr = (v: number | undefined, fallback: number) =>
  v !== undefined && Number.isFinite(v) ? v : fallback;
