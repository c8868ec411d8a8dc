// A NameServer, a master and a slave broker in this process for replication tests: real sockets on 127.0.0.1,
// real stores in temp folders. The master listens on a fixed free port group (P-2, P, P+1 = HA) so it can be
// restarted where the slave expects it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BrokerController } from '../../src/broker/broker-controller.js';
import { configureLogging } from '../../src/common/logger.js';
import { brokerConfigFrom, type BrokerConfig } from '../../src/config/broker-config.js';
import { defaultNamesrvConfig } from '../../src/config/namesrv-config.js';
import type { HAClient } from '../../src/ha/ha-client.js';
import { NamesrvController } from '../../src/namesrv/namesrv-controller.js';
import { encodeSubscriptionGroupConfig } from '../../src/protocol/bodies.js';
import { createRequest, type RemotingCommand } from '../../src/protocol/command.js';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import { decodeMessages } from '../../src/protocol/message.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { newSubscriptionGroupConfig } from '../../src/broker/subscription-group-manager.js';
import { freeBrokerPort } from '../support/ports.js';
import { deferred, withTimeout } from '../support/wait.js';

export const TIMEOUT_MS = 10_000;
export const FAST_DELAY_LEVELS = Array.from({ length: 18 }, () => '1s').join(' ');

let logsConfigured = false;
function logsOnce(): void {
  if (logsConfigured) return;
  logsConfigured = true;
  configureLogging({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'ha-it-logs-')), level: 'info' });
}

export class HaCluster {
  readonly admin = new RemotingClient({ name: 'ha-test' });
  master: BrokerController | undefined;
  slave: BrokerController | undefined;
  readonly masterDir: string;
  readonly slaveDir: string;
  private constructor(readonly namesrv: NamesrvController, readonly root: string, readonly masterPort: number) {
    this.masterDir = path.join(root, 'master');
    this.slaveDir = path.join(root, 'slave');
  }

  static async create(): Promise<HaCluster> {
    logsOnce();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-it-'));
    const namesrv = new NamesrvController({
      ...defaultNamesrvConfig(), listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: path.join(root, 'kvConfig.json'),
    });
    await namesrv.start();
    return new HaCluster(namesrv, root, await freeBrokerPort());
  }

  get namesrvAddr(): string {
    return `127.0.0.1:${this.namesrv.port}`;
  }

  private config(dir: string, overrides: Partial<BrokerConfig>): BrokerConfig {
    return brokerConfigFrom({
      brokerName: 'broker-ha',
      brokerClusterName: 'HaCluster',
      brokerIP1: '127.0.0.1',
      brokerIP2: '127.0.0.1',
      bindAddress: '127.0.0.1',
      namesrvAddr: this.namesrvAddr,
      storePathRootDir: dir,
      mappedFileSizeCommitLog: 256 * 1024,
      mappedFileSizeConsumeQueue: 6000,
      maxHashSlotNum: 1000,
      maxIndexNum: 4000,
      messageDelayLevel: FAST_DELAY_LEVELS,
      slaveTimeout: 1000,
      ...overrides,
    });
  }

  async startMaster(overrides: Partial<BrokerConfig> = {}): Promise<BrokerController> {
    const b = new BrokerController(
      this.config(this.masterDir, { brokerId: 0, brokerRole: 'SYNC_MASTER', listenPort: this.masterPort, haListenPort: this.masterPort + 1, ...overrides }),
      { replication: { haReconnectDelayMs: 100, slaveSyncFirstDelayMs: 3_600_000 } },
    );
    await b.start();
    this.master = b;
    return b;
  }

  async startSlave(overrides: Partial<BrokerConfig> = {}): Promise<BrokerController> {
    const b = new BrokerController(
      { ...this.config(this.slaveDir, { brokerId: 1, brokerRole: 'SLAVE', ...overrides }), listenPort: 0 },
      { replication: { haReconnectDelayMs: 100, slaveSyncFirstDelayMs: 3_600_000 } },
    );
    await b.start();
    this.slave = b;
    return b;
  }

  get masterAddr(): string {
    return `127.0.0.1:${this.masterPort}`;
  }

