import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createYamlParser, type YamlParser } from '../config/index.js';
import type { KnowledgeSeed } from '../domain/index.js';
import { checkSeedIntegrity } from './check-integrity.js';
import { SeedError } from './seed-error.js';
import { emptySeed, SEED_PART_SCHEMAS, SEED_PARTS, type SeedPart, seedEntryKey } from './seed-parts.js';

// Where each part of the seed lives inside a seed folder.
const PART_FILES: Record<SeedPart, string> = {
  sources: 'sources.yaml',
  symptoms: 'symptoms.yaml',
  causes: 'causes.yaml',
  remedies: 'remedies.yaml',
  suggests: 'links/suggests.yaml',
  fixedBy: 'links/fixed-by.yaml',
};

/**
 * Loads and validates a seed folder (graph-seed/ or a user's own with the same
 * layout; missing files count as empty). Later folders add to or override
 * earlier ones by id, so a user's rules can refine the shipped ones. Every
 * problem is reported by file and id, all at once.
 *
 * @example const seed = await loadSeed([seedDir()]);
 */
export async function loadSeed(
  dirs: string[],
  yaml: YamlParser = createYamlParser(),
): Promise<KnowledgeSeed> {
  const problems: string[] = [];
  const seed = emptySeed();
  for (const dir of dirs) {
    for (const part of SEED_PARTS) {
      const file = join(dir, PART_FILES[part]);
      if (!existsSync(file)) continue;
      const entries = await readEntries(file, problems, yaml);
      const merged = new Map<string, unknown>(
        (seed[part] as unknown[]).map((e) => [seedEntryKey(part, e), e]),
      );
      entries.forEach((entry, index) => {
        const parsed = SEED_PART_SCHEMAS[part].safeParse(entry);
        const label = entryLabel(entry, index);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            problems.push(`${file}: ${label}: field '${issue.path.join('.')}': ${issue.message}`);
          }
          return;
        }
        const key = seedEntryKey(part, parsed.data);
        if (merged.has(key) && dirs.length === 1)
          problems.push(`${file}: ${label}: duplicate entry '${key}'`);
        merged.set(key, parsed.data);
      });
      (seed as Record<string, unknown[]>)[part] = [...merged.values()];
    }
  }
  problems.push(...checkSeedIntegrity(seed));
  if (problems.length) throw new SeedError(problems);
  return seed;
}

async function readEntries(file: string, problems: string[], yaml: YamlParser): Promise<unknown[]> {
  let doc: unknown;
  try {
    doc = await yaml.parse(await readFile(file, 'utf8'));
  } catch (err) {
    problems.push(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    return [];
  }
  if (doc == null) return [];
  if (!Array.isArray(doc)) {
    problems.push(`${file}: expected a list of entries at the top level`);
    return [];
  }
  return doc;
}

function entryLabel(entry: unknown, index: number): string {
  const e = entry as Record<string, unknown> | null;
  if (e && typeof e.id === 'string') return `entry '${e.id}'`;
  if (e && typeof e.symptom === 'string') return `link '${e.symptom}->${String(e.cause)}'`;
  if (e && typeof e.cause === 'string') return `link '${e.cause}->${String(e.remedy)}'`;
  return `entry #${index + 1}`;
}
