import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { AuthError } from '../errors/index.js';
import type { GraphStore, TokenScope } from '../store/index.js';
import type { RequestContext } from './context.js';
import { RUN_OF, SCOPES, STARTS_RUN } from './scopes.js';

/** Who is asking: a token's name and scope; `name: null` when auth is off (anything goes, no owners). */
export interface Principal {
  name: string | null;
  scope: TokenScope;
}

/** The caller when auth is off. */
export const OPEN: Principal = { name: null, scope: 'admin' };

const RANK: Record<TokenScope, number> = { read: 1, write: 2, admin: 3 };
/** The dashboard's cookie: a token the browser keeps (HttpOnly, SameSite=Strict), worth a read token on GETs. */
export const COOKIE = 'traindx_token';
/** How long a token found in the store is trusted before it is looked up again (so a revocation takes effect within it). */
const TOKEN_TTL_MS = 5_000;

/** sha256 of the secret, hex: what the store keeps. */
export const hashToken = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A new secret: 32 random bytes, base64url, with a prefix that says what it is. */
export const newTokenSecret = (): string => `tdx_${randomBytes(32).toString('base64url')}`;

export interface Authenticator {
  readonly enabled: boolean;
  /** The principal of a request's credentials; null when there are none or they are unknown. */
  authenticate(headers: { authorization?: string | null; cookie?: string | null }): Promise<Principal | null>;
  /** The principal Yoga's path found for a request (OPEN when auth is off). */
  principalOf(request: Request): Principal | null;
  /** Remembers the principal of a request (useAuth). */
  remember(request: Request, principal: Principal | null): void;
}

/**
 * Checks tokens against the store: `Authorization: Bearer TOKEN`, or on
 * GET requests the dashboard's cookie (then only as a read token).
 *
 * @example const auth = createAuthenticator(store, true); await auth.authenticate({ authorization: 'Bearer tdx_…' })
 */
export function createAuthenticator(store: GraphStore, enabled: boolean): Authenticator {
  const known = new Map<string, { principal: Principal; at: number }>();
  const principals = new WeakMap<Request, Principal | null>();
  const lookup = async (secret: string): Promise<Principal | null> => {
    const hash = hashToken(secret);
    const hit = known.get(hash);
    if (hit && Date.now() - hit.at < TOKEN_TTL_MS) return hit.principal;
    const found = await store.findToken(hash);
    // The store found it by its hash; compared again in constant time, so no code path times the secret.
    if (!found || !timingSafeEqual(Buffer.from(found.hash, 'hex'), Buffer.from(hash, 'hex'))) {
      known.delete(hash);
      return null;
    }
    const principal = { name: found.name, scope: found.scope };
    if (known.size >= 1_000) known.clear();
    known.set(hash, { principal, at: Date.now() });
    return principal;
  };
  return {
    enabled,
    async authenticate({ authorization, cookie }) {
      if (!enabled) return OPEN;
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
      if (bearer) return lookup(bearer);
      const fromCookie = cookieValue(cookie, COOKIE);
      if (!fromCookie) return null;
      const p = await lookup(fromCookie);
      return p ? { name: p.name, scope: 'read' } : null;
    },
    principalOf: (request) => (enabled ? (principals.get(request) ?? null) : OPEN),
    remember: (request, principal) => {
      principals.set(request, principal);
    },
  };
}

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * `/graphql` with auth on: a request without a known token is answered 401
 * (UNAUTHENTICATED) before it is parsed; GraphiQL's page itself is open.
 * The cookie counts on GETs only (queries and subscriptions: Yoga runs no
 * mutation over GET).
 */
export function useAuth(auth: Authenticator): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!auth.enabled || url.pathname !== '/graphql') return;
      const get = request.method === 'GET' || request.method === 'HEAD';
      const principal = await auth.authenticate({
        authorization: request.headers.get('authorization'),
        cookie: get ? request.headers.get('cookie') : null,
      });
      auth.remember(request, principal);
      const graphiqlPage =
        get && !url.searchParams.has('query') && request.headers.get('accept')?.includes('text/html');
      if (principal || graphiqlPage) return;
      endResponse(
        fetchAPI.Response.json(
          { errors: [{ message: UNAUTHENTICATED_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }] },
          { status: 401, headers: { 'www-authenticate': 'Bearer realm="traindx"' } },
        ),
      );
    },
  };
}

