import { isAbsolute, join, resolve } from 'node:path';
import type { Diagnosis } from '../domain/index.js';
import type { Traindx } from '../engine/index.js';
import { createFileSink, type MonitorAlert, type Tf } from '../monitor/index.js';
import { RunNotFoundError } from '../store/index.js';
import { type PreparedData, prepareData } from './datasets/prepare-data.js';
import { expandModel } from './expand-model.js';
import type { TrainingTemplate } from './template.js';
import { type EpochSummary, type TrainResult, trainTemplate } from './train-template.js';

export interface MonitoredRun {
  result: TrainResult;
  diagnosis: Diagnosis;
  tracePath: string;
  data: PreparedData;
  /** The template as trained, its model as explicit named layers (what edits address). */
  resolved: TrainingTemplate;
  profile: string;
}

export interface TrainAndDiagnoseOptions {
  /** Folder that relative paths of the template (data file, profile file) are relative to. */
  baseDir: string;
  runId: string;
  /** The trace goes to `<traceDir>/<runId>.jsonl`. */
  traceDir: string;
  parentRunId?: string;
  appliedRemedies?: string[];
  onAlert?: (alert: MonitorAlert) => void;
  onEpoch?: (epoch: EpochSummary) => void;
  /** Before training: the data as prepared, the template resolved, the profile. */
  onStart?: (start: { data: PreparedData; resolved: TrainingTemplate; profile: string }) => void;
  warn?: (message: string) => void;
}

/**
 * Trains a template monitored by an embedded traindx (alerts while it
 * trains, the trace to a file) and diagnoses the stored run. The template
 * comes back resolved: its preset expanded into named layers.
 *
 * @example const run = await trainAndDiagnose({ tf, traindx }, template, { baseDir: '.', runId: 'r1', traceDir: 'out' });
 */
export async function trainAndDiagnose(
  deps: { tf: Tf; traindx: Traindx },
  template: TrainingTemplate,
  o: TrainAndDiagnoseOptions,
): Promise<MonitoredRun> {
  const data = await prepareData(template, o.baseDir);
  const resolved: TrainingTemplate = { ...template, model: { layers: expandModel(template, data) } };
  const profile = profileOf(template, o.baseDir);
  await deps.traindx.profile(profile);
  o.onStart?.({ data, resolved, profile });
  const tracePath = join(o.traceDir, `${o.runId}.jsonl`);
  const result = await trainTemplate({
    tf: deps.tf,
    template: resolved,
    data,
    sinks: [await deps.traindx.sink(), createFileSink(tracePath, o.warn ? { warn: o.warn } : {})],
    runId: o.runId,
    profile,
    ...(o.parentRunId ? { parentRunId: o.parentRunId } : {}),
    ...(o.appliedRemedies ? { appliedRemedies: o.appliedRemedies } : {}),
    ...(o.onAlert ? { onAlert: o.onAlert } : {}),
    ...(o.onEpoch ? { onEpoch: o.onEpoch } : {}),
    ...(o.warn ? { warn: o.warn } : {}),
  });
  const diagnosis = await diagnosed(deps.traindx, result.runId);
  return { result, diagnosis, tracePath, data, resolved, profile };
}

/**
 * The threshold profile of a template: its `profile` (a name, or a YAML file
 * relative to the template), else `vision-cnn` for a conv net and
 * `small-tabular` otherwise (templates train small sets: few steps per epoch).
 */
export function profileOf(t: TrainingTemplate, baseDir: string): string {
  if (t.profile)
    return /[/\\]|\.ya?ml$/.test(t.profile) && !isAbsolute(t.profile)
      ? resolve(baseDir, t.profile)
      : t.profile;
  const layers = t.model.layers ?? [];
  return t.model.preset === 'small-cnn' || layers.some((l) => l.type === 'conv2d')
    ? 'vision-cnn'
    : 'small-tabular';
}

/** The diagnosis of a run this process just trained (it is in the store: missing is a bug, said plainly). */
export async function diagnosed(traindx: Traindx, runId: string): Promise<Diagnosis> {
  const d = await traindx.diagnose(runId);
  if (!d) throw new RunNotFoundError(runId);
  return d;
}
