import { StoreUnavailableError } from '../../errors/index.js';

/** Driver timeouts: an unreachable Neo4j is reported within a few seconds, not after the driver's 30 s and 60 s defaults. */
export const DRIVER_TIMEOUTS = {
  /** Opening a TCP+Bolt connection. */
  connectionTimeout: 2_000,
  /** Waiting for a pooled connection (all 20 busy, or a server that does not answer). */
  connectionAcquisitionTimeout: 3_000,
  /** Retries of a transaction on transient errors (a deadlock between two writers of a run, a leader switch). */
  maxTransactionRetryTime: 2_000,
} as const;

/** How long a successful check of the database is trusted before an operation checks again. */
export const RECHECK_AFTER_MS = 5_000;

/** The driver's ways of saying the server cannot be reached now (not that a query is wrong). */
export function isUnavailable(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'ServiceUnavailable' || code === 'SessionExpired') return true;
  if (code === 'Neo.TransientError.General.DatabaseUnavailable') return true;
  const text = typeof message === 'string' ? message : '';
  return (
    text.startsWith('Connection acquisition timed out') ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Connection was closed by server/.test(text)
  );
}

/** The error a caller sees for an unreachable Neo4j: coded, without the driver's message or the address. */
export const storeDown = (cause?: unknown) =>
  new StoreUnavailableError('The graph store (Neo4j) is unavailable; try again shortly.', { cause });

/**
 * Whether the database is fit to serve, checked when an operation comes after
 * a connectivity failure or after RECHECK_AFTER_MS: `probe` says whether it
 * holds the seed (a Neo4j back from an outage may come back empty), and a
 * fresh one is prepared (schema, then the seed) before any operation goes on.
 * One check at a time; callers arriving meanwhile wait for it.
 */
export function createReadiness(probe: () => Promise<boolean>, prepareFresh: () => Promise<void>) {
  let verifiedAt = Date.now();
  let suspect = false;
  let inFlight: Promise<void> | undefined;
  const check = (): Promise<void> => {
    inFlight ??= (async () => {
      try {
        if (!(await probe())) await prepareFresh();
        suspect = false;
        verifiedAt = Date.now();
      } catch (err) {
        suspect = true;
        throw err;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };
  return {
    /** Before an operation: waits for a check when one is due. */
    before(): Promise<void> | undefined {
      if (suspect || inFlight || Date.now() - verifiedAt > RECHECK_AFTER_MS) return check();
      return undefined;
    },
    /** A check now (health). */
    check,
    /** After a connectivity failure: the next operation checks first. */
    markSuspect() {
      suspect = true;
    },
  };
}
