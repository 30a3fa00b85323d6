import type { Diagnosis } from '../../src/domain/index.js';
import type { Label } from './label.js';
import { HEALTHY, SYMPTOM_IDS } from './vocabulary.js';

/** One benchmark run and what traindx said about it. */
export interface DiagnosedRun {
  label: Label;
  diagnosis: Diagnosis;
}

/** How one run scored. */
export interface RunScore {
  id: string;
  primaryCause: string;
  /** Top-ranked causes (at most 3) with their confidences. */
  ranked: { id: string; confidence: number }[];
  healthy: boolean;
  top1: boolean;
  top3: boolean;
  /** The planted cause itself ranked first (in the first three): acceptable causes do not count. */
  plantedTop1: boolean;
  plantedTop3: boolean;
  /** Confidence of the top cause, when any cause was ranked. */
  topConfidence: number | undefined;
  /** Whether the top cause is an accepted answer (what calibration measures). */
  topCorrect: boolean;
  /** Highest confidence given to an accepted cause (0 when none was ranked). */
  trueConfidence: number;
  /** Vocabulary symptoms the diagnosis reported. */
  symptoms: string[];
  expectedSymptoms: string[];
}

export interface ReliabilityBin {
  from: number;
  to: number;
  runs: number;
  meanConfidence: number | undefined;
  accuracy: number | undefined;
}

export interface CauseRow {
  cause: string;
  runs: number;
  top1: number;
  top3: number;
  meanTopConfidence: number | undefined;
  meanTrueConfidence: number | undefined;
}

export interface Figures {
  runs: number;
  faulty: number;
  healthy: number;
  /** Of the faulty runs only: the planted (or an acceptable) cause first, or in the first three. */
  faultyTop1: number | undefined;
  faultyTop3: number | undefined;
  /** Of the faulty runs only: the planted cause itself first, or in the first three (no acceptable ones). */
  plantedTop1: number | undefined;
  plantedTop3: number | undefined;
  top1: number | undefined;
  top3: number | undefined;
  symptomPrecision: number | undefined;
  symptomRecall: number | undefined;
  /** Healthy runs diagnosed unhealthy, over healthy runs. */
  falseAlarmRate: number | undefined;
  falseAlarms: number;
  /** Faulty runs diagnosed healthy, over faulty runs. */
  missedFaultRate: number | undefined;
  missedFaults: number;
  /** Expected calibration error of the top cause's confidence, 10 equal-width bins. */
  ece: number | undefined;
  reliability: ReliabilityBin[];
  perCause: CauseRow[];
}

const VOCABULARY_SYMPTOMS = new Set<string>(SYMPTOM_IDS);
const ratio = (n: number, d: number) => (d > 0 ? n / d : undefined);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);

/**
 * Scores one run. A faulty run is a top-1 (top-3) hit when its primary cause
 * or an acceptable cause is ranked first (in the first three); a healthy run
 * is a hit when the diagnosis calls it healthy.
 *
 * @example scoreRun({ label, diagnosis }).top1
 */
export function scoreRun({ label, diagnosis }: DiagnosedRun): RunScore {
  const accepted = new Set([label.primaryCause, ...label.acceptableCauses]);
  const isHealthy = label.primaryCause === HEALTHY;
  const ranked = diagnosis.causes.slice(0, 3).map((c) => ({ id: c.id, confidence: c.confidence }));
  const top = diagnosis.causes[0];
  const trueConfidence = Math.max(
    0,
    ...diagnosis.causes.filter((c) => accepted.has(c.id)).map((c) => c.confidence),
  );
  return {
    id: label.id,
    primaryCause: label.primaryCause,
    ranked,
    healthy: diagnosis.healthy,
    top1: isHealthy ? diagnosis.healthy : top !== undefined && accepted.has(top.id),
    top3: isHealthy ? diagnosis.healthy : ranked.some((c) => accepted.has(c.id)),
    plantedTop1: !isHealthy && top?.id === label.primaryCause,
    plantedTop3: !isHealthy && ranked.some((c) => c.id === label.primaryCause),
    topConfidence: top?.confidence,
    topCorrect: !isHealthy && top !== undefined && accepted.has(top.id),
    trueConfidence,
    symptoms: [...new Set(diagnosis.symptoms.map((s) => s.id).filter((id) => VOCABULARY_SYMPTOMS.has(id)))],
    expectedSymptoms: label.expectedSymptoms,
  };
}

