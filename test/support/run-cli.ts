import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
const ROOT = join(import.meta.dirname, '../..');

/** Runs the real `traindx` CLI (TypeScript source via tsx) from an unrelated working directory. */
export function runCli(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(
    process.execPath,
    ['--import', join(ROOT, 'node_modules/tsx/dist/esm/index.mjs'), MAIN, ...args],
    {
      cwd: tmpdir(),
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 120_000,
    },
  );
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}
