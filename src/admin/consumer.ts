// Consumer-group operations: consumerProgress, consumerConnection, producerConnection, updateSubGroup,
// deleteSubGroup, consumerStatus, getConsumerStatus, cloneGroupOffset, resetOffsetByTime.
import { compareMessageQueues } from '../client/allocate.js';
import { ResponseCode } from '../protocol/codes.js';
import type {
  ConsumeType,
  ConsumerConnection,
  MessageModel,
  MessageQueue,
  ProducerConnection,
  SubscriptionData,
  SubscriptionGroupConfig,
} from '../protocol/body-types.js';
import type { ConsumerRunningInfo } from '../protocol/admin-bodies.js';
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX } from '../protocol/message-const.js';
import { AdminError, type MQAdmin } from './admin-client.js';
import {
  deleteSubscriptionGroup,
  createAndUpdateSubscriptionGroupConfig,
  examineTopicRouteInfo,
  fetchAllTopicList,
  getConsumeStats,
  getMaxOffset,
  getTopicStatsInfo,
  invokeBrokerToGetConsumerStatus,
  invokeBrokerToResetOffset,
  searchOffset,
  selectBrokerAddr,
  updateConsumerOffset,
} from './api.js';
import { masterAddrsOfCluster, targetMasters } from './cluster-util.js';
import {
  brokerAddrsOfRoute,
  examineConsumeStats,
  examineConsumerConnectionInfo,
  examineProducerConnectionInfo,
  getConsumerRunningInfo,
  totalDiff,
} from './examine.js';
import { deleteTopic } from './topic.js';

export { examineConsumeStats, examineConsumerConnectionInfo, examineProducerConnectionInfo, getConsumerRunningInfo } from './examine.js';

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export interface ProgressRow {
  topic: string;
  brokerName: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
  /** brokerOffset - consumerOffset */
  diff: number;
  /** Store time of the last consumed message, 0 when none. */
  lastTimestamp: number;
  /** With showClientIP: the IP of the client holding the queue, undefined when none does. */
  clientIP?: string;
}

export interface GroupProgress {
  rows: ProgressRow[];
  consumeTps: number;
  diffTotal: number;
}

/** Which client holds each queue, from the clients' running info (consumerProgress -s true). */
async function queueAllocation(admin: MQAdmin, group: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  try {
    const cc = await examineConsumerConnectionInfo(admin, group);
    for (const conn of cc.connectionSet) {
      const info = await getConsumerRunningInfo(admin, group, conn.clientId, false);
      for (const [mq] of info.mqTable) out.set(`${mq.topic}@${mq.brokerName}@${mq.queueId}`, conn.clientId.split('@')[0]!);
    }
  } catch {
    // The Java tool ignores failures here: queues just show N/A.
  }
  return out;
}

/** consumerProgress -g GROUP [-s true]: per queue broker offset, consumer offset and lag, plus TPS and total lag. */
export async function consumerProgress(admin: MQAdmin, group: string, showClientIP = false): Promise<GroupProgress> {
  const cs = await examineConsumeStats(admin, group);
  const owners = showClientIP ? await queueAllocation(admin, group) : undefined;
  const rows = cs.offsetTable.map(([mq, ow]): ProgressRow => {
    const row: ProgressRow = {
      topic: mq.topic,
      brokerName: mq.brokerName,
      queueId: mq.queueId,
      brokerOffset: ow.brokerOffset,
      consumerOffset: ow.consumerOffset,
      diff: ow.brokerOffset - ow.consumerOffset,
      lastTimestamp: ow.lastTimestamp,
    };
    const ip = owners?.get(`${mq.topic}@${mq.brokerName}@${mq.queueId}`);
    if (ip !== undefined) row.clientIP = ip;
    return row;
  });
  return { rows, consumeTps: cs.consumeTps, diffTotal: rows.reduce((n, r) => n + r.diff, 0) };
}

export interface GroupSummary {
  group: string;
  /** Online clients (0 = offline). */
  count: number;
  /** Lowest client version ordinal among them. */
  version: number;
  consumeType?: ConsumeType;
  messageModel?: MessageModel;
  /** Messages per second, truncated to an integer as the Java tool does. */
  consumeTps: number;
  diffTotal: number;
}

