// A real NameServer and real brokers in this process for client tests: ephemeral ports on 127.0.0.1, stores and
// logs in temp folders. Nothing is mocked; the clients talk to them over TCP like to any RocketMQ cluster.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { BrokerController } from '../../src/broker/broker-controller.js';
import { Producer } from '../../src/client/index.js';
import { configureLogging } from '../../src/common/logger.js';
import { brokerConfigFrom, type BrokerConfig } from '../../src/config/broker-config.js';
import { defaultNamesrvConfig } from '../../src/config/namesrv-config.js';
import { NamesrvController } from '../../src/namesrv/namesrv-controller.js';
import { decodeTopicRouteData } from '../../src/protocol/bodies.js';
import { createRequest } from '../../src/protocol/command.js';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import { decodeMessages, type DecodedMessage } from '../../src/protocol/message.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { waitFor } from '../support/wait.js';

export const FAST_DELAY_LEVELS = Array.from({ length: 18 }, () => '1s').join(' ');
const TIMEOUT_MS = 5000;

let logsConfigured = false;
function logsOnce(): void {
  if (logsConfigured) return;
  logsConfigured = true;
  configureLogging({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'client-it-logs-')), level: 'info' });
}

export interface ClusterOptions {
  brokers?: number;
  overrides?: Partial<BrokerConfig>;
}

export class TestCluster {
  readonly admin = new RemotingClient({ name: 'test-admin' });
  private constructor(readonly namesrv: NamesrvController, readonly brokers: BrokerController[], private readonly dirs: string[]) {}

  static async start(options: ClusterOptions = {}): Promise<TestCluster> {
    logsOnce();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'client-it-'));
    const namesrv = new NamesrvController({
      ...defaultNamesrvConfig(), listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: path.join(root, 'kvConfig.json'),
    });
    await namesrv.start();
    const cluster = new TestCluster(namesrv, [], [root]);
    for (let i = 0; i < (options.brokers ?? 1); i++) await cluster.addBroker(String.fromCharCode(97 + i), options.overrides);
    return cluster;
  }

  get namesrvAddr(): string {
    return `127.0.0.1:${this.namesrv.port}`;
  }

  brokerAddr(i = 0): string {
    return this.brokers[i]!.brokerAddr;
  }

  async addBroker(suffix: string, overrides: Partial<BrokerConfig> = {}): Promise<BrokerController> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `client-it-broker-${suffix}-`));
    this.dirs.push(dir);
    const config = brokerConfigFrom({
      brokerName: `broker-${suffix}`,
      brokerClusterName: 'DefaultCluster',
      brokerIP1: '127.0.0.1',
      brokerIP2: '127.0.0.1',
      namesrvAddr: this.namesrvAddr,
      storePathRootDir: dir,
      mappedFileSizeCommitLog: 8 * 1024 * 1024,
      mappedFileSizeConsumeQueue: 60_000,
      maxHashSlotNum: 1000,
      maxIndexNum: 4000,
      messageDelayLevel: FAST_DELAY_LEVELS,
      ...overrides,
    });
    const broker = new BrokerController({ ...config, listenPort: 0 });
    await broker.start();
    this.brokers.push(broker);
    return broker;
  }

  /** UPDATE_AND_CREATE_TOPIC on every broker (they register it with the NameServer at once). */
  async createTopic(topic: string, queues = 4, order = false): Promise<void> {
    for (const b of this.brokers) {
      const r = await this.admin.invoke(b.brokerAddr, createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
        topic, defaultTopic: 'TBW102', readQueueNums: String(queues), writeQueueNums: String(queues), perm: '6',
        topicFilterType: 'SINGLE_TAG', topicSysFlag: '0', order: String(order),
      }), TIMEOUT_MS);
      if (r.code !== ResponseCode.SUCCESS) throw new Error(`create topic ${topic} at ${b.brokerAddr}: ${r.code} ${r.remark}`);
    }
    await waitFor(async () => (await this.routeQueueCount(topic)) === queues * this.brokers.length, {
      timeoutMs: TIMEOUT_MS, what: `route of ${topic} with ${queues * this.brokers.length} queues`,
    });
  }

  async routeQueueCount(topic: string): Promise<number> {
    const r = await this.admin.invoke(this.namesrvAddr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), TIMEOUT_MS);
    if (r.code !== ResponseCode.SUCCESS || r.body === undefined) return 0;
    return decodeTopicRouteData(r.body).queueDatas.reduce((n, q) => n + q.readQueueNums, 0);
  }

  /** Every stored message of one queue, read straight from the broker's store (no client code involved). */
  storedMessages(topic: string, queueId: number, broker = 0): DecodedMessage[] {
    const store = this.brokers[broker]!.store;
    const out: DecodedMessage[] = [];
    for (let offset = 0; out.length < 100_000;) {
      const r = store.getMessage(topic, queueId, offset, 32, null);
      if (r.messages.length === 0) break;
      for (const b of r.messages) out.push(...decodeMessages(b));
      offset = r.nextBeginOffset;
    }
    return out;
  }

  /** Stored messages of every queue of `topic` on every broker. */
  allStored(topic: string, queues = 8): DecodedMessage[] {
    const out: DecodedMessage[] = [];
    for (let b = 0; b < this.brokers.length; b++) {
      for (let q = 0; q < queues; q++) out.push(...this.storedMessages(topic, q, b));
    }
    return out;
  }

  /** The group's committed offset of a queue as the broker answers QUERY_CONSUMER_OFFSET (-1 if none). */
  async queryOffset(group: string, topic: string, queueId: number, broker = 0): Promise<number> {
    const r = await this.admin.invoke(this.brokerAddr(broker), createRequest(RequestCode.QUERY_CONSUMER_OFFSET, {
      consumerGroup: group, topic, queueId: String(queueId),
    }), TIMEOUT_MS);
    return r.code === ResponseCode.SUCCESS ? Number(r.extFields.offset) : -1;
  }

  async stop(): Promise<void> {
    await this.admin.shutdown();
    for (const b of this.brokers) await b.shutdown();
    await this.namesrv.shutdown();
    for (const d of this.dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

let seq = 0;
/** A topic/group name unique in this process. */
export function uniq(prefix: string): string {
  return `${prefix}_${process.pid}_${++seq}`;
}

export interface ClusterWithProducer {
  readonly cluster: TestCluster;
  readonly producer: Producer;
}

/** For a describe block: a one-broker cluster and a started producer, from its before() to its after(). */
export function clusterWithProducer(): ClusterWithProducer {
  let cluster: TestCluster | undefined;
  let producer: Producer | undefined;
  before(async () => {
    cluster = await TestCluster.start();
    producer = new Producer({ producerGroup: uniq('pg'), namesrvAddr: cluster.namesrvAddr });
    await producer.start();
  });
  after(async () => {
    await producer?.shutdown();
    await cluster?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} used outside the describe block's tests`);
    return value;
  };
  return {
    get cluster() { return started(cluster, 'cluster'); },
    get producer() { return started(producer, 'producer'); },
  };
}
