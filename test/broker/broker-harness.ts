// A real broker for tests: real store in a temp dir, real sockets on 127.0.0.1 (ephemeral ports), and a
// RemotingClient to talk to it. Nothing is mocked.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BrokerController } from '../../src/broker/broker-controller.js';
import { brokerConfigFrom, type BrokerConfig } from '../../src/config/broker-config.js';
import { createRequest, SerializeType, type RemotingCommand } from '../../src/protocol/command.js';
import { RequestCode } from '../../src/protocol/codes.js';
import { encodeHeartbeatData } from '../../src/protocol/bodies.js';
import type { HeartbeatData } from '../../src/protocol/body-types.js';
import { RemotingClient } from '../../src/remoting/client.js';
import type { RequestHandler } from '../../src/remoting/types.js';

export const TIMEOUT_MS = 5000;

export function tempStoreDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'broker-it-'));
}

/** Small files so tests stay quick; delay levels of 1 s so retries and delays are observable. */
export function testConfig(dir: string, overrides: Partial<BrokerConfig> = {}): BrokerConfig {
  const base = brokerConfigFrom({
    brokerName: 'broker-a',
    brokerClusterName: 'DefaultCluster',
    brokerIP1: '127.0.0.1',
    brokerIP2: '127.0.0.1',
    namesrvAddr: '',
    storePathRootDir: dir,
    mappedFileSizeCommitLog: 4 * 1024 * 1024,
    mappedFileSizeConsumeQueue: 6000,
    maxHashSlotNum: 1000,
    maxIndexNum: 4000,
    messageDelayLevel: '1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s',
    ...overrides,
  });
  return { ...base, listenPort: overrides.listenPort ?? 0 };
}

export interface TestBroker {
  broker: BrokerController;
  client: RemotingClient;
  addr: string;
  dir: string;
  call(code: number, ext?: Record<string, string>, body?: Buffer, serializeType?: SerializeType): Promise<RemotingCommand>;
  stop(): Promise<void>;
}

export async function startBroker(options: { dir?: string; overrides?: Partial<BrokerConfig>; onRequest?: RequestHandler } = {}): Promise<TestBroker> {
  const dir = options.dir ?? tempStoreDir();
  const broker = new BrokerController(testConfig(dir, options.overrides));
  await broker.start();
  const client = new RemotingClient({ name: 'test-client', onRequest: options.onRequest });
  const addr = `127.0.0.1:${broker.listenPort}`;
  return {
    broker,
    client,
    addr,
    dir,
    call: (code, ext = {}, body, serializeType = SerializeType.JSON) =>
      client.invoke(addr, createRequest(code, ext, body, serializeType), TIMEOUT_MS),
    stop: async () => {
      await client.shutdown();
      await broker.shutdown();
    },
  };
}

export interface SendArgs {
  topic: string;
  body?: string | Buffer;
  queueId?: number;
  properties?: string;
  producerGroup?: string;
  reconsumeTimes?: number;
  maxReconsumeTimes?: number;
  sysFlag?: number;
  defaultTopicQueueNums?: number;
}

/** SEND_MESSAGE_V2 headers as the Java client writes them. */
export function sendV2Fields(a: SendArgs): Record<string, string> {
  const ext: Record<string, string> = {
    a: a.producerGroup ?? 'test_producer',
    b: a.topic,
    c: 'TBW102',
    d: String(a.defaultTopicQueueNums ?? 4),
    e: String(a.queueId ?? 0),
    f: String(a.sysFlag ?? 0),
    g: String(Date.now()),
    h: '0',
    i: a.properties ?? 'WAIT\u0001true',
    j: String(a.reconsumeTimes ?? 0),
    k: 'false',
    m: 'false',
  };
  if (a.maxReconsumeTimes !== undefined) ext.l = String(a.maxReconsumeTimes);
  return ext;
}

export function send(t: TestBroker, a: SendArgs, serializeType: SerializeType = SerializeType.JSON): Promise<RemotingCommand> {
  const body = typeof a.body === 'string' || a.body === undefined ? Buffer.from(a.body ?? 'hello') : a.body;
  return t.call(RequestCode.SEND_MESSAGE_V2, sendV2Fields(a), body, serializeType);
}

export interface PullArgs {
  group: string;
  topic: string;
  queueId?: number;
  offset?: number;
  maxMsgNums?: number;
  sysFlag?: number;
  subscription?: string;
  suspendMs?: number;
  commitOffset?: number;
  subVersion?: number;
}

/** PULL_MESSAGE with its own subscription (sysFlag bit 2) unless told otherwise. */
export function pull(t: TestBroker, a: PullArgs, timeoutMs = TIMEOUT_MS): Promise<RemotingCommand> {
  const ext: Record<string, string> = {
    consumerGroup: a.group,
    topic: a.topic,
    queueId: String(a.queueId ?? 0),
    queueOffset: String(a.offset ?? 0),
    maxMsgNums: String(a.maxMsgNums ?? 32),
    sysFlag: String(a.sysFlag ?? 4),
    commitOffset: String(a.commitOffset ?? 0),
    suspendTimeoutMillis: String(a.suspendMs ?? 0),
    subVersion: String(a.subVersion ?? 0),
    expressionType: 'TAG',
  };
  if (a.subscription !== undefined) ext.subscription = a.subscription;
  return t.client.invoke(t.addr, createRequest(RequestCode.PULL_MESSAGE, ext), timeoutMs);
}

export function heartbeatBody(clientID: string, group: string, topics: Array<{ topic: string; subString?: string; subVersion?: number }>): Buffer {
  const hb: HeartbeatData = {
    clientID,
    producerDataSet: [],
    consumerDataSet: [
      {
        groupName: group,
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        unitMode: false,
        subscriptionDataSet: topics.map((t) => ({
          classFilterMode: false,
          topic: t.topic,
          subString: t.subString ?? '*',
          tagsSet: [],
          codeSet: [],
          subVersion: t.subVersion ?? 1,
          expressionType: 'TAG',
        })),
      },
    ],
  };
  return encodeHeartbeatData(hb);
}
