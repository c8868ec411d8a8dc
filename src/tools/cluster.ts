// `mqtools cluster start|stop|status`: one of RocketMQ's deployment modes (conf/<mode>) as separate NameServer
// and broker processes on this machine, with distinct ports and store folders: the quick way to try a mode.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterError, planCluster, type ClusterMode, type ClusterPlan, type ServerPlan } from './cluster-plan.js';
import { isPortFree, launch, terminate, waitForBoot, type Launched, type StopReport } from './cluster-process.js';
import { isAlive, readState, removeState, statePath, writeState, type ClusterState, type ProcessRecord } from './cluster-state.js';
import type { Output } from './quickstart.js';

export const DEFAULT_BOOT_TIMEOUT_MS = 60_000;
export const DEFAULT_STOP_TIMEOUT_MS = 30_000;

/**
 * ~/rocketmq-cluster: found by stop and status from any folder (like RocketMQ's ~/store and ~/logs), and
 * never inside a source checkout.
 */
export function clustersHome(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.HOME || os.homedir(), 'rocketmq-cluster');
}

export function defaultClusterDir(mode: ClusterMode, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(clustersHome(env), mode);
}

export interface StartOptions {
  mode: ClusterMode;
  dir: string;
  host: string;
  namesrvCount: number;
  basePort: number;
  bootTimeoutMs: number;
  /** Environment of the started processes (ROCKETMQ_LOG_DIR is set per process). */
  env?: NodeJS.ProcessEnv;
  /** Aborting (Ctrl-C) stops what was started, as a failed boot does. */
  signal?: AbortSignal;
}

function pidList(records: ProcessRecord[]): string {
  return records.map((r) => `${r.pid} (${r.name})`).join(', ');
}

/** Fails when a cluster of the state file in `dir` still runs; forgets one that does not. */
function checkNotRunning(dir: string, out: Output): void {
  const state = readState(dir);
  if (state === undefined) return;
  const alive = state.processes.filter(isAlive);
  if (alive.length > 0) {
    throw new ClusterError(`a ${state.mode} cluster is already running in ${dir}: pids ${pidList(alive)}; stop it first: mqtools cluster stop --dir ${dir}`);
  }
  out.error(`note: ${statePath(dir)} named processes that are gone; starting afresh`);
  removeState(dir);
}

const PORT_USE = ['VIP channel, listenPort-2', 'listenPort', 'HA, listenPort+1'];

async function checkPortsFree(plan: ClusterPlan): Promise<void> {
  const busy: string[] = [];
  for (const s of [...plan.namesrvs, ...plan.brokers]) {
    for (const [i, port] of s.ports.entries()) {
      if (await isPortFree(port)) continue;
      busy.push(`${port} (${s.name} ${s.kind === 'namesrv' ? 'listenPort' : PORT_USE[i]})`);
    }
  }
  if (busy.length > 0) throw new ClusterError(`port(s) in use: ${busy.join(', ')}; stop what holds them or choose another --base-port`);
}

function writeConfigs(plan: ClusterPlan): void {
  for (const s of [...plan.namesrvs, ...plan.brokers]) {
    fs.mkdirSync(path.join(s.folder, 'logs'), { recursive: true });
    fs.writeFileSync(s.configFile, s.configText);
  }
}

/** Launches `group` at once and waits for every boot line; the state file lists each as soon as it runs. */
async function startGroup(group: ServerPlan[], state: ClusterState, o: StartOptions): Promise<void> {
  const env = { ...(o.env ?? process.env) };
  delete env.NAMESRV_ADDR; // the config files name the NameServers
  const launched: Launched[] = group.map((s) => launch(s, env));
  state.processes.push(...launched.filter((l) => l.record.pid > 0).map((l) => l.record));
  writeState(state);
  const results = await Promise.allSettled(launched.map((l) => waitForBoot(l, o.bootTimeoutMs, o.signal)));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
  if (failures.length > 0) throw new ClusterError(failures.join('\n'));
}

