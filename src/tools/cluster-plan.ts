// What `mqtools cluster start <mode>` runs: the mode's sample files from the package's conf/ folder, and for
// each NameServer and broker the ports, folders and config text one host needs so that they do not collide.
// Pure apart from reading the sample files; cluster.ts spawns what this plans.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBrokerConfig, type BrokerRole } from '../config/broker-config.js';

/** The sample files of each mode, masters first (slaves need their master's HA port). */
export const CLUSTER_MODES = {
  single: ['broker.conf'],
  '2m-noslave': ['2m-noslave/broker-a.properties', '2m-noslave/broker-b.properties'],
  '2m-2s-async': [
    '2m-2s-async/broker-a.properties', '2m-2s-async/broker-b.properties',
    '2m-2s-async/broker-a-s.properties', '2m-2s-async/broker-b-s.properties',
  ],
  '2m-2s-sync': [
    '2m-2s-sync/broker-a.properties', '2m-2s-sync/broker-b.properties',
    '2m-2s-sync/broker-a-s.properties', '2m-2s-sync/broker-b-s.properties',
  ],
} as const;

export type ClusterMode = keyof typeof CLUSTER_MODES;

export const DEFAULT_BASE_PORT = 9876;
export const MAX_NAMESRV_COUNT = 9;
/** Broker i listens on base + 1035 + 10 i: with the default base, 10911 as RocketMQ's default listenPort. */
export const BROKER_PORT_OFFSET = 1035;
/** A broker also binds listenPort - 2 (VIP channel) and listenPort + 1 (HA): 10 apart leaves room. */
export const BROKER_PORT_STEP = 10;

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
}

export function isClusterMode(text: string): text is ClusterMode {
  return Object.hasOwn(CLUSTER_MODES, text);
}

export function clusterModeNames(): string[] {
  return Object.keys(CLUSTER_MODES);
}

/** The installed package's folder (holds package.json and conf/), found from this file, not from cwd. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'conf'))) return dir;
    dir = path.dirname(dir);
  }
  throw new ClusterError(`cannot find the rocketmq-ts package folder (with conf/) above ${fileURLToPath(import.meta.url)}`);
}

/** The sample config folder shipped with the package: RocketMQ's distribution conf/. */
export function sampleConfDir(): string {
  return path.join(packageRoot(), 'conf');
}

/** dist/src/cli/<name>.js, next to this file's folder. */
export function cliScript(name: 'mqnamesrv' | 'mqbroker'): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', `${name}.js`);
}

export interface NamesrvPlan {
  kind: 'namesrv';
  name: string;
  port: number;
  /** Every port it binds. */
  ports: number[];
  folder: string;
  configFile: string;
  configText: string;
}

export interface BrokerPlan {
  kind: 'broker';
  /** The sample file's base name: broker-a, broker-a-s, ... */
  name: string;
  sampleFile: string;
  brokerName: string;
  brokerId: number;
  role: BrokerRole;
  port: number;
  haPort: number;
  /** VIP channel, listenPort, HA. */
  ports: number[];
  folder: string;
  storeDir: string;
  configFile: string;
  configText: string;
}

export type ServerPlan = NamesrvPlan | BrokerPlan;

export interface ClusterPlan {
  mode: ClusterMode;
  dir: string;
  host: string;
  namesrvAddr: string;
  namesrvs: NamesrvPlan[];
  brokers: BrokerPlan[];
}

export interface PlanOptions {
  mode: ClusterMode;
  /** Absolute cluster folder. */
  dir: string;
  host: string;
  namesrvCount: number;
  basePort: number;
  /** Where the mode's sample files are; default the package's conf/. */
  confDir?: string;
}

function checkOptions(o: PlanOptions): void {
  if (!net.isIPv4(o.host)) throw new ClusterError(`--host must be an IPv4 address of this machine, got "${o.host}"`);
  if (!Number.isInteger(o.namesrvCount) || o.namesrvCount < 1 || o.namesrvCount > MAX_NAMESRV_COUNT) {
    throw new ClusterError(`--namesrv-count must be 1..${MAX_NAMESRV_COUNT}, got ${o.namesrvCount}`);
  }
  const highest = o.basePort + BROKER_PORT_OFFSET + BROKER_PORT_STEP * (CLUSTER_MODES[o.mode].length - 1) + 1;
  if (!Number.isInteger(o.basePort) || o.basePort < 1 || highest > 65535) {
    throw new ClusterError(`--base-port ${o.basePort} leaves no room: mode ${o.mode} needs ports up to base + ${highest - o.basePort} <= 65535`);
  }
}

