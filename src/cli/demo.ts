import { runDemo } from '../demo/index.js';
import { openEphemeralTraindx } from '../engine/index.js';

/** `traindx demo`: wiring only; an embedded traindx that lives as long as the command. */
export async function demo(only: string[], out: (line: string) => void): Promise<void> {
  const traindx = await openEphemeralTraindx();
  try {
    await runDemo({ traindx, out, only });
  } finally {
    await traindx.close();
  }
}
