import type { Config } from '../config/index.js';
import { openTraindx } from '../engine/index.js';

/** `traindx seed`: loads graph-seed/ (plus any --dir of the user's own rules) into the store. */
export async function seed(config: Config, extraDirs: string[], log: (line: string) => void): Promise<void> {
  const { traindx, seeded } = await openTraindx(config, { seedDirs: extraDirs });
  try {
    log(`Seeded ${traindx.store.description}`);
    // kept: entries a team changed through the API, which the seed leaves as they are.
    log('part        created  updated  unchanged  kept');
    for (const [part, r] of Object.entries(seeded)) {
      log(
        `${part.padEnd(10)} ${String(r.created).padStart(8)} ${String(r.updated).padStart(8)} ${String(r.unchanged).padStart(10)} ${String(r.kept ?? 0).padStart(5)}`,
      );
    }
    const counts = await traindx.store.countKnowledge();
    log(
      `store now holds: ${counts.symptoms} symptoms, ${counts.causes} causes, ${counts.remedies} remedies, ${counts.sources} sources, ${counts.suggests} SUGGESTS, ${counts.fixedBy} FIXED_BY`,
    );
  } finally {
    await traindx.close();
  }
}
