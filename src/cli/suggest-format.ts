import type { Suggestion } from '../repair/index.js';
import { paletteOf, type Terminal } from './terminal.js';
import { wrapLines } from './train-output.js';

/**
 * One paragraph per structure suggestion (title, the run's numbers that call
 * for it, its edits) for a terminal: wrapped to its width, the titles bold
 * and the edits coloured where it takes colour.
 *
 * @example formatSuggestionsFor(suggestions, changes, terminalOf(process.stdout, process.env))
 */
export function formatSuggestionsFor(
  suggestions: Suggestion[],
  changes: Map<string, string[]>,
  terminal: Terminal,
): string[] {
  const p = paletteOf(terminal);
  if (suggestions.length === 0)
    return wrapLines(
      'No structure change suggested: none of the rules fired on this run’s numbers.',
      terminal.width,
    );
  return suggestions.flatMap((s, i) => {
    const applied = changes.get(s.id);
    const edits = applied
      ? applied.join('; ')
      : s.edits.map((e) => `${e.op} ${e.at}${e.field ? `.${e.field}` : ''}`).join('; ') ||
        'none the template can express';
    return wrapLines(
      [
        `${i + 1}. ${p.bold(s.title)} (${s.id})`,
        `   because ${s.because}`,
        `   edits: ${p.cyan(edits)}`,
      ].join('\n'),
      terminal.width,
    );
  });
}
