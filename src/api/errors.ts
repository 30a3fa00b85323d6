import type { GraphQLError } from 'graphql';
import { createGraphQLError, maskError } from 'graphql-yoga';
import { TraindxError } from '../errors/index.js';

/**
 * The one mapping from traindx's errors to GraphQL errors: every error of the
 * family (`TraindxError`) reaches the client with its message and its code as
 * `extensions.code`, at the field that failed; anything else is masked as
 * `Unexpected error.` (no stack, no store message). Yoga's `maskedErrors`
 * and the compiled ingest path both use it. An expected error is returned as
 * it is (graphql-js already copied its code), so Yoga does not log it as a
 * failure of the server.
 *
 * @example createYoga({ schema, maskedErrors: { maskError: toClientError } })
 */
export function toClientError(error: unknown, message: string, isDev?: boolean): Error {
  if (error instanceof TraindxError) {
    return createGraphQLError(error.message, { originalError: error, extensions: httpOf(error) });
  }
  const original = (error as { originalError?: unknown } | null)?.originalError;
  if (original instanceof TraindxError && (error as GraphQLError).extensions?.code === original.code) {
    const located = error as GraphQLError;
    if (original.category !== 'unavailable') return located;
    return createGraphQLError(located.message, {
      nodes: located.nodes,
      source: located.source,
      positions: located.positions,
      path: located.path,
      originalError: original,
      extensions: { ...located.extensions, ...httpOf(original) },
    });
  }
  return maskError(error, message, isDev);
}

/** Seconds a client should wait before retrying when the store is down (the driver gives up within ~3 s). */
export const RETRY_AFTER_S = 5;

/**
 * A store that is down answers HTTP 503 with Retry-After, on the general path
 * and the ingest hot path alike (Yoga reads `extensions.http` and drops it
 * from the body); other errors keep the code alone.
 */
function httpOf(error: TraindxError): Record<string, unknown> {
  if (error.category !== 'unavailable') return { code: error.code };
  return { code: error.code, http: { status: 503, headers: { 'retry-after': String(RETRY_AFTER_S) } } };
}