const UNAUTHENTICATED_MESSAGE =
  'This server needs a token: send Authorization: Bearer TOKEN (create one with traindx token create).';

/**
 * Whether the caller may use a root field with these arguments: the scope
 * SCOPES names, and for a write token, a run it started (or a new one).
 * Throws AuthError (FORBIDDEN, naming the scope needed; UNAUTHENTICATED without a token).
 *
 * @example await authorize(ctx, 'Mutation', 'logEvents', { runId: 'r1' })
 */
export async function authorize(
  ctx: RequestContext,
  type: keyof typeof SCOPES,
  field: string,
  args: Record<string, unknown>,
): Promise<void> {
  const needed = SCOPES[type][field];
  if (!needed) throw new AuthError(`${type}.${field} has no scope; nobody may use it.`, 'FORBIDDEN');
  const p = ctx.principal;
  if (!p) throw new AuthError(UNAUTHENTICATED_MESSAGE, 'UNAUTHENTICATED');
  if (RANK[p.scope] < RANK[needed]) {
    throw new AuthError(
      `${type}.${field} needs a token of scope '${needed}'; token '${p.name}' has scope '${p.scope}'.`,
      'FORBIDDEN',
    );
  }
  if (p.scope === 'admin' || p.name === null) return;
  const runId = RUN_OF[field]?.(args);
  if (runId === undefined) return;
  const owner = await ctx.owners.of(runId);
  if (owner === p.name) return;
  // A run nobody owns yet may be started; one that exists without an owner was started without auth.
  if (owner === null && !(await ctx.store.runVersion(runId))) return;
  throw new AuthError(
    `Run '${runId}' was started by ${owner === null ? 'a client without a token' : `another token`}; only that token or an admin token may write to it.`,
    'FORBIDDEN',
  );
}

/** Run owners, cached per app (an owner never changes once claimed). */
export function createOwners(store: GraphStore) {
  const cache = new Map<string, string>();
  return {
    async of(runId: string): Promise<string | null> {
      const hit = cache.get(runId);
      if (hit !== undefined) return hit;
      const owner = await store.runOwner(runId);
      if (owner !== null) {
        if (cache.size >= 10_000) cache.clear();
        cache.set(runId, owner);
      }
      return owner;
    },
    async claim(runId: string, name: string): Promise<void> {
      cache.set(runId, await store.claimRun(runId, name));
    },
  };
}
export type Owners = ReturnType<typeof createOwners>;

/**
 * Puts `authorize` in front of every root field's resolver (and a
 * subscription's `subscribe`), and records the token that started a run.
 * A root field missing from SCOPES stops the app from being built.
 */
export function guardRootFields(schema: GraphQLSchema): void {
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!type) continue;
    const typeName = type.name as keyof typeof SCOPES;
    for (const [name, field] of Object.entries(type.getFields())) {
      if (!SCOPES[typeName]?.[name]) throw new Error(`${typeName}.${name} has no scope in src/api/scopes.ts`);
      if (field.subscribe) {
        const subscribe = field.subscribe;
        field.subscribe = async (source, args, ctx: RequestContext, info) => {
          await authorize(ctx, typeName, name, args);
          return subscribe(source, args, ctx, info);
        };
        continue;
      }
      const resolve: GraphQLFieldResolver<unknown, RequestContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = async (source, args, ctx: RequestContext, info) => {
        await authorize(ctx, typeName, name, args);
        const value = await resolve(source, args, ctx, info);
        const p = ctx.principal;
        if (STARTS_RUN.has(name) && p?.name) {
          const runId = (value as { id?: unknown } | null)?.id;
          if (typeof runId === 'string') await ctx.owners.claim(runId, p.name);
        }
        return value;
      };
    }
  }
}

/** What the dashboard needs of auth: readers by token or cookie (GET pages only), and the login form's check. */
export function dashboardAccess(auth: Authenticator) {
  return {
    cookie: COOKIE,
    canRead: async (request: Request) =>
      (await auth.authenticate({
        authorization: request.headers.get('authorization'),
        cookie: request.headers.get('cookie'),
      })) !== null,
    isKnown: async (token: string) =>
      (await auth.authenticate({ authorization: `Bearer ${token}` })) !== null,
  };
}
