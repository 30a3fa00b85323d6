import type { IncomingMessage, ServerResponse } from 'node:http';
import { COMPUTED, type CompiledIngest } from './compiled-ingest.js';
import type { AppServices } from './context.js';
import { crossSiteRefusal } from './cross-site.js';
import type { SeenRefusal } from './metrics.js';
import { tooLarge } from './plugins.js';

type YogaLike = (req: IncomingMessage, res: ServerResponse, ctx: Record<string, unknown>) => unknown;

/**
 * The node:http listener of `traindx serve`. A POST of the ingest mutation
 * (see compiled-ingest.ts) is read, parsed and answered here, without
 * building fetch-API Request and Response objects around it; everything
 * else goes to Yoga as it came. To decide without reading a whole body
 * first, the listener looks at its first chunk: a body whose first chunk
 * does not name `logEvents` goes back to Yoga untouched (the chunk
 * unshifted). A body read here that turns out not to fit a plan, or whose
 * plan failed, is handed to Yoga already parsed (and a failure with the
 * result computed here, so the batch is not ingested twice), so
 * negotiation, status codes and the wording of errors stay Yoga's own.
 */
export function createNodeListener(
  yoga: YogaLike,
  compiled: CompiledIngest,
  maxRequestBytes: number,
  services: Pick<AppServices, 'auth' | 'security'>,
  watch: { refused(refusal: SeenRefusal): void; failed(err: unknown): void } = {
    refused: () => {},
    failed: () => {},
  },
) {
  let answered = 0;
  const negotiated = createNegotiator();
  const { auth, security } = services;
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const type = hotPathType(req, maxRequestBytes, negotiated);
    // A request the checks refuse (cross-site, or no token) goes to Yoga, which refuses it in its words.
    if (!type || refused(req)) return yoga(req, res, {});
    const chunks: Buffer[] = [];
    let bytes = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
    };
    const onData = (chunk: Buffer) => {
      if (bytes === 0 && !chunk.includes('logEvents')) {
        stop();
        req.pause();
        req.unshift(chunk);
        return yoga(req, res, {});
      }
      bytes += chunk.length;
      if (bytes > maxRequestBytes) {
        // Answer now; the rest of the body is read and dropped, so the client hears the 413.
        stop();
        req.resume();
        watch.refused({ code: 'REQUEST_TOO_LARGE', status: 413 });
        return send(res, tooLarge(Response, bytes, maxRequestBytes));
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      // An empty body: nothing was taken from the stream.
      if (bytes === 0) return yoga(req, res, {});
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      answer(text).catch((err: unknown) => {
        watch.failed(err);
        if (!res.headersSent) res.writeHead(500);
        res.end();
        req.destroy(err as Error);
      });
    };
    const answer = async (text: string) => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const params = body as { query?: unknown; operationName?: unknown; variables?: unknown } | undefined;
      const plan =
        params && typeof params === 'object' ? compiled.planOf(params.query, params.operationName) : null;
      // The rule of decodeLine: without these strings in the text there is nothing to revive.
      const noNonFiniteText = !text.includes('NaN"') && !text.includes('Infinity"');
      const principal = plan ? await auth.authenticate({ authorization: req.headers.authorization }) : null;
      const running = principal && compiled.run(plan!, params!.variables, { noNonFiniteText }, principal);
      const result = running ? await running : undefined;
      if (result && !result.errors) {
        const json = JSON.stringify(result);
        res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(json) });
        res.end(json);
        answered++;
        return;
      }
      // whatwg-node takes a request's `body`, when set, as the body already read (parsed or text).
      const parsed = typeof body === 'object' && body !== null && Object.keys(body).length > 0;
      (req as IncomingMessage & { body?: unknown }).body = parsed ? body : text;
      yoga(req, res, result ? { [COMPUTED]: result } : {});
    };
    req.on('data', onData);
    req.on('end', onEnd);
  };
  const refused = (req: IncomingMessage) =>
    (auth.enabled && !req.headers.authorization) ||
    crossSiteRefusal(
      { method: req.method ?? 'GET', path: '/graphql', header: (h) => headerOf(req, h) },
      security,
    ) !== null;
  /** How many requests the hot path answered itself (tests and diagnostics). */
  return Object.assign(listener, { hotPathAnswers: () => answered });
}

const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

async function send(res: ServerResponse, response: Response) {
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, {
    ...Object.fromEntries(response.headers),
    'content-length': String(body.length),
  });
  res.end(body);
}

// Which response type Yoga would give a regular (non-streamed) result, per
// Accept header: its processors in order (SSE, multipart, then
// application/graphql-response+json and application/json), each media type
// the client accepts (last listed first), the last match winning.
const PROCESSOR_TYPES = [
  'text/event-stream',
  'multipart/mixed',
  'application/graphql-response+json',
  'application/json',
];
/** The negotiation above, remembered per Accept header (clients send a handful; bounded). */
function createNegotiator() {
  const typeByAccept = new Map<string, string | null>();
  return (accept: string): string | null => {
    let type = typeByAccept.get(accept);
    if (type !== undefined) return type;
    const asked: string[] = [];
    for (const a of accept.replace(/\s/g, '').toLowerCase().split(',')) {
      const [mediaType, ...params] = a.split(';');
      const charset = params.find((p) => p.includes('charset=')) ?? 'charset=utf-8';
      if (mediaType !== undefined && charset === 'charset=utf-8') asked.push(mediaType);
    }
    asked.reverse();
    let chosen: string | undefined;
    for (const group of [[PROCESSOR_TYPES[0]!], [PROCESSOR_TYPES[1]!], PROCESSOR_TYPES.slice(2)])
      for (const wanted of asked) for (const offered of group) if (matches(offered, wanted)) chosen = offered;
    // Only the two JSON types are written here; streams and refusals stay Yoga's.
    type = chosen?.startsWith('application/') ? `${chosen}; charset=utf-8` : null;
    if (typeByAccept.size >= 64) typeByAccept.clear();
    typeByAccept.set(accept, type);
    return type;
  };
}

/** Whether a media type the client asked for (maybe with wildcards) admits the one offered. */
function matches(offered: string, asked: string): boolean {
  const [offeredType, offeredSub] = offered.split('/');
  const [askedType, askedSub] = asked.split('/');
  return (askedType === '*' || askedType === offeredType) && (askedSub === '*' || askedSub === offeredSub);
}

/** The response type when this request may take the hot path, else null. */
function hotPathType(
  req: IncomingMessage,
  maxRequestBytes: number,
  negotiated: (accept: string) => string | null,
): string | null {
  if (req.method !== 'POST') return null;
  const url = req.url ?? '';
  if (url !== '/graphql' && !url.startsWith('/graphql?')) return null;
  if (!req.headers['content-type']?.toLowerCase().startsWith('application/json')) return null;
  // CORS answers carry headers Yoga adds; a cross-origin client goes its way.
  if (req.headers.origin !== undefined) return null;
  // Yoga answers an announced oversized body with its 413 before reading it.
  if (Number(req.headers['content-length'] ?? 0) > maxRequestBytes) return null;
  return negotiated(req.headers.accept ?? '*/*');
}
