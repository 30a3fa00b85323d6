import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Authenticator } from './auth.js';
import type { Metrics } from './metrics.js';

interface FoundError {
  code: string;
  message?: string;
}

/**
 * `/metrics` in the Prometheus text format (a read token when auth is on,
 * open otherwise), and the refusal counts: every response Yoga sends is
 * looked at once. A GraphQL result's codes are taken as it is processed
 * (before it is written, whatever its status); an answer ended before
 * GraphQL ran (401 without a token, 413, 415, 421, /metrics' own 401) is
 * an error status with a small JSON body, read back for its codes.
 *
 * @example plugins: [useCrossSite(policy), useMetrics(metrics, auth), ...]
 */
export function useMetrics(metrics: Metrics, auth: Authenticator): Plugin {
  const found = new WeakMap<Request, FoundError[]>();
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      if (auth.enabled) {
        const principal = await auth.authenticate({
          authorization: request.headers.get('authorization'),
          cookie: request.headers.get('cookie'),
        });
        // Every token has at least the read scope, which is all /metrics needs.
        if (!principal) {
          return endResponse(
            fetchAPI.Response.json(
              { errors: [{ message: UNAUTHENTICATED_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }] },
              { status: 401, headers: { 'www-authenticate': 'Bearer realm="traindx"' } },
            ),
          );
        }
      }
      endResponse(
        new fetchAPI.Response(await metrics.scrape(), {
          headers: { 'content-type': metrics.registry.contentType },
        }),
      );
    },
    onResultProcess({ request, result }) {
      const errors: FoundError[] = [];
      // A subscription's stream is not looked into: its events are alerts, not refusals.
      if (Symbol.asyncIterator in Object(result)) return;
      for (const r of (Array.isArray(result) ? result : [result]) as ExecutionResult[])
        for (const e of r.errors ?? []) errors.push({ code: codeOf(e.extensions?.code), message: e.message });
      if (errors.length > 0) found.set(request, errors);
    },
    async onResponse({ request, response }) {
      // /health's 503 is a probe's answer, asked every few seconds by a balancer: not a refusal of anyone's request.
      if (new URL(request.url).pathname === '/health') return;
      let errors = found.get(request);
      if (!errors && response.status >= 400) errors = await errorsIn(response);
      if (!errors) return;
      const credentials = request.headers.has('authorization') || request.headers.has('cookie');
      const seen = new Set<string>();
      for (const { code, message } of errors) {
        if (seen.has(code)) continue;
        seen.add(code);
        metrics.refused({ code, status: response.status, message, credentials });
      }
    },
  };
}

const UNAUTHENTICATED_MESSAGE =
  'This server needs a token for /metrics: send Authorization: Bearer TOKEN (any scope; traindx token create --scope read).';

const codeOf = (code: unknown): string => (typeof code === 'string' ? code : 'NO_CODE');

/** The errors of a refusal's JSON body; an error status without one counts as `HTTP_<status>`. */
async function errorsIn(response: Response): Promise<FoundError[]> {
  const fallback = [{ code: `HTTP_${response.status}` }];
  if (!response.headers.get('content-type')?.includes('json')) return fallback;
  try {
    const body = (await response.clone().json()) as {
      errors?: { message?: string; extensions?: { code?: unknown } }[];
    };
    const errors = (body.errors ?? []).map((e) => ({ code: codeOf(e.extensions?.code), message: e.message }));
    return errors.length > 0 ? errors : fallback;
  } catch {
    return fallback;
  }
}
