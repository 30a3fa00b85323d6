import type { Plugin } from 'graphql-yoga';
import { dashboardAsset } from './assets.js';
import type { DashboardDeps } from './deps.js';
import { type DownloadFile, runDownload } from './downloads.js';
import { graphPageHtml } from './graph-page.js';
import { cookieHeader, loginPageHtml, safeNext } from './login.js';
import { assetResponse, htmlResponse, jsonResponse } from './responses.js';
import { messagePageHtml, runPageHtml } from './run-page.js';
import { loadRunView } from './run-view.js';
import { runsPageHtml, runsQueryOf } from './runs-page.js';

// /runs/<id> and /runs/<id>/view.json, the id one URL-encoded path segment.
const RUN_PATH = /^\/runs\/([^/]+)(\/view\.json)?$/;
// /runs/<id>/trace.jsonl and /runs/<id>/report.html: a run's downloads.
const DOWNLOAD_PATH = /^\/runs\/([^/]+)\/(trace\.jsonl|report\.html)$/;

/**
 * The dashboard, served by the API's own server: `/` (runs list),
 * `/runs/<id>` (a run, live while it trains) and its `/runs/<id>/view.json`,
 * `/graph` and `/graph?symptom=<id>` (the knowledge graph), `/assets/*`.
 * Every other path (/graphql, /health, ...) passes through untouched.
 *
 * @example createYoga({ schema, plugins: [useDashboard(services)] })
 */
export function useDashboard(deps: DashboardDeps): Plugin {
  let logError = (_err: unknown) => {};
  return {
    onYogaInit({ yoga }) {
      logError = (err) => yoga.logger.error(err);
    },
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const { access } = deps;
      if (access && url.pathname === '/login')
        return endResponse(await login(access, request, url, fetchAPI.Response));
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (!isDashboardPath(url.pathname)) return;
      // The login page's own stylesheets are open; every other page and asset needs a reader.
      const open = url.pathname === '/assets/report.css' || url.pathname === '/assets/dashboard.css';
      if (access && !open && !(await access.canRead(request))) {
        const next = `${url.pathname}${url.search}`;
        return endResponse(
          url.pathname.endsWith('/view.json')
            ? jsonResponse(fetchAPI.Response, { error: 'Log in first: this server asks for a token.' }, 401)
            : new fetchAPI.Response(null, {
                status: 303,
                headers: { location: `/login?next=${encodeURIComponent(next)}` },
              }),
        );
      }
      try {
        const response = await route(deps, request, url, fetchAPI.Response);
        if (response) endResponse(response);
      } catch (err) {
        // Like the API's masked errors: logged, but no stack or store message reaches the page.
        logError(err);
        endResponse(
          htmlResponse(
            fetchAPI.Response,
            messagePageHtml('Something went wrong', 'Unexpected error. Try again in a moment.'),
            500,
          ),
        );
      }
    },
  };
}

/** GET: the form; POST (a plain form from this server's page: cross-site.ts checks its Origin): the cookie. */
async function login(
  access: NonNullable<DashboardDeps['access']>,
  request: Request,
  url: URL,
  Response: typeof globalThis.Response,
): Promise<Response> {
  if (request.method !== 'POST')
    return htmlResponse(Response, loginPageHtml(safeNext(url.searchParams.get('next')), null));
  const form = new URLSearchParams((await request.text()).slice(0, 4_096));
  const token = form.get('token')?.trim() ?? '';
  const next = safeNext(form.get('next'));
  if (!token || !(await access.isKnown(token)))
    return htmlResponse(Response, loginPageHtml(next, 'That token is not known to this server.'), 401);
  return new Response(null, {
    status: 303,
    headers: {
      location: next,
      'set-cookie': cookieHeader(access.cookie, token),
      'cache-control': 'no-store',
    },
  });
}

const isDashboardPath = (path: string) =>
  path === '/' || path === '/graph' || path.startsWith('/assets/') || path.startsWith('/runs/');

/** The response for a dashboard path, or undefined to let the request pass (e.g. /runs/a/b). */
async function route(
  deps: DashboardDeps,
  request: Request,
  url: URL,
  Response: typeof globalThis.Response,
): Promise<Response | undefined> {
  const path = url.pathname;
  if (path.startsWith('/assets/')) {
    const found = dashboardAsset(path.slice('/assets/'.length));
    return found
      ? assetResponse(Response, found, request.headers.get('if-none-match'))
      : new Response('Not found', { status: 404 });
  }
  if (path === '/') {
    const { seed } = await deps.knowledge();
    return htmlResponse(Response, runsPageHtml(seed, runsQueryOf(url.searchParams)));
  }
  if (path === '/graph') {
    const symptom = url.searchParams.get('symptom');
    const page = graphPageHtml((await deps.knowledge()).seed, symptom || null);
    if (page) return htmlResponse(Response, page);
    const message = `The knowledge graph has no symptom '${symptom}'.`;
    return htmlResponse(Response, messagePageHtml('Unknown symptom', message), 404);
  }
  const download = DOWNLOAD_PATH.exec(path);
  if (download) return downloadResponse(deps, download[1]!, download[2] as DownloadFile, Response);
  const run = RUN_PATH.exec(path);
  if (!run) return undefined;
  const runId = safeDecode(run[1]!);
  const view = runId === null ? null : await loadRunView(deps, runId);
  const json = run[2] !== undefined;
  if (!view) {
    const message = `Run '${runId ?? run[1]}' does not exist.`;
    return json
      ? jsonResponse(Response, { error: message }, 404)
      : htmlResponse(Response, messagePageHtml('Run not found', message), 404);
  }
  return json ? jsonResponse(Response, view) : htmlResponse(Response, runPageHtml(view));
}

async function downloadResponse(
  deps: DashboardDeps,
  segment: string,
  file: DownloadFile,
  Response: typeof globalThis.Response,
): Promise<Response> {
  const runId = safeDecode(segment);
  const found = runId === null ? null : await runDownload(deps, runId, file);
  if (!found)
    return htmlResponse(
      Response,
      messagePageHtml('Run not found', `Run '${runId ?? segment}' does not exist.`),
      404,
    );
  return new Response(found.body, {
    headers: {
      'content-type': found.type,
      'content-disposition': `attachment; filename="${found.filename}"`,
      // The report runs its own inline chart script when opened from disk; served here it runs nothing.
      'content-security-policy': 'sandbox',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  });
}

const safeDecode = (segment: string): string | null => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
};