  call(addr: string, code: number, ext: Record<string, string> = {}, body?: Buffer): Promise<RemotingCommand> {
    return this.admin.invoke(addr, createRequest(code, ext, body), TIMEOUT_MS);
  }

  async createTopic(topic: string, queues = 4): Promise<void> {
    const r = await this.call(this.masterAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic, readQueueNums: String(queues), writeQueueNums: String(queues), perm: '6', topicFilterType: 'SINGLE_TAG', topicSysFlag: '0', order: 'false',
    });
    if (r.code !== ResponseCode.SUCCESS) throw new Error(`create topic ${topic}: ${r.code} ${r.remark}`);
  }

  async createGroup(group: string): Promise<void> {
    const r = await this.call(this.masterAddr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, encodeSubscriptionGroupConfig(newSubscriptionGroupConfig(group)));
    if (r.code !== ResponseCode.SUCCESS) throw new Error(`create group ${group}: ${r.code} ${r.remark}`);
  }

  send(addr: string, topic: string, body: string, queueId: number, properties = 'WAIT\u0001true'): Promise<RemotingCommand> {
    return this.call(addr, RequestCode.SEND_MESSAGE_V2, {
      a: 'ha_producer', b: topic, c: 'TBW102', d: '4', e: String(queueId), f: '0', g: String(Date.now()), h: '0', i: properties, j: '0', k: 'false', m: 'false',
    }, Buffer.from(body));
  }

  async maxOffset(addr: string, topic: string, queueId: number): Promise<number> {
    const r = await this.call(addr, RequestCode.GET_MAX_OFFSET, { topic, queueId: String(queueId) });
    if (r.code !== ResponseCode.SUCCESS) throw new Error(`GET_MAX_OFFSET ${topic}/${queueId} at ${addr}: ${r.code} ${r.remark}`);
    return Number(r.extFields.offset);
  }

  pull(addr: string, group: string, topic: string, queueId: number, offset: number, sysFlag = 4, commitOffset = 0): Promise<RemotingCommand> {
    return this.call(addr, RequestCode.PULL_MESSAGE, {
      consumerGroup: group, topic, queueId: String(queueId), queueOffset: String(offset), maxMsgNums: '32', sysFlag: String(sysFlag),
      commitOffset: String(commitOffset), suspendTimeoutMillis: '0', subVersion: '0', expressionType: 'TAG', subscription: '*',
    });
  }

  /** Every body of a queue, pulled over the wire from `addr`. */
  async pulledBodies(addr: string, group: string, topic: string, queueId: number): Promise<string[]> {
    const out: string[] = [];
    for (let offset = 0; ;) {
      const r = await this.pull(addr, group, topic, queueId, offset);
      if (r.code !== ResponseCode.SUCCESS || r.body === undefined) {
        if (r.code === ResponseCode.PULL_OFFSET_MOVED || r.code === ResponseCode.PULL_RETRY_IMMEDIATELY) offset = Number(r.extFields.nextBeginOffset);
        if (r.code === ResponseCode.PULL_OFFSET_MOVED && offset > 0) continue;
        break;
      }
      for (const m of decodeMessages(r.body)) out.push(m.body.toString());
      offset = Number(r.extFields.nextBeginOffset);
    }
    return out;
  }

  /** Resolves once the slave's HA client reported the master's current end (waits on report events). */
  caughtUp(timeoutMs = TIMEOUT_MS): Promise<void> {
    const target = this.master!.store.getMaxPhyOffset();
    const client = this.slave!.replication.haClient!;
    return reportedAtLeast(client, target, timeoutMs);
  }

  async stop(): Promise<void> {
    await this.admin.shutdown();
    await this.slave?.shutdown();
    await this.master?.shutdown();
    await this.namesrv.shutdown();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export function reportedAtLeast(client: HAClient, offset: number, timeoutMs = TIMEOUT_MS): Promise<void> {
  const done = deferred<void>();
  const check = (): void => {
    if (client.reportedOffset >= offset) done.resolve();
  };
  const off = client.onReport(check);
  check();
  // Consume queues follow the commit log one event-loop turn after the write (and the report).
  return withTimeout(done.promise, timeoutMs, () => `the slave to report ${offset} (last ${client.reportedOffset})`)
    .finally(off)
    .then(() => new Promise<void>((r) => setImmediate(r)));
}
