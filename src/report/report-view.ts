import { HEALTHY_THRESHOLD, type Snippets } from '../domain/index.js';
import { fillSnippets } from '../reason/index.js';
import { buildReportData } from './build-report-data.js';
import { type DistributionSummary, summariseDistributions } from './distribution-summary.js';
import { type EditPreview, previewEdits } from './edit-preview.js';
import type { ReportData } from './report-data.js';
import type { ReportInput } from './report-input.js';
import {
  type Fact,
  type LayerRow,
  type SeriesSummary,
  summariseRun,
  summariseSeries,
} from './run-summary.js';
import { type MarkedSymptom, markSymptoms } from './symptom-markers.js';
import { buildWhyView, type WhyView } from './why-view.js';

export interface EvidenceView {
  symptom: MarkedSymptom;
  /** The SUGGESTS link's weight, rationale and source title. */
  weight: number;
  rationale: string;
  source: string;
  contribution: number;
}

export interface CauseView {
  rank: number;
  id: string;
  name: string;
  confidence: number;
  category?: string;
  description?: string;
  explanation: string;
  evidence: EvidenceView[];
  /** Names of symptoms the cause predicts that the run could have shown and did not. */
  against: string[];
}

export interface RemedyView {
  id: string;
  name: string;
  score: number;
  forCauses: string[];
  action: string;
  snippets?: Snippets;
  structural: boolean;
}

/** What both formats show, computed once; the renderers only lay it out. */
export interface ReportView {
  title: string;
  runLabel: string;
  verdict: string;
  healthy: boolean;
  /** The why card under the verdict; undefined for a healthy run. */
  why?: WhyView;
  layers: LayerRow[];
  sections: { data: Fact[]; optimizer: Fact[]; outcome: Fact[] };
  signals: SeriesSummary[];
  symptoms: MarkedSymptom[];
  /** The strongest causes, shown in full; `otherCauses` only by name and confidence. */
  causes: CauseView[];
  otherCauses: CauseView[];
  /** The strongest remedies, shown with their snippets; `otherRemedies` only by name and score. */
  remedies: RemedyView[];
  otherRemedies: RemedyView[];
  edits: (EditPreview & { remedyName: string; causeNames: string[] })[];
  missingSignals: string[];
  profile?: string;
  data: ReportData;
  /** Per chart id: each drawn curve in numbers (from the full series, not the downsampled one). */
  chartNumbers: Record<string, SeriesSummary[]>;
  /** The weight and gradient histograms in numbers (first and latest spread per layer and kind). */
  distributions: DistributionSummary[];
}

/**
 * The report's content from the diagnosis, the run and its series: names
 * from the knowledge graph, evidence joined to numbered symptom markers,
 * remedy snippets, structure edits as before/after layer lists, chart data.
 */
