// `mqtools os-check`: the kernel settings RocketMQ's deployment guides tune (bin/os.sh), their current values,
// RocketMQ's recommendation, and whether they matter for this implementation. rocketmq-ts writes the commit log
// with pwrite and reads with pread (no mmap), so vm.max_map_count does not matter; the dirty-page limits do,
// because a write() that hits them is throttled by the kernel and our writes run on the event loop thread.
// Nothing is changed unless --apply is given, and then only as root, only the sysctls that matter here.
import fs from 'node:fs';
import path from 'node:path';

export type Status = 'OK' | 'DIFFERS' | 'IRRELEVANT' | 'UNKNOWN';

export interface OsSetting {
  name: string;
  current: string;
  /** What RocketMQ's guides (bin/os.sh and the deployment docs) set. */
  rocketmq: string;
  /** What this implementation wants, or "any". */
  wanted: string;
  status: Status;
  why: string;
  /** sysctl path under /proc/sys that --apply writes, with the value; undefined = not applied. */
  apply?: { file: string; value: string };
}

export interface OsCheckEnv {
  /** "/proc" (tests pass a fake tree). */
  procRoot: string;
  /** "/sys" */
  sysRoot: string;
  /** The store folder whose disk's I/O scheduler is reported. */
  storeDir: string;
  /** Soft and hard open-file limits of processes started from here; default: this process's. */
  nofile?: { soft: string; hard: string };
}

export function defaultOsCheckEnv(storeDir: string): OsCheckEnv {
  return { procRoot: '/proc', sysRoot: '/sys', storeDir };
}

