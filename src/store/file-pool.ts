// A bounded set of open file descriptors for reading and small writes (consume queues, index, old segments).
// Many topics x queues x files would exceed the process fd limit if every file stayed open.
// All users are synchronous (readSync/writeSync), so an evicted fd is never in use.
import fs from 'node:fs';

export const DEFAULT_OPEN_FILE_LIMIT = 256;
/** The pool never grows past this many descriptors, whatever the process limit. */
export const MAX_OPEN_FILE_LIMIT = 8192;

/**
 * Pool size for a process whose soft RLIMIT_NOFILE is `nofile`: a quarter of it (the rest is for client
 * connections and the commit log), between DEFAULT_OPEN_FILE_LIMIT and MAX_OPEN_FILE_LIMIT. A pool smaller
 * than the number of queues written at once reopens a file for nearly every write: RocketMQ's own
 * BenchmarkTest topic has 1024 queues.
 */
export function openFileLimitFor(nofile: number | undefined): number {
  if (nofile === undefined || Number.isNaN(nofile)) return DEFAULT_OPEN_FILE_LIMIT;
  return Math.max(DEFAULT_OPEN_FILE_LIMIT, Math.min(MAX_OPEN_FILE_LIMIT, Math.floor(nofile / 4)));
}

/** This process's soft open-file limit from /proc/self/limits (Node.js raises it to the hard limit at start), or undefined. */
export function processOpenFileLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = fs.readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const soft = text.match(/^Max open files\s+(\S+)/m)?.[1];
  if (soft === undefined) return undefined;
  return soft === 'unlimited' ? Infinity : Number(soft);
}

export class FilePool {
  /** Insertion order = least recently used first. */
  private readonly fds = new Map<string, number>();

  constructor(private readonly limit = openFileLimitFor(processOpenFileLimit())) {}

  /** Descriptors currently open. */
  get openCount(): number {
    return this.fds.size;
  }

  /** An fd open for read/write on an existing file. */
  fd(file: string): number {
    const fd = this.fds.get(file);
    if (fd !== undefined) {
      this.fds.delete(file);
      this.fds.set(file, fd);
      return fd;
    }
    const opened = fs.openSync(file, 'r+');
    if (this.fds.size >= this.limit) this.evictOldest();
    this.fds.set(file, opened);
    return opened;
  }

  /** Reads exactly `length` bytes at `position` unless the file ends first; returns bytes read. */
  read(file: string, target: Buffer, targetPos: number, length: number, position: number): number {
    const fd = this.fd(file);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, target, targetPos + done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  /** Writes all of `data` at `position`. */
  write(file: string, data: Buffer, position: number): void {
    writeFully(this.fd(file), data, 0, data.length, position);
  }

  /** Closes the fd of a file about to be deleted or truncated by path. */
  forget(file: string): void {
    const fd = this.fds.get(file);
    if (fd === undefined) return;
    this.fds.delete(file);
    fs.closeSync(fd);
  }

  /** Forgets every file under a folder (topic deletion). */
  forgetUnder(dir: string): void {
    for (const file of [...this.fds.keys()]) if (file.startsWith(dir)) this.forget(file);
  }

  closeAll(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }

  private evictOldest(): void {
    const oldest = this.fds.keys().next();
    if (!oldest.done) this.forget(oldest.value);
  }
}

/** pwrite until every byte is written (a regular file may accept fewer bytes per call). */
export function writeFully(fd: number, data: Buffer, offset: number, length: number, position: number): void {
  let done = 0;
  while (done < length) done += fs.writeSync(fd, data, offset + done, length - done, position + done);
}

/** Creates `file` with `size` zero bytes (sparse), or keeps it if it exists; true when created. */
export function createSizedFile(file: string, size: number): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    fs.ftruncateSync(fd, size);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** fsync a folder so a new or removed entry survives power loss. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Async fdatasync of a file by path, on a fresh fd (fdatasync flushes the file, whichever fd wrote it). */
export async function fdatasyncPath(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** 20-digit zero-padded decimal: the name of commit-log and consume-queue files. */
export function offsetFileName(offset: number): string {
  return String(offset).padStart(20, '0');
}

/** Files in `dir` whose names are 20-digit offsets, sorted by offset; other names are returned apart. */
export function listOffsetFiles(dir: string): { offsets: number[]; others: string[] } {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { offsets: [], others: [] };
    throw e;
  }
  const offsets: number[] = [];
  const others: string[] = [];
  for (const name of names) {
    if (/^\d{20}$/.test(name) && Number.isSafeInteger(Number(name))) offsets.push(Number(name));
    else others.push(name);
  }
  offsets.sort((a, b) => a - b);
  return { offsets, others };
}
