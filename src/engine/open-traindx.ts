import { type Config, seedDir } from '../config/index.js';
import { loadSeed, type SeedReport, seedStore } from '../knowledge/index.js';
import { openMemoryStore, openStore } from '../store/index.js';
import type { AlertBus } from './alert-bus.js';
import { createTraindx, type Traindx, type TraindxOptions } from './create-traindx.js';

/**
 * Opens the store the config names, seeds it with `graph-seed/` (and any
 * extra folders of the user's own rules; idempotent, learned counts kept)
 * and returns traindx on it: what `serve`, `seed`, `train` and the demo start
 * from.
 *
 * @example const { traindx } = await openTraindx(loadConfig(process.env));
 */
export async function openTraindx(
  config: Pick<
    Config,
    | 'store'
    | 'dataDir'
    | 'neo4jUri'
    | 'neo4jUser'
    | 'neo4jPassword'
    | 'neo4jDatabase'
    | 'profile'
    | 'maxBatchEvents'
    | 'maxLayersPerRun'
    | 'maxSeriesPerRun'
  >,
  options: { seedDirs?: string[]; alertBus?: AlertBus } = {},
): Promise<{ traindx: Traindx; seeded: SeedReport }> {
  const store = await openStore(config);
  try {
    return await seedTraindx(
      {
        store,
        profile: config.profile,
        alertBus: options.alertBus,
        maxEventsPerBatch: config.maxBatchEvents,
        maxLayersPerRun: config.maxLayersPerRun,
        maxSeriesPerRun: config.maxSeriesPerRun,
      },
      options.seedDirs,
    );
  } catch (err) {
    await store.close();
    throw err;
  }
}

/**
 * Seeds a store that is already open with `graph-seed/` (and extra folders),
 * then returns traindx on it; the store seeds itself again if it is found
 * fresh later (GraphStore.onFresh).
 *
 * @example const { traindx } = await seedTraindx({ store: await openMemoryStore({ dataDir: null }) });
 */
export async function seedTraindx(
  options: TraindxOptions,
  seedDirs: string[] = [],
): Promise<{ traindx: Traindx; seeded: SeedReport }> {
  const seed = await loadSeed([seedDir(), ...seedDirs]);
  const seeded = await seedStore(options.store, seed);
  const traindx = createTraindx(options);
  // A store found fresh later (a Neo4j back from an outage without its data) is seeded again before it serves.
  options.store.onFresh(async (store) => {
    await seedStore(store, seed);
    traindx.invalidateKnowledge();
  });
  return { traindx, seeded };
}

/**
 * traindx on a seeded in-memory store that persists nothing: for one-shot work
 * (diagnosing or reporting a file, the demo, tests).
 *
 * @example const traindx = await openEphemeralTraindx({ keepSeries: false });
 */
export async function openEphemeralTraindx(options: Omit<TraindxOptions, 'store'> = {}): Promise<Traindx> {
  return (await seedTraindx({ ...options, store: await openMemoryStore({ dataDir: null }) })).traindx;
}
