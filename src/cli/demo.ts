import { seedDir } from '../config/index.js';
import { runDemo } from '../demo/index.js';
import { loadSeed, seedStore } from '../knowledge/index.js';
import { openMemoryStore } from '../store/index.js';
import { createProfileResolver } from './resolve-profile.js';

/** `traindx demo`: wiring only; an embedded store that lives as long as the command. */
export async function demo(only: string[], out: (line: string) => void): Promise<void> {
  const store = await openMemoryStore({ dataDir: null });
  await seedStore(store, await loadSeed([seedDir()]));
  const pick = createProfileResolver(undefined);
  const profileFor = async (run: Parameters<typeof pick>[0]) => {
    const p = await pick(run);
    return { name: p.chain.join(' > '), values: p.values };
  };
  try {
    await runDemo({ store, profileFor, out, only });
  } finally {
    await store.close();
  }
}
