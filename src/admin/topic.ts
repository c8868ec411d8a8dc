// Topic operations: topicList, topicRoute, topicStatus, topicClusterList, updateTopic, deleteTopic, updateTopicPerm,
// updateOrderConf, allocateMQ, statsAll.
import { allocateAveragely, compareMessageQueues } from '../client/allocate.js';
import { Perm } from '../protocol/codes.js';
import type { MessageQueue, TopicConfig, TopicRouteData } from '../protocol/body-types.js';
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX } from '../protocol/message-const.js';
import { AdminError, type MQAdmin } from './admin-client.js';
import {
  createAndUpdateTopicConfig,
  deleteKvConfigAll,
  deleteTopicInBroker,
  deleteTopicInNamesrv,
  examineBrokerClusterInfo,
  examineTopicRouteInfo,
  fetchAllTopicList,
  getKvConfig,
  getTopicStatsInfo,
  MASTER_ID,
  putKvConfigAll,
  queryTopicConsumeByWhoAt,
  selectBrokerAddr,
  viewBrokerStatsData,
} from './api.js';
import { brokerNameOfAddr, brokerNamesOfCluster, masterAddrsOfCluster, targetMasters } from './cluster-util.js';
import { examineConsumeStats } from './examine.js';

/** NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG */
export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';
/** TopicSysFlag bits. */
const FLAG_UNIT = 0x1;
const FLAG_UNIT_SUB = 0x2;
const TOPIC_MAX_LENGTH = 127;
const TOPIC_PATTERN = /^[%|a-zA-Z0-9_-]+$/;

/** Validators.checkTopic of the Java client: what the tools refuse before asking the broker. */
export function checkTopicName(topic: string): void {
  if (topic.trim() === '') throw new AdminError('The specified topic is blank');
  if (topic.length > TOPIC_MAX_LENGTH) throw new AdminError(`The specified topic is longer than topic max length ${TOPIC_MAX_LENGTH}.`);
  if (!TOPIC_PATTERN.test(topic)) {
    throw new AdminError(`The specified topic[${topic}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`);
  }
}

/** "RW-" etc., PermName.perm2String. */
export function permToString(perm: number): string {
  return `${perm & Perm.READ ? 'R' : '-'}${perm & Perm.WRITE ? 'W' : '-'}${perm & Perm.INHERIT ? 'X' : '-'}`;
}

/** TopicConfig.toString of 4.9.8. */
export function describeTopicConfig(tc: TopicConfig): string {
  return `TopicConfig [topicName=${tc.topicName}, readQueueNums=${tc.readQueueNums}, writeQueueNums=${tc.writeQueueNums}, perm=${permToString(tc.perm)}, topicFilterType=${tc.topicFilterType}, topicSysFlag=${tc.topicSysFlag}, order=${tc.order}]`;
}

export function topicList(admin: MQAdmin): Promise<string[]> {
  return fetchAllTopicList(admin);
}

export interface TopicClusterRow {
  clusterName: string;
  topic: string;
  /** '' when nobody consumes the topic. */
  consumerGroup: string;
}

/** The cluster of the first broker serving `topic`. */
function clusterOfRoute(route: TopicRouteData, clusterTable: ReadonlyMap<string, string[]>): string | undefined {
  const first = route.brokerDatas[0]?.brokerName;
  if (first === undefined) return undefined;
  for (const [cluster, names] of clusterTable) if (names.includes(first)) return cluster;
  return undefined;
}

async function consumersOf(admin: MQAdmin, route: TopicRouteData, topic: string): Promise<string[]> {
  for (const bd of route.brokerDatas) {
    const addr = selectBrokerAddr(bd.brokerAddrs);
    if (addr !== undefined) return (await queryTopicConsumeByWhoAt(admin, addr, topic)).groupList;
    break;
  }
  return [];
}

/** topicList -c: cluster, topic and each consuming group (retry and DLQ topics left out). */
export async function topicListWithClusters(admin: MQAdmin): Promise<TopicClusterRow[]> {
  const info = await examineBrokerClusterInfo(admin);
  const rows: TopicClusterRow[] = [];
  for (const topic of await fetchAllTopicList(admin)) {
    if (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(DLQ_GROUP_TOPIC_PREFIX)) continue;
    let clusterName = '';
    let groups: string[] = [];
    try {
      const route = await examineTopicRouteInfo(admin, topic);
      clusterName = clusterOfRoute(route, info.clusterAddrTable) ?? '';
      groups = await consumersOf(admin, route, topic);
    } catch {
      // A pseudo-topic (cluster or broker name) has no route: listed without cluster and group, as the Java tool does.
    }
    for (const consumerGroup of groups.length === 0 ? [''] : groups) rows.push({ clusterName, topic, consumerGroup });
  }
  return rows;
}

