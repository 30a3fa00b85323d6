/** How text goes to one output stream: with colour or not, and how wide a line may be. */
export interface Terminal {
  color: boolean;
  /** Columns a line may fill. */
  width: number;
}

/** What `terminalOf` reads from a stream (a `tty.WriteStream` has both, a pipe neither). */
interface StreamLike {
  isTTY?: boolean;
  columns?: number;
}

// A pipe or a file has no width: 80 is what `fmt`, `less` and most terminals assume.
const PIPED_WIDTH = 80;
// Below this, wrapped evidence would be a word a line; such a terminal gets 40 and may wrap itself.
const MIN_WIDTH = 40;

/**
 * Colour and width for a stream, by the conventions other tools follow:
 * `FORCE_COLOR` (any value but `0`/`false`) turns colour on even into a pipe,
 * else a non-empty `NO_COLOR` (no-color.org) or `TERM=dumb` turns it off, else
 * colour only on a TTY. The width is the terminal's, 80 when piped.
 *
 * @example terminalOf(process.stdout, process.env) // { color: true, width: 120 } in a terminal
 */
export function terminalOf(stream: StreamLike, env: NodeJS.ProcessEnv): Terminal {
  const tty = stream.isTTY === true;
  const width = tty && stream.columns ? Math.max(MIN_WIDTH, stream.columns) : PIPED_WIDTH;
  return { color: colorWanted(tty, env), width };
}

function colorWanted(tty: boolean, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return tty;
}

export type Paint = (text: string) => string;

/** The few SGR styles the CLI uses; each a no-op without colour. */
export interface Palette {
  bold: Paint;
  dim: Paint;
  red: Paint;
  yellow: Paint;
  green: Paint;
  cyan: Paint;
}

const sgr =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Paint = (text) => text;

/**
 * Paints for a terminal: ANSI when colour is on, the identity otherwise.
 *
 * @example paletteOf({ color: true, width: 80 }).red('CRITICAL') // '\u001b[31mCRITICAL\u001b[39m'
 */
export function paletteOf(terminal: Terminal): Palette {
  if (!terminal.color)
    return { bold: plain, dim: plain, red: plain, yellow: plain, green: plain, cyan: plain };
  return {
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    yellow: sgr(33, 39),
    green: sgr(32, 39),
    cyan: sgr(36, 39),
  };
}

// SGR sequences take no columns.
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const hasAnsi = (text: string) => text.includes(ESC);

/** Columns a string fills on screen (ANSI colour codes take none). */
export const visibleLength = (text: string) => [...text.replace(ANSI, '')].length;

/**
 * Word-wraps one paragraph to `width` columns: the first line starts with
 * `first`, the rest with `rest` (a hanging indent). A word longer than a line
 * is cut, so no line is wider than `width`.
 *
 * @example wrap('a long sentence', 10, '  ', '    ') // ['  a long', '    sentence']
 */
export function wrap(text: string, width: number, first = '', rest = first): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  const room = (prefix: string) => Math.max(1, width - visibleLength(prefix));
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const sep = empty ? '' : ' ';
    if (visibleLength(line) + sep.length + visibleLength(word) <= width) {
      line += sep + word;
      empty = false;
      continue;
    }
    if (!empty) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    let piece = word;
    // Only plain words are cut: a coloured one is a short label and stays whole.
    while (visibleLength(line) + visibleLength(piece) > width && !hasAnsi(piece)) {
      const n = room(line);
      const chars = [...piece];
      lines.push(line + chars.slice(0, n).join(''));
      line = rest;
      piece = chars.slice(n).join('');
    }
    line += piece;
    empty = piece.length === 0;
  }
  if (!empty || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * One line cut to `width` columns with an ellipsis (plain text only).
 *
 * @example clip('a long sentence', 8) // 'a long …'
 */
export function clip(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}