/** consumerProgress without -g: every group that has a %RETRY% topic. */
export async function consumerProgressAll(admin: MQAdmin): Promise<GroupSummary[]> {
  const out: GroupSummary[] = [];
  for (const topic of await fetchAllTopicList(admin)) {
    if (!topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) continue;
    const group = topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
    const row: GroupSummary = { group, count: 0, version: 0, consumeTps: 0, diffTotal: 0 };
    try {
      const cs = await examineConsumeStats(admin, group);
      row.consumeTps = Math.trunc(cs.consumeTps);
      row.diffTotal = totalDiff(cs);
    } catch {
      // no offsets yet
    }
    try {
      const cc = await examineConsumerConnectionInfo(admin, group);
      row.count = cc.connectionSet.length;
      row.consumeType = cc.consumeType;
      row.messageModel = cc.messageModel;
      row.version = Math.min(...cc.connectionSet.map((c) => c.version));
    } catch {
      // offline
    }
    out.push(row);
  }
  return out;
}

export function consumerConnection(admin: MQAdmin, group: string, brokerAddr?: string): Promise<ConsumerConnection> {
  return examineConsumerConnectionInfo(admin, group, brokerAddr);
}

export function producerConnection(admin: MQAdmin, group: string, topic: string): Promise<ProducerConnection> {
  return examineProducerConnectionInfo(admin, group, topic);
}

export interface UpdateSubGroupOptions {
  groupName: string;
  brokerAddr?: string;
  clusterName?: string;
  consumeEnable?: boolean;
  consumeFromMinEnable?: boolean;
  consumeBroadcastEnable?: boolean;
  retryQueueNums?: number;
  retryMaxTimes?: number;
  brokerId?: number;
  whichBrokerWhenConsumeSlowly?: number;
  notifyConsumerIdsChangedEnable?: boolean;
}

export interface UpdateSubGroupResult {
  config: SubscriptionGroupConfig;
  results: Array<{ addr: string; error?: string }>;
}

/** updateSubGroup: the tool's defaults are the broker's except consumeFromMinEnable and consumeBroadcastEnable (false). */
export async function updateSubGroup(admin: MQAdmin, o: UpdateSubGroupOptions): Promise<UpdateSubGroupResult> {
  if (o.groupName.trim() === '') throw new AdminError('the group name is empty');
  const config: SubscriptionGroupConfig = {
    groupName: o.groupName,
    consumeEnable: o.consumeEnable ?? true,
    consumeFromMinEnable: o.consumeFromMinEnable ?? false,
    consumeBroadcastEnable: o.consumeBroadcastEnable ?? false,
    retryQueueNums: o.retryQueueNums ?? 1,
    retryMaxTimes: o.retryMaxTimes ?? 16,
    brokerId: o.brokerId ?? 0,
    whichBrokerWhenConsumeSlowly: o.whichBrokerWhenConsumeSlowly ?? 1,
    notifyConsumerIdsChangedEnable: o.notifyConsumerIdsChangedEnable ?? true,
  };
  for (const [name, v] of Object.entries({ retryQueueNums: config.retryQueueNums, retryMaxTimes: config.retryMaxTimes, brokerId: config.brokerId, whichBrokerWhenConsumeSlowly: config.whichBrokerWhenConsumeSlowly })) {
    if (!Number.isSafeInteger(v) || v < 0) throw new AdminError(`${name} must be a non-negative integer, got ${v}`);
  }
  if (o.brokerAddr !== undefined) {
    await createAndUpdateSubscriptionGroupConfig(admin, o.brokerAddr, config);
    return { config, results: [{ addr: o.brokerAddr }] };
  }
  const results: UpdateSubGroupResult['results'] = [];
  for (const addr of await targetMasters(admin, o)) {
    try {
      await createAndUpdateSubscriptionGroupConfig(admin, addr, config);
      results.push({ addr });
    } catch (err) {
      results.push({ addr, error: errorText(err) });
    }
  }
  return { config, results };
}

