/** Whether a trace's numbers show something, and the numbers that say so. */
export interface Verdict {
  ok: boolean;
  detail: string;
}

export const verdict = (ok: boolean, detail: string): Verdict => ({ ok, detail });

/** Three significant digits for evidence text; a dash when missing. */
export const fmt = (v: number | undefined): string =>
  v === undefined ? '—' : Number(v.toPrecision(3)).toString();