/** Lines of `sample` with `overrides` replacing the keys it sets and appended after it otherwise. */
export function withOverrides(sample: string, overrides: ReadonlyArray<readonly [string, string]>, note: string): string {
  const pending = new Map(overrides);
  const lines = sample.replace(/\r\n?/g, '\n').split('\n').map((line) => {
    const m = /^\s*([^#!\s=:]+)\s*[=:\s]/.exec(line);
    const value = m ? pending.get(m[1]!) : undefined;
    if (m === null || value === undefined) return line;
    pending.delete(m[1]!);
    return `${m[1]}=${value}`;
  });
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const added = [...pending].map(([k, v]) => `${k}=${v}`);
  return [...lines, ...(added.length > 0 ? [`# ${note}`, ...added] : []), ''].join('\n');
}

function planNamesrv(o: PlanOptions, index: number): NamesrvPlan {
  const name = `namesrv-${index + 1}`;
  const folder = path.join(o.dir, name);
  const port = o.basePort + index;
  const configText = [
    `# NameServer ${index + 1} of mqtools cluster ${o.mode}`,
    `listenPort=${port}`,
    `kvConfigPath=${path.join(folder, 'kvConfig.json')}`,
    `configStorePath=${path.join(folder, 'namesrv.properties')}`,
    '',
  ].join('\n');
  return { kind: 'namesrv', name, port, ports: [port], folder, configFile: path.join(folder, 'namesrv.conf'), configText };
}

function planBroker(o: PlanOptions, confDir: string, sampleFile: string, index: number, namesrvAddr: string): BrokerPlan {
  const file = path.join(confDir, sampleFile);
  let sample: string;
  try {
    sample = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ClusterError(`cannot read the ${o.mode} sample file ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const name = path.basename(sampleFile).replace(/\.(properties|conf)$/, '');
  const folder = path.join(o.dir, name);
  const storeDir = path.join(folder, 'store');
  const port = o.basePort + BROKER_PORT_OFFSET + BROKER_PORT_STEP * index;
  const configText = withOverrides(sample, [
    ['namesrvAddr', namesrvAddr],
    ['listenPort', String(port)],
    ['brokerIP1', o.host],
    // The HA address a slave is told; the default (first non-loopback IP) is wrong for a one-host cluster.
    ['brokerIP2', o.host],
    ['storePathRootDir', storeDir],
    ['storePathCommitLog', path.join(storeDir, 'commitlog')],
  ], `mqtools cluster start ${o.mode}: what this host needs to differ (sample: ${file})`);
  const configFile = path.join(folder, path.basename(sampleFile));
  // Parsed here so that a broken sample fails before anything is started.
  const { config, warnings } = parseBrokerConfig(configText, configFile);
  if (warnings.length > 0) throw new ClusterError(`${configFile}: ${warnings.join('; ')}`);
  return {
    kind: 'broker', name, sampleFile: file, brokerName: config.brokerName, brokerId: config.brokerId, role: config.brokerRole,
    port, haPort: config.haListenPort, ports: [port - 2, port, config.haListenPort], folder, storeDir, configFile, configText,
  };
}

/** Every process of the mode with its ports, folders and config text; throws ClusterError on bad options. */
export function planCluster(o: PlanOptions): ClusterPlan {
  checkOptions(o);
  const confDir = o.confDir ?? sampleConfDir();
  const namesrvs = Array.from({ length: o.namesrvCount }, (_, i) => planNamesrv(o, i));
  const namesrvAddr = namesrvs.map((n) => `${o.host}:${n.port}`).join(';');
  const brokers = CLUSTER_MODES[o.mode].map((file, i) => planBroker(o, confDir, file, i, namesrvAddr));
  return { mode: o.mode, dir: o.dir, host: o.host, namesrvAddr, namesrvs, brokers };
}
