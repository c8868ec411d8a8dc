// A lab of "hosts" for multi-host tests: each host is a Linux network namespace with its own address on a
// private /24, joined by veth pairs to a bridge in the root namespace. The bridge has an address too, so the
// test process itself reaches every host. Needs root and iproute2 (`ip`); no iptables — cuts are blackhole
// routes. Every name carries the creating pid, so a later run can sweep what a crashed run left behind.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { childEnv, ServerProcess } from './cluster.js';

const run = promisify(execFile);

/** Namespaces are named `rmqts-<pid>-<hex>-h<i>`; root-side links carry the alias `rmqts-pid-<pid>`. */
const NS_PREFIX = 'rmqts-';
const ALIAS_PREFIX = 'rmqts-pid-';
/** Linux interface names are at most 15 characters: `rq<4 hex>br` and `rq<4 hex>h<i>` stay well below. */
const MAX_HOSTS = 32;
const IP_TIMEOUT_MS = 20_000;

export interface LabHost {
  readonly index: number;
  /** Network namespace name. */
  readonly ns: string;
  /** The host's address on the lab subnet. */
  readonly addr: string;
  /** Root-side end of its veth pair (enslaved to the bridge). */
  readonly veth: string;
}

/** Runs `ip <args>`; a failure names the command and ip's own message. */
export async function ip(args: string[]): Promise<string> {
  try {
    const { stdout } = await run('ip', args, { timeout: IP_TIMEOUT_MS, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(' ')} failed: ${(e.stderr ?? '').trim() || e.message}`);
  }
}

async function ipQuiet(args: string[]): Promise<void> {
  await ip(args).catch(() => undefined);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Fails with a clear message when this process cannot build a lab (CI runs as root: never skip silently). */
export async function checkLabPrerequisites(): Promise<void> {
  if (process.platform !== 'linux') throw new Error(`netns tests need Linux network namespaces; this is ${process.platform}`);
  if (process.getuid?.() !== 0) {
    throw new Error(`netns tests need root (uid 0) to create namespaces, veth pairs and a bridge; running as uid ${process.getuid?.()}`);
  }
  try {
    await ip(['netns', 'list']);
  } catch (err) {
    throw new Error(`netns tests need iproute2 with "ip netns" (apt-get install iproute2): ${(err as Error).message}`);
  }
}

/** Removes namespaces and links of earlier runs whose process is gone (a crashed test never ran destroy()). */
export async function sweepStaleLabs(): Promise<string[]> {
  const removed: string[] = [];
  for (const line of (await ip(['netns', 'list'])).split('\n')) {
    const name = line.trim().split(/\s+/)[0] ?? '';
    const m = /^rmqts-(\d+)-/.exec(name);
    if (m && !pidAlive(Number(m[1]))) {
      await ipQuiet(['netns', 'del', name]);
      removed.push(name);
    }
  }
  for (const line of (await ip(['-o', 'link', 'show'])).split('\n')) {
    const alias = new RegExp(`alias ${ALIAS_PREFIX}(\\d+)`).exec(line);
    const dev = /^\d+:\s+([^:@\s]+)/.exec(line)?.[1];
    if (alias && dev && !pidAlive(Number(alias[1]))) {
      await ipQuiet(['link', 'del', dev]);
      removed.push(dev);
    }
  }
  return removed;
}

/** A free 10.x.y.0/24 (x in 100..199) derived from the suffix; moves on while it clashes with a local address. */
async function pickSubnet(suffix: number): Promise<string> {
  const inUse = await ip(['-o', '-4', 'addr', 'show']);
  for (let i = 0; i < 256; i++) {
    const n = (suffix + i * 7919) & 0xffff;
    const prefix = `10.${100 + ((n >> 8) % 100)}.${n & 0xff}`;
    if (!inUse.includes(` ${prefix}.`)) return prefix;
  }
  throw new Error('no free 10.x.y.0/24 subnet for the netns lab');
}

export class NetLab {
  /** Temporary folder for configs, stores and logs of everything started in the lab. */
  readonly root: string;
  private readonly procs: ServerProcess[] = [];
  private readonly cuts = new Map<number, Set<string>>();
  private destroyed = false;

  private constructor(
    readonly label: string,
    readonly hosts: LabHost[],
    readonly bridge: string,
    /** The root namespace's address on the lab subnet (the test process as seen by the hosts). */
    readonly bridgeAddr: string,
  ) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), `rmqts-netns-${label}-`));
  }

  /** Builds the bridge and `hostCount` hosts. Sweeps stale labs first. On any failure, removes what it made. */
  static async create(label: string, hostCount: number): Promise<NetLab> {
    if (!Number.isInteger(hostCount) || hostCount < 1 || hostCount > MAX_HOSTS) {
      throw new Error(`NetLab hostCount must be an integer in 1..${MAX_HOSTS}, got ${hostCount}`);
    }
    await checkLabPrerequisites();
    await sweepStaleLabs();
    const suffix = Math.floor(Math.random() * 0x10000);
    const hex = suffix.toString(16).padStart(4, '0');
    const subnet = await pickSubnet(suffix);
    const hosts = Array.from({ length: hostCount }, (_, i): LabHost => ({
      index: i,
      ns: `${NS_PREFIX}${process.pid}-${hex}-h${i}`,
      addr: `${subnet}.${10 + i}`,
      veth: `rq${hex}h${i}`,
    }));
    const lab = new NetLab(label, hosts, `rq${hex}br`, `${subnet}.1`);
    try {
      await lab.build();
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    return lab;
  }

  private async build(): Promise<void> {
    const alias = `${ALIAS_PREFIX}${process.pid}`;
    await ip(['link', 'add', this.bridge, 'type', 'bridge']);
    await ip(['link', 'set', this.bridge, 'alias', alias]);
    await ip(['addr', 'add', `${this.bridgeAddr}/24`, 'dev', this.bridge]);
    await ip(['link', 'set', this.bridge, 'up']);
    for (const h of this.hosts) {
      const peer = `${h.veth}p`;
      await ip(['netns', 'add', h.ns]);
      await ip(['link', 'add', h.veth, 'type', 'veth', 'peer', 'name', peer]);
      await ip(['link', 'set', h.veth, 'alias', alias]);
      await ip(['link', 'set', peer, 'netns', h.ns]);
      await ip(['-n', h.ns, 'link', 'set', peer, 'name', 'eth0']);
      await ip(['-n', h.ns, 'addr', 'add', `${h.addr}/24`, 'dev', 'eth0']);
      await ip(['-n', h.ns, 'link', 'set', 'eth0', 'up']);
      await ip(['-n', h.ns, 'link', 'set', 'lo', 'up']);
      await ip(['link', 'set', h.veth, 'master', this.bridge]);
      await ip(['link', 'set', h.veth, 'up']);
    }
  }

  host(index: number): LabHost {
    const h = this.hosts[index];
    if (h === undefined) throw new Error(`lab ${this.label} has no host ${index} (it has ${this.hosts.length})`);
    return h;
  }

  /** Address of host `index`. */
  addr(index: number): string {
    return this.host(index).addr;
  }

  /** A new folder under the lab's temporary root. */
  dir(...parts: string[]): string {
    const d = path.join(this.root, ...parts);
    fs.mkdirSync(d, { recursive: true });
    return d;
  }

  /**
   * Runs `node <args>` inside host `index`'s namespace (`ip netns exec` execs node: the pid is node's, so
   * kill -9 hits the server itself). The child's environment is ours minus NAMESRV_ADDR, plus `env`.
   */
  spawn(index: number, label: string, args: string[], env: NodeJS.ProcessEnv = {}, logDir = this.dir('logs', label.replace(/\W+/g, '_'))): ServerProcess {
    const h = this.host(index);
    const proc = new ServerProcess(`${label} @${h.addr}`, ['netns', 'exec', h.ns, process.execPath, ...args], childEnv(logDir, env), logDir, 'ip');
    this.procs.push(proc);
    return proc;
  }

  /**
   * Drops all traffic between host `index` and `addrs` (blackhole routes on both sides when the other side
   * is a lab host; only on this side for other addresses). Connections stay open but nothing gets through.
   */
  async cut(index: number, addrs: string[]): Promise<void> {
    const h = this.host(index);
    const cut = this.cuts.get(index) ?? new Set<string>();
    this.cuts.set(index, cut);
    for (const a of addrs) {
      if (cut.has(a)) continue;
      await ip(['-n', h.ns, 'route', 'add', 'blackhole', `${a}/32`]);
      const other = this.hosts.find((o) => o.addr === a);
      if (other) await ip(['-n', other.ns, 'route', 'add', 'blackhole', `${h.addr}/32`]);
      cut.add(a);
    }
  }

  /** Undoes every cut of host `index`. */
  async heal(index: number): Promise<void> {
    const h = this.host(index);
    for (const a of this.cuts.get(index) ?? []) {
      await ip(['-n', h.ns, 'route', 'del', 'blackhole', `${a}/32`]);
      const other = this.hosts.find((o) => o.addr === a);
      if (other) await ip(['-n', other.ns, 'route', 'del', 'blackhole', `${h.addr}/32`]);
    }
    this.cuts.delete(index);
  }

  /** Takes the host's only link down (nothing in or out) or up again; its processes keep running. */
  async setLink(index: number, up: boolean): Promise<void> {
    await ip(['-n', this.host(index).ns, 'link', 'set', 'eth0', up ? 'up' : 'down']);
  }

  /** stdout/stderr of every process, for failure messages. */
  describeAll(): string {
    return this.procs.map((p) => p.describe()).join('\n\n');
  }

  /** kill -9 every process still running, remove namespaces, links and (unless KEEP_TEST_DIRS) the folder. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await Promise.all(this.procs.filter((p) => p.running).map((p) => p.kill().catch(() => undefined)));
    for (const h of this.hosts) {
      await ipQuiet(['netns', 'del', h.ns]);
      await ipQuiet(['link', 'del', h.veth]);
    }
    await ipQuiet(['link', 'del', this.bridge]);
    if (!process.env.KEEP_TEST_DIRS) fs.rmSync(this.root, { recursive: true, force: true });
  }
}
