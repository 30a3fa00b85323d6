import type { z } from 'zod';
import { BodyEvent, EVENT_TYPES, RunEvent, type TraceEvent } from '../domain/index.js';
import { isPlainStep } from './fast-step-check.js';
import { TraceError } from './trace-error.js';

type Where = { file?: string; line?: number; event?: number };

/**
 * Checks one decoded event against the schema of its type and the order rules
 * of a trace: the first event is `run`, later ones are not, and `step` events
 * have strictly increasing steps. `state` carries what the order rules need
 * between calls (the last step seen), so a stream is checked in O(1) memory.
 */
export function validateEvent(raw: unknown, where: Where, state: SequenceState): TraceEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new TraceError(where, undefined, 'expected a JSON object');
  }
  const type = (raw as { type?: unknown }).type;
  if (!EVENT_TYPES.includes(type as (typeof EVENT_TYPES)[number])) {
    throw new TraceError(
      where,
      'type',
      `expected one of ${EVENT_TYPES.join(', ')}, got ${JSON.stringify(type)}`,
    );
  }
  if (state.seenRun === false && type !== 'run') {
    throw new TraceError(where, 'type', `the first event must be 'run', got '${String(type)}'`);
  }
  if (state.seenRun && type === 'run') {
    throw new TraceError(where, 'type', "'run' may appear only once, as the first event");
  }
  let event: TraceEvent;
  if (state.seenRun && isPlainStep(raw as Record<string, unknown>)) event = raw as TraceEvent;
  else {
    const result = (type === 'run' ? RunEvent : BodyEvent).safeParse(raw);
    if (!result.success) throw fromZodError(result.error, raw, where);
    event = result.data as TraceEvent;
  }
  if (event.type === 'run') state.seenRun = true;
  if (event.type === 'step') {
    if (state.lastStep !== undefined && event.step <= state.lastStep) {
      throw new TraceError(
        where,
        'step',
        `expected a step greater than ${state.lastStep} (steps must strictly increase), got ${event.step}`,
      );
    }
    state.lastStep = event.step;
  }
  return event;
}

export interface SequenceState {
  seenRun: boolean;
  lastStep: number | undefined;
}

export function createSequenceState(resume?: Partial<SequenceState>): SequenceState {
  return { seenRun: resume?.seenRun ?? false, lastStep: resume?.lastStep };
}

function fromZodError(error: z.ZodError, raw: unknown, where: Where): TraceError {
  const issue = error.issues[0]!;
  const path = issue.path.map(String);
  const field = path.join('.') || undefined;
  const got = path.length ? valueAt(raw, path) : raw;
  const gotText = got === undefined ? 'nothing (missing)' : truncate(JSON.stringify(got) ?? String(got));
  return new TraceError(where, field, `${issue.message}; got ${gotText}`);
}

function valueAt(raw: unknown, path: string[]): unknown {
  let v: unknown = raw;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