/** Ten equal-width bins of the top cause's confidence: runs, mean confidence, share correct. */
export function reliability(scores: RunScore[]): ReliabilityBin[] {
  return Array.from({ length: 10 }, (_, b) => {
    const from = b / 10;
    const to = (b + 1) / 10;
    const inBin = scores.filter(
      (s) =>
        s.topConfidence !== undefined &&
        s.topConfidence >= from &&
        (s.topConfidence < to || (b === 9 && s.topConfidence <= 1)),
    );
    return {
      from,
      to,
      runs: inBin.length,
      meanConfidence: mean(inBin.map((s) => s.topConfidence!)),
      accuracy: mean(inBin.map((s) => (s.topCorrect ? 1 : 0))),
    };
  });
}

/**
 * The benchmark's figures over a set of scored runs: cause accuracy, symptom
 * precision and recall (micro-averaged over vocabulary symptoms), false
 * alarms on healthy runs, missed faults, calibration, and a row per cause.
 */
export function figures(scores: RunScore[]): Figures {
  const healthy = scores.filter((s) => s.primaryCause === HEALTHY);
  const faulty = scores.filter((s) => s.primaryCause !== HEALTHY);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const s of scores) {
    const expected = new Set(s.expectedSymptoms);
    for (const id of s.symptoms) expected.has(id) ? tp++ : fp++;
    for (const id of expected) if (!s.symptoms.includes(id)) fn++;
  }
  const bins = reliability(scores);
  const ranked = bins.reduce((n, b) => n + b.runs, 0);
  const ece =
    ranked > 0
      ? bins.reduce(
          (e, b) => (b.runs ? e + (b.runs / ranked) * Math.abs(b.accuracy! - b.meanConfidence!) : e),
          0,
        )
      : undefined;
  const falseAlarms = healthy.filter((s) => !s.healthy).length;
  const missedFaults = faulty.filter((s) => s.healthy).length;
  const causes = [...new Set(scores.map((s) => s.primaryCause))].sort();
  return {
    runs: scores.length,
    faulty: faulty.length,
    healthy: healthy.length,
    top1: ratio(scores.filter((s) => s.top1).length, scores.length),
    top3: ratio(scores.filter((s) => s.top3).length, scores.length),
    faultyTop1: ratio(faulty.filter((s) => s.top1).length, faulty.length),
    faultyTop3: ratio(faulty.filter((s) => s.top3).length, faulty.length),
    plantedTop1: ratio(faulty.filter((s) => s.plantedTop1).length, faulty.length),
    plantedTop3: ratio(faulty.filter((s) => s.plantedTop3).length, faulty.length),
    symptomPrecision: ratio(tp, tp + fp),
    symptomRecall: ratio(tp, tp + fn),
    falseAlarmRate: ratio(falseAlarms, healthy.length),
    falseAlarms,
    missedFaultRate: ratio(missedFaults, faulty.length),
    missedFaults,
    ece,
    reliability: bins,
    perCause: causes.map((cause) => {
      const rows = scores.filter((s) => s.primaryCause === cause);
      return {
        cause,
        runs: rows.length,
        top1: rows.filter((s) => s.top1).length,
        top3: rows.filter((s) => s.top3).length,
        meanTopConfidence: mean(
          rows.flatMap((s) => (s.topConfidence === undefined ? [] : [s.topConfidence])),
        ),
        meanTrueConfidence: cause === HEALTHY ? undefined : mean(rows.map((s) => s.trueConfidence)),
      };
    }),
  };
}