export function topicRoute(admin: MQAdmin, topic: string): Promise<TopicRouteData> {
  return examineTopicRouteInfo(admin, topic);
}

export interface TopicStatusRow {
  brokerName: string;
  queueId: number;
  minOffset: number;
  maxOffset: number;
  /** Store time of the last message, 0 when the queue is empty. */
  lastUpdateTimestamp: number;
}

/** topicStatus: min/max offset of every queue on every broker of the topic, sorted as MessageQueue sorts. */
export async function topicStatus(admin: MQAdmin, topic: string): Promise<TopicStatusRow[]> {
  const route = await examineTopicRouteInfo(admin, topic);
  const entries: Array<[MessageQueue, TopicStatusRow]> = [];
  for (const bd of route.brokerDatas) {
    const addr = selectBrokerAddr(bd.brokerAddrs);
    if (addr === undefined) continue;
    for (const [mq, o] of (await getTopicStatsInfo(admin, addr, topic)).offsetTable) {
      entries.push([mq, { brokerName: mq.brokerName, queueId: mq.queueId, minOffset: o.minOffset, maxOffset: o.maxOffset, lastUpdateTimestamp: o.lastUpdateTimestamp }]);
    }
  }
  if (entries.length === 0) throw new AdminError('Not found the topic stats info');
  return entries.sort((a, b) => compareMessageQueues(a[0], b[0])).map(([, row]) => row);
}

/** topicClusterList: the cluster(s) of the topic's (first) broker. */
export async function topicClusterList(admin: MQAdmin, topic: string): Promise<string[]> {
  const info = await examineBrokerClusterInfo(admin);
  const route = await examineTopicRouteInfo(admin, topic);
  const first = route.brokerDatas[0]?.brokerName;
  if (first === undefined) throw new AdminError(`the route of topic ${topic} has no broker`);
  return [...info.clusterAddrTable].filter(([, names]) => names.includes(first)).map(([cluster]) => cluster);
}

export interface UpdateTopicOptions {
  topic: string;
  brokerAddr?: string;
  clusterName?: string;
  /** Default 8. */
  readQueueNums?: number;
  /** Default 8. */
  writeQueueNums?: number;
  /** 2 = W, 4 = R, 6 = RW (default 6). */
  perm?: number;
  order?: boolean;
  unit?: boolean;
  hasUnitSub?: boolean;
}

export interface UpdateTopicResult {
  topicConfig: TopicConfig;
  /** The masters the topic was created on. */
  brokerAddrs: string[];
  /** The ORDER_TOPIC_CONFIG value written for an order topic, e.g. "broker-a:8". */
  orderConf?: string;
}

function checkQueueNums(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 65_536) throw new AdminError(`${name} must be an integer 0..65536, got ${n}`);
}

/** createOrUpdateOrderConf(key, value, isCluster=false): merge this broker's "name:num" into the topic's value. */
async function mergeOrderConf(admin: MQAdmin, topic: string, value: string): Promise<void> {
  const old = await getKvConfig(admin, NAMESPACE_ORDER_TOPIC_CONFIG, topic);
  const byBroker = new Map<string, string>();
  for (const part of (old ?? '').split(';')) if (part.trim() !== '') byBroker.set(part.split(':')[0]!, part);
  byBroker.set(value.split(':')[0]!, value);
  await putKvConfigAll(admin, NAMESPACE_ORDER_TOPIC_CONFIG, topic, [...byBroker.values()].join(';'));
}

/** updateTopic: create or update the topic on one broker (-b) or every master of a cluster (-c). */
export async function updateTopic(admin: MQAdmin, o: UpdateTopicOptions): Promise<UpdateTopicResult> {
  checkTopicName(o.topic);
  const tc: TopicConfig = {
    topicName: o.topic,
    readQueueNums: o.readQueueNums ?? 8,
    writeQueueNums: o.writeQueueNums ?? 8,
    perm: o.perm ?? Perm.READ | Perm.WRITE,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: (o.unit === true ? FLAG_UNIT : 0) | (o.hasUnitSub === true ? FLAG_UNIT_SUB : 0),
    order: o.order === true,
  };
  checkQueueNums('readQueueNums', tc.readQueueNums);
  checkQueueNums('writeQueueNums', tc.writeQueueNums);
  if (!Number.isInteger(tc.perm) || tc.perm < 0 || tc.perm > 15) throw new AdminError(`perm must be 2 (W), 4 (R) or 6 (RW), got ${tc.perm}`);
  const brokerAddrs = await targetMasters(admin, o);
  if (brokerAddrs.length === 0) throw new AdminError(`cluster [${o.clusterName ?? ''}] has no master broker`);
  for (const addr of brokerAddrs) await createAndUpdateTopicConfig(admin, addr, tc);
  const result: UpdateTopicResult = { topicConfig: tc, brokerAddrs };
  if (tc.order) {
    if (o.brokerAddr !== undefined) {
      result.orderConf = `${await brokerNameOfAddr(admin, o.brokerAddr)}:${tc.writeQueueNums}`;
      await mergeOrderConf(admin, o.topic, result.orderConf);
    } else {
      const names = await brokerNamesOfCluster(admin, o.clusterName ?? '');
      result.orderConf = names.map((n) => `${n}:${tc.writeQueueNums}`).join(';');
      await putKvConfigAll(admin, NAMESPACE_ORDER_TOPIC_CONFIG, o.topic, result.orderConf);
    }
  }
  return result;
}

