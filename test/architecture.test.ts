import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layering of docs/architecture (folders are the architecture), read from the
// source itself: every `import`/`export ... from '...'` of src/**/*.ts, resolved to
// the file it names.

const ROOT = resolve(import.meta.dirname, '..');
const SELF = relative(ROOT, import.meta.filename);

/**
 * Cycles between top-level folders of src/ that exist today and are being
 * taken apart elsewhere; each entry is a cycle as the test prints it
 * (`a -> b -> a`, starting at its alphabetically first folder).
 */
const ALLOWED_FOR_NOW: string[] = [];

/**
 * Files that read outside the repository on purpose today; each should go.
 * - test/spec/upstream-copies.test.ts compares docs/spec and examples/samples
 *   with the design folder beside the checkout (../shared), skipped where it
 *   is absent: a check of the copies, not of the code, better run by a script
 *   outside the test suite.
 */
const OUTSIDE_READS_ALLOWED_FOR_NOW: string[] = ['test/spec/upstream-copies.test.ts'];

/** Repository-relative paths (forward slashes) of the .ts files under `dir`. */
function tsFiles(dir: string): string[] {
  return (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${dir}/${f.split(sep).join('/')}`)
    .sort();
}

interface Import {
  from: string;
  spec: string;
  /** The repository-relative file it resolves to; null for a package. */
  to: string | null;
}

// `import x from '...'`, `import type {...} from '...'` (over several lines),
// `export * from '...'`, `export {...} from '...'`, and bare `import '...'`.
const IMPORT = /^(?:import|export)\b[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]/gm;

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => {
    const spec = (m[1] ?? m[2])!;
    const to = spec.startsWith('.')
      ? relative(ROOT, resolve(ROOT, dirname(file), spec.replace(/\.js$/, '.ts')))
          .split(sep)
          .join('/')
      : null;
    return { from: file, spec, to };
  });
}

/** `detect` for src/detect/families/gradients.ts; null for a file outside src/. */
const topFolder = (file: string): string | null => (file.startsWith('src/') ? file.split('/')[1]! : null);

const show = (i: Import) => `${i.from}: import '${i.spec}' (-> ${i.to})`;

/** Every elementary cycle reachable in `graph`, each once, rotated to start at its smallest node. */
function cyclesOf(graph: Map<string, Set<string>>): string[][] {
  const found = new Map<string, string[]>();
  const visit = (path: string[], onPath: Set<string>) => {
    const node = path[path.length - 1]!;
    for (const next of graph.get(node) ?? []) {
      if (onPath.has(next)) {
        const cycle = path.slice(path.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        found.set(rotated.join(' -> '), rotated);
      } else if (!done.has(next)) {
        onPath.add(next);
        visit([...path, next], onPath);
        onPath.delete(next);
      }
    }
  };
  // Cycles through a node are all found from it; later starts skip it.
  const done = new Set<string>();
  for (const node of [...graph.keys()].sort()) {
    visit([node], new Set([node]));
    done.add(node);
  }
  return [...found.values()].sort((a, b) => a.join().localeCompare(b.join()));
}

const showCycle = (cycle: string[]) => [...cycle, cycle[0]].join(' -> ');

const SRC = tsFiles('src');
const IMPORTS = SRC.flatMap(importsOf);

describe('the architecture', () => {
  it('finds the source and its imports (the parser reads this repository)', () => {
    expect(SRC.length).toBeGreaterThan(100);
    expect(IMPORTS.some((i) => i.to === 'src/domain/index.ts')).toBe(true);
    expect(importsOf(SELF).map((i) => i.spec)).toEqual(['node:fs', 'node:path', 'vitest']);
  });

  it("imports another top-level folder of src only through that folder's index.ts", () => {
    const bad = IMPORTS.filter((i) => {
      if (i.to === null) return false;
      const to = topFolder(i.to);
      return to !== null && to !== topFolder(i.from) && i.to !== `src/${to}/index.ts`;
    });
    expect(bad.map(show)).toEqual([]);
  });

  it('has every relative import name a file that exists', () => {
    const files = new Set(SRC);
    expect(IMPORTS.filter((i) => i.to !== null && !files.has(i.to)).map(show)).toEqual([]);
  });

  it('has no import cycle between the files of src/detect/families', () => {
    const inFamilies = (f: string | null) => f?.startsWith('src/detect/families/') === true;
    const graph = new Map<string, Set<string>>();
    for (const i of IMPORTS)
      if (inFamilies(i.from) && inFamilies(i.to))
        graph.set(i.from, (graph.get(i.from) ?? new Set()).add(i.to!));
    expect(cyclesOf(graph).map(showCycle)).toEqual([]);
  });

  it('has no import cycle between top-level folders of src (beyond ALLOWED_FOR_NOW)', () => {
    const graph = new Map<string, Set<string>>();
    const via = new Map<string, Import>();
    for (const i of IMPORTS) {
      const a = topFolder(i.from);
      const b = i.to === null ? null : topFolder(i.to);
      if (a === null || b === null || a === b) continue;
      graph.set(a, (graph.get(a) ?? new Set()).add(b));
      if (!via.has(`${a}>${b}`)) via.set(`${a}>${b}`, i);
    }
    const cycles = cyclesOf(graph).map((c) => ({
      name: showCycle(c),
      // One import per step of the cycle, so the message shows where to cut.
      imports: c.map((a, k) => show(via.get(`${a}>${c[(k + 1) % c.length]}`)!)),
    }));
    expect(cycles.filter((c) => !ALLOWED_FOR_NOW.includes(c.name))).toEqual([]);
    // An allowance whose cycle is gone must go too.
    expect(ALLOWED_FOR_NOW.filter((name) => !cycles.some((c) => c.name === name))).toEqual([]);
  });

  it('reads no path outside the repository from src, test or bench', () => {
    const files = [...SRC, ...tsFiles('test'), ...tsFiles('bench')].filter((f) => f !== SELF);
    const bad = files.flatMap((f) => outsideReads(f).map((what) => `${f}: ${what}`));
    const allowed = (line: string) => OUTSIDE_READS_ALLOWED_FOR_NOW.some((f) => line.startsWith(`${f}: `));
    expect(bad.filter((line) => !allowed(line))).toEqual([]);
    expect(
      OUTSIDE_READS_ALLOWED_FOR_NOW.filter((f) => !bad.some((line) => line.startsWith(`${f}: `))),
    ).toEqual([]);
  });

  it('finds a cycle when there is one (the cycle check itself can fail)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a', 'd'])],
      ['d', new Set<string>()],
      ['e', new Set(['a'])],
    ]);
    expect(cyclesOf(graph).map(showCycle)).toEqual(['a -> b -> c -> a']);
  });

  it('catches a path that climbs out of the repository (the check itself can fail)', () => {
    expect(climbs('test/x.test.ts', ['../../other'])).toBe(true);
    expect(climbs('test/x.test.ts', ['../src/index.ts'])).toBe(false);
    expect(
      outsideReadsIn('test/x.test.ts', `const UP = join(import.meta.dirname, '..', '..', 'elsewhere');`),
    ).toHaveLength(1);
    expect(
      outsideReadsIn(
        'test/spec/x.test.ts',
        `const R = join(import.meta.dirname, '../..');\nconst U = join(R, '..', 'x');`,
      ),
    ).toHaveLength(1);
    expect(
      outsideReadsIn('test/x.test.ts', `const R = join(import.meta.dirname, '..', 'fixtures');`),
    ).toEqual([]);
  });
});

/** Whether `parts`, joined onto the folder of `file`, lead outside the repository. */
function climbs(file: string, parts: string[]): boolean {
  return relative(ROOT, resolve(ROOT, dirname(file), ...parts)).startsWith('..');
}

function outsideReads(file: string): string[] {
  return outsideReadsIn(file, readFileSync(join(ROOT, file), 'utf8'));
}

const LITERAL = /'([^'\n]*)'|"([^"\n]*)"|`([^`$]*)`/g;
const literals = (text: string) => [...text.matchAll(LITERAL)].map((m) => (m[1] ?? m[2] ?? m[3])!);

/**
 * The string literals and `join`/`resolve` calls of a file that name a path
 * outside the repository: a literal containing `../shared`, a relative literal
 * that climbs out from the file's folder, or `join(base, ...literals)` where
 * base is `import.meta.dirname` or a constant defined that way in the file.
 */
function outsideReadsIn(file: string, text: string): string[] {
  const out: string[] = [];
  for (const lit of literals(text)) {
    if (lit.includes('../shared')) out.push(`'${lit}' names the design folder beside the repository`);
    else if (/^\.\.?\//.test(lit) && climbs(file, [lit])) out.push(`'${lit}' climbs out of the repository`);
  }
  // Folders (relative to the file's) of constants like `const ROOT = join(import.meta.dirname, '../..')`.
  const bases = new Map<string, string[]>([['import.meta.dirname', []]]);
  const CALL =
    /(?:const\s+(\w+)\s*=\s*)?\b(?:join|resolve)\(\s*([\w.]+)\s*((?:,\s*(?:'[^'\n]*'|"[^"\n]*")\s*)*)\)/g;
  for (const m of text.matchAll(CALL)) {
    const base = bases.get(m[2]!);
    if (base === undefined) continue;
    const parts = [...base, ...literals(m[3]!)];
    if (m[1]) bases.set(m[1], parts);
    // Reported once, where it leaves: joins onto an outside base are not repeated.
    if (climbs(file, parts) && !climbs(file, base))
      out.push(`${m[0].replace(/^const\s+\w+\s*=\s*/, '')} climbs out of the repository`);
  }
  return out;
}
