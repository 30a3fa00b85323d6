import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of traindx's own package (where graph-seed/ and schema.graphql
 * live), found from this file's location so the CLI works from any working
 * directory, whether it runs from src/ (tsx) or dist/ (built).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'graph-seed'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('traindx cannot find its package folder (graph-seed/ beside package.json)');
}

export const seedDir = (): string => join(packageRoot(), 'graph-seed');
export const schemaPath = (): string => join(packageRoot(), 'schema.graphql');
