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
export function toClientError(
  error: unknown,
  message: string,
  isDev?: boolean,
  maxRequestBytes?: number,
): Error {
  // Yoga's own body limit (a body without a length, read as it streams) answers as ours does.
  if ((error as GraphQLError | null)?.extensions?.code === 'REQUEST_ENTITY_TOO_LARGE')
    return createGraphQLError(
      `Request body is over the limit${maxRequestBytes ? ` of ${maxRequestBytes} bytes` : ''}; send smaller batches.`,
      { extensions: { code: 'REQUEST_TOO_LARGE', http: { status: 413 } } },
    );
  if (error instanceof TraindxError) {
    return createGraphQLError(error.message, { originalError: error, extensions: httpOf(error) });
  }
  const original = (error as { originalError?: unknown } | null)?.originalError;
  if (original instanceof TraindxError && (error as GraphQLError).extensions?.code === original.code) {
    const located = error as GraphQLError;
    // The status goes on the error graphql-js made (its extensions are its own copy of ours): Yoga, given
    // back the same error, does not log an expected refusal (401, 403, 503) as a failure of the server.
    if (httpStatusOf(original) !== undefined) Object.assign(located.extensions, httpOf(original));
    return located;
  }
  // Yoga's JSON parse error carries the parser's words, which quote the body back: a fixed sentence instead.
  const extensions = (error as GraphQLError | null)?.extensions;
  if (extensions?.code === 'BAD_REQUEST' && extensions.originalError)
    return createGraphQLError('The request body is not valid JSON.', {
      extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
    });
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
  const status = httpStatusOf(error);
  if (status !== undefined && status !== 503) return { code: error.code, http: { status } };
  if (status === undefined) return { code: error.code };
  return { code: error.code, http: { status: 503, headers: { 'retry-after': String(RETRY_AFTER_S) } } };
}

/** The HTTP status an error of the family sets: 503 for a store that is down, 401/403 for auth; else none. */
function httpStatusOf(error: TraindxError): number | undefined {
  if (error.category === 'unavailable') return 503;
  if (error.category === 'auth') return error.code === 'FORBIDDEN' ? 403 : 401;
  return undefined;
}
