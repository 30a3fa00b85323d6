import { seedDir } from '../config/index.js';
import { ALL_FAMILIES, createDetectorSet, type DetectorSet, type Profile } from '../detect/index.js';
import type { Diagnosis, RunEvent } from '../domain/index.js';
import { loadSeed } from '../knowledge/index.js';
import { diagnoseRun } from '../reason/index.js';
import { readTrace } from '../trace/index.js';

/**
 * Diagnoses a trace file in one streaming pass: read and validate line by
 * line, feed the detectors, then reason over the knowledge seed. Memory stays
 * bounded by the detectors' windows, whatever the file's size. The same
 * detectors and the same `diagnoseRun` as the API's `importTrace` + `run {
 * diagnosis }`, which store nothing else that reasoning reads, so both give
 * the same JSON (test/api/one-path.test.ts holds them to it).
 */
export async function diagnoseFile(
  path: string,
  pickProfile: (run: RunEvent) => Promise<Profile>,
): Promise<Diagnosis> {
  let run: RunEvent | undefined;
  let set: DetectorSet | undefined;
  let profile: Profile | undefined;
  let eventCount = 0;
  let lastStep: number | undefined;
  let status: string | undefined;
  for await (const event of readTrace(path)) {
    eventCount++;
    if (event.type === 'run') {
      run = event;
      profile = await pickProfile(run);
      set = createDetectorSet({ run, profile: profile.values, families: ALL_FAMILIES });
      continue;
    }
    set!.feed(event);
    if (event.type === 'step') lastStep = event.step;
    else if (event.type === 'end') status = event.status;
  }
  set!.finish();
  const knowledge = await loadSeed([seedDir()]);
  return diagnoseRun({
    run: run!,
    progress: { eventCount, lastStep, status, profile: profile!.chain.join(' > ') },
    occurrences: set!.occurrences(),
    missingSignals: set!.missingSignals(),
    observable: set!.observableSymptoms(),
    knowledge,
  });
}