export interface DeleteSubGroupResult {
  brokerAddrs: string[];
  /** -c: the group's %RETRY% and %DLQ% topics deleted too (or why not). */
  topics: Array<{ topic: string; error?: string }>;
}

/** deleteSubGroup: from one broker (-b), or from a cluster's masters together with its retry and DLQ topics (-c). */
export async function deleteSubGroup(admin: MQAdmin, o: { groupName: string; brokerAddr?: string; clusterName?: string; removeOffset?: boolean }): Promise<DeleteSubGroupResult> {
  const removeOffset = o.removeOffset === true;
  if (o.brokerAddr !== undefined) {
    await deleteSubscriptionGroup(admin, o.brokerAddr, o.groupName, removeOffset);
    return { brokerAddrs: [o.brokerAddr], topics: [] };
  }
  if (o.clusterName === undefined) throw new AdminError('name a broker address (-b) or a cluster (-c)');
  const brokerAddrs = await masterAddrsOfCluster(admin, o.clusterName);
  for (const addr of brokerAddrs) await deleteSubscriptionGroup(admin, addr, o.groupName, removeOffset);
  const topics: DeleteSubGroupResult['topics'] = [];
  for (const topic of [RETRY_GROUP_TOPIC_PREFIX + o.groupName, DLQ_GROUP_TOPIC_PREFIX + o.groupName]) {
    try {
      await deleteTopic(admin, topic, o.clusterName);
      topics.push({ topic });
    } catch (err) {
      topics.push({ topic, error: errorText(err) });
    }
  }
  return { brokerAddrs, topics };
}

export interface ClientRunningInfo {
  clientId: string;
  version: number;
  info: ConsumerRunningInfo;
}

export interface ConsumerStatusReport {
  clients: ClientRunningInfo[];
  /** Clients whose running info could not be fetched. */
  failures: Array<{ clientId: string; error: string }>;
  /** ConsumerRunningInfo.analyzeSubscription over all clients. */
  subscriptionSame: boolean;
  rebalanceOK: boolean;
  /** ConsumerRunningInfo.analyzeProcessQueue lines (queues that look stuck). */
  warnings: string[];
}

function subscriptionKey(subs: SubscriptionData[]): string {
  return subs.map((s) => `${s.topic}\u0000${s.subString}\u0000${s.classFilterMode}`).sort().join('\u0001');
}

function isPush(info: ConsumerRunningInfo): boolean {
  return info.properties.get('PROP_CONSUME_TYPE') === 'CONSUME_PASSIVELY';
}

/** analyzeSubscription: push consumers running for over two minutes must all subscribe the same, and something. */
export function analyzeSubscription(infos: ConsumerRunningInfo[], now = Date.now()): boolean {
  const first = infos[0];
  if (first === undefined) return true;
  const started = Number(first.properties.get('PROP_CONSUMER_START_TIMESTAMP') ?? now);
  if (!isPush(first) || now - started <= 120_000) return true;
  const key = subscriptionKey(first.subscriptionSet);
  if (infos.some((i) => subscriptionKey(i.subscriptionSet) !== key)) return false;
  return infos[infos.length - 1]!.subscriptionSet.length > 0;
}

function mqText(mq: MessageQueue): string {
  return `MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}]`;
}

/** analyzeProcessQueue: orderly queues not locked, or concurrent queues holding messages unconsumed for a minute. */
export function analyzeProcessQueue(clientId: string, info: ConsumerRunningInfo, now = Date.now()): string[] {
  if (!isPush(info)) return [];
  const orderly = info.properties.get('PROP_CONSUMEORDERLY') === 'true';
  const out: string[] = [];
  for (const [mq, pq] of info.mqTable) {
    if (orderly) {
      if (!pq.locked) out.push(`${clientId} ${mqText(mq)} can't lock for a while, ${now - pq.lastLockTimestamp}ms`);
      else if (pq.droped && pq.tryUnlockTimes > 0) out.push(`${clientId} ${mqText(mq)} unlock ${pq.tryUnlockTimes} times, still failed`);
    } else {
      const diff = now - pq.lastConsumeTimestamp;
      if (diff > 60_000 && pq.cachedMsgCount > 0) out.push(`${clientId} ${mqText(mq)} can't consume for a while, maybe blocked, ${diff}ms`);
    }
  }
  return out;
}

