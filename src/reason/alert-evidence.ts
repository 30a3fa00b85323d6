import type { AlertableSymptom } from './alert-decider.js';

const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi;
// A measured value (written with a decimal point or an exponent) that moved by a factor of 10
// is news; smaller moves are the noise of the next readings of the same state.
const MATERIAL_FACTOR = 10;
// A tenth of the confidence scale: 0.83 → 0.84 as a batch adds readings is not news, 0.8 → 0.9 is.
const MATERIAL_CONFIDENCE = 0.1;

/**
 * Whether an occurrence changed in a way worth an `updated` alert since it
 * was last announced: its severity, its confidence by a tenth or more, or its
 * evidence materially — other words (another arm of a rule), another
 * number of lines, or a measured value off by 10× or more.
 * Step, epoch and count numbers (integers) move with every batch and are not
 * news by themselves.
 *
 * @example materiallyDiffers(announced, latest) // false when only the latest step moved on
 */
export function materiallyDiffers(before: AlertableSymptom, after: AlertableSymptom): boolean {
  if (before.severity !== after.severity) return true;
  const dc = Math.abs((after.confidence ?? 0) - (before.confidence ?? 0));
  if (Math.round(dc * 100) >= MATERIAL_CONFIDENCE * 100) return true;
  const a = before.evidence ?? [];
  const b = after.evidence ?? [];
  if (a.length !== b.length) return true;
  return a.some((line, i) => evidenceLineDiffers(line, b[i]!));
}

function evidenceLineDiffers(before: string, after: string): boolean {
  if (before === after) return false;
  if (!sameWords(before.replace(NUMBER, '#'), after.replace(NUMBER, '#'))) return true;
  const x = before.match(NUMBER) ?? [];
  const y = after.match(NUMBER) ?? [];
  // Same words but another count of numbers (a list changed length): the values no longer pair up.
  if (x.length !== y.length) return false;
  return x.some((n, i) => isMeasured(n) && movedByFactor(Number(n), Number(y[i])));
}

// Compared as sets of words: a list that gains or loses a member of the same kind ("later layers
// too: dense_1, dense_2" → "…, dense_4", then back) is the same finding; new words are a new one.
function sameWords(a: string, b: string): boolean {
  const words = (t: string) => new Set(t.split(/[^\w#]+/).filter(Boolean));
  const x = words(a);
  const y = words(b);
  return x.size === y.size && [...x].every((w) => y.has(w));
}

const isMeasured = (n: string) => /[.e]/i.test(n);

function movedByFactor(a: number, b: number): boolean {
  if (a === b) return false;
  if (a === 0 || b === 0 || Math.sign(a) !== Math.sign(b)) return true;
  const ratio = Math.abs(a / b);
  return ratio >= MATERIAL_FACTOR || ratio <= 1 / MATERIAL_FACTOR;
}
