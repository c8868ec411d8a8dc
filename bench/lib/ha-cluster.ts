// A NameServer, a master and its slave, each its own process (dist/src/cli/mqnamesrv.js, mqbroker.js -c FILE)
// on loopback with fresh stores: the replication benchmark's cluster. The master registers brokerIP2=127.0.0.1
// as its HA address, the slave learns it from the NameServer as a real slave does. The slave can be stopped and
// started again on the same store; the master can be killed with SIGKILL.
import fs from 'node:fs';
import path from 'node:path';
import { decodeKVTable } from '../../src/protocol/bodies.js';
import { createRequest } from '../../src/protocol/command.js';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { Child } from './child.js';
import { BOOT_TIMEOUT_MS, BROKER_JS, childEnv, MQTOOLS_JS, spawnNamesrv, untilAccepting } from './cluster.js';
import { freePort } from './ports.js';

export type MasterRole = 'SYNC_MASTER' | 'ASYNC_MASTER';

export const HA_BROKER_NAME = 'broker-ha';

export interface HaClusterOptions {
  root: string;
  masterRole: MasterRole;
  /** Node.js options for both brokers, e.g. ['--cpu-prof', '--cpu-prof-dir=DIR']. */
  brokerNodeArgs?: string[];
  /** Extra broker.conf lines for both brokers. */
  brokerProps?: Record<string, string>;
}

interface BrokerSpec {
  label: string;
  conf: string;
  port: number;
}

export class HaBenchCluster {
  readonly admin = new RemotingClient({ name: 'bench-ha-admin' });
  private slaveChild: Child;
  private stopping = false;

  private constructor(
    private readonly o: HaClusterOptions,
    readonly namesrv: Child,
    readonly namesrvAddr: string,
    readonly master: Child,
    private readonly masterSpec: BrokerSpec,
    slave: Child,
    private readonly slaveSpec: BrokerSpec,
    readonly logDir: string,
  ) {
    this.slaveChild = slave;
  }

  get slave(): Child {
    return this.slaveChild;
  }

  get masterAddr(): string {
    return `127.0.0.1:${this.masterSpec.port}`;
  }

  get slaveAddr(): string {
    return `127.0.0.1:${this.slaveSpec.port}`;
  }

  static async start(o: HaClusterOptions): Promise<HaBenchCluster> {
    const logDir = path.join(o.root, 'logs');
    fs.mkdirSync(logDir, { recursive: true });
    const env = childEnv(logDir);
    const { namesrv, port: nsPort } = await spawnNamesrv(o.root, env);
    const started: Child[] = [namesrv];
    try {
      await untilAccepting(namesrv, nsPort);
      const namesrvAddr = `127.0.0.1:${nsPort}`;
      const masterSpec = await brokerSpec(o, namesrvAddr, 'master', 0, o.masterRole);
      const slaveSpec = await brokerSpec(o, namesrvAddr, 'slave', 1, 'SLAVE');
      const master = await bootBroker(masterSpec, env, o.brokerNodeArgs ?? []);
      started.push(master);
      const slave = await bootBroker(slaveSpec, env, o.brokerNodeArgs ?? []);
      started.push(slave);
      return new HaBenchCluster(o, namesrv, namesrvAddr, master, masterSpec, slave, slaveSpec, logDir);
    } catch (err) {
      for (const c of started.reverse()) await c.stop();
      throw err;
    }
  }

  /** Spawns `mqtools <args>` against this cluster's NameServer. */
  tool(label: string, args: string[]): Child {
    return new Child(label, [MQTOOLS_JS, ...args, '-n', this.namesrvAddr], childEnv(this.logDir));
  }

  /** Graceful stop of the slave (SIGTERM: it flushes and closes its store). */
  async stopSlave(): Promise<void> {
    const exit = await this.slaveChild.stop();
    if (exit.code !== 0) throw new Error(`the slave exited with ${JSON.stringify(exit)}\n${this.slaveChild.describe()}`);
  }

