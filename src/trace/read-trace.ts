import type { TraceEvent } from '../domain/index.js';
import { decodeLine } from './decode-line.js';
import { readLines } from './read-lines.js';
import { TraceError } from './trace-error.js';
import { createSequenceState, validateEvent } from './validate-event.js';

/**
 * Streams the events of a trace file, validated, in order. Throws a
 * `TraceError` naming the file, the line and the field at the first bad line.
 *
 * @example for await (const event of readTrace('run.jsonl')) console.log(event.type);
 */
export async function* readTrace(path: string): AsyncGenerator<TraceEvent> {
  const state = createSequenceState();
  for await (const { text, line } of readLines(path)) {
    const where = { file: path, line };
    yield validateEvent(decodeLine(text, where), where, state);
  }
  if (!state.seenRun) {
    throw new TraceError({ file: path }, 'type', "the trace is empty: expected a first line of type 'run'");
  }
}
