import type { MarkerSymbol } from './report-data.js';

/**
 * The marker shapes as SVG path data in a 10×10 box centred on 0: the HTML
 * text draws them as inline SVG and the chart script as canvas Path2D from
 * the same strings, so a symptom's marker looks the same in both places.
 */
export const MARKER_PATHS: Record<MarkerSymbol, string> = {
  triangle: 'M0-5L5 4H-5Z',
  square: 'M-4-4H4V4H-4Z',
  diamond: 'M0-5L5 0L0 5L-5 0Z',
  circle: 'M4.5 0A4.5 4.5 0 1 1-4.5 0A4.5 4.5 0 1 1 4.5 0Z',
  down: 'M0 5L5-4H-5Z',
  plus: 'M-1.6-5H1.6V-1.6H5V1.6H1.6V5H-1.6V1.6H-5V-1.6H-1.6Z',
  cross: 'M-4.2-2L-2-4.2L0-2.1L2-4.2L4.2-2L2.1 0L4.2 2L2 4.2L0 2.1L-2 4.2L-4.2 2L-2.1 0Z',
  star: 'M0-5L1.2-1.6L4.8-1.5L1.9 0.6L2.9 4L0 2L-2.9 4L-1.9 0.6L-4.8-1.5L-1.2-1.6Z',
};

/**
 * An inline SVG of a marker, hidden from screen readers (the text beside it
 * says which symptom it is).
 *
 * @example markerSvg('diamond') // '<svg class="sym" ...><path d="M0-5L5 0L0 5L-5 0Z"/></svg>'
 */
export function markerSvg(symbol: MarkerSymbol): string {
  return `<svg class="sym" viewBox="-6 -6 12 12" width="14" height="14" aria-hidden="true" focusable="false"><path d="${MARKER_PATHS[symbol]}"/></svg>`;
}