/** deleteTopic -t TOPIC -c CLUSTER: from every master of the cluster, then from every NameServer. */
export async function deleteTopic(admin: MQAdmin, topic: string, clusterName: string): Promise<{ brokerAddrs: string[] }> {
  const brokerAddrs = await masterAddrsOfCluster(admin, clusterName);
  for (const addr of brokerAddrs) await deleteTopicInBroker(admin, addr, topic);
  for (const ns of admin.namesrvAddrs) await deleteTopicInNamesrv(admin, ns, topic, clusterName);
  return { brokerAddrs };
}

export interface UpdateTopicPermResult {
  topicConfig: TopicConfig;
  /** One entry per broker changed: the permission it had and now has. */
  changes: Array<{ brokerAddr: string; oldPerm: number; newPerm: number }>;
  /** -b and the broker already had this permission: nothing was sent. */
  unchanged: boolean;
}

/** updateTopicPerm: the topic keeps its queue counts, the broker(s) get the new permission. */
export async function updateTopicPerm(admin: MQAdmin, o: { topic: string; perm: number; brokerAddr?: string; clusterName?: string }): Promise<UpdateTopicPermResult> {
  if (![Perm.WRITE, Perm.READ, Perm.READ | Perm.WRITE].includes(o.perm as 2 | 4 | 6)) {
    throw new AdminError(`perm must be 2 (W), 4 (R) or 6 (RW), got ${o.perm}`);
  }
  const route = await examineTopicRouteInfo(admin, o.topic);
  const first = route.queueDatas[0];
  if (first === undefined) throw new AdminError(`the route of topic ${o.topic} has no queues`);
  const tc: TopicConfig = {
    topicName: o.topic,
    readQueueNums: first.readQueueNums,
    writeQueueNums: first.writeQueueNums,
    perm: o.perm,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: first.topicSysFlag,
    order: false,
  };
  if (o.brokerAddr !== undefined) {
    const bd = route.brokerDatas.find((b) => b.brokerAddrs.get(MASTER_ID) === o.brokerAddr);
    if (bd === undefined) throw new AdminError('updateTopicPerm error broker not exit or broker is not master!.');
    const qd = route.queueDatas.find((q) => q.brokerName === bd.brokerName);
    const oldPerm = qd?.perm ?? 0;
    if (oldPerm === o.perm) return { topicConfig: tc, changes: [], unchanged: true };
    if (qd !== undefined) {
      tc.readQueueNums = qd.readQueueNums;
      tc.writeQueueNums = qd.writeQueueNums;
      tc.topicSysFlag = qd.topicSysFlag;
    }
    await createAndUpdateTopicConfig(admin, o.brokerAddr, tc);
    return { topicConfig: tc, changes: [{ brokerAddr: o.brokerAddr, oldPerm, newPerm: o.perm }], unchanged: false };
  }
  const addrs = await targetMasters(admin, o);
  const changes: UpdateTopicPermResult['changes'] = [];
  for (const addr of addrs) {
    await createAndUpdateTopicConfig(admin, addr, tc);
    changes.push({ brokerAddr: addr, oldPerm: first.perm, newPerm: o.perm });
  }
  return { topicConfig: tc, changes, unchanged: false };
}

/** updateOrderConf -m get|put|delete: the topic's ORDER_TOPIC_CONFIG entry at the NameServers. */
export async function updateOrderConf(admin: MQAdmin, o: { topic: string; method: string; orderConf?: string }): Promise<string | undefined> {
  switch (o.method) {
    case 'get':
      return getKvConfig(admin, NAMESPACE_ORDER_TOPIC_CONFIG, o.topic);
    case 'put': {
      const value = (o.orderConf ?? '').trim();
      if (value === '') throw new AdminError('please set orderConf with option -v.');
      await putKvConfigAll(admin, NAMESPACE_ORDER_TOPIC_CONFIG, o.topic, value);
      return value;
    }
    case 'delete':
      await deleteKvConfigAll(admin, NAMESPACE_ORDER_TOPIC_CONFIG, o.topic);
      return undefined;
    default:
      throw new AdminError(`method (-m) must be get, put or delete, got "${o.method}"`);
  }
}

