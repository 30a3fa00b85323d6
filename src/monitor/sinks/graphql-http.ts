import { encodeNonFinite } from '../../trace/index.js';
import { DeliveryError } from './batch-queue.js';

export interface GraphqlEndpoint {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql` (a bare origin gets `/graphql`). */
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface GraphqlError {
  message: string;
  extensions?: { code?: string };
}

/** Error codes meaning the request itself is wrong: sending it again gives the same answer. */
const PERMANENT = new Set([
  'BAD_TRACE',
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  // No token, or one of too small a scope: resending cannot help.
  'UNAUTHENTICATED',
  'FORBIDDEN',
]);

/** `http://host:4000` → `http://host:4000/graphql`; a URL with a path is kept. */
export function endpointUrl(url: string): string {
  const u = new URL(url);
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/graphql';
  return u.toString();
}

/**
 * POSTs one GraphQL operation (non-finite numbers as the trace's strings)
 * and returns its data. Failures become DeliveryErrors: unreachable, timed
 * out, 5xx or 429 are worth retrying; GraphQL errors are permanent when
 * their code says the request is invalid (a retry cannot fix it).
 *
 * @example const data = await postGraphql(ep, 'mutation($r: JSON!) { startRun(run: $r) }', { r: run });
 */
export async function postGraphql(
  ep: GraphqlEndpoint,
  query: string,
  variables: object,
): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(ep.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...ep.headers,
      },
      body: JSON.stringify({ query, variables }, encodeNonFinite),
      signal: AbortSignal.timeout(ep.timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new DeliveryError(`${ep.url} unreachable (${cause ?? (err as Error).message})`, false);
  }
  const text = await res.text().catch(() => '');
  let body: { data?: Record<string, unknown> | null; errors?: GraphqlError[] } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (body?.errors?.length) {
    const first = body.errors[0]!;
    const code = first.extensions?.code ?? '';
    throw new GraphqlRequestError(first.message, code, PERMANENT.has(code));
  }
  if (!res.ok || !body?.data) {
    throw new DeliveryError(
      `${ep.url} answered ${res.status} ${text.slice(0, 120)}`,
      res.status >= 400 && res.status < 500 && res.status !== 429,
    );
  }
  return body.data;
}

/** A GraphQL error answer, with its `extensions.code`. */
export class GraphqlRequestError extends DeliveryError {
  constructor(
    message: string,
    readonly code: string,
    permanent: boolean,
  ) {
    super(message, permanent);
    this.name = 'GraphqlRequestError';
  }
}
