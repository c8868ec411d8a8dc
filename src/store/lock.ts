// The store `lock` file. Node has no flock, so the file holds "<pid> <process start time>" and counts as
// held while that process is alive (and is the same process, not a reused pid). A lock left by a killed
// process is taken over. Within one process a registry refuses a second store on the same folder.
import fs from 'node:fs';
import path from 'node:path';

export const LOCK_FAILED_MESSAGE = 'Lock failed,MQ already started';

const heldHere = new Set<string>();

/** Start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lock file, if a live process other than this one does. */
function liveHolder(file: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const [pidText, started] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return undefined;
  const actual = processStartTime(pid);
  if (started !== undefined && actual !== undefined && started !== actual) return undefined; // pid reused
  return pid;
}

export class StoreLock {
  private readonly file: string;
  private readonly key: string;
  private held = false;

  constructor(rootDir: string) {
    this.file = path.join(rootDir, 'lock');
    this.key = path.resolve(rootDir);
  }

  /** Takes the lock or throws Error("Lock failed,MQ already started ..."). */
  acquire(): void {
    if (heldHere.has(this.key)) throw new Error(`${LOCK_FAILED_MESSAGE} (another store in this process uses ${this.key})`);
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${process.pid} ${processStartTime(process.pid) ?? ''}\n`);
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (this.tryLink(tmp)) {
          heldHere.add(this.key);
          this.held = true;
          return;
        }
        const holder = liveHolder(this.file);
        if (holder !== undefined) throw new Error(`${LOCK_FAILED_MESSAGE} (process ${holder} holds ${this.file})`);
        this.moveStaleAside();
      }
      throw new Error(`${LOCK_FAILED_MESSAGE} (${this.file} keeps changing: another process is starting on ${this.key})`);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }

  /** link() fails when the lock file exists, so two processes can never both create it. */
  private tryLink(tmp: string): boolean {
    try {
      fs.linkSync(tmp, this.file);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  }

  /** Renames a stale lock away (only one racer can); puts it back if it turned out to be fresh. */
  private moveStaleAside(): void {
    const aside = `${this.file}.stale.${process.pid}`;
    try {
      fs.renameSync(this.file, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const holder = liveHolder(aside);
    if (holder !== undefined) {
      try {
        fs.linkSync(aside, this.file);
      } catch {
        // Someone else took the lock meanwhile; they hold it now.
      }
    }
    fs.rmSync(aside, { force: true });
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    heldHere.delete(this.key);
    try {
      // Remove only our own lock: a file naming another live process is theirs.
      if (liveHolder(this.file) === undefined) fs.rmSync(this.file, { force: true });
    } catch {
      // The folder may be gone (tests remove it); nothing left to release.
    }
  }
}
