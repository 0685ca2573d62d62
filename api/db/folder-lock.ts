/**
 * One opener per embedded database folder. PGlite is a single-user PostgreSQL: two processes on one
 * folder both start, diverge and lose rows. The lock is a file beside the folder (`<dir>.lock`),
 * created exclusively, holding the owner's pid; a lock whose process is gone (kill -9, a crash) is
 * recovered. The server and `npm run import` take it alike.
 */
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';

/** A problem with the data folder, worded for the person who started the program. */
export class DataDirError extends Error {}

interface LockInfo {
  pid: number;
  host: string;
  command: string;
  since: string;
}

const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** "no space left on the device (12 KB free)"-style wording of a file-system error code. */
export function describeFsError(err: NodeJS.ErrnoException, dir: string): string {
  if (err.code === 'ENOENT') {
    // A recursive mkdir under a read-only or unwritable folder reports ENOENT: ask the nearest existing folder.
    const parent = nearestExisting(dir);
    try {
      if (parent) accessSync(parent, constants.W_OK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return describeFsError(e as NodeJS.ErrnoException, dir);
    }
  }
  const free = freeBytes(dir);
  const space = free === null ? '' : ` (${formatBytes(free)} free)`;
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied: the user running the server cannot write there (ls -ld ${dir})`;
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left on the device${space}`;
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    default:
      return `${err.code ?? 'error'}: ${err.message}${space}`;
  }
}

function nearestExisting(dir: string): string | null {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(d)) return d;
    if (d === dirname(d)) return null;
  }
}

export function freeBytes(dir: string): number | null {
  const d = nearestExisting(dir);
  if (!d) return null;
  try {
    const s = statfsSync(d);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(0)} MB`;
  return `${(n / 1024 ** 3).toFixed(1)} GB`;
}

/**
 * Creates `dir` if needed and takes its lock; returns the release function. Throws DataDirError
 * naming the folder and the running process when another one holds it, or the cause when the
 * folder cannot be created or written.
 */
export function lockDataDir(dir: string): () => void {
  const path = `${resolve(dir).replace(/\/+$/, '')}.lock`;
  if (heldHere.has(path)) throw new DataDirError(`The embedded database in ${dir}/ is already open in this process.`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new DataDirError(`Cannot create the embedded database folder ${dir}/: ${describeFsError(err as NodeJS.ErrnoException, dir)}.`);
  }
  const info: LockInfo = { pid: process.pid, host: hostname(), command: process.argv.slice(1).join(' ').slice(0, 200), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== 'EEXIST') throw new DataDirError(`Cannot open the embedded database in ${dir}/: ${describeFsError(e, dir)}.`);
      const owner = readLock(path);
      if (owner && owner.host === info.host && owner.pid !== process.pid && alive(owner.pid)) {
        throw new DataDirError(
          `The embedded database in ${dir}/ is in use by process ${owner.pid} (${owner.command || 'unknown command'}, since ${owner.since}). ` +
            'Only one program may open it: stop that one first (npm start serves the data; restart it to load changed geodata), or use a PostgreSQL server (DATABASE_URL) to share one database.',
        );
      }
      // The owner is gone (killed, crashed) or the file is unreadable: the lock is stale.
      try {
        unlinkSync(path);
      } catch {
        /* another opener recovered it first */
      }
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(info));
    } catch (err) {
      closeSync(fd);
      unlinkSync(path);
      throw new DataDirError(`Cannot open the embedded database in ${dir}/: ${describeFsError(err as NodeJS.ErrnoException, dir)}.`);
    }
    closeSync(fd);
    heldHere.add(path);
    const release = () => {
      process.off('exit', release);
      if (!heldHere.delete(path)) return;
      if (readLock(path)?.pid === process.pid) {
        try {
          unlinkSync(path);
        } catch {
          /* gone already */
        }
      }
    };
    process.once('exit', release);
    return release;
  }
  throw new DataDirError(`Cannot take the lock ${path}: other programs keep opening ${dir}/ at the same time.`);
}

function readLock(path: string): LockInfo | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8'));
    return typeof v?.pid === 'number' ? (v as LockInfo) : null;
  } catch {
    return null;
  }
}
