// Cluster and broker operations: clusterList, brokerStatus, getBrokerConfig, updateBrokerConfig, wipeWritePerm,
// addWritePerm, cleanExpiredCQ, cleanUnusedTopic, brokerConsumeStats, clusterRT, sendMsgStatus.
import { Producer } from '../client/producer.js';
import type { SendResult } from '../client/send-request.js';
import type { ConsumeStatsList } from '../protocol/admin-bodies.js';
import { AdminError, type MQAdmin } from './admin-client.js';
import {
  addWritePermOfBroker,
  cleanExpiredConsumeQueue,
  cleanUnusedTopic,
  examineBrokerClusterInfo,
  fetchBrokerRuntimeStats,
  fetchConsumeStatsInBroker,
  getBrokerConfig,
  updateBrokerConfig,
  wipeWritePermOfBroker,
} from './api.js';
import { allAddrsOfCluster, mastersAndSlavesOfCluster, targetMasters } from './cluster-util.js';

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** One broker address of the cluster table, in clusterList's order: clusters, broker names sorted, ids ascending. */
export interface BrokerEntry {
  clusterName: string;
  brokerName: string;
  brokerId: number;
  addr: string;
}

export async function listBrokers(admin: MQAdmin): Promise<BrokerEntry[]> {
  const info = await examineBrokerClusterInfo(admin);
  const out: BrokerEntry[] = [];
  for (const [clusterName, names] of info.clusterAddrTable) {
    for (const brokerName of [...new Set(names)].sort()) {
      const bd = info.brokerAddrTable.get(brokerName);
      if (bd === undefined) continue;
      for (const [brokerId, addr] of [...bd.brokerAddrs.entries()].sort((a, b) => a[0] - b[0])) {
        out.push({ clusterName, brokerName, brokerId, addr });
      }
    }
  }
  return out;
}

export interface ClusterListRow extends BrokerEntry {
  /** brokerVersionDesc, e.g. V4_9_8 */
  version: string;
  /** Messages per second put / pulled over the last 10 s (first figure of putTps / getTransferedTps). */
  inTps: number;
  outTps: number;
  sendThreadPoolQueueSize: string;
  sendThreadPoolQueueHeadWaitTimeMills: string;
  pullThreadPoolQueueSize: string;
  pullThreadPoolQueueHeadWaitTimeMills: string;
  pageCacheLockTimeMills: string;
  /** Hours since the earliest stored message (0 when the broker does not say). */
  hours: number;
  /** Used share of the commit-log disk, 0..1. */
  space: number;
  /** Message totals: yesterday (midnight to midnight) and today so far. */
  inTotalYest: number;
  outTotalYest: number;
  inTotalToday: number;
  outTotalToday: number;
  /** The whole GET_BROKER_RUNTIME_INFO table. */
  runtime: Record<string, string>;
  /** Why the runtime info could not be read (the figures are then zero). */
  error?: string;
}

function firstNumber(text: string | undefined): number {
  const first = (text ?? '').trim().split(/\s+/)[0] ?? '';
  const n = Number(first);
  return first === '' || !Number.isFinite(n) ? 0 : n;
}

function long(text: string | undefined): number {
  const n = Number(text);
  return text === undefined || text.trim() === '' || !Number.isFinite(n) ? 0 : n;
}

/** clusterList: every broker of every cluster with its version and the figures of its runtime info. */
export async function clusterList(admin: MQAdmin, now: () => number = Date.now): Promise<ClusterListRow[]> {
  const brokers = await listBrokers(admin);
  return Promise.all(brokers.map(async (b): Promise<ClusterListRow> => {
    let runtime: Record<string, string> = {};
    let error: string | undefined;
    try {
      runtime = await fetchBrokerRuntimeStats(admin, b.addr);
    } catch (err) {
      error = errorText(err);
    }
    const earliest = runtime.earliestMessageTimeStamp;
    const row: ClusterListRow = {
      ...b,
      version: runtime.brokerVersionDesc ?? '',
      inTps: firstNumber(runtime.putTps),
      outTps: firstNumber(runtime.getTransferedTps),
      sendThreadPoolQueueSize: runtime.sendThreadPoolQueueSize ?? '',
      sendThreadPoolQueueHeadWaitTimeMills: runtime.sendThreadPoolQueueHeadWaitTimeMills ?? '',
      pullThreadPoolQueueSize: runtime.pullThreadPoolQueueSize ?? '',
      pullThreadPoolQueueHeadWaitTimeMills: runtime.pullThreadPoolQueueHeadWaitTimeMills ?? '',
      pageCacheLockTimeMills: runtime.pageCacheLockTimeMills ?? '',
      hours: earliest !== undefined && earliest !== '' ? (now() - long(earliest)) / 3_600_000 : 0,
      space: long(runtime.commitLogDiskRatio),
      inTotalYest: long(runtime.msgPutTotalTodayMorning) - long(runtime.msgPutTotalYesterdayMorning),
      outTotalYest: long(runtime.msgGetTotalTodayMorning) - long(runtime.msgGetTotalYesterdayMorning),
      inTotalToday: long(runtime.msgPutTotalTodayNow) - long(runtime.msgPutTotalTodayMorning),
      outTotalToday: long(runtime.msgGetTotalTodayNow) - long(runtime.msgGetTotalTodayMorning),
      runtime,
    };
    if (error !== undefined) row.error = error;
    return row;
  }));
}

