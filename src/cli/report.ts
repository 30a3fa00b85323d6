import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { type Config, loadConfig } from '../config/index.js';
import { openTraindx, type RunRecord, recordPath } from '../engine/index.js';
import { InputError } from '../errors/index.js';
import { ReportFormat, renderReport } from '../report/index.js';
import { parseFieldMap } from '../trace/index.js';

export interface ReportFlags {
  output?: string;
  format?: string;
  profile?: string;
  store?: string;
  dataDir?: string;
  run?: string;
  /** `--map tag=field`, repeatable. */
  map?: string[];
}

/**
 * `traindx report FILE|RUN_ID [-o OUT] [--format html|md]`: a readable report
 * of a run, a self-contained HTML page with charts, or Markdown.
 *
 * @example await report('run.jsonl', { output: 'run.html' }, console.log);
 */
export async function report(target: string, flags: ReportFlags, log: (line: string) => void) {
  const config = loadConfig(process.env, {
    store: flags.store,
    dataDir: flags.dataDir,
    profile: flags.profile,
  });
  const format = ReportFormat.parse(flags.format ?? (flags.output?.endsWith('.md') ? 'md' : 'html'));
  const input = await gatherReportInput(target, config, flags.run, flags.map);
  const text = renderReport(input, { format });
  if (!flags.output) {
    process.stdout.write(text);
    return;
  }
  await writeFile(flags.output, text);
  log(`Wrote ${flags.output} (${Math.ceil(Buffer.byteLength(text) / 1024)} kB): ${input.diagnosis.summary}`);
}

/**
 * What a report needs, from a trace file or folder (through the same path as
 * a streamed run, on an in-memory store, nothing persisted) or from a run
 * already in the configured store. Both are what `run { diagnosis }` says.
 *
 * @example await gatherReportInput('run.jsonl', loadConfig(process.env))
 */
export async function gatherReportInput(
  target: string,
  config: Config,
  run?: string,
  map?: string[],
): Promise<RunRecord> {
  if (existsSync(target)) {
    const records = await recordPath(target, {
      profile: config.profile,
      run,
      importOptions: {
        map: parseFieldMap(map),
        limits: { maxLineChars: config.maxLineChars, maxInflateRatio: config.maxInflateRatio },
      },
      // The report goes to stdout when no -o is given: notes go to stderr.
      onNotes: (name, notes) => {
        for (const note of notes) process.stderr.write(`note (${name}): ${note}\n`);
      },
    });
    if (records.length > 1)
      throw new InputError(
        `${target} holds ${records.length} runs (${records.map((r) => r.run.id).join(', ')}); pick one with --run`,
      );
    return records[0]!;
  }
  if (/[\\/]|\.(jsonl|json|txt|gz)$/i.test(target)) throw new InputError(`${target}: no such trace file`);
  const { traindx } = await openTraindx(config);
  try {
    const record = await traindx.record(target);
    if (!record)
      throw new InputError(
        `'${target}' is neither a trace file nor a run in the ${traindx.store.description}.`,
      );
    return record;
  } finally {
    await traindx.close();
  }
}
