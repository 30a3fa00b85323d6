import type { TraceEvent } from '../domain/index.js';
import { decodeLine } from './decode-line.js';
import { DEFAULT_READ_LIMITS, type ReadLimits, readLineChunks } from './read-lines.js';
import { TraceError } from './trace-error.js';
import { createSequenceState, validateEvent } from './validate-event.js';

/**
 * Streams the events of a trace file, validated, in order, a chunk of the
 * file at a time. Throws a `TraceError` naming the file, the line and the
 * field at the first bad line (the chunks before it were yielded).
 *
 * @example for await (const events of readTraceChunks('run.jsonl')) console.log(events.length);
 */
export async function* readTraceChunks(
  path: string,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): AsyncGenerator<TraceEvent[]> {
  const state = createSequenceState();
  for await (const lines of readLineChunks(path, limits)) {
    const events: TraceEvent[] = [];
    for (const { text, line } of lines) {
      const where = { file: path, line };
      events.push(validateEvent(decodeLine(text, where), where, state));
    }
    yield events;
  }
  if (!state.seenRun) {
    throw new TraceError({ file: path }, 'type', "the trace is empty: expected a first line of type 'run'");
  }
}

/**
 * The events of a trace file one by one (see readTraceChunks).
 *
 * @example for await (const event of readTrace('run.jsonl')) console.log(event.type);
 */
export async function* readTrace(path: string): AsyncGenerator<TraceEvent> {
  for await (const events of readTraceChunks(path)) yield* events;
}