/** Starts the mode's NameServers, then masters, then slaves; on a failure stops what it started. */
export async function startCluster(o: StartOptions, out: Output): Promise<ClusterState> {
  const plan = planCluster(o);
  checkNotRunning(o.dir, out);
  await checkPortsFree(plan);
  writeConfigs(plan);
  const state: ClusterState = {
    version: 1, mode: o.mode, dir: o.dir, host: o.host, namesrvAddr: plan.namesrvAddr, startedAt: new Date().toISOString(), processes: [],
  };
  const groups = [plan.namesrvs, plan.brokers.filter((b) => b.brokerId === 0), plan.brokers.filter((b) => b.brokerId !== 0)];
  try {
    for (const group of groups) if (group.length > 0) await startGroup(group, state, o);
  } catch (err) {
    const report = await stopProcesses(state, DEFAULT_STOP_TIMEOUT_MS);
    removeState(o.dir);
    const cleanup = report.survived.length > 0 ? ` (could not end pids ${pidList(report.survived)})` : '';
    throw new ClusterError(`${o.mode} cluster did not start; stopped what had started${cleanup}:\n${err instanceof Error ? err.message : String(err)}`);
  }
  out.line(formatStateTable(state));
  out.line('');
  out.line(`export NAMESRV_ADDR='${state.namesrvAddr}'`);
  out.line(`Stop it with: mqtools cluster stop --dir ${o.dir}`);
  return state;
}

/** Brokers first (they unregister from the NameServers), then NameServers. */
async function stopProcesses(state: ClusterState, timeoutMs: number): Promise<StopReport> {
  const brokers = await terminate(state.processes.filter((p) => p.kind === 'broker'), timeoutMs);
  const namesrvs = await terminate(state.processes.filter((p) => p.kind === 'namesrv'), timeoutMs);
  return {
    stopped: [...brokers.stopped, ...namesrvs.stopped],
    killed: [...brokers.killed, ...namesrvs.killed],
    notRunning: [...brokers.notRunning, ...namesrvs.notRunning],
    survived: [...brokers.survived, ...namesrvs.survived],
  };
}

/** Ends every process of the cluster in `dir` and removes its state file; throws when there is none. */
export async function stopCluster(dir: string, timeoutMs: number, out: Output): Promise<StopReport> {
  const state = readState(dir);
  if (state === undefined) throw new ClusterError(`no cluster state in ${dir} (${statePath(dir)} not found): nothing to stop`);
  const report = await stopProcesses(state, timeoutMs);
  for (const r of report.stopped) out.line(`stopped ${r.name} (pid ${r.pid})`);
  for (const r of report.killed) out.error(`${r.name} (pid ${r.pid}) did not exit within ${timeoutMs / 1000} s of SIGTERM: killed with SIGKILL`);
  for (const r of report.notRunning) out.line(`${r.name} (pid ${r.pid}) was not running`);
  if (report.survived.length > 0) {
    throw new ClusterError(`still running after SIGKILL: pids ${pidList(report.survived)}; ${statePath(dir)} kept`);
  }
  removeState(dir);
  out.line(`${state.mode} cluster in ${dir} stopped`);
  return report;
}

export interface StatusRow {
  record: ProcessRecord;
  alive: boolean;
}

/** The processes of the cluster in `dir` and whether each runs; throws when there is no state file. */
export function clusterStatus(dir: string): { state: ClusterState; rows: StatusRow[] } {
  const state = readState(dir);
  if (state === undefined) throw new ClusterError(`no cluster in ${dir} (${statePath(dir)} not found)`);
  return { state, rows: state.processes.map((record) => ({ record, alive: isAlive(record) })) };
}

/** Folders under `home` holding a state file, for stop/status without --dir or mode. */
export function runningClusterDirs(home: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(home);
  } catch {
    return [];
  }
  return names.sort().map((n) => path.join(home, n)).filter((d) => fs.existsSync(statePath(d)));
}

function roleOf(r: ProcessRecord): string {
  return r.kind === 'namesrv' ? 'NameServer' : r.role ?? 'broker';
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

/** What runs where: one row per process, with `alive` when given (status). */
export function formatStateTable(state: ClusterState, alive?: ReadonlyMap<ProcessRecord, boolean>): string {
  const head = ['ROLE', 'NAME', 'BROKER', 'ID', 'PID', 'ADDRESS', 'HA', 'LOGS'];
  if (alive) head.splice(5, 0, 'STATE');
  const rows = state.processes.map((r) => {
    const row = [
      roleOf(r), r.name, r.brokerName ?? '-', r.brokerId === undefined ? '-' : String(r.brokerId), String(r.pid),
      `${state.host}:${r.port}`, r.haPort === undefined ? '-' : String(r.haPort), r.logDir,
    ];
    if (alive) row.splice(5, 0, alive.get(r) === true ? 'running' : 'NOT RUNNING');
    return row;
  });
  return `${state.mode} cluster in ${state.dir} (started ${state.startedAt})\n${table([head, ...rows])}`;
}
