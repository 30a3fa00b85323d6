import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED, generateResolverTypes } from '../../scripts/codegen.js';

describe('generated resolver types', () => {
  it('match schema.graphql (run `npm run codegen` after changing the schema)', async () => {
    expect(readFileSync(GENERATED, 'utf8')).toBe(await generateResolverTypes());
  });
});
