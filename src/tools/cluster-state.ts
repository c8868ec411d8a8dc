// The state file of a cluster started by `mqtools cluster start` (pids, ports, roles), and whether each of its
// processes still runs. A pid alone is not enough: after a reboot or a long time the same number may belong
// to another program, so the process start time (field 22 of /proc/<pid>/stat) is kept with it.
import fs from 'node:fs';
import path from 'node:path';
import { ClusterError, isClusterMode, type ClusterMode } from './cluster-plan.js';

export const STATE_FILE = 'cluster.json';
const MAX_STATE_BYTES = 1024 * 1024;
const MAX_PROCESSES = 64;

export interface ProcessRecord {
  kind: 'namesrv' | 'broker';
  name: string;
  pid: number;
  /** /proc start time ('' where there is no /proc). */
  startTime: string;
  /** The main port (NameServer port, broker listenPort). */
  port: number;
  ports: number[];
  /** Broker only. */
  brokerName?: string;
  brokerId?: number;
  role?: string;
  haPort?: number;
  configFile: string;
  logDir: string;
  stdoutFile: string;
  stderrFile: string;
}

export interface ClusterState {
  version: 1;
  mode: ClusterMode;
  dir: string;
  host: string;
  namesrvAddr: string;
  startedAt: string;
  processes: ProcessRecord[];
}

export function statePath(dir: string): string {
  return path.join(dir, STATE_FILE);
}

/** Written whole to a temporary file and renamed, so a reader never sees half a file. */
export function writeState(state: ClusterState): void {
  const file = statePath(state.dir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

export function removeState(dir: string): void {
  fs.rmSync(statePath(dir), { force: true });
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function checkRecord(r: unknown, where: string): ProcessRecord {
  const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
  const bad = (field: string): never => {
    throw new ClusterError(`${where}: field "${field}" is missing or wrong`);
  };
  if (o.kind !== 'namesrv' && o.kind !== 'broker') bad('kind');
  if (!isInt(o.pid) || o.pid <= 1) bad('pid');
  if (!isInt(o.port)) bad('port');
  if (!Array.isArray(o.ports) || !o.ports.every(isInt)) bad('ports');
  for (const f of ['name', 'startTime', 'configFile', 'logDir', 'stdoutFile', 'stderrFile']) {
    if (typeof o[f] !== 'string') bad(f);
  }
  return o as unknown as ProcessRecord;
}

/** The state of the cluster in `dir`, or undefined when there is none; a damaged file is a ClusterError. */
export function readState(dir: string): ClusterState | undefined {
  const file = statePath(dir);
  let text: string;
  try {
    if (fs.statSync(file).size > MAX_STATE_BYTES) throw new ClusterError(`${file} is larger than ${MAX_STATE_BYTES} bytes: not a cluster state file`);
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ClusterError(`${file} is not a cluster state file: ${err instanceof Error ? err.message : String(err)}`);
  }
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (o.version !== 1 || typeof o.mode !== 'string' || !isClusterMode(o.mode) || !Array.isArray(o.processes)) {
    throw new ClusterError(`${file} is not a cluster state file of this version (version, mode or processes missing)`);
  }
  if (o.processes.length > MAX_PROCESSES) throw new ClusterError(`${file} lists ${o.processes.length} processes (at most ${MAX_PROCESSES})`);
  const processes = o.processes.map((r, i) => checkRecord(r, `${file}: process ${i + 1}`));
  return {
    version: 1,
    mode: o.mode,
    dir,
    host: typeof o.host === 'string' ? o.host : '',
    namesrvAddr: typeof o.namesrvAddr === 'string' ? o.namesrvAddr : '',
    startedAt: typeof o.startedAt === 'string' ? o.startedAt : '',
    processes,
  };
}

function procStat(pid: number): { state: string; startTime: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ...": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).trim().split(/\s+/);
  return { state: fields[0] ?? '?', startTime: fields[19] ?? '' };
}

const HAS_PROC = fs.existsSync('/proc/self/stat');

/** The start time to record for a process just spawned ('' without /proc). */
export function processStartTime(pid: number): string {
  return HAS_PROC ? procStat(pid)?.startTime ?? '' : '';
}

/** Whether the recorded process still runs: same pid and start time, not a zombie. */
export function isAlive(p: Pick<ProcessRecord, 'pid' | 'startTime'>): boolean {
  if (HAS_PROC) {
    const stat = procStat(p.pid);
    return stat !== undefined && stat.state !== 'Z' && (p.startTime === '' || stat.startTime === p.startTime);
  }
  try {
    process.kill(p.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
