import { isIP } from 'node:net';
import type { Plugin } from 'graphql-yoga';

/** What the server accepts from browsers: the origins allowed by CORS, the Host names it answers to. */
export interface CrossSitePolicy {
  /** Origins (`https://app.example`) given cross-origin access (CORS); none by default. */
  corsOrigins: string[];
  /** Host names besides the bind address (and the loopback names for a loopback bind). */
  allowedHosts: string[];
  /** The address the server binds, e.g. 127.0.0.1 or 0.0.0.0. */
  bindHost: string;
}

/** A request refused before anything runs: status, stable code, one sentence. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** Content types a state-changing request may have: a browser cannot send them cross-site without a preflight. */
const JSON_TYPES = new Set([
  'application/json',
  'application/graphql-response+json',
  'application/graphql+json',
]);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The one path a plain HTML form posts to (the dashboard's login), checked by its Origin instead. */
export const FORM_PATHS = new Set(['/login']);

/**
 * Why a request must be refused, or null: a Host name the server does not
 * answer to (DNS rebinding: 421), a state-changing request whose body a
 * page could send without a CORS preflight (form-encoded, multipart, text:
 * 415), or one from another site's page (an Origin neither the server's own
 * nor allowed: 403). Shared by Yoga's path and the node:http hot path.
 *
 * @example crossSiteRefusal({ method: 'POST', path: '/graphql', header: (h) => headers.get(h) }, policy)
 */
export function crossSiteRefusal(
  req: { method: string; path: string; header(name: string): string | null | undefined; urlHost?: string },
  policy: CrossSitePolicy,
): Refusal | null {
  const host = req.header('host');
  // Browsers always send Host; in-process callers (app.fetch in tests) may not.
  if (host && !hostAllowed(host, policy)) {
    return {
      status: 421,
      code: 'HOST_NOT_ALLOWED',
      message: `This server does not answer to the host name '${hostName(host)}'; add it with --allowed-host.`,
    };
  }
  const method = req.method.toUpperCase();
  if (SAFE_METHODS.has(method)) return null;
  const origin = req.header('origin');
  if (origin != null && !originAllowed(origin, host ?? req.urlHost, policy)) {
    return {
      status: 403,
      code: 'ORIGIN_NOT_ALLOWED',
      message: `Requests from pages of ${origin.slice(0, 200)} may not change anything here; allow it with --cors-origin.`,
    };
  }
  if (FORM_PATHS.has(req.path)) {
    // A form's own page sends its Origin; a form post without one is not ours.
    return origin == null
      ? {
          status: 403,
          code: 'ORIGIN_NOT_ALLOWED',
          message: 'A form post must come from this server’s own page.',
        }
      : null;
  }
  const type = (req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!JSON_TYPES.has(type)) {
    return {
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: `A ${method} request must send JSON (content-type application/json), not '${type.slice(0, 100) || 'none'}'.`,
    };
  }
  return null;
}

/** Yoga's `cors` option: no Access-Control-Allow-* headers at all unless the Origin is on the allow-list. */
export function corsOf(policy: CrossSitePolicy) {
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (!origin || !policy.corsOrigins.includes(origin)) return false as const;
    return {
      origin: [origin],
      credentials: false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['content-type', 'accept', 'authorization'],
    };
  };
}

/** The refusal as a GraphQL-shaped answer. */
export const refusalResponse = (Response: typeof globalThis.Response, r: Refusal) =>
  Response.json({ errors: [{ message: r.message, extensions: { code: r.code } }] }, { status: r.status });

/** Applies crossSiteRefusal to every request Yoga sees, before anything else. */
export function useCrossSite(policy: CrossSitePolicy): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      const refusal = crossSiteRefusal(
        {
          method: request.method,
          path: url.pathname,
          header: (h) => request.headers.get(h),
          urlHost: url.host,
        },
        policy,
      );
      if (refusal) endResponse(refusalResponse(fetchAPI.Response, refusal));
    },
  };
}

/** `example.com:4000` → `example.com`; `[::1]:4000` → `[::1]`. */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.split(':')[0]!;
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

function bracketed(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address.toLowerCase();
}

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || address.startsWith('127.');
}

function hostAllowed(host: string, policy: CrossSitePolicy): boolean {
  const name = hostName(host);
  if (policy.allowedHosts.some((h) => hostName(h) === name)) return true;
  const bind = policy.bindHost;
  if (name === bracketed(bind)) return true;
  if (isLoopback(bind)) return LOOPBACK.has(name);
  // Any address: loopback names, and any IP literal (a rebinding page reaches us only by a name).
  if (WILDCARD.has(bind)) return LOOPBACK.has(name) || isIP(name.replace(/^\[|\]$/g, '')) !== 0;
  return LOOPBACK.has(name);
}

function originAllowed(origin: string, host: string | null | undefined, policy: CrossSitePolicy): boolean {
  if (policy.corsOrigins.includes(origin)) return true;
  if (!host) return false;
  return origin === `http://${host.toLowerCase()}` || origin === `https://${host.toLowerCase()}`;
}