/** consumerStatus -g GROUP [-i clientId] [-b brokerAddr] [-s]: every client's (or one client's) running info, analysed. */
export async function consumerStatus(admin: MQAdmin, o: { group: string; clientId?: string; brokerAddr?: string; jstack?: boolean }): Promise<ConsumerStatusReport> {
  const jstack = o.jstack === true;
  const clients: ClientRunningInfo[] = [];
  const failures: ConsumerStatusReport['failures'] = [];
  if (o.clientId !== undefined) {
    const cc = await examineConsumerConnectionInfo(admin, o.group, o.brokerAddr);
    const version = cc.connectionSet.find((c) => c.clientId === o.clientId)?.version ?? 0;
    clients.push({ clientId: o.clientId, version, info: await getConsumerRunningInfo(admin, o.group, o.clientId, jstack) });
  } else {
    const cc = await examineConsumerConnectionInfo(admin, o.group, o.brokerAddr);
    for (const conn of cc.connectionSet) {
      try {
        clients.push({ clientId: conn.clientId, version: conn.version, info: await getConsumerRunningInfo(admin, o.group, conn.clientId, jstack) });
      } catch (err) {
        failures.push({ clientId: conn.clientId, error: errorText(err) });
      }
    }
    clients.sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
  }
  const infos = clients.map((c) => c.info);
  const subscriptionSame = analyzeSubscription(infos);
  return {
    clients,
    failures,
    subscriptionSame,
    rebalanceOK: subscriptionSame,
    warnings: subscriptionSame ? clients.flatMap((c) => analyzeProcessQueue(c.clientId, c.info)) : [],
  };
}

/** getConsumerStatus -g GROUP -t TOPIC [-i clientId]: each client's own offsets for the topic, via the topic's first broker. */
export async function getConsumerStatus(admin: MQAdmin, o: { group: string; topic: string; originClientId?: string }): Promise<Map<string, Array<[MessageQueue, number]>>> {
  const route = await examineTopicRouteInfo(admin, o.topic);
  const bd = route.brokerDatas[0];
  const addr = bd === undefined ? undefined : selectBrokerAddr(bd.brokerAddrs);
  if (addr === undefined) return new Map();
  const table = await invokeBrokerToGetConsumerStatus(admin, addr, o.topic, o.group, o.originClientId ?? '');
  for (const pairs of table.values()) pairs.sort((a, b) => compareMessageQueues(a[0], b[0]));
  return table;
}

/**
 * cloneGroupOffset -s SRC -d DEST -t TOPIC: DEST gets SRC's committed offsets of TOPIC (UPDATE_CONSUMER_OFFSET on
 * each queue's broker, as the Java tool does). Returns the offsets written.
 */
export async function cloneGroupOffset(admin: MQAdmin, o: { srcGroup: string; destGroup: string; topic: string }): Promise<Array<[MessageQueue, number]>> {
  const cs = await examineConsumeStats(admin, o.srcGroup);
  const route = await examineTopicRouteInfo(admin, o.topic);
  const written: Array<[MessageQueue, number]> = [];
  for (const [mq, ow] of cs.offsetTable) {
    if (mq.topic !== o.topic || ow.consumerOffset < 0) continue;
    const bd = route.brokerDatas.find((b) => b.brokerName === mq.brokerName);
    const addr = bd === undefined ? undefined : selectBrokerAddr(bd.brokerAddrs);
    if (addr === undefined) continue;
    await updateConsumerOffset(admin, addr, o.destGroup, mq, ow.consumerOffset);
    written.push([mq, ow.consumerOffset]);
  }
  return written;
}

