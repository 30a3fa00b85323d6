import { createHash } from 'node:crypto';

/**
 * Every dashboard page loads only what this service serves: scripts and
 * styles from /assets, data from /graphql and /runs/<id>/view.json. Inline
 * script and style are refused too, so injected text can never run.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

type ResponseClass = typeof globalThis.Response;

/** An HTML page with the dashboard's security headers; pages hold live data, so they are never cached. */
export const htmlResponse = (Response: ResponseClass, body: string, status = 200) =>
  new Response(body, {
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });

/** JSON for the dashboard's own scripts (never cached: it is the run as it trains). */
export const jsonResponse = (Response: ResponseClass, value: unknown, status = 200) =>
  new Response(JSON.stringify(value), {
    status,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    },
  });

export interface Asset {
  type: string;
  body: string;
  etag: string;
}

/** An asset with a content hash as its ETag, so a reload revalidates in one small round trip. */
export const asset = (type: string, body: string): Asset => ({
  type,
  body,
  etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
});

export const assetResponse = (Response: ResponseClass, a: Asset, ifNoneMatch: string | null) =>
  new Response(ifNoneMatch === a.etag ? null : a.body, {
    status: ifNoneMatch === a.etag ? 304 : 200,
    headers: { ...SECURITY_HEADERS, 'content-type': a.type, etag: a.etag, 'cache-control': 'no-cache' },
  });

/** A short stable hash of a fragment, so the page replaces only what changed. */
export const fragmentHash = (text: string): string =>
  createHash('sha256').update(text).digest('base64url').slice(0, 12);
