// Test helpers for the NameServer: registrations built from the captured 103 bodies, and fake connections.
import type { TopicConfig, TopicConfigSerializeWrapper } from '../../src/protocol/body-types.js';
import type { RemotingCommand } from '../../src/protocol/command.js';
import type { Connection } from '../../src/remoting/types.js';
import type { BrokerRegistration } from '../../src/namesrv/route-info.js';
import { readFixture } from '../support/fixtures.js';

/** Splits a captured frame into its JSON header object and its body (test-only; no frame codec needed). */
export function splitFrame(frame: Buffer): { header: Record<string, unknown>; body: Buffer } {
  const headerLen = frame.readInt32BE(4) & 0xffffff;
  const header = JSON.parse(frame.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, unknown>;
  return { header, body: frame.subarray(8 + headerLen) };
}

interface RawTopicConfig extends Omit<TopicConfig, 'topicFilterType'> {
  topicFilterType: string;
}

/** The topic configs of a captured REGISTER_BROKER body (plain JSON: the 103 bodies have only string keys). */
export function topicConfigOf(frameName: string): TopicConfigSerializeWrapper {
  const { body } = splitFrame(readFixture('frames', frameName));
  const parsed = JSON.parse(body.toString('utf8')) as {
    topicConfigSerializeWrapper: { dataVersion: { counter: number; timestamp: number }; topicConfigTable: Record<string, RawTopicConfig> };
  };
  const w = parsed.topicConfigSerializeWrapper;
  const table = new Map<string, TopicConfig>();
  for (const [name, c] of Object.entries(w.topicConfigTable)) {
    table.set(name, { ...c, topicFilterType: c.topicFilterType === 'MULTI_TAG' ? 'MULTI_TAG' : 'SINGLE_TAG' });
  }
  return { topicConfigTable: table, dataVersion: { ...w.dataVersion } };
}

export function topicConfig(topicName: string, queues = 4, perm = 6): TopicConfig {
  return { topicName, readQueueNums: queues, writeQueueNums: queues, perm, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
}

export function wrapper(configs: TopicConfig[], counter = 0, timestamp = 1): TopicConfigSerializeWrapper {
  return { topicConfigTable: new Map(configs.map((c) => [c.topicName, c])), dataVersion: { counter, timestamp } };
}

/** broker-a's master registration as captured (127.0.0.2:10911, HA 10912). */
export function masterRegistration(connection?: Connection): BrokerRegistration {
  return {
    clusterName: 'DefaultCluster',
    brokerAddr: '127.0.0.2:10911',
    brokerName: 'broker-a',
    brokerId: 0,
    haServerAddr: '127.0.0.2:10912',
    topicConfig: topicConfigOf('103-REGISTER_BROKER.master.request.bin'),
    filterServerList: [],
    connection,
  };
}

/** broker-a's slave registration as captured (127.0.0.1:11911, id 1). */
export function slaveRegistration(connection?: Connection): BrokerRegistration {
  return {
    clusterName: 'DefaultCluster',
    brokerAddr: '127.0.0.1:11911',
    brokerName: 'broker-a',
    brokerId: 1,
    haServerAddr: '127.0.0.1:11912',
    topicConfig: topicConfigOf('103-REGISTER_BROKER.slave.request.bin'),
    filterServerList: [],
    connection,
  };
}

let nextConnId = 1;

/** A connection stand-in: records close() and lets the test fire the close listeners. */
export class FakeConnection implements Connection {
  readonly id = nextConnId++;
  readonly remoteHost = '127.0.0.1';
  readonly remotePort: number;
  readonly localPort = 9876;
  closed = false;
  private readonly listeners: Array<() => void> = [];

  constructor(remotePort = 40000 + nextConnId) {
    this.remotePort = remotePort;
  }

  get remoteAddress(): string {
    return `${this.remoteHost}:${this.remotePort}`;
  }

  invoke(): Promise<RemotingCommand> {
    return Promise.reject(new Error('FakeConnection cannot invoke'));
  }

  invokeOneway(): void {}

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.listeners) l();
  }

  onClose(listener: () => void): void {
    this.listeners.push(listener);
  }
}
