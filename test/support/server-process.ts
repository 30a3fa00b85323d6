import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote to stdout so far (its log lines). */
  stdout(): string;
  /** SIGKILL: no shutdown hook runs, as in a crash. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the real `traindx serve` in its own process on a free port of 127.0.0.1. */
export async function startServer(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      join(ROOT, 'node_modules/tsx/dist/esm/index.mjs'),
      join(ROOT, 'src/cli/main.ts'),
      'serve',
      '--port',
      '0',
      ...args,
    ],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = output.match(/listening on (http:\/\/[^\s/]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    child,
    stdout: () => stdout,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** POSTs a GraphQL operation to a running server. */
export async function postGraphql(url: string, query: string, variables?: object): Promise<any> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as any;
  if (body.errors) throw new Error(body.errors.map((e: any) => e.message).join('; '));
  return body.data;
}

const INGEST = `mutation($runId: ID!, $batchId: ID!, $events: [JSON!]!) {
  ingest(runId: $runId, batchId: $batchId, events: $events) { accepted eventCount } }`;

/** Sends events in batches of `size` with batch ids b0, b1, ...; non-finite numbers as the spec's strings. */
export async function streamBatches(
  url: string,
  runId: string,
  events: object[],
  size: number,
  fromBatch = 0,
  toBatch = Infinity,
) {
  const encode = (e: object) =>
    JSON.parse(JSON.stringify(e, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));
  for (let b = fromBatch; b * size < events.length && b < toBatch; b++) {
    await postGraphql(url, INGEST, {
      runId,
      batchId: `b${b}`,
      events: events.slice(b * size, (b + 1) * size).map(encode),
    });
  }
}

export const DIAGNOSIS_QUERY = `query($id: ID!) { run(id: $id) { eventCount status diagnosis {
  symptoms { id confidence severity firstStep lastStep layer evidence }
  causes { id confidence explanation path { from rel to weight } }
  remedies { id forCauses action } structureEdits missingSignals } } }`;
