/**
 * The cells of one CSV line (RFC 4180 quoting: `"a,b"`, `""` for a quote),
 * as Python's csv module writes them (Keras and Lightning loggers use it).
 *
 * @example splitCsvLine('1,"[0.1, 0.2]",nan') // ['1', '[0.1, 0.2]', 'nan']
 */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

const NON_FINITE: Readonly<Record<string, number>> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  '+inf': Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
  '-infinity': Number.NEGATIVE_INFINITY,
};

/**
 * A cell as a number: Python's `nan`, `inf`, `-inf` (any case) are the
 * non-finite numbers they say; an empty cell or a word is `undefined`.
 *
 * @example parseCell('nan') // NaN
 */
export function parseCell(cell: string): number | undefined {
  const text = cell.trim();
  if (text === '') return undefined;
  const special = NON_FINITE[text.toLowerCase()];
  if (special !== undefined) return special;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}
