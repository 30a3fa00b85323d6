import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from './package-paths.js';

/** Parses YAML text; the package's own files come from a table built with the package. */
export interface YamlParser {
  parse(text: string): Promise<unknown>;
}

const defaultCacheFile = () => join(packageRoot(), 'dist', 'yaml-cache.json');
const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A YAML parser that answers the package's own files (graph-seed/, its
 * profiles) from `dist/yaml-cache.json`, written by `npm run build`: parsing
 * that YAML cost a quarter of a `traindx diagnose` of a small trace. The table
 * is keyed by a hash of each file's text, so an edited file, or a user's own,
 * is parsed afresh (the `yaml` package is loaded only then); every caller
 * still validates what it gets.
 *
 * @example const yaml = createYamlParser(); const doc = await yaml.parse(await readFile(file, 'utf8'));
 */
export function createYamlParser(cacheFile = defaultCacheFile()): YamlParser {
  let table: Record<string, unknown> | undefined;
  return {
    async parse(text) {
      table ??= existsSync(cacheFile)
        ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, unknown>)
        : {};
      const key = hashOf(text);
      if (key in table) return structuredClone(table[key]);
      return (await import('yaml')).parse(text);
    },
  };
}

/**
 * Writes the table `createYamlParser` reads: every `.yaml` file under the
 * package's graph-seed/, parsed. Run by `npm run build`.
 *
 * @example await writeYamlCache(); // dist/yaml-cache.json
 */
export async function writeYamlCache(
  cacheFile = defaultCacheFile(),
  root = join(packageRoot(), 'graph-seed'),
): Promise<{ path: string; files: number }> {
  const { parse } = await import('yaml');
  const table: Record<string, unknown> = {};
  const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.yaml'));
  for (const file of files) {
    const text = await readFile(join(root, file), 'utf8');
    table[hashOf(text)] = parse(text);
  }
  await writeFile(cacheFile, JSON.stringify(table));
  return { path: cacheFile, files: files.length };
}
