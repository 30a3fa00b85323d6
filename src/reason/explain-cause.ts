import { fmt } from '../detect/index.js';
import type {
  DiagnosedCause,
  DiagnosedSymptom,
  ExplanationPath,
  KnowledgeSeed,
  SymptomOccurrence,
} from '../domain/index.js';
import { learnedEffectiveness } from './learned-effectiveness.js';
import type { ScoredCause } from './score-causes.js';

/** The occurrence as the diagnosis reports it. */
export const toDiagnosedSymptom = (o: SymptomOccurrence): DiagnosedSymptom => ({
  id: o.symptomId,
  confidence: o.confidence,
  severity: o.severity,
  firstStep: o.firstStep,
  lastStep: o.lastStep,
  ...(o.layer ? { layer: o.layer } : {}),
  evidence: o.evidence,
});

/**
 * Turns a scored cause into what a person reads: the paths from the run's
 * occurrences through the graph to remedies, and two or three sentences made
 * only of those parts (the run's numbers and layer names, the links'
 * rationales and sources). Nothing is added that the run or the graph did not say.
 */
export function explainCause(
  scored: ScoredCause,
  knowledge: KnowledgeSeed,
  names: NameIndex = createNameIndex(knowledge),
): DiagnosedCause {
  const fixedBy = knowledge.fixedBy
    .filter((l) => l.cause === scored.id)
    .sort((a, b) => learnedEffectiveness(b) - learnedEffectiveness(a) || a.remedy.localeCompare(b.remedy))
    .map((l) => ({
      remedy: l.remedy,
      effectiveness: l.effectiveness,
      rationale: l.rationale,
      source: l.source,
      tries: l.tries,
      successes: l.successes,
    }));
  const paths: ExplanationPath[] = scored.support.map((s) => ({
    occurrence: toDiagnosedSymptom(s.occurrence),
    suggests: { weight: s.link.weight, rationale: s.link.rationale, source: s.link.source },
    contribution: round(s.p),
    cause: scored.id,
    fixedBy,
  }));
  const path = [
    ...scored.support.map((s) => ({
      from: s.link.symptom,
      rel: 'SUGGESTS',
      to: scored.id,
      weight: s.link.weight,
    })),
    ...fixedBy
      .slice(0, 3)
      .map((f) => ({ from: scored.id, rel: 'FIXED_BY', to: f.remedy, weight: f.effectiveness })),
  ];
  const wording = wordingFor(scored, knowledge);
  const name = wording?.name ?? names.cause(scored.id);
  return {
    id: scored.id,
    name,
    confidence: scored.confidence,
    explanation: sentences(scored, name, fixedBy, names, wording),
    path,
    paths,
    against: scored.against,
    ...(scored.attributed?.length
      ? {
          explainedBy: scored.attributed.map((a) => ({
            symptomId: a.support.link.symptom,
            ...(a.support.occurrence.layer ? { layer: a.support.occurrence.layer } : {}),
            cause: a.to,
          })),
        }
      : {}),
  };
}

function sentences(
  scored: ScoredCause,
  name: string,
  fixedBy: ExplanationPath['fixedBy'],
  names: NameIndex,
  wording: Wording | undefined,
): string {
  const [first, second] = scored.support;
  const seen = (s: NonNullable<typeof first>) => {
    const o = s.occurrence;
    const where = o.layer ? ` in ${o.layer}` : '';
    const when =
      o.firstStep === o.lastStep ? `at step ${o.firstStep}` : `from step ${o.firstStep} to ${o.lastStep}`;
    return `${names.symptom(o.symptomId).toLowerCase()}${where} ${when} (${o.evidence[0]})`;
  };
  const out: string[] = [];
  out.push(
    `${name} (confidence ${fmt(scored.confidence)}): the run showed ${seen(first!)}` +
      (second ? ` and ${seen(second)}` : '') +
      (scored.support.length > 2 ? `, and ${scored.support.length - 2} more symptom(s) pointing here` : '') +
      '.',
  );
  const why = wording ?? { why: first!.link.rationale, source: first!.link.source };
  out.push(`${trimStop(why.why)} [${names.source(why.source)}].`);
  for (const to of new Set(scored.attributed?.map((a) => a.to))) {
    const signs = scored.attributed!.filter((a) => a.to === to).map((a) => seen(a.support));
    const more = signs.length > 3 ? `, and ${signs.length - 3} more,` : '';
    out.push(
      `Not counted here: ${signs.slice(0, 3).join('; ')}${more} follow from ${names.cause(to).toLowerCase()}, ranked above.`,
    );
  }
  if (scored.against.length > 0) {
    const missing = scored.against.slice(0, 3).map((a) => names.symptom(a.symptomId).toLowerCase());
    out.push(`Against it: the run recorded what would show ${missing.join(', ')}, and did not show it.`);
  } else if (fixedBy[0]) {
    const f = fixedBy[0];
    const record = f.tries > 0 ? `; it worked in ${f.successes} of ${f.tries} recorded retries` : '';
    out.push(`Usual fix: ${names.remedy(f.remedy).toLowerCase()}${record}.`);
  }
  return out.join(' ');
}

type Wording = NonNullable<KnowledgeSeed['causes'][number]['wordingWithout']>;

/**
 * The cause's words for a run that did not show the symptom its usual name
 * presumes (`wordingWithout` in graph-seed/causes.yaml): the deep sigmoid
 * stack that never saturated is not called "saturating".
 */
function wordingFor(scored: ScoredCause, knowledge: KnowledgeSeed): Wording | undefined {
  const wording = knowledge.causes.find((c) => c.id === scored.id)?.wordingWithout;
  if (!wording) return undefined;
  const shown = [...scored.support, ...(scored.attributed ?? []).map((a) => a.support)].some(
    (s) => s.link.symptom === wording.symptom,
  );
  return shown ? undefined : wording;
}

/**
 * Names of the graph's nodes by id, for explanations: build it once per
 * diagnosis (it is read for every cause) and pass it to `explainCause`.
 */
export function createNameIndex(k: KnowledgeSeed) {
  const symptoms = new Map(k.symptoms.map((s) => [s.id, s.name]));
  const causes = new Map(k.causes.map((c) => [c.id, c.name]));
  const remedies = new Map(k.remedies.map((r) => [r.id, r.name]));
  const sources = new Map(k.sources.map((s) => [s.id, s.title]));
  return {
    symptom: (id: string) => symptoms.get(id) ?? id.replaceAll('_', ' '),
    cause: (id: string) => causes.get(id) ?? id.replaceAll('_', ' '),
    remedy: (id: string) => remedies.get(id) ?? id.replaceAll('_', ' '),
    source: (id: string) => sources.get(id) ?? id,
  };
}

const trimStop = (s: string) => s.trim().replace(/[.\s]+$/, '');
const round = (x: number) => Math.round(x * 1000) / 1000;

export type NameIndex = ReturnType<typeof createNameIndex>;
