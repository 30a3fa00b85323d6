import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_FAMILIES, createDetectorSet, loadProfile, ProfileError } from '../../src/detect/index.js';
import { createProfiles } from '../../src/engine/index.js';
import { eventsOf } from '../generators/index.js';
import { detect, ofSymptom, PROFILES_DIR, profileValues } from './harness.js';

const run = eventsOf({ steps: 10 })[0]!;

/** Writes a user's profile file into a fresh temporary folder; returns its path. */
function writeUserProfile(fileName: string, yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'traindx-profile-')), fileName);
  writeFileSync(path, yaml);
  return path;
}

describe('threshold profiles', () => {
  it.each(['default', 'small-tabular', 'vision-cnn', 'fine-tuning'])(
    'ships %s, valid for every detector family',
    async (name) => {
      const profile = await loadProfile(name, PROFILES_DIR);
      expect(profile.chain.at(-1)).toBe(name);
      if (run.type !== 'run') throw new Error('no run');
      expect(() => createDetectorSet({ run, profile: profile.values, families: ALL_FAMILIES })).not.toThrow();
    },
  );

  it.each(ALL_FAMILIES.map((f) => [f.name, f] as const))(
    'lists every %s threshold in default, each equal to the schema default',
    async (section, family) => {
      expect((await profileValues())[section]).toEqual(family.thresholds.parse({}));
    },
  );

  it('lets a named profile override only some thresholds of default', async () => {
    const base = await loadProfile('default', PROFILES_DIR);
    const vision = await loadProfile('vision-cnn', PROFILES_DIR);
    expect(vision.chain).toEqual(['default', 'vision-cnn']);
    expect(vision.values.config!.inputMeanAbsMax).toBe(0.5);
    expect(vision.values.gradients).toEqual(base.values.gradients);
  });

  it("applies a user's YAML file that changes one threshold", async () => {
    const path = writeUserProfile(
      'mine.yaml',
      'name: mine\ndescription: stricter input check\nextends: vision-cnn\nthresholds:\n  config:\n    inputMeanAbsMax: { value: 0.1, reason: our images are standardised }\n',
    );
    const mine = await loadProfile(path, PROFILES_DIR);
    expect(mine.chain).toEqual(['default', 'vision-cnn', 'mine']);
    expect(mine.values.config!.inputMeanAbsMax).toBe(0.1);
    expect(mine.values.activations!.deadShare).toBe(0.6);
  });

  it('rejects a threshold without a reason, naming the file and field', async () => {
    const path = writeUserProfile(
      'bad.yaml',
      'name: bad\ndescription: x\nthresholds:\n  loss:\n    flatDrop: { value: 0.1 }\n',
    );
    await expect(loadProfile(path, PROFILES_DIR)).rejects.toThrow(
      /bad\.yaml: field 'thresholds\.loss\.flatDrop\.reason'/,
    );
  });

  it('rejects a value the family cannot use, naming the section and threshold', async () => {
    const path = writeUserProfile(
      'neg.yaml',
      "name: neg\ndescription: x\nthresholds:\n  weights:\n    updateRatioSmall: { value: -1, reason: 'typo' }\n",
    );
    const profile = await loadProfile(path, PROFILES_DIR);
    if (run.type !== 'run') throw new Error('no run');
    expect(() => createDetectorSet({ run, profile: profile.values, families: ALL_FAMILIES })).toThrow(
      ProfileError,
    );
    expect(() => createDetectorSet({ run, profile: profile.values, families: ALL_FAMILIES })).toThrow(
      /section 'weights', threshold 'updateRatioSmall'/,
    );
  });

  it('picks the profile a run names in tags.profile, unless --profile says otherwise', async () => {
    if (run.type !== 'run') throw new Error('no run');
    const tagged = { ...run, tags: { profile: 'vision-cnn' } };
    expect((await createProfiles(undefined).forRun(tagged)).chain).toEqual(['default', 'vision-cnn']);
    expect((await createProfiles('fine-tuning').forRun(tagged)).chain).toEqual(['default', 'fine-tuning']);
    expect((await createProfiles(undefined).forRun(run)).chain).toEqual(['default']);
  });

  it('flags raw pixels under vision-cnn but not [0,1]-scaled ones', async () => {
    const scaled = eventsOf({
      steps: 50,
      run: { dataset: { numClasses: 10, inputStats: { mean: 0.45, std: 0.3, min: 0, max: 1 } } },
    });
    expect(ofSymptom(await detect(scaled, 'vision-cnn'), 'input_scale_anomaly')).toEqual([]);
    const raw = eventsOf({
      steps: 50,
      run: { dataset: { numClasses: 10, inputStats: { mean: 120, std: 70, min: 0, max: 255 } } },
    });
    expect(ofSymptom(await detect(raw, 'vision-cnn'), 'input_scale_anomaly')).toHaveLength(1);
  });
});