export interface BrokerStatus {
  brokerAddr: string;
  /** The runtime table sorted by key. */
  table: Array<[string, string]>;
}

/** brokerStatus -b ADDR, or -c CLUSTER for every master and slave of the cluster. */
export async function brokerStatus(admin: MQAdmin, target: { brokerAddr?: string; clusterName?: string }): Promise<BrokerStatus[]> {
  const addrs = target.brokerAddr !== undefined ? [target.brokerAddr]
    : target.clusterName !== undefined ? await allAddrsOfCluster(admin, target.clusterName)
      : undefined;
  if (addrs === undefined) throw new AdminError('name a broker address (-b) or a cluster (-c)');
  const out: BrokerStatus[] = [];
  for (const brokerAddr of addrs) {
    const table = await fetchBrokerRuntimeStats(admin, brokerAddr);
    out.push({ brokerAddr, table: Object.entries(table).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) });
  }
  return out;
}

export interface BrokerConfigDump {
  brokerAddr: string;
  /** 'broker' for -b; 'master' / 'slave' (with its master) for -c. */
  role: 'broker' | 'master' | 'slave';
  masterAddr?: string;
  entries: Array<[string, string]>;
}

export async function getBrokerConfigs(admin: MQAdmin, target: { brokerAddr?: string; clusterName?: string }): Promise<BrokerConfigDump[]> {
  if (target.brokerAddr !== undefined) {
    return [{ brokerAddr: target.brokerAddr, role: 'broker', entries: await getBrokerConfig(admin, target.brokerAddr) }];
  }
  if (target.clusterName === undefined) throw new AdminError('name a broker address (-b) or a cluster (-c)');
  const out: BrokerConfigDump[] = [];
  for (const { master, slaves } of await mastersAndSlavesOfCluster(admin, target.clusterName)) {
    out.push({ brokerAddr: master, role: 'master', entries: await getBrokerConfig(admin, master) });
    for (const slave of slaves) out.push({ brokerAddr: slave, role: 'slave', masterAddr: master, entries: await getBrokerConfig(admin, slave) });
  }
  return out;
}

export interface PerAddrResult {
  addr: string;
  error?: string;
}

/**
 * updateBrokerConfig -k KEY -v VALUE on one broker (-b; a failure throws) or on every master of a cluster (-c;
 * each failure is reported and the others still updated, as the Java tool does).
 */
export async function updateBrokerConfigs(
  admin: MQAdmin, target: { brokerAddr?: string; clusterName?: string }, key: string, value: string,
): Promise<PerAddrResult[]> {
  if (key.trim() === '') throw new AdminError('the config key is empty');
  if (target.brokerAddr !== undefined) {
    await updateBrokerConfig(admin, target.brokerAddr, [[key, value]]);
    return [{ addr: target.brokerAddr }];
  }
  const out: PerAddrResult[] = [];
  for (const addr of await targetMasters(admin, target)) {
    try {
      await updateBrokerConfig(admin, addr, [[key, value]]);
      out.push({ addr });
    } catch (err) {
      out.push({ addr, error: errorText(err) });
    }
  }
  return out;
}

export interface WritePermResult {
  namesrvAddr: string;
  topicCount?: number;
  error?: string;
}

async function writePerm(admin: MQAdmin, brokerName: string, call: typeof wipeWritePermOfBroker): Promise<WritePermResult[]> {
  const out: WritePermResult[] = [];
  for (const namesrvAddr of admin.namesrvAddrs) {
    try {
      out.push({ namesrvAddr, topicCount: await call(admin, namesrvAddr, brokerName) });
    } catch (err) {
      out.push({ namesrvAddr, error: errorText(err) });
    }
  }
  return out;
}

/** wipeWritePerm -b BROKER_NAME: on every NameServer of the list, the broker's queues lose the write permission. */
export function wipeWritePerm(admin: MQAdmin, brokerName: string): Promise<WritePermResult[]> {
  return writePerm(admin, brokerName, wipeWritePermOfBroker);
}

