import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { startServer } from '../support/server-process.js';

describe('one process per data directory', () => {
  it('refuses a second serve and a report on a directory a server holds, naming it, with exit code 2', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'traindx-lock-'));
    const first = await startServer(['--data-dir', dataDir]);
    try {
      const pid = first.child.pid!;
      const second = await startServer(['--data-dir', dataDir]).catch((err: Error) => err.message);
      expect(second).toMatch(/^server exited with 2:/);
      expect(second).toContain(`'${dataDir}' is in use by process ${pid} (serve --port`);

      const report = runCli(['report', 'some-run', '--data-dir', dataDir]);
      expect(report.code).toBe(2);
      expect(report.stderr).toContain(`is in use by process ${pid} (serve --port`);
    } finally {
      await first.kill();
    }
    // SIGKILL left its lock behind: the next server takes it over and says so.
    const third = await startServer(['--data-dir', dataDir]);
    await third.stop();
  });
});
