import { stat } from 'node:fs/promises';
import { loadConfig } from '../config/index.js';
import type { Diagnosis } from '../domain/index.js';
import { diagnoseInto, openEphemeralTraindx } from '../engine/index.js';
import { parseFieldMap } from '../trace/index.js';
import { formatDiagnosis } from './format-diagnosis.js';
import { showProgress } from './progress.js';
import { terminalOf } from './terminal.js';

export interface DiagnoseFlags {
  json?: boolean;
  /** Every piece of evidence, cause explanation and remedy action. */
  verbose?: boolean;
  profile?: string;
  run?: string;
  /** `--map tag=field`, repeatable. */
  map?: string[];
}

/**
 * `traindx diagnose PATH`: every run a trace file (or a folder of them) holds,
 * read through the same path as a streamed run. One run prints one diagnosis
 * (`--json`: one object, the contract); a folder prints one per run
 * (`--json`: an array). The text is wrapped to the terminal and coloured on
 * a TTY (`NO_COLOR`, `FORCE_COLOR` honoured); `--json` is the same in both.
 *
 * @example await diagnose('run.jsonl', { json: true }, console.log);
 */
export async function diagnose(path: string, flags: DiagnoseFlags, out: (line: string) => void) {
  const config = loadConfig(process.env, { profile: flags.profile });
  const notes: string[] = [];
  const progress = await showProgress(path, process.stderr);
  // diagnosePath's own steps, keeping the knowledge for the symptoms' names in the text.
  const traindx = await openEphemeralTraindx({ profile: config.profile, keepSeries: false });
  let diagnoses: Diagnosis[];
  let symptomNames: Map<string, string>;
  try {
    diagnoses = await diagnoseInto(traindx, path, {
      run: flags.run,
      importOptions: {
        map: parseFieldMap(flags.map),
        limits: { maxLineChars: config.maxLineChars, maxInflateRatio: config.maxInflateRatio },
      },
      onNotes: (run, said) => notes.push(...said.map((note) => `note (${run}): ${note}`)),
    });
    symptomNames = new Map([...(await traindx.knowledge()).symptom].map(([id, s]) => [id, s.name]));
  } finally {
    progress.stop();
    await traindx.close();
  }
  const single = diagnoses.length === 1 && !(await stat(path)).isDirectory();
  if (flags.json) out(JSON.stringify(single ? diagnoses[0] : diagnoses, nonFinite, 2));
  else {
    // The CLI's streams and environment are what decide colour and width; the formatter only obeys.
    const terminal = terminalOf(process.stdout, process.env);
    out(
      diagnoses
        .map((d) => formatDiagnosis(d, { terminal, verbose: flags.verbose, symptomNames }))
        .join('\n\n'),
    );
  }
  // What the importer could not put in the trace (unmapped tags, restarts): beside the diagnosis, never in its JSON.
  for (const note of notes) (flags.json ? (line: string) => process.stderr.write(`${line}\n`) : out)(note);
}

// The trace format's rule for non-finite numbers, in the JSON output too.
function nonFinite(_k: string, v: unknown) {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}
