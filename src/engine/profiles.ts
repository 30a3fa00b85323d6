import { join } from 'node:path';
import { createYamlParser, seedDir } from '../config/index.js';
import { loadProfile, type Profile, type ProfileValues } from '../detect/index.js';
import type { RunEvent } from '../domain/index.js';

export interface Profiles {
  /** A profile by name or YAML path (validated; cached for this instance). */
  load(nameOrPath: string): Promise<Profile>;
  /** A run's profile: the explicit one, else its `tags.profile`, else `default`. */
  forRun(run?: RunEvent): Promise<Profile>;
  /** The same, as a diagnosis names it (the chain, base first) with its values. */
  namedForRun(run: RunEvent): Promise<{ name: string; values: ProfileValues }>;
}

/**
 * Picks a run's threshold profile: an explicit one (`--profile`, a name or a
 * YAML path) wins, then the run's `tags.profile`, then `default`. Each
 * profile is loaded once per instance; a failed load is not kept, so a file
 * fixed on disk is read again.
 *
 * @example const profiles = createProfiles(config.profile); await profiles.forRun(run);
 */
export function createProfiles(explicit?: string): Profiles {
  const dir = join(seedDir(), 'profiles');
  const yaml = createYamlParser();
  const cache = new Map<string, Promise<Profile>>();
  const load = (name: string) => {
    let p = cache.get(name);
    if (!p) {
      p = loadProfile(name, dir, yaml);
      cache.set(name, p);
      p.catch(() => cache.delete(name));
    }
    return p;
  };
  const forRun = (run?: RunEvent) => load(explicit ?? run?.tags?.profile ?? 'default');
  return {
    load,
    forRun,
    async namedForRun(run) {
      const p = await forRun(run);
      return { name: p.chain.join(' > '), values: p.values };
    },
  };
}
