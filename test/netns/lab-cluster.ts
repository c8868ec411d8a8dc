// NameServers, brokers and client agents on the hosts of a NetLab, started as the seed guides start them
// (`mqnamesrv`, `mqbroker -c FILE` with the guide's keys and ports, NAMESRV_ADDR for clients). Every host
// has its own address, so the guide's fixed ports (9876, 10911, 11011) are used as they are.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MQAdmin, listBrokers, topicRoute, updateTopic, type BrokerEntry } from '../../src/admin/index.js';
import type { TopicRouteData } from '../../src/protocol/body-types.js';
import type { ConsumerAgentSettings, ProducerAgentSettings } from './agents/settings.js';
import { decodeTopicConfigSerializeWrapper } from '../../src/protocol/bodies.js';
import { createRequest } from '../../src/protocol/command.js';
import { RequestCode } from '../../src/protocol/codes.js';
import { BOOT_TIMEOUT_MS, BROKER_SCRIPT, NAMESRV_SCRIPT, propertiesText, type Props, type ServerProcess } from '../support/cluster.js';
import type { NetLab } from '../support/netns.js';
import { waitFor } from '../support/wait.js';
import { getMaxOffset, Resp, WireClient } from '../support/wire.js';

export const NAMESRV_PORT = 9876;
/** The boot lines take longer here: up to a dozen processes share two cores with other test files. */
export const LAB_BOOT_TIMEOUT_MS = Math.max(BOOT_TIMEOUT_MS, 60_000);
const AGENTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'agents');

export interface LabNamesrv {
  readonly host: number;
  readonly addr: string;
  readonly proc: ServerProcess;
}

/** `mqnamesrv -c FILE` on host `host`, listening on all its addresses at 9876. */
export async function startNamesrv(lab: NetLab, host: number): Promise<LabNamesrv> {
  const home = lab.dir(`namesrv-h${host}`);
  const configFile = path.join(home, 'namesrv.properties');
  fs.writeFileSync(configFile, propertiesText({ listenPort: NAMESRV_PORT, kvConfigPath: path.join(home, 'kvConfig.json') }));
  const proc = lab.spawn(host, `namesrv-h${host}`, [NAMESRV_SCRIPT, '-c', configFile], {}, lab.dir(`namesrv-h${host}`, 'logs'));
  await proc.waitForOutput(/The Name Server boot success[^\n]*/, LAB_BOOT_TIMEOUT_MS);
  return { host, addr: `${lab.addr(host)}:${NAMESRV_PORT}`, proc };
}

/** A broker on a lab host, restartable on the same config file and store. */
export class LabBroker {
  proc: ServerProcess;
  private restarts = 0;

  constructor(
    private readonly lab: NetLab,
    readonly host: number,
    /** e.g. "broker-a-s": names the folder, the process label and nothing else. */
    readonly label: string,
    readonly props: Props,
    readonly configFile: string,
    private readonly env: NodeJS.ProcessEnv = {},
  ) {
    this.proc = this.spawn();
  }

  /** brokerIP1 (the host's address, as the broker advertises it) : listenPort. */
  get addr(): string {
    return `${this.lab.addr(this.host)}:${String(this.props.listenPort)}`;
  }

  get storeDir(): string {
    return String(this.props.storePathRootDir);
  }

  private spawn(): ServerProcess {
    const label = this.restarts === 0 ? this.label : `${this.label} (restart #${this.restarts})`;
    return this.lab.spawn(this.host, label, [BROKER_SCRIPT, '-c', this.configFile], this.env, this.lab.dir(this.label, 'logs'));
  }

  waitForBoot(): Promise<RegExpMatchArray> {
    return this.proc.waitForOutput(/The broker\[[^\]]*\] boot success[^\n]*/, LAB_BOOT_TIMEOUT_MS);
  }

  /** Starts again on the same config and store; the previous process must be gone. */
  async restart(): Promise<void> {
    if (this.proc.running) throw new Error(`${this.proc.label} still runs; kill or stop it before restart`);
    this.restarts++;
    this.proc = this.spawn();
    await this.waitForBoot();
  }
}

export interface BrokerSpec {
  label: string;
  /** The guide's keys for this broker (brokerClusterName, brokerName, brokerId, brokerRole, listenPort, ...). */
  props: Props;
  /** Do not wait for the boot line (start-failure tests). */
  noWait?: boolean;
  /** Extra environment, e.g. NAMESRV_ADDR as guide 000 sets it in .bashrc instead of namesrvAddr. */
  env?: NodeJS.ProcessEnv;
}

/** Writes the broker's .properties (store under the lab unless the spec names one) and runs `mqbroker -c FILE`. */
export async function startBroker(lab: NetLab, host: number, spec: BrokerSpec): Promise<LabBroker> {
  const home = lab.dir(spec.label);
  const configFile = path.join(home, 'broker.properties');
  const props: Props = {
    flushDiskType: 'ASYNC_FLUSH',
    autoCreateTopicEnable: true,
    autoCreateSubscriptionGroup: true,
    storePathRootDir: path.join(home, 'store'),
    // 8 MiB segments instead of the guides' 1 GiB keep a dozen temporary stores small.
    mappedFileSizeCommitLog: 8 * 1024 * 1024,
    ...spec.props,
  };
  fs.writeFileSync(configFile, propertiesText(props));
  const broker = new LabBroker(lab, host, spec.label, props, configFile, spec.env);
  if (!spec.noWait) await broker.waitForBoot();
  return broker;
}

