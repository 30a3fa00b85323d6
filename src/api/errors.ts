import { createGraphQLError } from 'graphql-yoga';
import { SeedError } from '../knowledge/index.js';
import { RunNotFoundError } from '../store/index.js';
import { TraceError } from '../trace/index.js';

/** An expected error for the client: a full sentence and a stable code. */
export const userError = (message: string, code: string) =>
  createGraphQLError(message, { extensions: { code } });

/**
 * Maps the errors of ingest, trace parsing and knowledge validation to
 * client errors with codes; anything else stays unexpected and is masked
 * (no stack traces to clients).
 */
export function asUserError(err: unknown): unknown {
  if (err instanceof TraceError) {
    if (err.field === 'events' && /at most \d+ events/.test(err.detail))
      return userError(`field 'events': ${err.detail}`, 'BATCH_TOO_LARGE');
    // Batches name events by index, as the client sent them: events[3]: field 'loss': ...
    if (err.where.event === undefined) return userError(err.message, 'BAD_TRACE');
    const field = err.field ? ` field '${err.field}':` : '';
    return userError(`events[${err.where.event}]:${field} ${err.detail}`, 'BAD_TRACE');
  }
  if (err instanceof RunNotFoundError)
    return userError(
      `${err.message} Start it with startRun, or make its first batch start with its 'run' event.`,
      'RUN_NOT_FOUND',
    );
  if (err instanceof SeedError) return userError(err.message, 'BAD_KNOWLEDGE');
  return err;
}

/** Runs `fn`, turning expected failures into client errors. */
export async function expected<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asUserError(err);
  }
}