export function addWritePerm(admin: MQAdmin, brokerName: string): Promise<WritePermResult[]> {
  return writePerm(admin, brokerName, addWritePermOfBroker);
}

async function everyBroker(admin: MQAdmin, target: { brokerAddr?: string; clusterName?: string }): Promise<string[]> {
  if (target.brokerAddr !== undefined) return [target.brokerAddr];
  if (target.clusterName !== undefined && target.clusterName !== '') return allAddrsOfCluster(admin, target.clusterName);
  return (await listBrokers(admin)).map((b) => b.addr);
}

/** cleanExpiredCQ: true when the (last) broker asked answered SUCCESS, as DefaultMQAdminExt reports it. */
export async function cleanExpiredCQ(admin: MQAdmin, target: { brokerAddr?: string; clusterName?: string }): Promise<boolean> {
  let result = false;
  for (const addr of await everyBroker(admin, target)) result = await cleanExpiredConsumeQueue(admin, addr);
  return result;
}

export async function cleanUnusedTopics(admin: MQAdmin, target: { brokerAddr?: string; clusterName?: string }): Promise<boolean> {
  let result = false;
  for (const addr of await everyBroker(admin, target)) result = await cleanUnusedTopic(admin, addr);
  return result;
}

/** brokerConsumeStats -b ADDR [-o order] [-t timeout]: every group's progress on every topic of one broker. */
export function brokerConsumeStats(admin: MQAdmin, brokerAddr: string, isOrder = false, timeoutMs = 50_000): Promise<ConsumeStatsList> {
  return fetchConsumeStatsInBroker(admin, brokerAddr, isOrder, timeoutMs);
}

function producerFor(admin: MQAdmin, group: string): Producer {
  return new Producer({ producerGroup: group, namesrvAddr: admin.namesrvAddrs.join(';'), instanceName: `${group}_${process.pid}` });
}

export interface ClusterRTRow {
  clusterName: string;
  brokerName: string;
  /** Mean send time in ms over the sends after the first. */
  rt: number;
  successCount: number;
  failCount: number;
}

/**
 * One round of clusterRT: `amount` sends of a `size`-byte body to the topic named after each broker (RocketMQ's
 * probe topic, writable when brokerTopicEnable=true); failed sends are counted, not thrown.
 */
export async function clusterRT(admin: MQAdmin, opts: { amount?: number; size?: number; clusterName?: string } = {}): Promise<ClusterRTRow[]> {
  const amount = opts.amount ?? 100;
  const size = opts.size ?? 128;
  if (amount < 1) throw new AdminError('the amount (-a) must be at least 1');
  const info = await examineBrokerClusterInfo(admin);
  const clusters = opts.clusterName !== undefined ? [opts.clusterName] : [...info.clusterAddrTable.keys()];
  const producer = producerFor(admin, `clusterRT_${Date.now()}`);
  await producer.start();
  const rows: ClusterRTRow[] = [];
  try {
    for (const clusterName of clusters) {
      const names = info.clusterAddrTable.get(clusterName);
      if (names === undefined) throw new AdminError(`cluster [${clusterName}] not exist`);
      for (const brokerName of names) {
        let elapsed = 0;
        let successCount = 0;
        let failCount = 0;
        for (let i = 0; i < amount; i++) {
          const start = Date.now();
          try {
            await producer.send({ topic: brokerName, body: 'a'.repeat(size) });
            successCount++;
          } catch {
            failCount++;
          }
          if (i !== 0) elapsed += Date.now() - start;
        }
        rows.push({ clusterName, brokerName, rt: amount > 1 ? elapsed / (amount - 1) : 0, successCount, failCount });
      }
    }
  } finally {
    await producer.shutdown();
  }
  return rows;
}

export interface SendStatusRow {
  rt: number;
  result: SendResult;
}

/** sendMsgStatus -b BROKER_NAME: a warm-up send, then `count` sends of about `size` bytes to the broker-name topic. */
export async function sendMsgStatus(admin: MQAdmin, opts: { brokerName: string; size?: number; count?: number }): Promise<SendStatusRow[]> {
  const body = (size: number): string => 'hello jodie'.repeat(Math.ceil(size / 11));
  const producer = producerFor(admin, 'PID_SMSC');
  await producer.start();
  const rows: SendStatusRow[] = [];
  try {
    await producer.send({ topic: opts.brokerName, body: body(16) });
    for (let i = 0; i < (opts.count ?? 50); i++) {
      const begin = Date.now();
      const result = await producer.send({ topic: opts.brokerName, body: body(opts.size ?? 128) });
      rows.push({ rt: Date.now() - begin, result });
    }
  } finally {
    await producer.shutdown();
  }
  return rows;
}
