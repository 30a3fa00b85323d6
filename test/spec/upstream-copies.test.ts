import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The trace format, the vocabulary and the recorded samples are kept in the repository so a clone stands
// alone. Where the design folder they come from lies beside the checkout (the maintainers' machines and CI),
// the copies must be identical to it; a user's clone has no such folder and this check is skipped visibly.
const ROOT = join(import.meta.dirname, '../..');
const UPSTREAM = join(ROOT, '..', 'shared');
const present = existsSync(join(UPSTREAM, 'spec'));

const pairs = (): [string, string][] => [
  ['spec/trace-format.md', 'docs/spec/trace-format.md'],
  ['spec/vocabulary.md', 'docs/spec/vocabulary.md'],
  ...readdirSync(join(UPSTREAM, 'samples'))
    .filter((f) => f.endsWith('.jsonl'))
    .map((f): [string, string] => [`samples/${f}`, `examples/samples/${f}`]),
];

describe.skipIf(!present)('the copies of the upstream spec and samples', () => {
  it('are identical to the upstream files, and every upstream sample has its copy', () => {
    const list = pairs();
    expect(list.length).toBeGreaterThanOrEqual(6);
    for (const [upstream, copy] of list) {
      expect(existsSync(join(ROOT, copy)), copy).toBe(true);
      expect(readFileSync(join(ROOT, copy), 'utf8'), copy).toBe(
        readFileSync(join(UPSTREAM, upstream), 'utf8'),
      );
    }
  });
});
