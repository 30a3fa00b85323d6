import type { DiagnosedSymptom, KnowledgeSeed } from '../domain/index.js';
import { type ChartSymptom, MarkerSymbol } from './report-data.js';

/** Charts a report may draw; symptoms are marked on the ones that show their signal. */
export type ChartId =
  | 'loss'
  | 'accuracy'
  | 'learning-rate'
  | 'grad-norm'
  | 'grad-heatmap'
  | 'dead'
  | 'saturated'
  | 'weight-norm';

// Where each symptom's signal is drawn. Every symptom seen while training is
// also marked on the loss chart, the one timeline every run has.
const CHARTS_OF: Record<string, ChartId[]> = {
  overfitting: ['accuracy'],
  underfitting: ['accuracy'],
  accuracy_at_chance: ['accuracy'],
  prediction_collapse: ['accuracy'],
  exploding_gradients: ['grad-norm', 'grad-heatmap'],
  vanishing_gradients: ['grad-norm', 'grad-heatmap'],
  non_finite_tensors: ['grad-norm', 'grad-heatmap', 'weight-norm'],
  dead_units: ['dead', 'grad-heatmap'],
  saturated_activations: ['saturated', 'grad-heatmap'],
  exploding_weights: ['weight-norm'],
  unchanged_weights: ['weight-norm'],
  loss_divergence: ['learning-rate'],
  loss_oscillation: ['learning-rate'],
};

/** A symptom as the report shows it: numbered, with its marker symbol and name. */
export interface MarkedSymptom extends ChartSymptom {
  severity: DiagnosedSymptom['severity'];
  confidence: number;
  evidence: string[];
  /** False for static and data findings (model, config, data set): they have no step to mark. */
  timed: boolean;
}

/**
 * Numbers the diagnosis's symptoms in order and gives each a marker shape,
 * so a marker is identified by shape and number, never by colour alone.
 */
export function markSymptoms(symptoms: DiagnosedSymptom[], knowledge: KnowledgeSeed): MarkedSymptom[] {
  const known = new Map(knowledge.symptoms.map((s) => [s.id, s]));
  const shapes = MarkerSymbol.options;
  return symptoms.map((s, i) => {
    const k = known.get(s.id);
    return {
      n: i + 1,
      id: s.id,
      name: k?.name ?? s.id.replaceAll('_', ' '),
      symbol: shapes[i % shapes.length]!,
      firstStep: s.firstStep,
      lastStep: s.lastStep,
      ...(s.layer ? { layer: s.layer } : {}),
      severity: s.severity,
      confidence: s.confidence,
      evidence: s.evidence,
      timed: k ? k.kind === 'dynamic' : true,
    };
  });
}

/** Indexes (into `symptoms`) of the symptoms to mark on a chart. */
export function markersFor(chart: ChartId, symptoms: MarkedSymptom[]): number[] {
  return symptoms.flatMap((s, i) => {
    if (!s.timed) return [];
    const charts = CHARTS_OF[s.id] ?? [];
    return chart === 'loss' || charts.includes(chart) ? [i] : [];
  });
}
