import type { TraceEvent } from '../domain/index.js';
import { decodeLine } from './decode-line.js';
import { TraceError } from './trace-error.js';
import { createSequenceState, validateEvent } from './validate-event.js';

/**
 * A whole trace given as text (GraphQL `importTrace`), validated whole before
 * the caller stores anything: the first bad line throws a `TraceError` naming
 * that line and field. Blank lines are skipped, as in files.
 *
 * @example parseTraceText(readFileSync('run.jsonl', 'utf8'), 'run.jsonl')
 */
export function parseTraceText(text: string, file?: string): TraceEvent[] {
  const state = createSequenceState();
  const events: TraceEvent[] = [];
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    const t = raw.trim();
    if (t === '') continue;
    const where = { ...(file ? { file } : {}), line };
    events.push(validateEvent(decodeLine(t, where), where, state));
  }
  if (!state.seenRun) {
    throw new TraceError(
      file ? { file } : {},
      'type',
      "the trace is empty: expected a first line of type 'run'",
    );
  }
  return events;
}