export function buildReportView(input: ReportInput): ReportView {
  const { diagnosis: d, run, knowledge } = input;
  const symptoms = markSymptoms(d.symptoms, knowledge);
  const causeInfo = new Map(knowledge.causes.map((c) => [c.id, c]));
  const remedyInfo = new Map(knowledge.remedies.map((r) => [r.id, r]));
  const sourceTitle = new Map(knowledge.sources.map((s) => [s.id, s.title]));
  const symptomName = new Map(knowledge.symptoms.map((s) => [s.id, s.name]));
  const causeName = (id: string) => causeInfo.get(id)?.name ?? id.replaceAll('_', ' ');
  // The explanation paths carry copies of the occurrences; match them back to the numbered markers.
  const markerOf = (o: { id: string; firstStep: number; layer?: string }) =>
    symptoms.find((s) => s.id === o.id && s.firstStep === o.firstStep && s.layer === o.layer) ??
    symptoms.find((s) => s.id === o.id);
  const summary = summariseRun(run, d, input.series);
  const runLabel = run.name ?? run.id;
  const data = buildReportData(input, symptoms);
  const causes = d.causes.map(
    (c, i): CauseView => ({
      rank: i + 1,
      id: c.id,
      name: c.name || causeName(c.id),
      confidence: c.confidence,
      category: causeInfo.get(c.id)?.category,
      description: causeInfo.get(c.id)?.description,
      explanation: c.explanation,
      evidence: c.paths.flatMap((p) => {
        const symptom = markerOf(p.occurrence);
        if (!symptom) return [];
        const source = sourceTitle.get(p.suggests.source) ?? p.suggests.source;
        return [{ symptom, ...p.suggests, source, contribution: p.contribution }];
      }),
      against: c.against.map((a) => symptomName.get(a.symptomId) ?? a.symptomId),
    }),
  );
  // Snippets say this run's values (its learning rate, its optimizer), never a stock example's.
  const snippetFacts = { optimizer: d.facts.optimizer, learningRate: d.facts.learningRate };
  const filled = new Map(
    d.remedies.flatMap((r) => {
      const info = remedyInfo.get(r.id);
      return info ? [[r.id, fillSnippets(info.snippets, r.edits, snippetFacts)] as const] : [];
    }),
  );
  const remedies = d.remedies.map((r): RemedyView => {
    const info = remedyInfo.get(r.id);
    const snippets = filled.get(r.id);
    return {
      id: r.id,
      name: r.name,
      score: r.score,
      forCauses: r.forCauses.map(causeName),
      action: r.action,
      ...(snippets ? { snippets } : {}),
      structural: info?.structural ?? false,
    };
  });
  const shownCauses = Math.max(
    DETAILED_CAUSES,
    causes.filter((c) => c.confidence >= HEALTHY_THRESHOLD).length,
  );
  const numbers = chartNumbers(data, input.series);
  const why = buildWhyView(d, symptoms, data, numbers, (id) => filled.get(id), input.series);
  return {
    title: `traindx report: ${runLabel} (${d.healthy ? 'healthy' : 'needs attention'})`,
    runLabel,
    verdict: d.summary,
    healthy: d.healthy,
    ...(why ? { why } : {}),
    layers: summary.layers,
    sections: summary.sections,
    signals: summary.signals,
    symptoms,
    causes: causes.slice(0, shownCauses),
    otherCauses: causes.slice(shownCauses),
    remedies: remedies.slice(0, DETAILED_REMEDIES),
    otherRemedies: remedies.slice(DETAILED_REMEDIES),
    edits: previewEdits(run, d.structureEdits).map((p) => ({
      ...p,
      remedyName: remedyInfo.get(p.remedy)?.name ?? p.remedy,
      causeNames: p.forCauses.map(causeName),
    })),
    missingSignals: d.missingSignals,
    profile: d.facts.profile,
    data,
    chartNumbers: numbers,
    distributions: summariseDistributions(
      input.histograms ?? [],
      (run.model?.layers ?? []).map((l) => l.name),
    ),
  };
}

// A diagnosis ranks every cause the symptoms reach (often 15 or more) and every
// remedy of those; past the first few, a reader wants names, not pages.
const DETAILED_CAUSES = 5;
const DETAILED_REMEDIES = 8;

function chartNumbers(data: ReportData, series: ReportInput['series']): Record<string, SeriesSummary[]> {
  const byKey = new Map(series.map((s) => [s.key, s]));
  const out: Record<string, SeriesSummary[]> = {};
  for (const c of data.charts) {
    out[c.id] = c.series.flatMap((s) => {
      const chunk = byKey.get(s.key);
      return chunk ? [summariseSeries(chunk, s.label)] : [];
    });
  }
  if (data.heatmap) {
    out[data.heatmap.id] = data.heatmap.layers.flatMap((layer) => {
      const chunk = byKey.get(`layers.${layer}.gradNorm`);
      return chunk ? [summariseSeries(chunk, layer)] : [];
    });
  }
  return out;
}
