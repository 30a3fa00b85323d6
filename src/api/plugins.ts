import type { Plugin } from 'graphql-yoga';
import { z } from 'zod';
import { TraceEvent } from '../domain/index.js';
import type { AppServices } from './context.js';

/** `/health`: 200 with the store kind once the store answers a count, 503 otherwise. */
export function useHealth(services: AppServices): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/health') return;
      try {
        const counts = await services.store.countKnowledge();
        endResponse(
          fetchAPI.Response.json({ status: 'ok', store: services.store.kind, symptoms: counts.symptoms }),
        );
      } catch (err) {
        endResponse(
          fetchAPI.Response.json(
            { status: 'unavailable', store: services.store.kind, error: (err as Error).message },
            { status: 503 },
          ),
        );
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
