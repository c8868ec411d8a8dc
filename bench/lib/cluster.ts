// A NameServer and a broker, each its own process (dist/src/cli/mqnamesrv.js, mqbroker.js -c FILE), on a fresh
// store in a temporary folder; start-up is timed from spawn until the port accepts a TCP connection. The
// benchmark client (dist/src/cli/mqtools.js benchmark ...) runs in a third process.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child } from './child.js';
import { accepts, freePort } from './ports.js';

/** dist/src/cli, seen from dist/bench/lib. */
export const CLI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli');
export const NAMESRV_JS = path.join(CLI_DIR, 'mqnamesrv.js');
export const BROKER_JS = path.join(CLI_DIR, 'mqbroker.js');
export const MQTOOLS_JS = path.join(CLI_DIR, 'mqtools.js');

export const BOOT_TIMEOUT_MS = 30_000;

export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

export interface ClusterOptions {
  root: string;
  flushDiskType: FlushDiskType;
  /** Node.js options for the broker, e.g. ['--cpu-prof', '--cpu-prof-dir=DIR']. */
  brokerNodeArgs?: string[];
  /** Node.js options for the benchmark clients. */
  toolNodeArgs?: string[];
}

export function childEnv(logDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ROCKETMQ_LOG_DIR: logDir };
  delete env.NAMESRV_ADDR;
  delete env.NODE_OPTIONS;
  return env;
}

/** Polls with back-to-back connect attempts (each fails in microseconds while nothing listens). */
/** A NameServer process on a free loopback port, its config and KV file under `root` (not yet waited for). */
export async function spawnNamesrv(root: string, env: NodeJS.ProcessEnv): Promise<{ namesrv: Child; port: number }> {
  const port = await freePort('single');
  const conf = path.join(root, 'namesrv.properties');
  fs.writeFileSync(conf, `listenPort=${port}\nbindAddress=127.0.0.1\nkvConfigPath=${path.join(root, 'kvConfig.json')}\n`);
  return { namesrv: new Child('mqnamesrv', [NAMESRV_JS, '-c', conf], env), port };
}

export async function untilAccepting(child: Child, port: number): Promise<number> {
  const deadline = performance.now() + BOOT_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exit !== undefined) throw new Error(`${child.label} exited during start-up\n${child.describe()}`);
    if (await accepts(port)) return performance.now() - child.startedAt;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`${child.label}: port ${port} did not accept connections within ${BOOT_TIMEOUT_MS} ms\n${child.describe()}`);
}

export class BenchCluster {
  private constructor(
    readonly namesrv: Child,
    readonly broker: Child,
    readonly namesrvAddr: string,
    readonly namesrvStartupMs: number,
    readonly brokerStartupMs: number,
    readonly logDir: string,
    private readonly toolNodeArgs: string[],
  ) {}

  static async start(o: ClusterOptions): Promise<BenchCluster> {
    const logDir = path.join(o.root, 'logs');
    fs.mkdirSync(logDir, { recursive: true });
    const env = childEnv(logDir);
    const { namesrv, port: nsPort } = await spawnNamesrv(o.root, env);
    let broker: Child | undefined;
    try {
      const namesrvStartupMs = await untilAccepting(namesrv, nsPort);
      await namesrv.waitLine(/The Name Server boot success/, BOOT_TIMEOUT_MS).catch(() => undefined);
      const namesrvAddr = `127.0.0.1:${nsPort}`;
      const brokerPort = await freePort('broker');
      const brokerConf = path.join(o.root, 'broker.conf');
      fs.writeFileSync(brokerConf, [
        'brokerClusterName=DefaultCluster',
        'brokerName=broker-a',
        'brokerId=0',
        'brokerRole=ASYNC_MASTER',
        `flushDiskType=${o.flushDiskType}`,
        `listenPort=${brokerPort}`,
        'brokerIP1=127.0.0.1',
        'bindAddress=127.0.0.1',
        `namesrvAddr=${namesrvAddr}`,
        `storePathRootDir=${path.join(o.root, 'store')}`,
        'autoCreateTopicEnable=true',
        '',
      ].join('\n'));
      broker = new Child('mqbroker', [BROKER_JS, '-c', brokerConf], env, o.brokerNodeArgs ?? []);
      const boot = broker.waitLine(/The broker\[[^\]]*\] boot success/, BOOT_TIMEOUT_MS);
      boot.catch(() => undefined); // awaited below unless the start-up fails first
      const brokerStartupMs = await untilAccepting(broker, brokerPort);
      await boot;
      return new BenchCluster(namesrv, broker, namesrvAddr, namesrvStartupMs, brokerStartupMs, logDir, o.toolNodeArgs ?? []);
    } catch (err) {
      await broker?.stop();
      await namesrv.stop();
      throw err;
    }
  }

  /** Spawns `mqtools <args>` against this cluster's NameServer. */
  tool(label: string, args: string[]): Child {
    return new Child(label, [MQTOOLS_JS, ...args, '-n', this.namesrvAddr], childEnv(this.logDir), this.toolNodeArgs);
  }

  async stop(): Promise<void> {
    const b = await this.broker.stop();
    await this.namesrv.stop();
    if (b.code !== 0) process.stderr.write(`warning: the broker exited with ${JSON.stringify(b)}\n${this.broker.stderr.slice(-2000)}\n`);
  }
}
