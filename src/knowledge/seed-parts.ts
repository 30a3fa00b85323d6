import type { z } from 'zod';
import {
  Cause,
  FixedByLink,
  type KnowledgeSeed,
  Remedy,
  Source,
  SuggestsLink,
  Symptom,
} from '../domain/index.js';

/** One of the six lists a knowledge seed is made of. */
export type SeedPart = keyof KnowledgeSeed;

/**
 * What identifies an entry of each part: the id of a node, `from->to` of a
 * link. Loading merges and reports duplicates by it; seeding a store
 * compares old and new entries by it. In the order the parts are read.
 */
export const SEED_PART_KEYS: { [P in SeedPart]: (entry: KnowledgeSeed[P][number]) => string } = {
  sources: (e) => e.id,
  symptoms: (e) => e.id,
  causes: (e) => e.id,
  remedies: (e) => e.id,
  suggests: (e) => `${e.symptom}->${e.cause}`,
  fixedBy: (e) => `${e.cause}->${e.remedy}`,
};

/** The six parts, in the order they are read and written (nodes before the links between them). */
export const SEED_PARTS = Object.keys(SEED_PART_KEYS) as SeedPart[];

/**
 * The key of an entry of `part` (the entry as read, before its type is known).
 *
 * @example seedEntryKey('suggests', { symptom: 'loss_nan', cause: 'learning_rate_too_high' }) // 'loss_nan->learning_rate_too_high'
 */
export const seedEntryKey = (part: SeedPart, entry: unknown): string =>
  (SEED_PART_KEYS[part] as (e: unknown) => string)(entry);

/** A seed with every part empty. */
export const emptySeed = (): KnowledgeSeed => ({
  sources: [],
  symptoms: [],
  causes: [],
  remedies: [],
  suggests: [],
  fixedBy: [],
});

/** The schema each entry of a part is validated with, in a seed folder or sent through the API. */
export const SEED_PART_SCHEMAS: Record<SeedPart, z.ZodType> = {
  sources: Source,
  symptoms: Symptom,
  causes: Cause,
  remedies: Remedy,
  suggests: SuggestsLink,
  fixedBy: FixedByLink,
};
