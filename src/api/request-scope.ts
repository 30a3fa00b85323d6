import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What the log line of one request needs from the code that handled it. */
export interface RequestScope {
  /** The request id: the client's X-Request-Id when sane, else a new UUID. */
  readonly id: string;
  /** The first error code the answer carried, if any. */
  code?: string;
}

const scopes = new AsyncLocalStorage<RequestScope>();

/**
 * Runs `handle` with the request's scope, so every log line written while
 * the request is served (Yoga's own too) carries its id, and the code of a
 * refusal reaches the request's line wherever it was found.
 *
 * @example runInRequestScope({ id: requestIdOf(req.headers['x-request-id']) }, () => listener(req, res))
 */
export const runInRequestScope = <T>(scope: RequestScope, handle: () => T): T => scopes.run(scope, handle);

/** The scope of the request being served, if any. */
export const currentRequest = (): RequestScope | undefined => scopes.getStore();

/** Notes an error code on the current request's log line (the first one wins). */
export function noteRequestCode(code: string): void {
  const scope = scopes.getStore();
  if (scope && scope.code === undefined) scope.code = code;
}

// Ids proxies and clients commonly send (UUIDs, hex, base64url, dotted trace ids), and nothing that could
// break a log line or a header: no spaces, quotes or control characters.
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's X-Request-Id when it is sane, else a new UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && SANE_ID.test(given) ? given : randomUUID();
}
