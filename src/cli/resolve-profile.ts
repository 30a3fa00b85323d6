import { join } from 'node:path';
import { seedDir } from '../config/index.js';
import { loadProfile, type Profile } from '../detect/index.js';
import type { RunEvent } from '../domain/index.js';

const PROFILES_DIR = () => join(seedDir(), 'profiles');

/**
 * Picks a run's threshold profile: an explicit `--profile` (name or YAML
 * path) wins, then the run's `tags.profile`, then `default`. Profiles are
 * cached by name; each load validates the file.
 */
export function createProfileResolver(explicit: string | undefined) {
  const cache = new Map<string, Promise<Profile>>();
  const load = (name: string) => {
    let p = cache.get(name);
    if (!p) {
      p = loadProfile(name, PROFILES_DIR());
      cache.set(name, p);
      p.catch(() => cache.delete(name));
    }
    return p;
  };
  return (run?: RunEvent): Promise<Profile> => load(explicit ?? run?.tags?.profile ?? 'default');
}
