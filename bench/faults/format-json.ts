const LINE_WIDTH = 110;

/**
 * JSON laid out as the repository's formatter (biome, line width 110) lays it
 * out, so a regenerated labels.json passes `biome check` untouched: objects
 * one key per line, arrays of plain values on one line when they fit.
 */
export function formatJson(value: unknown, indent = 0, prefix = 0, suffix = 0): string {
  const pad = (n: number) => ' '.repeat(n);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) {
      const inline = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
      // The line holds the indentation, the key (prefix) and a comma unless it is the last entry (suffix).
      if (indent + prefix + inline.length + suffix <= LINE_WIDTH) return inline;
    }
    const items = value.map(
      (v, i) => pad(indent + 2) + formatJson(v, indent + 2, 0, i < value.length - 1 ? 1 : 0),
    );
    return `[\n${items.join(',\n')}\n${pad(indent)}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([k, v], i) => {
      const key = `${JSON.stringify(k)}: `;
      return pad(indent + 2) + key + formatJson(v, indent + 2, key.length, i < entries.length - 1 ? 1 : 0);
    });
    return `{\n${lines.join(',\n')}\n${pad(indent)}}`;
  }
  return JSON.stringify(value);
}
