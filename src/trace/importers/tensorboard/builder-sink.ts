import { histogramField } from '../field-map.js';
import type { RunBuilder, ValueSlot } from '../run-builder.js';
import type { PointSink } from './event-stream.js';
import { histogramBuckets, histogramStats } from './histogram-stats.js';
import type { Histogram } from './summary.js';

type LayerTarget = [layer: string, kind: 'weights' | 'biases' | 'gradients'];

/**
 * Where a TensorBoard run's points go: scalars to the run builder as they
 * are, histograms as per-layer statistics (and their buckets) of the layer
 * their tag maps to. A class, not an object of closures made per import: the
 * hand-on loop calls these methods once per value, and a new function per
 * import deoptimised it ('wrong call target') in the first imports of a
 * process.
 *
 * @example const sink = new BuilderSink(builder, options.map); readEventStream(files, report, { direct: sink });
 */
export class BuilderSink implements PointSink {
  private readonly layerOf = new Map<string, LayerTarget | null>();

  constructor(
    private readonly builder: RunBuilder,
    private readonly map: Readonly<Record<string, string>> | undefined,
  ) {}

  scalar(step: number, tag: string, value: number): void {
    this.builder.value(step, tag, value);
  }

  slot(tag: string): ValueSlot | null {
    return this.builder.slot(tag);
  }

  scalarAt(slot: object, step: number, values: ArrayLike<number>, at: number): void {
    this.builder.valueAt(slot, step, values, at);
  }

  histogram(step: number, tag: string, histogram: Histogram): void {
    let target = this.layerOf.get(tag);
    if (target === undefined) {
      const field = histogramField(tag, this.map);
      const m = field ? /^layers\.(.+)\.(weights|biases|gradients)$/.exec(field) : null;
      target = m ? [m[1]!, m[2] as LayerTarget[1]] : null;
      this.layerOf.set(tag, target);
      if (!field) this.builder.unknown(tag);
    }
    if (!target) return;
    const stats = histogramStats(histogram, target[1]);
    // The buckets themselves too, for the dashboard's histograms over time (biases have no field).
    const buckets = target[1] === 'biases' ? undefined : histogramBuckets(histogram);
    if (buckets && target[1] === 'weights') stats.weightHistogram = buckets;
    else if (buckets) stats.gradHistogram = buckets;
    this.builder.layer(step, target[0], stats);
  }
}
