// Operations the dashboard needs that mqadmin has no single command for: topics by kind, every subscription group,
// one group's summary, messages of a time range (also a group's DLQ), resending a message to a group's clients,
// and the put totals the dashboard's sampler turns into per-topic TPS. Built only from the requests of api.ts.
import type { MessageExt } from '../client/message.js';
import { FIXED_SYSTEM_TOPICS } from '../broker/topic-validator.js';
import { RequestCode } from '../protocol/codes.js';
import type { ConsumeMessageDirectlyResult } from '../protocol/admin-bodies.js';
import type { MessageQueue, SubscriptionGroupConfig } from '../protocol/body-types.js';
import { decodeSubscriptionGroupWrapper } from '../protocol/bodies.js';
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX, SYSTEM_TOPIC_PREFIX } from '../protocol/message-const.js';
import { AdminError, bodyOf, type MQAdmin } from './admin-client.js';
import {
  consumeMessageDirectlyAt,
  examineBrokerClusterInfo,
  examineTopicRouteInfo,
  fetchAllTopicList,
  fetchConsumeStatsInBroker,
  getMaxOffset,
  getTopicStatsInfo,
  pullAt,
  queryTopicConsumeByWhoAt,
  searchOffset,
  selectBrokerAddr,
} from './api.js';
import { brokerAddrsOfRoute, examineConsumeStats, examineConsumerConnectionInfo, totalDiff } from './examine.js';
import { viewMessageOfTopic } from './message.js';
import { subscribeQueues } from './topic.js';

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// ---------------------------------------------------------------------------------------------- topics

export type TopicKind = 'NORMAL' | 'RETRY' | 'DLQ' | 'SYSTEM';

