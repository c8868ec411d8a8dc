// A real NameServer and broker(s) in this process for the mqadmin tests (ephemeral ports, temp folders), and two
// ways to run mqadmin against them: in-process (runMqadmin with captured output) and as a child process
// (`node dist/src/cli/mqadmin.js`, for exit status and stdio). Nothing is mocked.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrokerController, type BrokerControllerOptions } from '../../src/broker/broker-controller.js';
import { Producer, PushConsumer } from '../../src/client/index.js';
import { configureLogging } from '../../src/common/logger.js';
import { brokerConfigFrom, type BrokerConfig } from '../../src/config/broker-config.js';
import { defaultNamesrvConfig } from '../../src/config/namesrv-config.js';
import { NamesrvController } from '../../src/namesrv/namesrv-controller.js';
import { MQAdmin } from '../../src/admin/index.js';
import { updateTopic } from '../../src/admin/topic.js';
import { runMqadmin } from '../../src/cli/mqadmin/main.js';
import type { CommandSeams } from '../../src/cli/mqadmin/spec.js';
import { waitFor } from '../support/wait.js';

export const TIMEOUT_MS = 15_000;
const FAST_DELAY_LEVELS = Array.from({ length: 18 }, () => '1s').join(' ');
const MQADMIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'mqadmin.js');

let logsConfigured = false;
function logsOnce(): void {
  if (logsConfigured) return;
  logsConfigured = true;
  configureLogging({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'mqadmin-it-logs-')), level: 'warn' });
}

let seq = 0;
/** A topic/group name unique in this process. */
export function uniq(prefix: string): string {
  return `${prefix}_${process.pid}_${++seq}`;
}

export interface RunResult {
  code: number;
  out: string;
  err: string;
}

export class AdminCluster {
  readonly brokers: BrokerController[] = [];
  private readonly clients: Array<{ shutdown(): Promise<void> }> = [];
  private readonly admins: MQAdmin[] = [];

  private constructor(readonly namesrv: NamesrvController, readonly root: string) {}

  static async start(options: { brokers?: number; overrides?: Partial<BrokerConfig> } = {}): Promise<AdminCluster> {
    logsOnce();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mqadmin-it-'));
    const namesrv = new NamesrvController({
      ...defaultNamesrvConfig(),
      listenPort: 0,
      bindAddress: '127.0.0.1',
      kvConfigPath: path.join(root, 'namesrv', 'kvConfig.json'),
      configStorePath: path.join(root, 'namesrv', 'namesrv.properties'),
    });
    await namesrv.start();
    const cluster = new AdminCluster(namesrv, root);
    for (let i = 0; i < (options.brokers ?? 1); i++) await cluster.addBroker(String.fromCharCode(97 + i), options.overrides);
    return cluster;
  }

  get namesrvAddr(): string {
    return `127.0.0.1:${this.namesrv.port}`;
  }

  brokerAddr(i = 0): string {
    return this.brokers[i]!.brokerAddr;
  }

  storeDir(suffix: string): string {
    return path.join(this.root, `broker-${suffix}`);
  }

  brokerConfig(suffix: string, overrides: Partial<BrokerConfig> = {}): BrokerConfig {
    const config = brokerConfigFrom({
      brokerName: `broker-${suffix}`,
      brokerClusterName: 'DefaultCluster',
      brokerIP1: '127.0.0.1',
      brokerIP2: '127.0.0.1',
      namesrvAddr: this.namesrvAddr,
      storePathRootDir: this.storeDir(suffix),
      mappedFileSizeCommitLog: 4 * 1024 * 1024,
      mappedFileSizeConsumeQueue: 60_000,
      maxHashSlotNum: 1000,
      maxIndexNum: 4000,
      messageDelayLevel: FAST_DELAY_LEVELS,
      ...overrides,
    });
    return { ...config, listenPort: overrides.listenPort ?? 0 };
  }

