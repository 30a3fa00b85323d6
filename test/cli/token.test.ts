import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { startServer } from '../support/server-process.js';

const QUERY = JSON.stringify({ query: '{ knowledgeCounts { symptoms } }' });

describe('traindx token and serve --auth', () => {
  it('creates a token printed once on its last line, lists it without the secret, and revokes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traindx-token-'));
    const created = await runCli(['token', 'create', '--scope', 'write', '--name', 'ci', '--data-dir', dir]);
    expect(created.code).toBe(0);
    const secret = created.stdout.trim().split('\n').at(-1)!;
    expect(secret).toMatch(/^tdx_[A-Za-z0-9_-]{43}$/);
    const listed = await runCli(['token', 'list', '--data-dir', dir]);
    expect(listed.stdout).toMatch(/^ci\s+write\s+\d{4}-/m);
    expect(listed.stdout).not.toContain(secret);
    expect((await runCli(['token', 'revoke', 'ci', '--data-dir', dir])).stdout).toContain(
      "token 'ci' revoked",
    );
    const again = await runCli(['token', 'revoke', 'ci', '--data-dir', dir]);
    expect(again.code).toBe(2);
  }, 60_000);

  it('serves with --auth: 401 without the token, 200 with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traindx-token-'));
    const created = await runCli([
      'token',
      'create',
      '--scope',
      'read',
      '--name',
      'viewer',
      '--data-dir',
      dir,
    ]);
    const secret = created.stdout.trim().split('\n').at(-1)!;
    const server = await startServer(['--auth', '--data-dir', dir]);
    try {
      const post = (headers: Record<string, string>) =>
        fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: QUERY,
        });
      expect((await post({})).status).toBe(401);
      const ok = await post({ authorization: `Bearer ${secret}` });
      expect(ok.status).toBe(200);
      expect((await ok.json()).data.knowledgeCounts.symptoms).toBeGreaterThan(10);
    } finally {
      await server.stop();
    }
  }, 90_000);

  it('refuses to serve a non-loopback address without auth, saying why, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traindx-token-'));
    const res = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dir]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Refusing to serve 0.0.0.0 without auth');
  }, 60_000);
});
