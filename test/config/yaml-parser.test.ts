import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createYamlParser, writeYamlCache } from '../../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'traindx-yaml-'));

describe('the YAML table built with the package', () => {
  it('answers a file it holds with what parsing gives, and parses an edited or unknown file afresh', async () => {
    const root = join(dir, 'seed');
    mkdirSync(join(root, 'links'), { recursive: true });
    writeFileSync(join(root, 'a.yaml'), '- id: x\n  weight: 0.5\n');
    writeFileSync(join(root, 'links', 'b.yaml'), 'name: b\n');
    const table = join(dir, 'table.json');
    expect((await writeYamlCache(table, root)).files).toBe(2);
    const stored = JSON.parse(readFileSync(table, 'utf8')) as Record<string, unknown>;
    expect(Object.values(stored)).toContainEqual([{ id: 'x', weight: 0.5 }]);
    const yaml = createYamlParser(table);
    expect(await yaml.parse('- id: x\n  weight: 0.5\n')).toEqual([{ id: 'x', weight: 0.5 }]);
    expect(await yaml.parse('- id: x\n  weight: 0.7\n')).toEqual(parse('- id: x\n  weight: 0.7\n'));
    // A missing table is no table: everything is parsed.
    expect(await createYamlParser(join(dir, 'none.json')).parse('k: 1\n')).toEqual({ k: 1 });
  });

  it('hands out copies, so a caller that changes what it got does not change the table', async () => {
    const root = join(dir, 'seed2');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'a.yaml'), 'list: [1, 2]\n');
    const table = join(dir, 'table2.json');
    await writeYamlCache(table, root);
    const yaml = createYamlParser(table);
    const first = (await yaml.parse('list: [1, 2]\n')) as { list: number[] };
    first.list.push(3);
    expect(await yaml.parse('list: [1, 2]\n')).toEqual({ list: [1, 2] });
  });
});
