// A child process whose output lines can be awaited: the benchmark waits on what the servers and the
// benchmark client print (boot lines, "Measurement started", the summary), never on fixed sleeps.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface LineWaiter {
  re: RegExp;
  resolve: (m: RegExpMatchArray) => void;
}

/** Children still running: killed if the benchmark itself exits early (an error, Ctrl-C). */
const live = new Set<Child>();
process.once('exit', () => {
  for (const c of live) c.proc.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    for (const c of live) c.proc.kill('SIGKILL');
    process.exit(130);
  });
}

export class Child {
  readonly proc: ChildProcess;
  readonly startedAt = performance.now();
  stdout = '';
  stderr = '';
  exit: Exit | undefined;
  readonly exited: Promise<Exit>;
  private waiters: LineWaiter[] = [];
  private partial = '';

  constructor(readonly label: string, args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []) {
    this.proc = spawn(process.execPath, [...nodeArgs, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => this.onStdout(chunk));
    this.proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      if (this.stderr.length > 1_000_000) this.stderr = this.stderr.slice(-500_000);
    });
    live.add(this);
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        live.delete(this);
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  private onStdout(chunk: string): void {
    this.stdout += chunk;
    if (this.stdout.length > 1_000_000) this.stdout = this.stdout.slice(-500_000);
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      for (const w of [...this.waiters]) {
        const m = line.match(w.re);
        if (m) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve(m);
        }
      }
    }
  }

  /** Resolves with the first stdout line (from now on) matching `re`; rejects on exit or timeout. */
  waitLine(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== waiter);
        reject(new Error(`${this.label}: no line matching ${re} within ${timeoutMs} ms\n${this.describe()}`));
      }, timeoutMs);
      const waiter: LineWaiter = {
        re,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.waiters.push(waiter);
      void this.exited.then(() => {
        if (!this.waiters.includes(waiter)) return;
        this.waiters = this.waiters.filter((x) => x !== waiter);
        clearTimeout(timer);
        reject(new Error(`${this.label} exited before printing ${re}\n${this.describe()}`));
      });
    });
  }

  describe(): string {
    return `${this.label} (pid ${this.pid}, exit ${JSON.stringify(this.exit)})\n--- stdout ---\n${this.stdout.slice(-3000)}\n--- stderr ---\n${this.stderr.slice(-3000)}`;
  }

  /** SIGTERM (a graceful stop), SIGKILL after timeoutMs. */
  async stop(timeoutMs = 30_000): Promise<Exit> {
    if (this.exit !== undefined) return this.exit;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.exit === undefined) this.proc.kill(sig);
  }
}
