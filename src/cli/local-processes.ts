// Finding our own server processes on this host, as RocketMQ's mqshutdown finds its JVMs with
// `ps ax | grep -i 'org.apache.rocketmq.broker.BrokerStartup' | grep java`: here /proc/<pid>/cmdline is read
// and a process counts when node runs one of our entry scripts (mqbroker, mqbroker.js, mqnamesrv, ...).
import fs from 'node:fs';
import path from 'node:path';

export type ProcessKind = 'mqnamesrv' | 'mqbroker' | 'all-in-one';

export interface LocalProcess {
  pid: number;
  kind: ProcessKind;
  /** argv as in /proc/<pid>/cmdline. */
  args: string[];
  /** The process's working folder (relative config paths are resolved against it); undefined if unreadable. */
  cwd: string | undefined;
  /** Field 22 of /proc/<pid>/stat: tells a restarted pid from the process we saw. */
  startTime: string;
}

/** Node options that take their value as the next argument (so the value is not mistaken for the script). */
const NODE_OPTIONS_WITH_VALUE = new Set([
  '-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file', '--input-type', '--title',
  '--conditions', '-C', '--stack-size', '--max-old-space-size', '--inspect-port', '--openssl-config',
]);

/** Which of our servers a command line runs, or undefined. */
export function kindOf(args: readonly string[]): ProcessKind | undefined {
  if (args.length < 2 || !/^node(js)?[\d.]*$/.test(path.basename(args[0]!))) return undefined;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('-')) {
      if (NODE_OPTIONS_WITH_VALUE.has(arg)) i++;
      continue;
    }
    // The first argument that is not a node option is the script.
    const base = path.basename(arg);
    if (base === 'mqbroker' || base === 'mqbroker.js') return 'mqbroker';
    if (base === 'mqnamesrv' || base === 'mqnamesrv.js') return 'mqnamesrv';
    if (base === 'rocketmq-ts' || arg.replace(/\\/g, '/').endsWith('src/cli/start.js')) return 'all-in-one';
    return undefined;
  }
  return undefined;
}

/** The value of `-c FILE` / `--configFile FILE` (also `-cFILE`, `--configFile=FILE`) after the script, if any. */
export function configFileArg(args: readonly string[]): string | undefined {
  for (let i = 2; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-c' || arg === '--configFile') return args[i + 1];
    if (arg.startsWith('--configFile=')) return arg.slice('--configFile='.length);
    if (arg.startsWith('-c') && !arg.startsWith('--') && arg.length > 2) return arg.slice(2).replace(/^=/, '');
  }
  return undefined;
}

/** A path as the process sees it, made absolute and free of symlinks where possible. */
export function resolveFrom(cwd: string | undefined, file: string): string {
  const absolute = path.resolve(cwd ?? '/', file);
  try {
    return fs.realpathSync(absolute);
  } catch {
    return absolute;
  }
}

function readStat(procRoot: string, pid: number): { state: string; startTime: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(procRoot, String(pid), 'stat'), 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).trim().split(/\s+/);
  return { state: fields[0] ?? '?', startTime: fields[19] ?? '' };
}

/** Our server processes on this host (from `procRoot`, default /proc), lowest pid first. */
export function listServerProcesses(procRoot = '/proc'): LocalProcess[] {
  let names: string[];
  try {
    names = fs.readdirSync(procRoot);
  } catch {
    return [];
  }
  const found: LocalProcess[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let raw: string;
    try {
      raw = fs.readFileSync(path.join(procRoot, name, 'cmdline'), 'utf8');
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    const args = raw.split('\0');
    if (args[args.length - 1] === '') args.pop();
    const kind = kindOf(args);
    if (kind === undefined) continue;
    const stat = readStat(procRoot, pid);
    if (stat === undefined || stat.state === 'Z') continue;
    let cwd: string | undefined;
    try {
      cwd = fs.readlinkSync(path.join(procRoot, name, 'cwd'));
    } catch {
      cwd = undefined;
    }
    found.push({ pid, kind, args, cwd, startTime: stat.startTime });
  }
  return found.sort((a, b) => a.pid - b.pid);
}

/** Whether the process we saw still runs (not gone, not a zombie, not a new process under the same pid). */
export function stillRunning(p: LocalProcess, procRoot = '/proc'): boolean {
  const stat = readStat(procRoot, p.pid);
  return stat !== undefined && stat.state !== 'Z' && stat.startTime === p.startTime;
}
