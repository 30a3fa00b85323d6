import type { Plugin } from 'graphql-yoga';
import { z } from 'zod';
import { TraceEvent } from '../domain/index.js';
import type { AppServices } from './context.js';
import { RETRY_AFTER_S } from './errors.js';

/** How long `/health` waits for the store before it says the store is down. */
const HEALTH_TIMEOUT_MS = 1_000;

/**
 * `/health`: 200 with the store kind once the store is ready (a Neo4j back
 * from an outage empty is seeded again first) and answers a count; 503 with
 * `Retry-After` and "store down" otherwise, within a second, and without the
 * store's own words (no driver message, no address).
 */
export function useHealth(services: AppServices): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/health') return;
      const store = services.store;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), HEALTH_TIMEOUT_MS);
      });
      const check = store.ensureReady().then(() => store.countKnowledge());
      // A check that loses the race still settles later; its failure is not news.
      check.catch(() => undefined);
      try {
        const counts = await Promise.race([check, late]);
        endResponse(fetchAPI.Response.json({ status: 'ok', store: store.kind, symptoms: counts.symptoms }));
      } catch {
        endResponse(
          fetchAPI.Response.json(
            { status: 'unavailable', store: store.kind, error: 'store down' },
            { status: 503, headers: { 'retry-after': String(RETRY_AFTER_S) } },
          ),
        );
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Refuses a request body over the limit before it is read, with a 413 and a
 * GraphQL-shaped error naming the limit. A body without a length (chunked)
 * is counted as it is read on the ingest hot path (node-listener.ts).
 */
export function useRequestSizeLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > maxBytes) endResponse(tooLarge(fetchAPI.Response, length, maxBytes));
    },
  };
}

export const tooLarge = (Response: typeof globalThis.Response, length: number, maxBytes: number) =>
  Response.json(
    {
      errors: [
        {
          message: `Request body of ${length} bytes is over the limit of ${maxBytes} bytes; send smaller batches.`,
          extensions: { code: 'REQUEST_TOO_LARGE' },
        },
      ],
    },
    { status: 413 },
  );

/**
 * `/schema/trace-v1.json`: the trace event schema (spec/trace-format.md) as
 * JSON Schema, generated from the same zod schema the server validates
 * with, so clients in other languages can check events before sending.
 */
export function useTraceSchema(): Plugin {
  // Generated on the first request, once per app.
  let traceSchema: string | undefined;
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/schema/trace-v1.json') return;
      traceSchema ??= JSON.stringify(
        {
          ...z.toJSONSchema(TraceEvent, { io: 'input', unrepresentable: 'any' }),
          $id: '/schema/trace-v1.json',
          title: 'traindx run trace event, format version 1',
        },
        null,
        2,
      );
      endResponse(
        new fetchAPI.Response(traceSchema, { headers: { 'content-type': 'application/schema+json' } }),
      );
    },
  };
}