/** The kind of a topic; `pseudoTopics` are the cluster and broker names, which the brokers register as topics. */
export function topicKind(topic: string, pseudoTopics: ReadonlySet<string> = new Set()): TopicKind {
  if (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return 'RETRY';
  if (topic.startsWith(DLQ_GROUP_TOPIC_PREFIX)) return 'DLQ';
  if (FIXED_SYSTEM_TOPICS.has(topic) || pseudoTopics.has(topic) || topic.startsWith(SYSTEM_TOPIC_PREFIX)
    || topic.startsWith('RMQ_SYS_') || topic.endsWith('_REPLY_TOPIC')) return 'SYSTEM';
  return 'NORMAL';
}

/** Every topic the NameServer knows with its kind, sorted by name. Two NameServer requests. */
export async function topicListWithKinds(admin: MQAdmin): Promise<Array<{ topic: string; kind: TopicKind }>> {
  const [topics, info] = await Promise.all([fetchAllTopicList(admin), examineBrokerClusterInfo(admin)]);
  const pseudo = new Set<string>([...info.clusterAddrTable.keys(), ...info.brokerAddrTable.keys()]);
  return [...new Set(topics)].sort().map((topic) => ({ topic, kind: topicKind(topic, pseudo) }));
}

export interface TopicGroupStats {
  group: string;
  diffTotal?: number;
  consumeTps?: number;
  error?: string;
}

/** Who consumes `topic` and each group's backlog and TPS on it (at most `concurrency` groups at a time). */
export async function topicConsumerStats(admin: MQAdmin, topic: string, concurrency = 4): Promise<TopicGroupStats[]> {
  const addr = brokerAddrsOfRoute(await examineTopicRouteInfo(admin, topic))[0];
  if (addr === undefined) return [];
  const groups = (await queryTopicConsumeByWhoAt(admin, addr, topic)).groupList.sort();
  return mapBounded(groups, concurrency, async (group): Promise<TopicGroupStats> => {
    try {
      const cs = await examineConsumeStats(admin, group, topic);
      return { group, diffTotal: totalDiff(cs), consumeTps: cs.consumeTps };
    } catch (err) {
      return { group, error: errorText(err) };
    }
  });
}

// ---------------------------------------------------------------------------------------------- groups

export async function getAllSubscriptionGroupConfig(admin: MQAdmin, brokerAddr: string): Promise<Map<string, SubscriptionGroupConfig>> {
  const what = 'get all subscription group config';
  const r = await admin.ok(brokerAddr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, {}, undefined, what);
  return decodeSubscriptionGroupWrapper(bodyOf(r, what)).subscriptionGroupTable;
}

/**
 * Every consumer group: the subscription groups of every master (one request each) and the groups of the %RETRY%
 * topics, sorted. A broker that cannot answer is left out when another can.
 */
export async function consumerGroupList(admin: MQAdmin): Promise<string[]> {
  const [topics, info] = await Promise.all([fetchAllTopicList(admin), examineBrokerClusterInfo(admin)]);
  const groups = new Set<string>();
  for (const t of topics) if (t.startsWith(RETRY_GROUP_TOPIC_PREFIX)) groups.add(t.slice(RETRY_GROUP_TOPIC_PREFIX.length));
  const masters = [...info.brokerAddrTable.values()].map((bd) => bd.brokerAddrs.get(0)).filter((a): a is string => a !== undefined);
  const answers = await Promise.allSettled(masters.map((addr) => getAllSubscriptionGroupConfig(admin, addr)));
  for (const a of answers) if (a.status === 'fulfilled') for (const g of a.value.keys()) groups.add(g);
  const failed = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected');
  if (groups.size === 0 && failed !== undefined) throw failed.reason instanceof Error ? failed.reason : new AdminError(String(failed.reason));
  return [...groups].sort();
}

export interface ConsumerGroupSummary {
  group: string;
  clients: number;
  diffTotal: number;
  consumeTps: number;
  consumeType?: string;
  messageModel?: string;
  /** Lowest client version ordinal; undefined offline. */
  version?: number;
  /** Why the offsets could not be read (not for "no offsets yet"). */
  error?: string;
}

/** One row of consumerProgress without -g: backlog, TPS and online clients of `group`. */
export async function consumerGroupSummary(admin: MQAdmin, group: string): Promise<ConsumerGroupSummary> {
  const row: ConsumerGroupSummary = { group, clients: 0, diffTotal: 0, consumeTps: 0 };
  const [stats, conns] = await Promise.allSettled([examineConsumeStats(admin, group), examineConsumerConnectionInfo(admin, group)]);
  if (stats.status === 'fulfilled') {
    row.diffTotal = totalDiff(stats.value);
    row.consumeTps = stats.value.consumeTps;
  } else if (!(stats.reason instanceof AdminError) || stats.reason.code === undefined) {
    // A response code means "no offsets / no route yet", which is a normal empty group; anything else is worth showing.
    row.error = errorText(stats.reason);
  }
  if (conns.status === 'fulfilled') {
    row.clients = conns.value.connectionSet.length;
    row.consumeType = conns.value.consumeType;
    row.messageModel = conns.value.messageModel;
    row.version = Math.min(...conns.value.connectionSet.map((c) => c.version));
  }
  return row;
}

// ---------------------------------------------------------------------------------------------- messages

/** Most messages one time-range query returns. */
export const MAX_MESSAGES_BY_TIME = 2000;
const PULL_BATCH = 32;

export interface MessagesByTime {
  /** Newest first. */
  messages: MessageExt[];
  /** More messages lie in the range than `limit` let through. */
  truncated: boolean;
}

/** The newest messages of one queue stored in [begin, end], at most `limit`. */
async function queueMessagesByTime(admin: MQAdmin, addr: string, mq: MessageQueue, begin: number, end: number, limit: number): Promise<MessagesByTime> {
  const max = await getMaxOffset(admin, addr, mq);
  const first = await searchOffset(admin, addr, mq, begin);
  const last = Math.min(max, (await searchOffset(admin, addr, mq, end)) + 1);
  const from = Math.max(first, last - limit);
  const found: MessageExt[] = [];
  for (let offset = from; offset < last;) {
    const r = await pullAt(admin, addr, mq, '*', offset, Math.min(PULL_BATCH, last - offset));
    if (r.status === 'OFFSET_ILLEGAL' || r.status === 'NO_NEW_MSG' || r.nextBeginOffset <= offset) break;
    for (const m of r.messages) if (m.queueOffset < last && m.storeTimestamp >= begin && m.storeTimestamp <= end) found.push(m);
    offset = r.nextBeginOffset;
  }
  return { messages: found, truncated: from > first };
}

/** Messages of `topic` stored between `begin` and `end` (ms), newest first, at most `limit` over all queues. */
export async function queryMsgByTime(admin: MQAdmin, o: { topic: string; begin: number; end: number; limit?: number }): Promise<MessagesByTime> {
  const limit = Math.min(o.limit ?? 200, MAX_MESSAGES_BY_TIME);
  if (!(limit > 0)) throw new AdminError(`limit must be 1..${MAX_MESSAGES_BY_TIME}`);
  if (o.end < o.begin) throw new AdminError(`the end (${o.end}) lies before the begin (${o.begin})`);
  const route = await examineTopicRouteInfo(admin, o.topic);
  const queues = subscribeQueues(o.topic, route);
  const parts = await mapBounded(queues, 4, (mq) => {
    const bd = route.brokerDatas.find((b) => b.brokerName === mq.brokerName);
    const addr = bd === undefined ? undefined : selectBrokerAddr(bd.brokerAddrs);
    return addr === undefined ? Promise.resolve({ messages: [], truncated: false }) : queueMessagesByTime(admin, addr, mq, o.begin, o.end, limit);
  });
  const all = parts.flatMap((p) => p.messages).sort((a, b) => b.storeTimestamp - a.storeTimestamp);
  return { messages: all.slice(0, limit), truncated: all.length > limit || parts.some((p) => p.truncated) };
}

/** The messages of `group`'s dead-letter queue (%DLQ%group) stored in [begin, end]. */
export function queryDlqMessages(admin: MQAdmin, o: { group: string; begin: number; end: number; limit?: number }): Promise<MessagesByTime> {
  return queryMsgByTime(admin, { topic: DLQ_GROUP_TOPIC_PREFIX + o.group, begin: o.begin, end: o.end, limit: o.limit });
}

export interface ResendOutcome {
  clientId: string;
  result?: ConsumeMessageDirectlyResult;
  error?: string;
}

/** consumeMessageDirectly of one message by `clientId`, or by every online client of `group` when none is named. */
export async function resendToGroup(admin: MQAdmin, o: { topic: string; msgId: string; group: string; clientId?: string }): Promise<ResendOutcome[]> {
  const msg = await viewMessageOfTopic(admin, o.topic, o.msgId);
  const clients = o.clientId !== undefined ? [o.clientId]
    : (await examineConsumerConnectionInfo(admin, o.group)).connectionSet.map((c) => c.clientId);
  const out: ResendOutcome[] = [];
  for (const clientId of clients) {
    try {
      out.push({ clientId, result: await consumeMessageDirectlyAt(admin, msg.storeHost, o.group, clientId, msg.offsetMsgId) });
    } catch (err) {
      out.push({ clientId, error: errorText(err) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- put totals

/**
 * Messages ever put per topic on one broker, for the topics some group consumes there: the largest broker offset
 * per queue in GET_BROKER_CONSUME_STATS, summed. One request covers every consumed topic of the broker.
 */
export async function consumedTopicPutTotals(admin: MQAdmin, brokerAddr: string): Promise<Map<string, number>> {
  const list = await fetchConsumeStatsInBroker(admin, brokerAddr, false, admin.timeoutMs * 2);
  const perQueue = new Map<string, { topic: string; offset: number }>();
  for (const byGroup of list.consumeStatsList) {
    for (const statsList of byGroup.values()) {
      for (const cs of statsList) {
        for (const [mq, ow] of cs.offsetTable) {
          const key = `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
          const seen = perQueue.get(key);
          if (seen === undefined || ow.brokerOffset > seen.offset) perQueue.set(key, { topic: mq.topic, offset: ow.brokerOffset });
        }
      }
    }
  }
  const totals = new Map<string, number>();
  for (const { topic, offset } of perQueue.values()) totals.set(topic, (totals.get(topic) ?? 0) + offset);
  return totals;
}

/** Messages ever put to `topic` over all its brokers: the queues' max offsets summed. */
export async function topicPutTotal(admin: MQAdmin, topic: string): Promise<number> {
  const route = await examineTopicRouteInfo(admin, topic);
  let total = 0;
  for (const addr of brokerAddrsOfRoute(route)) {
    for (const [, o] of (await getTopicStatsInfo(admin, addr, topic)).offsetTable) total += o.maxOffset;
  }
  return total;
}
