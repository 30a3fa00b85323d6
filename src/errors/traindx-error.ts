/**
 * What kind of thing went wrong, from the user's side. A category fixes how
 * every entry point reports the error: the CLI's exit code, and whether the
 * API shows the message (every category does; only errors outside this family
 * are masked as `Unexpected error.`).
 */
export type ErrorCategory =
  | 'trace'
  | 'profile'
  | 'config'
  | 'knowledge'
  | 'input'
  | 'not_found'
  | 'conflict'
  | 'limit'
  | 'auth'
  | 'unavailable';

/**
 * The base of every error traindx expects: bad input, a missing run, a limit,
 * a store that cannot be reached. `code` is stable (clients match on it: it is
 * GraphQL's `extensions.code`); the message is one full sentence naming the
 * bad value. Anything else that is thrown is a bug: masked for clients, exit 1
 * with a stack at the CLI.
 *
 * @example class RunNotFoundError extends TraindxError { readonly code = 'RUN_NOT_FOUND'; readonly category = 'not_found'; }
 */
export abstract class TraindxError extends Error {
  abstract readonly code: string;
  abstract readonly category: ErrorCategory;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // The subclass's own name (TraceError, ...), as `instanceof`-free logs and tests read it.
    this.name = new.target.name;
  }

  /** GraphQL's error extensions: graphql-js copies them from a resolver's error onto the error it reports. */
  get extensions(): { code: string } {
    return { code: this.code };
  }
}

/** A request or argument that does not make sense (a flag, an outcome, a cursor); `code` says which. */
export class InputError extends TraindxError {
  readonly category = 'input';
  constructor(
    message: string,
    readonly code: string = 'BAD_INPUT',
  ) {
    super(message);
  }
}

/** A request that clashes with what is stored (a run id already taken); `code` says which. */
export class ConflictError extends TraindxError {
  readonly category = 'conflict';
  constructor(
    message: string,
    readonly code: string = 'CONFLICT',
  ) {
    super(message);
  }
}

/** A size or count past what traindx accepts (batch, request body, id length); `code` says which. */
export class LimitError extends TraindxError {
  readonly category = 'limit';
  constructor(
    message: string,
    readonly code: string = 'LIMIT_EXCEEDED',
  ) {
    super(message);
  }
}

/** A caller without the right to do what it asked (no token, a read token writing). */
export class AuthError extends TraindxError {
  readonly category = 'auth';
  constructor(
    message: string,
    readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN' = 'UNAUTHENTICATED',
  ) {
    super(message);
  }
}

/** A service traindx depends on (the Neo4j server) cannot be reached or answered too late. */
export class StoreUnavailableError extends TraindxError {
  readonly code = 'STORE_UNAVAILABLE';
  readonly category = 'unavailable';
}
