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
  if (error instanceof TraindxError) return createGraphQLError(error.message, { originalError: error });
  const original = (error as { originalError?: unknown } | null)?.originalError;
  if (original instanceof TraindxError && (error as GraphQLError).extensions?.code === original.code)
    return error as GraphQLError;
  return maskError(error, message, isDev);
}
