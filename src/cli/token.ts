import { hashToken, newTokenSecret } from '../api/index.js';
import type { Config } from '../config/index.js';
import { InputError } from '../errors/index.js';
import { type TokenScope, withStore } from '../store/index.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * `traindx token create|list|revoke`: API tokens in the configured store.
 * A new token is printed once, on its last line; the store keeps its sha256.
 *
 * @example await tokenCreate(config, { scope: 'write', name: 'ci' }, console.log)
 */
export async function tokenCreate(
  config: Config,
  opts: { scope: TokenScope; name?: string },
  out: (line: string) => void,
): Promise<void> {
  const name = opts.name ?? `${opts.scope}-${Date.now().toString(36)}`;
  if (!NAME.test(name))
    throw new InputError(
      `--name '${name}': use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
    );
  const secret = newTokenSecret();
  await withStore(config, (store) =>
    store.putToken({ name, scope: opts.scope, hash: hashToken(secret), createdAt: new Date().toISOString() }),
  );
  out(`token '${name}' (scope ${opts.scope}) created; it is shown once, keep it now:`);
  out(secret);
}

export async function tokenList(config: Config, out: (line: string) => void): Promise<void> {
  const tokens = await withStore(config, (store) => store.listTokens());
  if (tokens.length === 0)
    return out('no tokens (create one with traindx token create --scope read|write|admin)');
  const width = Math.max(4, ...tokens.map((t) => t.name.length));
  out(`${'NAME'.padEnd(width)}  SCOPE  CREATED`);
  for (const t of tokens) out(`${t.name.padEnd(width)}  ${t.scope.padEnd(5)}  ${t.createdAt}`);
}

export async function tokenRevoke(config: Config, name: string, out: (line: string) => void): Promise<void> {
  const revoked = await withStore(config, (store) => store.revokeToken(name));
  if (!revoked)
    throw new InputError(`No token named '${name}' (traindx token list shows them).`, 'TOKEN_NOT_FOUND');
  out(`token '${name}' revoked`);
}
