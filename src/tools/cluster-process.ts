// Starting a NameServer or broker as a detached process that outlives `mqtools cluster start`, waiting for its
// boot line, and ending recorded processes with SIGTERM (SIGKILL after a bounded wait).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { cliScript, type ServerPlan } from './cluster-plan.js';
import { isAlive, processStartTime, type ProcessRecord } from './cluster-state.js';

const POLL_MS = 100;
/** Only the head of stdout is searched for the boot line, and only the tail shown on failure. */
const MAX_SCAN_BYTES = 64 * 1024;
const TAIL_LINES = 15;
/** How long a process may take to vanish after SIGKILL. */
const KILL_WAIT_MS = 5000;

const BOOT_LINE = {
  namesrv: /The Name Server boot success/,
  broker: /The broker\[[^\]]*\] boot success/,
} as const;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves true when `port` can be bound on all interfaces now (what a server with bindAddress 0.0.0.0 needs). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface Launched {
  record: ProcessRecord;
  child: ChildProcess;
  /** How it ended, once it has: "exited with code 1". */
  exit?: string;
}

/** Spawns the server in its own session with stdout/stderr to files in its folder and logs in its logs/. */
export function launch(plan: ServerPlan, env: NodeJS.ProcessEnv): Launched {
  const logDir = path.join(plan.folder, 'logs');
  const stdoutFile = path.join(plan.folder, 'stdout.log');
  const stderrFile = path.join(plan.folder, 'stderr.log');
  const out = fs.openSync(stdoutFile, 'w');
  const err = fs.openSync(stderrFile, 'w');
  const script = cliScript(plan.kind === 'namesrv' ? 'mqnamesrv' : 'mqbroker');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [script, '-c', plan.configFile], {
      cwd: plan.folder,
      detached: true,
      stdio: ['ignore', out, err],
      env: { ...env, ROCKETMQ_LOG_DIR: logDir },
    });
  } finally {
    fs.closeSync(out);
    fs.closeSync(err);
  }
  const pid = child.pid ?? 0;
  const record: ProcessRecord = {
    kind: plan.kind, name: plan.name, pid, startTime: pid > 0 ? processStartTime(pid) : '', port: plan.port, ports: plan.ports,
    configFile: plan.configFile, logDir, stdoutFile, stderrFile,
  };
  if (plan.kind === 'broker') Object.assign(record, { brokerName: plan.brokerName, brokerId: plan.brokerId, role: plan.role, haPort: plan.haPort });
  const launched: Launched = { record, child };
  child.once('exit', (code, sig) => (launched.exit = sig !== null ? `was killed by ${sig}` : `exited with code ${code}`));
  child.once('error', (e) => (launched.exit = `could not be started: ${e.message}`));
  return launched;
}

function readHead(file: string): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(MAX_SCAN_BYTES);
      return buf.subarray(0, fs.readSync(fd, buf, 0, MAX_SCAN_BYTES, 0)).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

function readTail(file: string): string[] {
  try {
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    try {
      const len = Math.min(size, MAX_SCAN_BYTES);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return buf.toString('utf8').split('\n').filter((l) => l.trim() !== '').slice(-TAIL_LINES);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return [];
  }
}

/** The last lines a process wrote, indented, for an error message. */
export function lastOutput(record: Pick<ProcessRecord, 'stdoutFile' | 'stderrFile'>): string {
  const lines = [...readTail(record.stdoutFile), ...readTail(record.stderrFile)];
  return lines.length === 0 ? '    (no output)' : lines.map((l) => `    ${l}`).join('\n');
}

/**
 * Resolves once the process printed its boot line; rejects with its last output when it exits first or
 * after timeoutMs or when `signal` aborts (Ctrl-C). On success the child is let go (it keeps running when this process exits).
 */
export async function waitForBoot(launched: Launched, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const { child, record } = launched;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (BOOT_LINE[record.kind].test(readHead(record.stdoutFile))) {
      child.unref();
      return;
    }
    if (signal?.aborted) throw new Error(`interrupted while waiting for ${record.name} to boot`);
    if (launched.exit !== undefined) throw new Error(`${record.name} ${launched.exit} before it booted. Last output:\n${lastOutput(record)}`);
    if (Date.now() > deadline) {
      throw new Error(`${record.name} (pid ${record.pid}) printed no boot line within ${timeoutMs / 1000} s. Last output:\n${lastOutput(record)}`);
    }
    await sleep(POLL_MS);
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

async function waitGone(records: ProcessRecord[], timeoutMs: number): Promise<ProcessRecord[]> {
  const deadline = Date.now() + timeoutMs;
  let left = records.filter(isAlive);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(POLL_MS);
    left = left.filter(isAlive);
  }
  return left;
}

export interface StopReport {
  /** Ended by SIGTERM. */
  stopped: ProcessRecord[];
  /** Ended only by SIGKILL after the wait. */
  killed: ProcessRecord[];
  /** Already gone before the SIGTERM. */
  notRunning: ProcessRecord[];
  /** Still there even after SIGKILL. */
  survived: ProcessRecord[];
}

/** SIGTERM to every live one at once, SIGKILL to those still there after timeoutMs. */
export async function terminate(records: ProcessRecord[], timeoutMs: number): Promise<StopReport> {
  const running = records.filter(isAlive);
  const notRunning = records.filter((r) => !running.includes(r));
  for (const r of running) signal(r.pid, 'SIGTERM');
  const stubborn = await waitGone(running, timeoutMs);
  for (const r of stubborn) signal(r.pid, 'SIGKILL');
  const survived = await waitGone(stubborn, KILL_WAIT_MS);
  return {
    stopped: running.filter((r) => !stubborn.includes(r)),
    killed: stubborn.filter((r) => !survived.includes(r)),
    notRunning,
    survived,
  };
}