/** "now" -> -1, a number -> that many ms, else yyyy-MM-dd#HH:mm:ss:SSS in local time (UtilAll.parseDate). */
export function parseTimestamp(text: string): number {
  const t = text.trim();
  if (t === 'now') return -1;
  if (/^-?\d+$/.test(t)) return Number(t);
  const m = /^(\d{4})-(\d{2})-(\d{2})#(\d{2}):(\d{2}):(\d{2}):(\d{3})$/.exec(t);
  if (m === null) throw new AdminError(`timestamp "${text}" is neither now, milliseconds nor yyyy-MM-dd#HH:mm:ss:SSS`);
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
}

export interface RollbackStats {
  brokerName: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
  timestampOffset: number;
  rollbackOffset: number;
}

export type ResetOffsetResult =
  | { mode: 'online'; offsets: Array<[MessageQueue, number]> }
  | { mode: 'offline'; rollback: RollbackStats[] };

/** resetOffsetByTimestampOld: the group is offline, so the tool writes the offsets at the brokers itself. */
async function resetOffline(admin: MQAdmin, group: string, topic: string, timestamp: number, force: boolean): Promise<RollbackStats[]> {
  const route = await examineTopicRouteInfo(admin, topic);
  const out: RollbackStats[] = [];
  for (const bd of route.brokerDatas) {
    const addr = selectBrokerAddr(bd.brokerAddrs);
    if (addr === undefined) continue;
    let queues = (await getConsumeStats(admin, addr, group)).offsetTable.filter(([mq]) => mq.topic === topic);
    if (queues.length === 0) {
      const readQueues = route.queueDatas.find((q) => q.brokerName === bd.brokerName)?.readQueueNums ?? 0;
      const stats = (await getTopicStatsInfo(admin, addr, topic)).offsetTable;
      queues = [];
      for (let i = 0; i < readQueues; i++) {
        const s = stats.find(([mq]) => mq.queueId === i)?.[1];
        queues.push([{ topic, brokerName: bd.brokerName, queueId: i }, { brokerOffset: s?.maxOffset ?? 0, consumerOffset: s?.minOffset ?? 0, lastTimestamp: 0 }]);
      }
    }
    for (const [mq, ow] of queues.sort((a, b) => compareMessageQueues(a[0], b[0]))) {
      const timestampOffset = timestamp === -1 ? await getMaxOffset(admin, addr, mq) : await searchOffset(admin, addr, mq, timestamp);
      let rollbackOffset = ow.consumerOffset;
      if (force || timestampOffset <= ow.consumerOffset) {
        rollbackOffset = timestampOffset;
        await updateConsumerOffset(admin, addr, group, mq, timestampOffset);
      }
      out.push({ brokerName: mq.brokerName, queueId: mq.queueId, brokerOffset: ow.brokerOffset, consumerOffset: ow.consumerOffset, timestampOffset, rollbackOffset });
    }
  }
  return out;
}

/**
 * resetOffsetByTime -g GROUP -t TOPIC -s TIMESTAMP [-f force]: with the group online each broker computes the offsets
 * and pushes them to the consumers (which commit them); offline, the tool writes them at the brokers itself.
 * `force` false only moves offsets backwards.
 */
export async function resetOffsetByTime(admin: MQAdmin, o: { group: string; topic: string; timestamp: number; force?: boolean; cplus?: boolean }): Promise<ResetOffsetResult> {
  const force = o.force ?? true;
  const route = await examineTopicRouteInfo(admin, o.topic);
  const offsets: Array<[MessageQueue, number]> = [];
  try {
    for (const addr of brokerAddrsOfRoute(route)) {
      offsets.push(...(await invokeBrokerToResetOffset(admin, addr, o.topic, o.group, o.timestamp, force, o.cplus === true)));
    }
  } catch (err) {
    if (err instanceof AdminError && err.code === ResponseCode.CONSUMER_NOT_ONLINE) {
      return { mode: 'offline', rollback: await resetOffline(admin, o.group, o.topic, o.timestamp, force) };
    }
    throw err;
  }
  return { mode: 'online', offsets: offsets.sort((a, b) => compareMessageQueues(a[0], b[0])) };
}