  /** Starts the slave again on its store; resolves once it printed its boot line. */
  async startSlave(): Promise<void> {
    if (this.slaveChild.exit === undefined) throw new Error('the slave is still running');
    this.slaveChild = await bootBroker(this.slaveSpec, childEnv(this.logDir), this.o.brokerNodeArgs ?? []);
  }

  /** kill -9 of the master; resolves with the moment (performance.now()) the signal was sent. */
  killMaster(): number {
    const at = performance.now();
    this.master.signal('SIGKILL');
    return at;
  }

  /** commitLogMaxOffset from GET_BROKER_RUNTIME_INFO (what mqadmin brokerStatus shows). */
  async maxOffset(addr: string): Promise<number> {
    const r = await this.admin.invoke(addr, createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, {}), 3000);
    if (r.code !== ResponseCode.SUCCESS || r.body === undefined) throw new Error(`GET_BROKER_RUNTIME_INFO at ${addr}: code ${r.code} ${r.remark ?? ''}`);
    const value = decodeKVTable(r.body).table['commitLogMaxOffset'];
    const n = Number(value);
    if (value === undefined || !Number.isSafeInteger(n)) throw new Error(`${addr} reported commitLogMaxOffset ${String(value)}`);
    return n;
  }

  /** Resolves once the slave's commit log ends where the master's does (polled every 20 ms). */
  async untilSlaveCaughtUp(timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const [m, s] = await Promise.all([this.maxOffset(this.masterAddr), this.maxOffset(this.slaveAddr).catch(() => -1)]);
      if (s === m && m > 0) return m;
      if (performance.now() > deadline) throw new Error(`the slave is at ${s}, the master at ${m} after ${timeoutMs} ms`);
      if (this.slaveChild.exit !== undefined) throw new Error(`the slave exited\n${this.slaveChild.describe()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.admin.shutdown();
    const exits = await Promise.all([this.slaveChild.stop(), this.master.stop()]);
    await this.namesrv.stop();
    for (const [who, e, child] of [['slave', exits[0], this.slaveChild], ['master', exits[1], this.master]] as const) {
      if (e.code !== 0 && e.signal !== 'SIGKILL') process.stderr.write(`warning: the ${who} exited with ${JSON.stringify(e)}\n${child.stderr.slice(-2000)}\n`);
    }
  }
}

async function brokerSpec(o: HaClusterOptions, namesrvAddr: string, label: string, brokerId: number, role: string): Promise<BrokerSpec> {
  const port = await freePort('broker');
  const conf = path.join(o.root, `${label}.conf`);
  const props: Record<string, string> = {
    brokerClusterName: 'HaBenchCluster',
    brokerName: HA_BROKER_NAME,
    brokerId: String(brokerId),
    brokerRole: role,
    flushDiskType: 'ASYNC_FLUSH',
    listenPort: String(port),
    brokerIP1: '127.0.0.1',
    brokerIP2: '127.0.0.1',
    bindAddress: '127.0.0.1',
    namesrvAddr,
    storePathRootDir: path.join(o.root, label),
    autoCreateTopicEnable: 'true',
    ...o.brokerProps,
  };
  fs.writeFileSync(conf, `${Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
  return { label, conf, port };
}

async function bootBroker(spec: BrokerSpec, env: NodeJS.ProcessEnv, nodeArgs: string[]): Promise<Child> {
  const child = new Child(spec.label, [BROKER_JS, '-c', spec.conf], env, nodeArgs);
  const boot = child.waitLine(/The broker\[[^\]]*\] boot success/, BOOT_TIMEOUT_MS);
  boot.catch(() => undefined); // awaited below unless the start-up fails first
  try {
    await untilAccepting(child, spec.port);
    await boot;
  } catch (err) {
    await child.stop();
    throw err;
  }
  return child;
}
