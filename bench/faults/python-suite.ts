import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Traindx } from '../../src/engine/index.js';
import { diagnoseInto } from '../../src/engine/index.js';
import type { Label } from './label.js';
import { type DiagnosedRun, type Figures, figures, scoreRun } from './score.js';

/** bench/pyfaults: real PyTorch and Keras runs recorded by the Python client, labelled like bench/faults. */
export const PYFAULTS_DIR = join(import.meta.dirname, '..', 'pyfaults');

const PyLabel = z.object({
  id: z.string(),
  runId: z.string(),
  primaryCause: z.string(),
  acceptableCauses: z.array(z.string()),
  split: z.enum(['tune', 'test']),
  variantOf: z.string(),
  framework: z.enum(['pytorch', 'keras']),
  notes: z.string(),
});
const PyLabels = z.object({ labels: z.array(PyLabel) });
export type PyLabel = z.infer<typeof PyLabel>;

/** The labelled Python runs, or none when the suite has not been generated. */
export function readPythonLabels(): PyLabel[] {
  const path = join(PYFAULTS_DIR, 'labels.json');
  return existsSync(path) ? PyLabels.parse(JSON.parse(readFileSync(path, 'utf8'))).labels : [];
}

/**
 * Diagnoses every Python run through the CLI's path (its gzipped trace read by
 * the importers) and scores it as bench/faults scores its own runs. The labels
 * carry no expected symptoms (the suite's labels are not checked against their
 * traces yet), so only the cause figures mean anything.
 */
export async function diagnosePythonRuns(
  traindx: Traindx,
  labels: PyLabel[],
): Promise<(DiagnosedRun & { framework: string })[]> {
  const out: (DiagnosedRun & { framework: string })[] = [];
  for (const l of labels) {
    const [diagnosis] = await diagnoseInto(traindx, join(PYFAULTS_DIR, 'traces', `${l.id}.jsonl.gz`));
    const label: Label = { ...l, expectedSymptoms: [], notes: l.notes || l.id };
    out.push({ label, diagnosis: diagnosis!, framework: l.framework });
  }
  return out;
}

/** Figures per split for a subset of diagnosed runs. */
export function splitFigures(runs: DiagnosedRun[]): Record<'tune' | 'test' | 'all', Figures> {
  const scores = runs.map(scoreRun);
  return {
    tune: figures(scores.filter((_, i) => runs[i]!.label.split === 'tune')),
    test: figures(scores.filter((_, i) => runs[i]!.label.split === 'test')),
    all: figures(scores),
  };
}