function readTrim(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function sysctlFile(env: OsCheckEnv, name: string): string {
  return path.join(env.procRoot, 'sys', ...name.split('.'));
}

interface SysctlRule {
  name: string;
  rocketmq: string;
  /** Compares the current value with what we want; undefined = any value is fine. */
  wanted?: { value: string; ok: (n: number) => boolean };
  why: string;
}

const SYSCTLS: SysctlRule[] = [
  {
    name: 'vm.max_map_count',
    rocketmq: '655360',
    why: 'no mmap here: the commit log, consume queues and index are read and written with pread/pwrite',
  },
  {
    name: 'vm.swappiness',
    rocketmq: '10',
    wanted: { value: '10', ok: (n) => n <= 10 },
    why: 'a swapped-out heap page stalls the single event loop (and every client) until it is read back',
  },
  {
    name: 'vm.overcommit_memory',
    rocketmq: '1',
    why: 'the JVM reserves a large heap up front; a Node.js broker (~100 MB) does not need overcommit',
  },
  {
    name: 'vm.dirty_background_ratio',
    rocketmq: '50',
    wanted: { value: '50', ok: (n) => n >= 50 },
    why: 'below it the kernel writes back early; our own flush (fdatasync off the event loop) should decide',
  },
  {
    name: 'vm.dirty_ratio',
    rocketmq: '50',
    wanted: { value: '50', ok: (n) => n >= 50 },
    why: 'a write() over this limit is throttled in the kernel, blocking the event loop that serves every client',
  },
];

function sysctlSetting(env: OsCheckEnv, rule: SysctlRule): OsSetting {
  const file = sysctlFile(env, rule.name);
  const current = readTrim(file);
  const base = { name: rule.name, rocketmq: rule.rocketmq, why: rule.why };
  if (rule.wanted === undefined) return { ...base, current: current ?? '?', wanted: 'any', status: 'IRRELEVANT' };
  if (current === undefined || !/^-?\d+$/.test(current)) {
    return { ...base, current: current ?? '?', wanted: rule.wanted.value, status: 'UNKNOWN' };
  }
  const ok = rule.wanted.ok(Number(current));
  return {
    ...base,
    current,
    wanted: rule.wanted.value,
    status: ok ? 'OK' : 'DIFFERS',
    apply: ok ? undefined : { file, value: rule.wanted.value },
  };
}

const WANTED_NOFILE = 655350;

function nofileSetting(env: OsCheckEnv): OsSetting {
  let limits = env.nofile;
  if (limits === undefined) {
    const line = readTrim(path.join(env.procRoot, 'self', 'limits'))?.split('\n').find((l) => l.startsWith('Max open files'));
    const parts = line?.slice('Max open files'.length).trim().split(/\s+/);
    limits = { soft: parts?.[0] ?? '?', hard: parts?.[1] ?? '?' };
  }
  const soft = limits.soft === 'unlimited' ? Infinity : Number(limits.soft);
  const status: Status = Number.isNaN(soft) ? 'UNKNOWN' : soft >= WANTED_NOFILE ? 'OK' : 'DIFFERS';
  return {
    name: 'open files (ulimit -n)',
    current: `${limits.soft} (hard ${limits.hard})`,
    rocketmq: String(WANTED_NOFILE),
    wanted: String(WANTED_NOFILE),
    status,
    why: 'one descriptor per client connection plus open store files; EMFILE refuses new clients',
  };
}

/** The block device holding `dir` (the folder or its nearest existing parent), e.g. "vda", or undefined. */
export function blockDeviceOf(dir: string, sysRoot: string): string | undefined {
  let probe = path.resolve(dir);
  while (!fs.existsSync(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
  let dev: bigint;
  try {
    dev = fs.statSync(probe, { bigint: true }).dev;
  } catch {
    return undefined;
  }
  // glibc's dev_t encoding.
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  let real: string;
  try {
    real = fs.realpathSync(path.join(sysRoot, 'dev', 'block', `${major}:${minor}`));
  } catch {
    return undefined;
  }
  // A partition's queue settings are its disk's.
  if (fs.existsSync(path.join(real, 'partition'))) real = path.dirname(real);
  return path.basename(real);
}

const GOOD_SCHEDULERS = new Set(['none', 'noop', 'mq-deadline', 'deadline']);

function schedulerSetting(env: OsCheckEnv): OsSetting {
  const base = {
    rocketmq: 'deadline',
    wanted: 'mq-deadline or none',
    why: 'SYNC_FLUSH waits for fdatasync: a fair-queueing scheduler (cfq, bfq) adds latency to every flush',
  };
  const disk = blockDeviceOf(env.storeDir, env.sysRoot);
  if (disk === undefined) {
    return { ...base, name: `I/O scheduler (${env.storeDir})`, current: 'no block device (tmpfs, overlay or not found)', status: 'UNKNOWN' };
  }
  const file = path.join(env.sysRoot, 'block', disk, 'queue', 'scheduler');
  const text = readTrim(file);
  const active = text?.match(/\[([^\]]+)\]/)?.[1] ?? text;
  const name = `I/O scheduler (${disk})`;
  if (active === undefined) return { ...base, name, current: '?', status: 'UNKNOWN' };
  const ok = GOOD_SCHEDULERS.has(active);
  const canDeadline = text?.split(/\s+/).some((s) => s.replace(/[[\]]/g, '') === 'mq-deadline') ?? false;
  return {
    ...base,
    name,
    current: active,
    status: ok ? 'OK' : 'DIFFERS',
    apply: ok || !canDeadline ? undefined : { file, value: 'mq-deadline' },
  };
}

export function checkOs(env: OsCheckEnv): OsSetting[] {
  return [...SYSCTLS.map((r) => sysctlSetting(env, r)), nofileSetting(env), schedulerSetting(env)];
}

/** The report as an aligned table plus one "why" line per setting. */
export function formatOsTable(settings: OsSetting[]): string {
  const head = ['setting', 'current', 'RocketMQ', 'rocketmq-ts', 'status'];
  const rows = settings.map((s) => [s.name, s.current, s.rocketmq, s.wanted, s.status]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''];
  for (const s of settings) out.push(`${s.name}: ${s.why}`);
  return out.join('\n') + '\n';
}

export interface ApplyResult {
  written: string[];
  failed: string[];
  /** What to add to /etc/sysctl.conf (or limits.conf) to keep the values after a reboot. */
  persist: string[];
}

/** Writes the wanted values of the settings that differ. The caller checks for root first. */
export function applyOs(settings: OsSetting[]): ApplyResult {
  const result: ApplyResult = { written: [], failed: [], persist: [] };
  for (const s of settings) {
    if (s.apply === undefined) continue;
    try {
      fs.writeFileSync(s.apply.file, `${s.apply.value}\n`);
      result.written.push(`${s.name}: ${s.current} -> ${s.apply.value}`);
      if (s.name.startsWith('vm.')) result.persist.push(`${s.name}=${s.apply.value}   # /etc/sysctl.conf`);
      else result.persist.push(`echo ${s.apply.value} > ${s.apply.file}   # at boot, e.g. a udev rule`);
    } catch (err) {
      result.failed.push(`${s.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const nofile = settings.find((s) => s.name.startsWith('open files'));
  if (nofile?.status === 'DIFFERS') {
    result.persist.push(`* soft nofile ${WANTED_NOFILE} and * hard nofile ${WANTED_NOFILE}   # /etc/security/limits.conf (or LimitNOFILE= in a systemd unit)`);
  }
  return result;
}
