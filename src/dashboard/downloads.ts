import type { SeriesChunk, StoredRun, TraceEvent } from '../domain/index.js';
import { renderReport } from '../report/index.js';
import type { DashboardDeps } from './deps.js';

/** A file the run's page and the runs list offer to download. */
export interface Download {
  body: string;
  type: string;
  filename: string;
}

/** The downloads of a run, by the last segment of `/runs/<id>/<file>`. */
export const DOWNLOAD_FILES = ['trace.jsonl', 'report.html'] as const;
export type DownloadFile = (typeof DOWNLOAD_FILES)[number];

/** The links of a run's downloads (the list and the run page show the same). */
export const downloadHref = (runId: string, file: DownloadFile): string =>
  `/runs/${encodeURIComponent(runId)}/${file}`;

/**
 * A run's trace (JSON Lines) or its report (one self-contained HTML page),
 * as `traindx report` writes it; null when the run does not exist.
 *
 * @example await runDownload(deps, 'lr-10', 'trace.jsonl')
 */
export async function runDownload(
  deps: DashboardDeps,
  runId: string,
  file: DownloadFile,
): Promise<Download | null> {
  const stored = await deps.store.getRun(runId);
  if (!stored) return null;
  const series = await deps.store.readSeries(runId);
  const base = safeFileName(runId);
  if (file === 'trace.jsonl') {
    // Non-finite numbers as the format writes them ("NaN", "Infinity"), not JSON's null.
    const lines = traceOf(stored, series).map((e) =>
      JSON.stringify(e, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)),
    );
    return {
      body: `${lines.join('\n')}\n`,
      type: 'application/x-ndjson; charset=utf-8',
      filename: `${base}.jsonl`,
    };
  }
  const [diagnosis, knowledge, histograms] = await Promise.all([
    deps.diagnose(runId),
    deps.knowledge(),
    deps.store.readHistograms?.(runId) ?? [],
  ]);
  if (!diagnosis) return null;
  const html = renderReport(
    { diagnosis, run: stored.run, series, histograms, knowledge: knowledge.seed },
    { format: 'html' },
  );
  return { body: html, type: 'text/html; charset=utf-8', filename: `${base}-report.html` };
}

const safeFileName = (id: string) => id.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'run';

/**
 * The trace again from what the store keeps: the `run` event, then a `step`
 * event per recorded step (loss, learning rate, gradient norm, time, metrics,
 * layer statistics), `epoch` and `eval` events, and the `end` event when the
 * run ended. The store keeps series, not the lines a client sent, so the
 * trace holds every value recorded and reads back to the same diagnosis;
 * fields no series keeps (histograms, an epoch's duration) are not in it.
 */
export function traceOf(stored: StoredRun, series: SeriesChunk[]): TraceEvent[] {
  const steps = new Map<number, Record<string, unknown>>();
  const epochs = new Map<number, Record<string, unknown>>();
  const evals = new Map<string, Record<string, unknown>>();
  const at = <K>(m: Map<K, Record<string, unknown>>, k: K, make: () => Record<string, unknown>) => {
    let e = m.get(k);
    if (!e) {
      e = make();
      m.set(k, e);
    }
    return e;
  };
  const sub = (o: Record<string, unknown>, key: string) => {
    o[key] ??= {};
    return o[key] as Record<string, unknown>;
  };
  for (const chunk of series) {
    const { key } = chunk;
    chunk.steps.forEach((n, i) => {
      const value = chunk.values[i];
      if (value == null) return;
      if (key.startsWith('epoch.')) {
        const epoch = at(epochs, n, () => ({ type: 'epoch', epoch: n }));
        const [, part, ...rest] = key.split('.');
        if (part === 'step' && rest.length === 0) epoch.step = value;
        else if (part === 'train' || part === 'val') sub(epoch, part)[rest.join('.')] = value;
        return;
      }
      if (key.startsWith('eval.')) {
        const [, split = 'test', ...rest] = key.split('.');
        const ev = at(evals, `${n}\u0000${split}`, () => ({ type: 'eval', step: n, split, metrics: {} }));
        sub(ev, 'metrics')[rest.join('.')] = value;
        return;
      }
      const step = at(steps, n, () => ({ type: 'step', step: n }));
      if (key.startsWith('metrics.')) sub(step, 'metrics')[key.slice('metrics.'.length)] = value;
      else if (key.startsWith('layers.')) {
        // layers.<layer>.<stat>: a layer's name may hold dots, a stat's never does.
        const rest = key.slice('layers.'.length);
        const dot = rest.lastIndexOf('.');
        sub(sub(step, 'layers'), rest.slice(0, dot))[rest.slice(dot + 1)] = value;
      } else step[key] = value;
    });
  }
  const byStep = (a: [number, unknown], b: [number, unknown]) => a[0] - b[0];
  const body = [
    ...[...steps.entries()].map(([n, e]) => [n, e] as [number, Record<string, unknown>]),
    // An epoch event goes after its last step; one with no step after every step.
    ...[...epochs.values()].map(
      (e) =>
        [((e.step as number | undefined) ?? Number.MAX_SAFE_INTEGER) + 0.5, e] as [
          number,
          Record<string, unknown>,
        ],
    ),
    ...[...evals.values()].map((e) => [(e.step as number) + 0.75, e] as [number, Record<string, unknown>]),
  ].sort(byStep);
  const events = [stored.run, ...body.map(([, e]) => e)] as TraceEvent[];
  if (stored.status && stored.status !== 'running')
    events.push({ type: 'end', status: stored.status, step: stored.lastStep } as TraceEvent);
  return events;
}
