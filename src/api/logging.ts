import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DestinationStream, type Logger, pino } from 'pino';
import { currentRequest, type RequestScope, requestIdOf, runInRequestScope } from './request-scope.js';

export type { Logger } from 'pino';
/** Where log lines go: anything with write(line). */
export type LogDestination = DestinationStream;
export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  format: LogFormat;
  level: 'debug' | 'info' | 'warn' | 'error';
  /** Where lines go (default: stdout, written synchronously so no line is lost at exit). */
  destination?: DestinationStream;
}

/**
 * The server's logger: one JSON object a line (pino), each line written
 * while a request is served carrying its `reqId`; `pretty` writes the same
 * lines for a person (time, level, message, then key=value).
 *
 * @example const log = createLogger({ format: 'json', level: 'info' }); log.info({ port }, 'listening');
 */
export function createLogger({ format, level, destination }: LoggerOptions): Logger {
  const out = destination ?? pino.destination({ dest: 1, sync: true });
  return pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      // The request id of the request being served, on every line written for it (Yoga's too).
      mixin: () => {
        const scope = currentRequest();
        return scope ? { reqId: scope.id } : {};
      },
    },
    format === 'pretty' ? prettyStream(out) : out,
  );
}

/**
 * The node:http listener with a request id and one log line per request:
 * the client's `X-Request-Id` when sane (else a new one), echoed in the
 * answer; the line has method, path (no query string), status, duration
 * and, on a refusal, the error code; never a body or a header's value.
 *
 * @example createServer(logRequests(app, log))
 */
export function logRequests<L extends (req: IncomingMessage, res: ServerResponse) => unknown>(
  listener: L,
  log: Logger | undefined,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const scope: RequestScope = { id: requestIdOf(req.headers['x-request-id']) };
    res.setHeader('x-request-id', scope.id);
    if (log) {
      const started = process.hrtime.bigint();
      res.once('close', () => {
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        const status = res.statusCode;
        const line = {
          reqId: scope.id,
          method: req.method,
          path: (req.url ?? '').split('?')[0]!.slice(0, 200),
          status,
          durationMs: Math.round(durationMs * 10) / 10,
          ...(scope.code ? { code: scope.code } : {}),
          // The client went away before the answer was written whole.
          ...(res.writableFinished ? {} : { aborted: true }),
        };
        const msg = `${line.method} ${line.path} ${status}`;
        if (status >= 500) log.error(line, msg);
        else log.info(line, msg);
      });
    }
    runInRequestScope(scope, () => listener(req, res));
  };
}

/** Yoga's logger on ours: its unexpected errors become JSON lines with the request id. */
export function yogaLogger(log: Logger) {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const err = args.find((a) => a instanceof Error) as Error | undefined;
      const words = args
        .filter((a) => !(a instanceof Error))
        .map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
      const msg = words.join(' ') || err?.message || '';
      if (err) log[level]({ err }, msg);
      else log[level](msg);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
// Keys every line has, shown in the prefix (time, level, message) or not at all (pid, hostname).
const PREFIX_KEYS = new Set(['time', 'level', 'msg', 'pid', 'hostname']);

/**
 * The lines for a person: `12:03:04.512 INFO  traindx listening on … address=…`.
 * Built in (pino-pretty brings thirteen packages for this).
 */
export function prettyStream(out: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      out.write(`${prettyLine(line)}\n`);
    },
  };
}

export function prettyLine(line: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const time = typeof o.time === 'string' ? o.time.slice(11, 23) : '';
  const level = (LEVELS[o.level as number] ?? String(o.level)).padEnd(5);
  const rest = Object.entries(o)
    .filter(([k]) => !PREFIX_KEYS.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' && /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)}`);
  return [time, level, o.msg ?? '', ...rest].filter((s) => s !== '').join(' ');
}
