import { MonitorAlert } from '../alert.js';
import type { GraphqlEndpoint } from './graphql-http.js';

const ALERTS = `subscription($runId: ID!) { alerts(runId: $runId) { runId seq kind step
  symptom { id name confidence severity firstStep lastStep layer evidence } topCause { id name confidence } } }`;

/**
 * Listens to the server's `alerts(runId)` subscription over server-sent
 * events (graphql-yoga: POST with `Accept: text/event-stream`), reconnecting
 * with backoff when the stream breaks, until `signal` aborts or the server
 * completes the subscription. The server sends a run's stored alerts first
 * on every (re)connection: an alert already passed on (by its seq) is not
 * passed on again.
 *
 * @example subscribeAlerts(ep, 'r1', (a) => console.log(a.symptom.id), controller.signal);
 */
export async function subscribeAlerts(
  ep: GraphqlEndpoint,
  runId: string,
  onAlert: (alert: MonitorAlert) => void,
  signal: AbortSignal,
  retryMaxMs = 10_000,
): Promise<void> {
  let failures = 0;
  const seen = new Set<number>();
  while (!signal.aborted) {
    try {
      const res = await fetch(ep.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...ep.headers },
        body: JSON.stringify({ query: ALERTS, variables: { runId } }),
        signal,
      });
      if (!res.ok || !res.body) throw new Error(`subscription answered ${res.status}`);
      failures = 0;
      for await (const message of readEvents(res.body)) {
        if (message.event === 'complete') return;
        if (message.event !== 'next' || !message.data) continue;
        const payload = JSON.parse(message.data) as { data?: { alerts?: unknown }; errors?: unknown[] };
        // A schema without the subscription (or with another shape) answers with errors: nothing to wait for.
        if (payload.errors?.length) return;
        const seq = (payload.data?.alerts as { seq?: unknown } | undefined)?.seq;
        if (typeof seq === 'number') {
          if (seen.has(seq)) continue;
          seen.add(seq);
        }
        const alert = MonitorAlert.safeParse(payload.data?.alerts);
        if (alert.success) onAlert(alert.data);
      }
    } catch {
      if (signal.aborted) return;
    }
    failures++;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.min(retryMaxMs, 250 * 2 ** failures));
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          resolve();
        },
        { once: true },
      );
    });
  }
}

/** Parses a text/event-stream body into its messages (`event`, `data`; comments and ids ignored). */
export async function* readEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<{ event: string; data: string }> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
      if (line === '') {
        if (data.length > 0 || event !== 'message') yield { event, data: data.join('\n') };
        event = 'message';
        data = [];
      } else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
  }
}
