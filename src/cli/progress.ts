import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';

/** What `showProgress` writes to: a TTY stream (stderr). */
interface ProgressStream {
  isTTY?: boolean;
  write(text: string): boolean;
}

// Below this a file is read in a few seconds at the measured 30 MB/s: a progress line would only flicker.
const BIG_FILE_BYTES = 50 * 1024 * 1024;
const EVERY_MS = 500;
const MB = 1024 * 1024;

/**
 * A progress line on `stream` while a trace file over 50 MB is read: the
 * megabytes read so far (from the kernel's count of bytes this process read,
 * `/proc/self/io` `rchar`, where there is one) and the seconds spent. Only on
 * a TTY, so a pipe or a log file never holds it; `stop` erases it.
 *
 * @example const progress = await showProgress('big.jsonl', process.stderr); ...; progress.stop();
 */
export async function showProgress(path: string, stream: ProgressStream): Promise<{ stop: () => void }> {
  const size = await stat(path).then(
    (s) => (s.isFile() ? s.size : 0),
    () => 0,
  );
  if (!stream.isTTY || size <= BIG_FILE_BYTES) return { stop: () => {} };
  const started = Date.now();
  const base = bytesRead();
  const name = path.split(/[\\/]/).pop() ?? path;
  const draw = () => {
    const seconds = Math.round((Date.now() - started) / 1000);
    const read = base === undefined ? undefined : (bytesRead() ?? base) - base;
    const done = read === undefined ? '' : `${Math.min(Math.round(read / MB), Math.round(size / MB))} of `;
    stream.write(`\r\u001b[Kreading ${name}: ${done}${Math.round(size / MB)} MB, ${seconds} s`);
  };
  draw();
  const timer = setInterval(draw, EVERY_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      stream.write('\r\u001b[K');
    },
  };
}

// Linux only; elsewhere the line shows the time alone.
function bytesRead(): number | undefined {
  try {
    const match = /^rchar:\s*(\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
