import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { SAMPLES_DIR } from '../support/samples.js';

const ROOT = join(import.meta.dirname, '../..');

describe('the traindx command at its edges', () => {
  it('prints its version with --version and -V', () => {
    for (const flag of ['--version', '-V']) {
      const res = runCli([flag]);
      expect(res.code).toBe(0);
      expect(res.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  it('ends quietly when the reader of its output goes away (| head -1)', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        join(ROOT, 'node_modules/tsx/dist/esm/index.mjs'),
        join(ROOT, 'src/cli/main.ts'),
        'diagnose',
        join(SAMPLES_DIR, 'pytorch-deep-sigmoid-digits.jsonl'),
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    // Read the first chunk, then close the pipe as `head -1` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('says in one line that a port is in use, and exits 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const res = runCli([
        'serve',
        '--port',
        String(port),
        '--data-dir',
        mkdtempSync(join(tmpdir(), 'traindx-port-')),
      ]);
      expect(res.code).toBe(2);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`));
    } finally {
      blocker.close();
    }
  });
});