/** The readable queues of a route (MQClientInstance.topicRouteData2TopicSubscribeInfo). */
export function subscribeQueues(topic: string, route: TopicRouteData): MessageQueue[] {
  const out: MessageQueue[] = [];
  for (const qd of route.queueDatas) {
    if ((qd.perm & Perm.READ) === 0) continue;
    for (let i = 0; i < qd.readQueueNums; i++) out.push({ topic, brokerName: qd.brokerName, queueId: i });
  }
  return out.sort(compareMessageQueues);
}

/** allocateMQ -t TOPIC -i ip1,ip2: what AllocateMessageQueueAveragely gives each of those consumers. */
export async function allocateMQ(admin: MQAdmin, topic: string, ips: string[]): Promise<Map<string, MessageQueue[]>> {
  const queues = subscribeQueues(topic, await examineTopicRouteInfo(admin, topic));
  const result = new Map<string, MessageQueue[]>();
  for (const ip of ips) result.set(ip, allocateAveragely(ip, queues, ips));
  return result;
}

export interface StatsAllRow {
  topic: string;
  /** '' when nobody consumes the topic. */
  consumerGroup: string;
  /** Messages not consumed yet by the group (0 without a group). */
  accumulation: number;
  inTps: number;
  /** undefined without a consumer group. */
  outTps?: number;
  inMsg24Hour: number;
  outMsg24Hour?: number;
}

/** StatsAllSubCommand.compute24HourSum: the day window, else the hour, else the minute. */
function sum24h(d: { statsDay: { sum: number }; statsHour: { sum: number }; statsMinute: { sum: number } }): number {
  if (d.statsDay.sum !== 0) return d.statsDay.sum;
  if (d.statsHour.sum !== 0) return d.statsHour.sum;
  return d.statsMinute.sum;
}

async function topicStatsRows(admin: MQAdmin, topic: string, activeOnly: boolean): Promise<StatsAllRow[]> {
  const route = await examineTopicRouteInfo(admin, topic);
  const masters = route.brokerDatas.map((bd) => bd.brokerAddrs.get(MASTER_ID)).filter((a): a is string => a !== undefined);
  let inTps = 0;
  let inMsg24Hour = 0;
  for (const addr of masters) {
    try {
      const bsd = await viewBrokerStatsData(admin, addr, 'TOPIC_PUT_NUMS', topic);
      inTps += bsd.statsMinute.tps;
      inMsg24Hour += sum24h(bsd);
    } catch {
      // Nothing was ever put to it on that broker.
    }
  }
  const groups = await consumersOf(admin, route, topic);
  if (groups.length === 0) {
    return !activeOnly || inMsg24Hour > 0 ? [{ topic, consumerGroup: '', accumulation: 0, inTps, inMsg24Hour }] : [];
  }
  const rows: StatsAllRow[] = [];
  for (const group of groups) {
    let outTps = 0;
    let outMsg24Hour = 0;
    for (const addr of masters) {
      try {
        const bsd = await viewBrokerStatsData(admin, addr, 'GROUP_GET_NUMS', `${topic}@${group}`);
        outTps += bsd.statsMinute.tps;
        outMsg24Hour += sum24h(bsd);
      } catch {
        // Nothing was ever pulled by that group there.
      }
    }
    let accumulation = 0;
    try {
      const cs = await examineConsumeStats(admin, group, topic);
      accumulation = Math.max(0, cs.offsetTable.reduce((n, [, ow]) => n + ow.brokerOffset - ow.consumerOffset, 0));
    } catch {
      // No offsets yet.
    }
    if (!activeOnly || inMsg24Hour > 0 || outMsg24Hour > 0) {
      rows.push({ topic, consumerGroup: group, accumulation, inTps, outTps, inMsg24Hour, outMsg24Hour });
    }
  }
  return rows;
}

/** statsAll [-a] [-t TOPIC]: per topic and consuming group, backlog, TPS in/out and 24-hour totals (retry/DLQ topics left out). */
export async function statsAll(admin: MQAdmin, o: { activeOnly?: boolean; topic?: string } = {}): Promise<StatsAllRow[]> {
  const rows: StatsAllRow[] = [];
  for (const topic of await fetchAllTopicList(admin)) {
    if (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(DLQ_GROUP_TOPIC_PREFIX)) continue;
    if (o.topic !== undefined && o.topic !== '' && topic !== o.topic) continue;
    try {
      rows.push(...(await topicStatsRows(admin, topic, o.activeOnly === true)));
    } catch {
      // Pseudo-topics (cluster and broker names) have no route; the Java tool skips them silently too.
    }
  }
  return rows;
}
