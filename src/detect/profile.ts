import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { createYamlParser, type YamlParser } from '../config/index.js';
import { TraindxError } from '../errors/index.js';

const Threshold = z.object({
  value: z.number(),
  reason: z.string().min(1, 'every threshold needs a one-line reason'),
});

/** A profile file: named sections of thresholds, each with a reason; may extend another profile. */
export const ProfileFile = z.object({
  name: z.string().min(1),
  description: z.string().min(1),
  extends: z.string().optional(),
  thresholds: z.record(z.string(), z.record(z.string(), Threshold)),
});
export type ProfileFile = z.infer<typeof ProfileFile>;

/** Resolved thresholds: section → key → value. */
export type ProfileValues = Record<string, Record<string, number>>;

export interface Profile {
  name: string;
  /** The chain of profiles applied, base first (e.g. ['default', 'vision-cnn', 'my.yaml']). */
  chain: string[];
  values: ProfileValues;
}

/** A threshold profile that cannot be found or does not validate. */
export class ProfileError extends TraindxError {
  readonly code = 'BAD_PROFILE';
  readonly category = 'profile';
}

/**
 * Loads a profile by name (from `profilesDir`) or by path to a user's YAML
 * file, following `extends` (default: `default`) so a file only needs the
 * thresholds it changes.
 *
 * @example const profile = await loadProfile('vision-cnn', join(seedDir(), 'profiles'));
 */
export async function loadProfile(
  nameOrPath: string,
  profilesDir: string,
  yaml: YamlParser = createYamlParser(),
): Promise<Profile> {
  const chain: ProfileFile[] = [];
  const labels: string[] = [];
  let next: string | undefined = nameOrPath;
  while (next !== undefined) {
    if (labels.length > 8)
      throw new ProfileError(`profile '${nameOrPath}': 'extends' chain too long or circular`);
    const path = /[/\\]|\.ya?ml$/.test(next) ? next : join(profilesDir, `${next}.yaml`);
    if (!existsSync(path)) {
      throw new ProfileError(`profile '${next}' not found (looked for ${path})`);
    }
    const file = await readProfileFile(path, yaml);
    chain.unshift(file);
    labels.unshift(file.name);
    next = file.name === 'default' ? undefined : (file.extends ?? 'default');
  }
  const values: ProfileValues = {};
  for (const file of chain) {
    for (const [section, entries] of Object.entries(file.thresholds)) {
      values[section] ??= {};
      for (const [key, t] of Object.entries(entries)) values[section]![key] = t.value;
    }
  }
  return { name: labels.at(-1)!, chain: labels, values };
}

async function readProfileFile(path: string, yaml: YamlParser): Promise<ProfileFile> {
  let doc: unknown;
  try {
    doc = await yaml.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ProfileError(`${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = ProfileFile.safeParse(doc);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ProfileError(`${path}: field '${issue.path.join('.')}': ${issue.message}`);
  }
  return result.data;
}
