import type { MonitorAlert } from '../monitor/index.js';
import type { EpochSummary, PreparedData, TrainingTemplate } from '../train/index.js';
import { clip, paletteOf, type Terminal, wrap } from './terminal.js';

export interface TrainPrinterOptions {
  quiet?: boolean;
  /** Colour and line width (default: no colour, 80 columns, as into a pipe). */
  terminal?: Terminal;
  /** Names of symptoms and causes by id (the knowledge graph's); an alert in training carries ids only. */
  names?: ReadonlyMap<string, string>;
}

// The first piece of an alert's evidence, cut: the diagnosis after the run gives it whole.
const EVIDENCE_CHARS = 160;

/**
 * What `traindx train` and `traindx suggest` print while a run trains: one
 * line when it starts, the epochs (at most about 20 lines), and each alert
 * traindx sends back (a symptom that starts, changes or resolves, a change of
 * the leading cause), symptoms and causes by name. Static findings come
 * before the first epoch: the monitor delivers the run event as it starts.
 * Lines are wrapped to the terminal; colour marks severity where the
 * terminal takes it, and a word or symbol always says it too.
 *
 * @example const print = createTrainPrinter(console.log, { terminal: terminalOf(process.stdout, process.env) });
 */
export function createTrainPrinter(out: (line: string) => void, o: TrainPrinterOptions = {}) {
  const terminal = o.terminal ?? { color: false, width: 80 };
  const p = paletteOf(terminal);
  const nameOf = (id: string, given?: string | null) => given ?? o.names?.get(id) ?? id;
  const say = (text: string, first = '  ', rest = '    ') => {
    for (const line of wrap(text, terminal.width, first, rest)) out(line);
  };
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
      say(`${p.bold(`Training ${runId}`)}${why ? ` (${why})` : ''}`, '', '  ');
      say(`data: ${s.data.description}`);
      say(`model: ${layers}`);
      say(
        `${t.optimizer.name} lr=${t.optimizer.learningRate} · ${t.loss} · ${t.epochs} epochs · batch ${t.batchSize} · profile ${s.profile}`,
      );
    },
    epoch(e: EpochSummary) {
      if (o.quiet || ((e.epoch + 1) % every !== 0 && e.epoch !== 0)) return;
      const part = (k: 'loss' | 'accuracy' | 'mse') =>
        e.train[k] !== undefined ? ` ${k} ${fmt(e.train[k]!)} / val ${fmt(e.val[k] ?? Number.NaN)}` : '';
      say(
        `epoch ${String(e.epoch + 1).padStart(String(epochs).length)}/${epochs}${part('loss')}${part('accuracy')}${part('mse')}`,
      );
    },
    alert(a: MonitorAlert) {
      if (a.kind === 'top_cause' && a.topCause) {
        say(
          `→ leading cause now: ${p.bold(nameOf(a.topCause.id, a.topCause.name))} (${fmt(a.topCause.confidence)})`,
        );
        return;
      }
      const s = a.symptom;
      if (!s) return;
      const name = nameOf(s.id, s.name);
      const where = s.layer ? ` [${s.layer}]` : '';
      const step = a.step ?? s.lastStep ?? s.firstStep ?? '?';
      if (a.change === 'resolved') {
        say(
          `${p.green('✓')} step ${step}: ${name}${where} resolved (last seen at step ${s.lastStep ?? '?'})`,
        );
        return;
      }
      const paint = s.severity === 'critical' ? p.red : s.severity === 'warning' ? p.yellow : p.cyan;
      const evidence = s.evidence[0] ? `: ${clip(s.evidence[0], EVIDENCE_CHARS)}` : '';
      const updated = a.change === 'updated' ? ' (updated)' : '';
      say(`${paint(`! step ${step}: ${s.severity.toUpperCase()}`)} ${name}${where}${updated}${evidence}`);
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
