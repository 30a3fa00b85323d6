// One typed scratch buffer for the sorting and selection the window medians
// and robust fits do: none keeps data in it between calls (it is not state),
// so a detector asking every few steps allocates nothing.
let buffer = new Float64Array(256);

/** A scratch view of n numbers; its contents are whatever the last caller left. */
export function scratchOf(n: number): Float64Array {
  if (buffer.length < n) buffer = new Float64Array(Math.max(n, buffer.length * 2));
  return buffer.subarray(0, n);
}