  async addBroker(suffix: string, overrides: Partial<BrokerConfig> = {}, options: BrokerControllerOptions = {}): Promise<BrokerController> {
    const broker = new BrokerController(this.brokerConfig(suffix, overrides), options);
    await broker.start();
    this.brokers.push(broker);
    return broker;
  }

  /** An admin connection closed at stop(). */
  admin(): MQAdmin {
    const admin = new MQAdmin({ namesrvAddr: this.namesrvAddr });
    this.admins.push(admin);
    return admin;
  }

  /** Creates the topic on every master of DefaultCluster and waits until the NameServer routes it. */
  async createTopic(topic: string, queues = 4): Promise<void> {
    await updateTopic(this.admin(), { topic, clusterName: 'DefaultCluster', readQueueNums: queues, writeQueueNums: queues });
  }

  /** A started producer of this cluster, shut down at stop(). */
  async producer(group = uniq('pg')): Promise<Producer> {
    const p = new Producer({ producerGroup: group, namesrvAddr: this.namesrvAddr });
    await p.start();
    this.clients.push(p);
    return p;
  }

  /** Sends `n` messages "body-i" with keys "key-i" and tag TagA; returns their send results. */
  async send(topic: string, n: number, producer?: Producer): Promise<Array<Awaited<ReturnType<Producer['send']>>>> {
    const p = producer ?? (await this.producer());
    const out = [];
    for (let i = 0; i < n; i++) out.push(await p.send({ topic, body: `body-${i}`, keys: `key-${i}`, tags: i % 2 === 0 ? 'TagA' : 'TagB' }));
    return out;
  }

  /** A push consumer of `topic` that counts what it consumed; started, shut down at stop() unless done earlier. */
  async consumer(group: string, topic: string, from: 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_LAST_OFFSET' = 'CONSUME_FROM_FIRST_OFFSET'): Promise<{ consumer: PushConsumer; seen: string[] }> {
    const consumer = new PushConsumer({ consumerGroup: group, namesrvAddr: this.namesrvAddr, consumeFromWhere: from, persistConsumerOffsetInterval: 200 });
    const seen: string[] = [];
    consumer.subscribe(topic, '*');
    consumer.registerMessageListener(async (msgs) => {
      for (const m of msgs) seen.push(m.body.toString('utf8'));
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    this.clients.push(consumer);
    return { consumer, seen };
  }

  /** mqadmin in this process: exit status and what it printed. */
  async run(...args: string[]): Promise<RunResult> {
    let out = '';
    let err = '';
    const code = await runMqadmin(args, {
      env: { NAMESRV_ADDR: this.namesrvAddr },
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
    });
    return { code, out, err };
  }

  /** mqadmin in this process with test seams (a stop signal, short monitor rounds); output goes to `out`. */
  runWith(args: string[], seams: CommandSeams, out: (text: string) => void): Promise<number> {
    return runMqadmin(args, { env: { NAMESRV_ADDR: this.namesrvAddr }, out, err: out, seams });
  }

  async stop(): Promise<void> {
    for (const c of this.clients.reverse()) await c.shutdown().catch(() => undefined);
    for (const a of this.admins) await a.close();
    for (const b of this.brokers) await b.shutdown();
    await this.namesrv.shutdown();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** `node dist/src/cli/mqadmin.js args` as an operator runs it. */
export function runProcess(args: string[], env: NodeJS.ProcessEnv = {}, cwd = os.tmpdir()): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MQADMIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t;
    });
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      err += t;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mqadmin ${args.join(' ')} did not finish in ${TIMEOUT_MS} ms; out: ${out} err: ${err}`));
    }, TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out, err });
    });
  });
}

/** Table rows of mqadmin output: header lines (starting with '#') and blank lines dropped, columns split on spaces. */
export function rows(out: string): string[][] {
  return out.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => l.trim().split(/\s+/));
}

export { waitFor };
