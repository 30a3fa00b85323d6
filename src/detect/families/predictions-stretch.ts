/** Stretch of consecutive epochs in which one metric keeps to a rule (at chance, pinned at the majority share). */
export interface EpochStretch {
  start: number;
  count: number;
  firstEpoch: number;
}

/** No stretch open. */
export const createStretch = (): EpochStretch => ({ start: -1, count: 0, firstEpoch: -1 });

/**
 * Ends the stretch on an epoch that breaks the rule: `clear` when one was
 * open (the metric has clearly left it), no verdict otherwise.
 *
 * @example if (a > bound) return endStretch(st);
 */
export function endStretch(st: EpochStretch): { kind: 'clear' } | undefined {
  const was = st.start >= 0;
  st.start = -1;
  st.count = 0;
  return was ? { kind: 'clear' } : undefined;
}

/**
 * Opens the stretch at step `first` of `epoch`, unless one is open already.
 *
 * @example openStretch(st, first, e.epoch); st.count++;
 */
export function openStretch(st: EpochStretch, first: number, epoch: number): void {
  if (st.start >= 0) return;
  st.start = first;
  st.firstEpoch = epoch;
}
