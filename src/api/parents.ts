import type { Cause, FixedByLink, Remedy, SuggestsLink, Symptom } from '../domain/index.js';
import type { StoredRun } from '../store/index.js';

// What resolvers hand to the field resolvers below them (codegen `mappers`):
// domain objects, with link sources still as ids until a field asks for them.

export type SuggestedCauseParent = Omit<SuggestsLink, 'cause'> & { cause: Cause };
export type SymptomLinkParent = Omit<SuggestsLink, 'symptom'> & { symptom: Symptom };
export type RemedyLinkParent = Omit<FixedByLink, 'remedy'> & { remedy: Remedy };
export type RunParent = StoredRun & { id: string };
