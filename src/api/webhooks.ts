import { setTimeout as delay } from 'node:timers/promises';
import type { RunAlert, TraindxObserver } from '../engine/index.js';
import { type AlertmanagerPayload, fingerprintOf, toAlertmanagerPayload } from './alertmanager-payload.js';

/** Where delivery failures are told (the server's logger). */
export interface WebhookLog {
  warn(fields: object, message: string): void;
}

export interface WebhookOptions {
  urls: readonly string[];
  /** The server's own address: the payload's externalURL and the base of each alert's generatorURL (its run page). */
  externalUrl: () => string;
  log?: WebhookLog;
  /** Tries per alert event and URL, the first included. */
  maxAttempts?: number;
  /** Wait before the second try; doubled before each next one, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface Webhooks {
  /** Hears every alert this replica decides (Traindx.observe): relayed ones never reach it. */
  readonly observer: Required<Pick<TraindxObserver, 'alert'>>;
  /** Resolves once every queue is empty (tests, and a graceful stop). */
  idle(): Promise<void>;
  close(): void;
}

// Five tries 0.5, 1, 2 and 4 s apart: a receiver restarting (a deploy, a
// crash loop's first seconds) gets the alert; one down longer loses it
// rather than holding up the alerts queued behind it.
const MAX_ATTEMPTS = 5;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
// A receiver that accepts the connection and never answers must not hold its queue forever.
const REQUEST_TIMEOUT_MS = 10_000;
// Bounds on memory for a receiver down for a long time, and for the keys kept to drop repeats.
const MAX_QUEUED = 1_000;
const MAX_SENT_KEYS = 10_000;

interface Job {
  key: string;
  payload: AlertmanagerPayload;
}

/**
 * Posts each symptom alert (started, updated, resolved) to every URL as an
 * Alertmanager v4 webhook message. Each URL has its own queue, sent in
 * order in the background, so ingest never waits on a receiver; a try that
 * fails (network error, timeout, non-2xx) is repeated with exponential
 * backoff up to `maxAttempts`, and a 2xx ends it. An alert event (its
 * fingerprint, status and seq) is queued once per URL, whoever tells of it again.
 *
 * @example const hooks = createWebhooks({ urls: ['http://127.0.0.1:9093/hook'], externalUrl: () => address }); traindx.observe(hooks.observer);
 */
export function createWebhooks(options: WebhookOptions): Webhooks {
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
  const baseDelayMs = options.baseDelayMs ?? BASE_DELAY_MS;
  const maxDelayMs = options.maxDelayMs ?? MAX_DELAY_MS;
  const controller = new AbortController();
  // When each alert (by fingerprint) started firing: its startsAt in every message until it resolves.
  const firingSince = new Map<string, Date>();
  const queues = options.urls.map((url) => createQueue(url));

  function createQueue(url: string) {
    // Logged by origin only: a webhook URL often carries its secret in the path.
    const shown = new URL(url).origin;
    const jobs: Job[] = [];
    const sent = new Set<string>();
    let running: Promise<void> | undefined;

    const post = async (job: Job): Promise<void> => {
      for (let attempt = 1; attempt <= maxAttempts && !controller.signal.aborted; attempt++) {
        const failure = await tryPost(url, job.payload, controller.signal);
        if (failure === undefined) return;
        if (attempt === maxAttempts) {
          options.log?.warn(
            { webhook: shown, alert: job.key, attempts: attempt, failure },
            `webhook ${shown} did not take alert ${job.key} after ${attempt} tries (${failure}); dropped`,
          );
          return;
        }
        await sleep(Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs), controller.signal);
      }
    };
    const drain = async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) await post(job);
      running = undefined;
    };
    return {
      push(job: Job) {
        if (sent.has(job.key) || controller.signal.aborted) return;
        sent.add(job.key);
        if (sent.size > MAX_SENT_KEYS) sent.delete(sent.values().next().value!);
        jobs.push(job);
        if (jobs.length > MAX_QUEUED) {
          const dropped = jobs.shift()!;
          options.log?.warn(
            { webhook: shown, alert: dropped.key },
            `webhook ${shown} is behind; dropped alert ${dropped.key}`,
          );
        }
        running ??= drain();
      },
      busy: () => running !== undefined,
      idle: () => running ?? Promise.resolve(),
    };
  }

  const onAlert = (alert: RunAlert) => {
    if (alert.kind === 'finished') {
      for (const fp of firingSince.keys()) if (fp.startsWith(`${alert.runId}\u0000`)) firingSince.delete(fp);
      return;
    }
    // Only symptoms have a lifecycle an alert receiver understands (firing, then resolved).
    if (alert.kind !== 'symptom' || !alert.symptom) return;
    const now = new Date();
    const fingerprint = fingerprintOf(alert);
    const since = `${alert.runId}\u0000${fingerprint}`;
    const startsAt = (alert.change !== 'started' && firingSince.get(since)) || now;
    if (alert.change === 'resolved') firingSince.delete(since);
    else firingSince.set(since, startsAt);
    const payload = toAlertmanagerPayload(alert, { externalUrl: options.externalUrl(), startsAt, now });
    const key = `${fingerprint}:${payload.status}:${alert.seq ?? `${alert.change}@${alert.symptom.lastStep}`}`;
    for (const queue of queues) queue.push({ key, payload });
  };

  return {
    observer: { alert: onAlert },
    async idle() {
      // A queue may take a new alert while another drains: wait until all are quiet at once.
      while (queues.some((q) => q.busy())) await Promise.all(queues.map((q) => q.idle()));
    },
    close: () => controller.abort(),
  };
}

/** One POST; undefined when the receiver took it (2xx), else why not. */
async function tryPost(
  url: string,
  payload: AlertmanagerPayload,
  stop: AbortSignal,
): Promise<string | undefined> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'traindx-webhook' },
      body: JSON.stringify(payload),
      signal: AbortSignal.any([stop, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    });
    await res.body?.cancel();
    return res.ok ? undefined : `HTTP ${res.status}`;
  } catch (err) {
    return (err as Error).cause ? String((err as Error & { cause: unknown }).cause) : (err as Error).message;
  }
}

/** Waits `ms`, or less when the webhooks close. */
const sleep = (ms: number, stop: AbortSignal) => delay(ms, undefined, { signal: stop }).catch(() => {});
