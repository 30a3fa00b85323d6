/**
 * npm run bench:cli — how fast the `traindx` command starts, as a user runs
 * it (the built `dist/cli/main.js`, a fresh process each time): medians of
 * five cold starts of each command, as ratios to `node -e 0` measured in the
 * same run. Goals: `--version` ≤ 3×, `diagnose` of the recorded wine sample ≤ 8×.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist/cli/main.js');
const RUNS = 5;

execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });

function medianMs(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const res = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
    times.push(performance.now() - t0);
    if (res.status !== 0) throw new Error(`node ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

const sample = join(ROOT, 'examples/samples/keras-sgd-lr3-wine.jsonl');
const cases: { name: string; args: string[]; goal?: number }[] = [
  { name: 'traindx --version', args: [MAIN, '--version'], goal: 3 },
  { name: 'traindx --help', args: [MAIN, '--help'] },
  { name: 'traindx diagnose wine sample', args: [MAIN, 'diagnose', sample], goal: 8 },
  { name: 'traindx diagnose wine sample --json', args: [MAIN, 'diagnose', sample, '--json'], goal: 8 },
];

// Warm the file cache so the first measured start is not the only one reading from disk.
medianMs(['-e', '0']);
for (const c of cases) medianMs(c.args);
const base = medianMs(['-e', '0']);
console.log(`node -e 0: ${base.toFixed(0)} ms (median of ${RUNS} cold starts)`);
let met = true;
for (const c of cases) {
  const ms = medianMs(c.args);
  const ratio = ms / base;
  const verdict =
    c.goal === undefined ? '' : ratio <= c.goal ? `goal ≤ ${c.goal}× met` : `goal ≤ ${c.goal}× MISSED`;
  if (c.goal !== undefined && ratio > c.goal) met = false;
  console.log(
    `${c.name.padEnd(38)} ${ms.toFixed(0).padStart(5)} ms  ${ratio.toFixed(2).padStart(5)}×  ${verdict}`,
  );
}
console.log(met ? 'All goals met.' : 'Some goals missed.');
