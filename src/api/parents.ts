import type {
  Cause,
  DiagnosedSymptom,
  ExplanationPath,
  FixedByLink,
  Outcome,
  Remedy,
  StoredRun,
  SuggestsLink,
  Symptom,
} from '../domain/index.js';
import type { RunAlert } from '../engine/index.js';

// What resolvers hand to the field resolvers below them (codegen `mappers`):
// domain objects, with link sources still as ids until a field asks for them.

export type SuggestedCauseParent = Omit<SuggestsLink, 'cause'> & { cause: Cause };
export type SymptomLinkParent = Omit<SuggestsLink, 'symptom'> & { symptom: Symptom };
export type RemedyLinkParent = Omit<FixedByLink, 'remedy'> & { remedy: Remedy };
export type RunParent = StoredRun & { id: string; symptomIds?: string[] };
export type SuggestsEdgeParent = ExplanationPath['suggests'];
export type FixedByEdgeParent = ExplanationPath['fixedBy'][number];
export type SymptomFindingParent = DiagnosedSymptom;

/** One alert pushed on the `alerts` subscription: the engine's own shape. */
export type AlertParent = RunAlert;

export interface SimilarRunParent {
  run: RunParent;
  similarity: number;
  sharedSymptoms: string[];
  outcomes: Outcome[];
}