// ---- client agents ----

export interface SendEvent {
  /** ready/done: the agent started/stopped (no other field is meaningful then). */
  ev: 'ok' | 'notok' | 'fail' | 'ready' | 'done';
  key: string;
  msgId?: string;
  broker?: string;
  queue?: number;
  offset?: number;
  status?: string;
  error?: string;
  /** Date.now() when the send began / ended (same clock as the test: one machine). */
  t0: number;
  t1: number;
}

export interface ConsumeEvent {
  ev: 'msg';
  key: string;
  msgId: string;
  broker: string;
  queue: number;
  offset: number;
  reconsume: number;
  t: number;
}

/** A client agent process and the JSON events it printed so far. */
export class Agent<E extends { ev: string }> {
  readonly events: E[] = [];
  private partial = '';

  constructor(readonly proc: ServerProcess) {
    proc.child.stdout?.on('data', (chunk: string) => this.onData(chunk));
  }

  private onData(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        this.events.push(JSON.parse(line) as E);
      } catch {
        // not one of our lines (a log line that happens to start with "{"): ignore it
      }
    }
  }

  ready(): Promise<RegExpMatchArray> {
    return this.proc.waitForOutput(/"ev":"ready"/, LAB_BOOT_TIMEOUT_MS);
  }

  /** SIGTERM: the agent finishes what is in flight, shuts its client down and exits. */
  async stop(): Promise<void> {
    await this.proc.stop(60_000);
  }
}

export async function startProducerAgent(lab: NetLab, host: number, s: ProducerAgentSettings, env: NodeJS.ProcessEnv = {}): Promise<Agent<SendEvent>> {
  const proc = lab.spawn(host, `producer-${s.keyPrefix}`, [path.join(AGENTS_DIR, 'producer-agent.js'), JSON.stringify(s)], env);
  const agent = new Agent<SendEvent>(proc);
  await agent.ready();
  return agent;
}

export async function startConsumerAgent(lab: NetLab, host: number, s: ConsumerAgentSettings, env: NodeJS.ProcessEnv = {}): Promise<Agent<ConsumeEvent>> {
  const proc = lab.spawn(host, `consumer-${s.group}`, [path.join(AGENTS_DIR, 'consumer-agent.js'), JSON.stringify(s)], env);
  const agent = new Agent<ConsumeEvent>(proc);
  await agent.ready();
  return agent;
}

// ---- looking at the cluster from the test process (root namespace, over the bridge) ----

/** Runs `fn` with an MQAdmin on exactly these NameServers, closing it afterwards. */
export async function withAdmin<T>(namesrvAddr: string, fn: (admin: MQAdmin) => Promise<T>): Promise<T> {
  const admin = new MQAdmin({ namesrvAddr, timeoutMs: 5000 });
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

export function brokersOn(namesrvAddr: string): Promise<BrokerEntry[]> {
  return withAdmin(namesrvAddr, (admin) => listBrokers(admin));
}

export function routeOn(namesrvAddr: string, topic: string): Promise<TopicRouteData> {
  return withAdmin(namesrvAddr, (admin) => topicRoute(admin, topic));
}

/** "brokerName/brokerId=addr" for every broker a NameServer lists, sorted: easy to compare whole. */
export async function brokerTable(namesrvAddr: string): Promise<string[]> {
  return (await brokersOn(namesrvAddr)).map((b) => `${b.brokerName}/${b.brokerId}=${b.addr}`).sort();
}

/** updateTopic -c CLUSTER on every master; waits until each named slave copied it (3 s after start, then every 10 s). */
export async function createTopicOnCluster(namesrvAddr: string, cluster: string, topic: string, queues: number, slaveAddrs: string[]): Promise<void> {
  await withAdmin(namesrvAddr, (admin) => updateTopic(admin, { topic, clusterName: cluster, readQueueNums: queues, writeQueueNums: queues }));
  for (const addr of slaveAddrs) {
    await waitFor(async () => {
      const c = await WireClient.connect(addr);
      try {
        const r = await c.invoke(createRequest(RequestCode.GET_ALL_TOPIC_CONFIG, {}));
        return r.code === Resp.SUCCESS && r.body !== undefined && decodeTopicConfigSerializeWrapper(r.body).topicConfigTable.has(topic);
      } finally {
        c.close();
      }
    }, { timeoutMs: 60_000, what: `slave ${addr} to copy topic ${topic} from its master`, intervalMs: 500 });
  }
}

/** Max offset of every queue 0..queues-1 of `topic` on the broker at `addr` (e.g. a slave). */
export async function maxOffsets(addr: string, topic: string, queues: number): Promise<number[]> {
  const c = await WireClient.connect(addr);
  try {
    const out: number[] = [];
    for (let q = 0; q < queues; q++) out.push(await getMaxOffset(c, topic, q));
    return out;
  } finally {
    c.close();
  }
}
