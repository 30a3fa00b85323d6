/**
 * A fixed-capacity window of the last values (and their steps), as plain
 * arrays so it serialises as it is. Oldest values are overwritten.
 */
export interface RingWindow {
  cap: number;
  values: number[];
  steps: number[];
  /** index of the next write */
  head: number;
  size: number;
}

export const createWindow = (cap: number): RingWindow => ({ cap, values: [], steps: [], head: 0, size: 0 });

export function pushWindow(w: RingWindow, step: number, value: number): void {
  w.values[w.head] = value;
  w.steps[w.head] = step;
  w.head = (w.head + 1) % w.cap;
  if (w.size < w.cap) w.size++;
}

export const windowFull = (w: RingWindow): boolean => w.size === w.cap;

/** Values oldest first. */
export function windowValues(w: RingWindow): number[] {
  const out: number[] = new Array(w.size);
  const start = (w.head - w.size + w.cap) % w.cap;
  for (let i = 0; i < w.size; i++) out[i] = w.values[(start + i) % w.cap]!;
  return out;
}

/** Steps oldest first. */
export function windowSteps(w: RingWindow): number[] {
  const out: number[] = new Array(w.size);
  const start = (w.head - w.size + w.cap) % w.cap;
  for (let i = 0; i < w.size; i++) out[i] = w.steps[(start + i) % w.cap]!;
  return out;
}

/** The value written `back` pushes ago (0 = newest). */
export function windowAt(w: RingWindow, back: number): number | undefined {
  if (back >= w.size) return undefined;
  return w.values[(w.head - 1 - back + 2 * w.cap) % w.cap];
}
