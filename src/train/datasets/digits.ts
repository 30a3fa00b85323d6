import type { Dataset } from './dataset.js';
import type { Rng } from './rng.js';

// Ten digit glyphs, 6 columns × 7 rows, drawn into an 8 × 8 image shifted by up
// to one pixel each way; pixel values 0..16 as in scikit-learn's 8×8 digits
// (UCI optdigits), which this set imitates without downloading it.
const GLYPHS = [
  ['.####.', '##..##', '##..##', '##..##', '##..##', '##..##', '.####.'],
  ['..##..', '.###..', '..##..', '..##..', '..##..', '..##..', '.####.'],
  ['.####.', '##..##', '....##', '...##.', '..##..', '.##...', '######'],
  ['#####.', '....##', '....##', '.####.', '....##', '....##', '#####.'],
  ['...##.', '..###.', '.#.##.', '#..##.', '######', '...##.', '...##.'],
  ['######', '##....', '#####.', '....##', '....##', '##..##', '.####.'],
  ['..###.', '.##...', '##....', '#####.', '##..##', '##..##', '.####.'],
  ['######', '....##', '...##.', '..##..', '..##..', '.##...', '.##...'],
  ['.####.', '##..##', '##..##', '.####.', '##..##', '##..##', '.####.'],
  ['.####.', '##..##', '##..##', '.#####', '....##', '...##.', '.###..'],
];

/**
 * Image-like 8×8 digits: each example is a glyph, shifted, with pixel noise
 * and a few strokes dropped. `noise` scales the pixel noise (default 1).
 *
 * @example digits8x8(createRng(1), 500, 1)
 */
export function digits8x8(rng: Rng, n: number, noise: number): Dataset {
  const x = new Float32Array(n * 64);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 10;
    labels[i] = k;
    // A 6×7 glyph fits an 8×8 image at columns 0–2 and rows 0–1.
    const dx = rng.int(3);
    const dy = rng.int(2);
    const glyph = GLYPHS[k]!;
    for (let r = 0; r < 8; r++)
      for (let c = 0; c < 8; c++) {
        const on = glyph[r - dy]?.[c - dx] === '#' && rng.uniform() > 0.1;
        const v = (on ? 13 : 1) + noise * 3 * rng.normal();
        x[i * 64 + r * 8 + c] = Math.round(Math.min(16, Math.max(0, v)));
      }
  }
  return { name: 'digits8x8', n, shape: [8, 8, 1], x, labels, numClasses: 10 };
}
