import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TraindxError } from '../../errors/index.js';

/** Who holds a data directory: what the lock file says. */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

/** Another process (or another open store of this one) writes to the data directory. */
export class DataDirLockedError extends TraindxError {
  readonly code = 'DATA_DIR_LOCKED';
  readonly category = 'conflict';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const who =
      holder.pid === process.pid && holder.host === hostname()
        ? 'another open store of this process'
        : `process ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''} (${holder.command || 'traindx'}, since ${holder.startedAt})`;
    super(
      `The data directory '${dataDir}' is in use by ${who}; stop it first, or give this command its own --data-dir.`,
    );
  }
}

export interface DataDirLock {
  release(): void;
}

// A lock file that was created but whose holder died before writing it (or
// that is being written right now) is empty; after this long it is stale.
const EMPTY_LOCK_STALE_MS = 2_000;

/**
 * Takes the data directory for this process: `traindx.lock` is created with
 * O_EXCL and holds the PID, so of two processes only one gets it, and the
 * other is told who has it. A lock left by a process that died (SIGKILL, a
 * crash) is taken over with a warning; the take-over itself is serialised by
 * a second O_EXCL file, so two starting processes cannot both take it.
 *
 * @example const lock = lockDataDir('.traindx', console.warn); ...; lock.release();
 */
export function lockDataDir(dataDir: string, warn: (line: string) => void): DataDirLock {
  const path = join(dataDir, 'traindx.lock');
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    // The command line as the user typed it, bounded: what a refused second process shows.
    command: process.argv.slice(2).join(' ').slice(0, 200),
  };
  for (;;) {
    if (tryCreate(path, JSON.stringify(me))) break;
    const holder = readHolder(path);
    if (holder === 'gone') continue;
    if (holder === 'empty') {
      if (Date.now() - mtimeMs(path) < EMPTY_LOCK_STALE_MS) {
        sleepMs(50);
        continue;
      }
    } else if (isAlive(holder)) {
      throw new DataDirLockedError(dataDir, holder);
    }
    takeOver(path, holder, dataDir, warn);
  }
  const release = () => {
    process.off('exit', release);
    const holder = readHolder(path);
    if (typeof holder === 'object' && holder.pid === me.pid && holder.startedAt === me.startedAt) {
      unlinkSync(path);
    }
  };
  // A CLI that exits without closing its store (an error path) leaves no lock behind.
  process.on('exit', release);
  return { release };
}

function takeOver(path: string, stale: LockHolder | 'empty', dataDir: string, warn: (line: string) => void) {
  const guard = `${path}.takeover`;
  if (!tryCreate(guard, String(process.pid))) {
    // Someone else is taking it over right now; a guard left by a crash mid-take-over is old.
    if (Date.now() - mtimeMs(guard) > EMPTY_LOCK_STALE_MS) unlinkIfPresent(guard);
    else sleepMs(20);
    return;
  }
  try {
    // Still the same stale lock? (Another process may have taken it over and released the guard.)
    const now = readHolder(path);
    if (JSON.stringify(now) !== JSON.stringify(stale)) return;
    unlinkIfPresent(path);
    warn(
      stale === 'empty'
        ? `traindx: warning: removed an empty lock file in '${dataDir}' (a process died while taking it).`
        : `traindx: warning: took over the lock of '${dataDir}' from process ${stale.pid} (${stale.command || 'traindx'}, since ${stale.startedAt}), which is no longer running.`,
    );
  } finally {
    unlinkIfPresent(guard);
  }
}

function tryCreate(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(path: string): LockHolder | 'empty' | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    if (Number.isInteger(h.pid)) return h;
  } catch {
    // Torn or empty: written by a process that died before it finished, or being written now.
  }
  return 'empty';
}

/** Whether the holder still runs. A lock from another host cannot be checked, so it counts as held. */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function unlinkIfPresent(path: string) {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

// Opening a store is synchronous start-up work; a short blocking wait keeps the lock logic linear.
function sleepMs(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
