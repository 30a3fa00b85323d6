/**
 * npm run bench:cli — how fast the `traindx` command starts, as a user runs
 * it (the built `dist/cli/main.js`, a fresh process each time): medians of
 * five cold starts of each command, as ratios to `node -e 0` measured in the
 * same run. Goals: `--version` ≤ 3×, `diagnose` of the recorded wine sample ≤ 8×.
 * Judged by the processes' CPU time (user + system, from /usr/bin/time where
 * it exists): on a busy machine wall time stretches a 50 ms start far more
 * than a 500 ms one and squeezes every ratio toward 1. Wall time is printed beside.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist/cli/main.js');
const RUNS = 5;
const TIME = '/usr/bin/time';
const hasTime = existsSync(TIME);

execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });

/** Medians of RUNS cold starts: wall time and CPU time (user + system), ms. */
function median(args: string[]): { wall: number; cpu: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const res = hasTime
      ? spawnSync(TIME, ['-f', 'CPU %U %S', process.execPath, ...args], { cwd: ROOT, encoding: 'utf8' })
      : spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
    walls.push(performance.now() - t0);
    if (res.status !== 0) throw new Error(`node ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
    const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(res.stderr ?? '');
    cpus.push(m ? (Number(m[1]) + Number(m[2])) * 1000 : Number.NaN);
  }
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
  return { wall: mid(walls), cpu: mid(cpus) };
}

const sample = join(ROOT, 'examples/samples/keras-sgd-lr3-wine.jsonl');
const cases: { name: string; args: string[]; goal?: number }[] = [
  { name: 'traindx --version', args: [MAIN, '--version'], goal: 3 },
  { name: 'traindx --help', args: [MAIN, '--help'] },
  { name: 'traindx diagnose wine sample', args: [MAIN, 'diagnose', sample], goal: 8 },
  { name: 'traindx diagnose wine sample --json', args: [MAIN, 'diagnose', sample, '--json'], goal: 8 },
];

// Warm the file cache so the first measured start is not the only one reading from disk.
median(['-e', '0']);
for (const c of cases) median(c.args);
const base = median(['-e', '0']);
const judged = (m: { wall: number; cpu: number }) => (hasTime ? m.cpu : m.wall);
console.log(
  `node -e 0: ${base.wall.toFixed(0)} ms wall, ${hasTime ? `${base.cpu.toFixed(0)} ms CPU` : 'CPU time not measured (no /usr/bin/time)'} (medians of ${RUNS} cold starts)`,
);
console.log(`judged by ${hasTime ? 'CPU time' : 'wall time'}; wall-time ratio in brackets`);
let met = true;
for (const c of cases) {
  const m = median(c.args);
  const ratio = judged(m) / judged(base);
  const verdict =
    c.goal === undefined ? '' : ratio <= c.goal ? `goal ≤ ${c.goal}× met` : `goal ≤ ${c.goal}× MISSED`;
  if (c.goal !== undefined && ratio > c.goal) met = false;
  console.log(
    `${c.name.padEnd(38)} ${judged(m).toFixed(0).padStart(5)} ms  ${ratio.toFixed(2).padStart(5)}×  (${(m.wall / base.wall).toFixed(2)}×)  ${verdict}`,
  );
}
console.log(met ? 'All goals met.' : 'Some goals missed.');
