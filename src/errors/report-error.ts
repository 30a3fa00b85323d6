import type { ErrorCategory, TraindxError } from './traindx-error.js';

/** CLI exit codes: 2 for anything the user can fix in their input, 3 for a service that is down. */
const EXIT_CODES: Record<ErrorCategory, number> = {
  trace: 2,
  profile: 2,
  config: 2,
  knowledge: 2,
  input: 2,
  not_found: 2,
  conflict: 2,
  limit: 2,
  auth: 2,
  unavailable: 3,
};

/**
 * How the CLI reports an expected error: its exit code and the one line it
 * prints (`traindx: <message>`).
 *
 * @example exitCodeOf(new TraceError({ file: 'a.jsonl', line: 3 }, 'step', 'expected a number')) // 2
 */
export const exitCodeOf = (err: TraindxError): number => EXIT_CODES[err.category];
