import type { MonitorAlert } from '../monitor/index.js';
import type { PreparedData } from './datasets/prepare-data.js';
import type { TrainingTemplate } from './template.js';
import type { EpochSummary } from './train-template.js';

/**
 * What `traindx train` and `traindx suggest` print while a run trains: one
 * line when it starts, the epochs (at most about 20 lines), and each alert
 * traindx sends back (a symptom that starts, changes or resolves, a change of
 * the leading cause). Static findings come before the first epoch: the
 * monitor delivers the run event as it starts.
 */
export function createTrainPrinter(out: (line: string) => void, o: { quiet?: boolean } = {}) {
  let every = 1;
  let epochs = 0;
  return {
    start(
      runId: string,
      s: { data: PreparedData; resolved: TrainingTemplate; profile: string },
      why?: string,
    ) {
      const t = s.resolved;
      epochs = t.epochs;
      every = Math.max(1, Math.ceil(t.epochs / 20));
      const layers = (t.model.layers ?? []).map(describeLayer).join(' → ');
      out('');
      out(`Training ${runId}${why ? ` (${why})` : ''}`);
      out(`  data: ${s.data.description}`);
      out(`  model: ${layers}`);
      out(
        `  ${t.optimizer.name} lr=${t.optimizer.learningRate} · ${t.loss} · ${t.epochs} epochs · batch ${t.batchSize} · profile ${s.profile}`,
      );
    },
    epoch(e: EpochSummary) {
      if (o.quiet || ((e.epoch + 1) % every !== 0 && e.epoch !== 0)) return;
      const part = (k: 'loss' | 'accuracy' | 'mse') =>
        e.train[k] !== undefined ? ` ${k} ${fmt(e.train[k]!)} / val ${fmt(e.val[k] ?? Number.NaN)}` : '';
      out(
        `  epoch ${String(e.epoch + 1).padStart(String(epochs).length)}/${epochs}${part('loss')}${part('accuracy')}${part('mse')}`,
      );
    },
    alert(a: MonitorAlert) {
      if (a.kind === 'top_cause' && a.topCause) {
        out(`  → leading cause now: ${a.topCause.id} (${fmt(a.topCause.confidence)})`);
        return;
      }
      const s = a.symptom;
      if (!s) return;
      const where = s.layer ? ` [${s.layer}]` : '';
      const step = a.step ?? s.lastStep ?? s.firstStep ?? '?';
      if (a.change === 'resolved') {
        out(`  ✓ step ${step}: ${s.id}${where} resolved (last seen at step ${s.lastStep ?? '?'})`);
        return;
      }
      const evidence = (s.evidence[0] ?? '').slice(0, 160);
      const updated = a.change === 'updated' ? ' (updated)' : '';
      out(`  ! step ${step}: ${s.severity.toUpperCase()} ${s.id}${where}${updated}: ${evidence}`);
    },
  };
}

function describeLayer(l: NonNullable<TrainingTemplate['model']['layers']>[number]): string {
  switch (l.type) {
    case 'dense':
      return `${l.name}(${l.units} ${l.activation ?? 'linear'}${l.trainable === false ? ', frozen' : ''})`;
    case 'conv2d':
      return `${l.name}(${l.filters}×${l.kernelSize}² ${l.activation ?? 'linear'})`;
    case 'dropout':
      return `${l.name}(${l.rate})`;
    default:
      return l.name!;
  }
}

const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v));
