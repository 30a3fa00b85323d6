import type { Point } from './event-stream.js';

/**
 * Merges streams of points, each in non-decreasing step order, into one in
 * step order, batch by batch: what every open stream has passed is safe to
 * hand on (a later batch of any stream starts at or above it). Points of the
 * same step stay together, so the run builder merges them into one step.
 *
 * @example for await (const points of mergeByStep([train, validation])) ...
 */
export async function* mergeByStep(streams: AsyncIterator<Point[]>[]): AsyncGenerator<Point[]> {
  if (streams.length === 1) {
    for (let r = await streams[0]!.next(); !r.done; r = await streams[0]!.next()) yield r.value;
    return;
  }
  const heads: (Point[] | undefined)[] = streams.map(() => []);
  const at = streams.map(() => 0);
  for (;;) {
    for (let i = 0; i < streams.length; i++) {
      while (heads[i] && at[i]! >= heads[i]!.length) {
        const r = await streams[i]!.next();
        heads[i] = r.done ? undefined : r.value;
        at[i] = 0;
      }
    }
    const open = heads.flatMap((h, i) => (h ? [i] : []));
    if (open.length === 0) return;
    // Every open stream has reached at least `bound`: all points up to it can go.
    const bound = Math.min(...open.map((i) => heads[i]![heads[i]!.length - 1]!.step));
    const out: Point[] = [];
    for (const i of open) {
      const h = heads[i]!;
      let j = at[i]!;
      // The stream that set the bound hands on its whole batch: a stream that went back in steps
      // (the run builder drops what goes back, and says so) would otherwise hold its points forever.
      const all = h[h.length - 1]!.step === bound;
      while (j < h.length && (all || h[j]!.step <= bound)) out.push(h[j++]!);
      at[i] = j;
    }
    out.sort((a, b) => a.step - b.step); // stable: each stream's order within a step is kept
    yield out;
  }
}
