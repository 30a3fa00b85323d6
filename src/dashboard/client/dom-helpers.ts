/**
 * The small DOM helpers both list and run pages use, inlined into each page's
 * script (each script is its own IIFE, served as one asset).
 */
export const DOM_HELPERS = `function fmt(v) { return String(Number(v.toPrecision(2))); }

function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}`;
