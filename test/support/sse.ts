/**
 * Subscribes to a GraphQL subscription over server-sent events (graphql-yoga's
 * default transport) and collects the payloads as they arrive.
 */
export async function subscribeSse(
  url: string,
  query: string,
  variables: object,
  headers: Record<string, string> = {},
) {
  const controller = new AbortController();
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  if (!res.ok || !res.body) throw new Error(`subscription refused: ${res.status}`);
  const received: any[] = [];
  const waiters: { test: (all: any[]) => boolean; resolve: () => void }[] = [];
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const pump = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = frame
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('');
          if (data) {
            const parsed = JSON.parse(data);
            if (parsed.data) received.push(parsed.data);
            for (const w of [...waiters]) if (w.test(received)) w.resolve();
          }
          cut = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    received,
    /** Resolves once the collected payloads satisfy `test`, or rejects after `ms`. */
    until(test: (all: any[]) => boolean, ms = 15_000): Promise<void> {
      if (test(received)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no such alert in ${ms} ms: ${JSON.stringify(received)}`)),
          ms,
        );
        waiters.push({
          test,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}
