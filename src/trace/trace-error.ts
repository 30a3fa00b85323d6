import { TraindxError } from '../errors/index.js';

/**
 * Bad trace input: names where it is (file or batch, line or event index) and
 * which field is wrong, in one sentence a person can act on.
 */
export class TraceError extends TraindxError {
  readonly code = 'BAD_TRACE';
  readonly category = 'trace';
  constructor(
    readonly where: { file?: string; line?: number; event?: number; offset?: number },
    readonly field: string | undefined,
    readonly detail: string,
  ) {
    super(`${describeWhere(where)}: ${field ? `field '${field}': ` : ''}${detail}`);
  }
}

function describeWhere(where: { file?: string; line?: number; event?: number; offset?: number }): string {
  const parts: string[] = [];
  if (where.file) parts.push(where.file);
  if (where.line !== undefined) parts.push(`line ${where.line}`);
  // A binary log (TFRecord, LevelDB log) names the byte where its damaged record starts.
  if (where.offset !== undefined) parts.push(`byte ${where.offset}`);
  // A batch names its events by index, as the client sent them.
  if (where.event !== undefined) parts.push(`events[${where.event}]`);
  return parts.join(', ') || 'trace';
}
