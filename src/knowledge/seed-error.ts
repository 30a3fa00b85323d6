import { TraindxError } from '../errors/index.js';

/** A broken seed entry, named by file and id (or index) and field. */
export class SeedError extends TraindxError {
  readonly code = 'BAD_KNOWLEDGE';
  readonly category = 'knowledge';
  constructor(readonly problems: string[]) {
    super(
      `The knowledge seed is invalid:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : ''}`,
    );
  }
}
