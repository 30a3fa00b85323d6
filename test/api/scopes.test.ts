import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SCOPES } from '../../src/api/scopes.js';

describe('the scope table', () => {
  it('names a scope for every Query, Mutation and Subscription field of schema.graphql, and nothing else', () => {
    const doc = parse(readFileSync(join(import.meta.dirname, '../../schema.graphql'), 'utf8'));
    const fields: string[] = [];
    for (const def of doc.definitions) {
      if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      if (!['Query', 'Mutation', 'Subscription'].includes(def.name.value)) continue;
      for (const f of def.fields ?? []) fields.push(`${def.name.value}.${f.name.value}`);
    }
    expect(fields.length).toBeGreaterThan(20);
    const missing = fields.filter((f) => {
      const [type, name] = f.split('.') as [keyof typeof SCOPES, string];
      return !SCOPES[type]?.[name];
    });
    expect(missing).toEqual([]);
    const listed = Object.entries(SCOPES).flatMap(([type, byField]) =>
      Object.keys(byField).map((f) => `${type}.${f}`),
    );
    expect(listed.sort()).toEqual([...fields].sort());
  });
});
