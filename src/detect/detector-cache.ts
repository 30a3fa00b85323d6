import type { SymptomOccurrence } from '../domain/index.js';
import { decodeLine } from '../trace/index.js';
import type { DetectorFamily, Signal } from './detector.js';
import { ProfileError, type ProfileValues } from './profile.js';

/** Everything needed to resume a run's detectors in another process. */
export interface SavedState {
  v: 1;
  families: Record<string, object>;
  occurrences: SymptomOccurrence[];
  signals: Signal[];
  ended: boolean;
  /** Names of the layers the run's steps carried stats for (bounded by the ingestor's cap). */
  layers?: string[];
  /** Keys of the series the run's batches stored (bounded by the ingestor's cap; absent in states saved before it). */
  series?: string[];
}

export interface DetectorCache {
  /** A family's thresholds parsed from a profile; a bad section throws a ProfileError naming it. */
  // biome-ignore lint/suspicious/noExplicitAny: families differ in state and threshold types
  section(family: DetectorFamily<any, any>, profile: ProfileValues): unknown;
  /** A saved state decoded (read-only: callers never mutate it). */
  saved(text: string): SavedState;
}

/**
 * Memos for building detector sets, owned by whoever builds many (one per
 * traindx instance). Every batch and every diagnosis builds a set: zod's
 * parse of a family's profile section costs more than the rest of it, and a
 * diagnosis decodes the run's saved state (~25 kB of JSON for 10 layers) on
 * every request. Both are memoised by content, so a changed profile or a
 * newer state is parsed afresh; both are bounded.
 *
 * @example const cache = createDetectorCache(); createDetectorSet({ run, profile, families, cache });
 */
export function createDetectorCache(): DetectorCache {
  // biome-ignore lint/suspicious/noExplicitAny: see DetectorCache
  const sections = new WeakMap<DetectorFamily<any, any>, Map<string, { data?: unknown; error?: string }>>();
  const states = new Map<string, SavedState>();
  return {
    section(family, profile) {
      const section = profile[family.name] ?? {};
      const id = JSON.stringify(section);
      let byContent = sections.get(family);
      if (!byContent) {
        byContent = new Map();
        sections.set(family, byContent);
      }
      let parsed = byContent.get(id);
      if (!parsed) {
        const result = family.thresholds.safeParse(section);
        if (result.success) parsed = { data: result.data };
        else {
          const issue = result.error.issues[0]!;
          parsed = {
            error: `profile section '${family.name}', threshold '${issue.path.join('.')}': ${issue.message}`,
          };
        }
        // Bounded: profiles are few; a process fed ever-new sections starts over.
        if (byContent.size >= 64) byContent.clear();
        byContent.set(id, parsed);
      }
      if (parsed.error !== undefined) throw new ProfileError(parsed.error);
      return parsed.data;
    },
    saved(text) {
      let parsed = states.get(text);
      if (parsed) {
        // Most recently used last, so the oldest entry is the one dropped.
        states.delete(text);
      } else {
        parsed = decodeLine(text, { event: 0 }) as SavedState;
        if (states.size >= 32) states.delete(states.keys().next().value!);
      }
      states.set(text, parsed);
      return parsed;
    },
  };
}
