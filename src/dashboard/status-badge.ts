import { esc } from '../report/index.js';

// A run's status as a symbol and a word, so it reads without its colour.
const SYMBOLS: Record<string, string> = {
  running: '▶',
  completed: '✓',
  diverged: '✗',
  crashed: '✗',
  stopped: '■',
};

/**
 * The status badge of a run (the runs list draws the same one in the browser).
 *
 * @example statusBadge('diverged') // '<span class="status status-diverged"><span aria-hidden="true">✗</span> diverged</span>'
 */
export function statusBadge(status: string): string {
  const known = status in SYMBOLS ? status : 'other';
  return `<span class="status status-${known}"><span aria-hidden="true">${SYMBOLS[status] ?? '•'}</span> ${esc(status)}</span>`;
}

export const STATUS_SYMBOLS = SYMBOLS;
