const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML content and attribute values: every string from a
 * trace (layer names, run names, evidence) passes through here.
 *
 * @example esc('<dense & "relu">') // '&lt;dense &amp; &quot;relu&quot;&gt;'
 */
export const esc = (text: unknown): string => String(text ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/**
 * JSON for a `<script type="application/json">`: `<` is escaped so no value
 * (a layer called `</script>`) can end the element early.
 */
export const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** A steps range for text: `step 12` or `steps 12–40`. */
export const stepSpan = (first: number, last: number, unit = 'step'): string =>
  first === last ? `${unit} ${first}` : `${unit}s ${first}–${last}`;
