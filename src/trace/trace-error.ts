/**
 * Bad trace input: names where it is (file or batch, line or event index) and
 * which field is wrong, in one sentence a person can act on.
 */
export class TraceError extends Error {
  constructor(
    readonly where: { file?: string; line?: number; event?: number },
    readonly field: string | undefined,
    readonly detail: string,
  ) {
    super(`${describeWhere(where)}: ${field ? `field '${field}': ` : ''}${detail}`);
    this.name = 'TraceError';
  }
}

function describeWhere(where: { file?: string; line?: number; event?: number }): string {
  const parts: string[] = [];
  if (where.file) parts.push(where.file);
  if (where.line !== undefined) parts.push(`line ${where.line}`);
  if (where.event !== undefined) parts.push(`event ${where.event}`);
  return parts.join(', ') || 'trace';
}
