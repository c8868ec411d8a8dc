// The cluster-wide views DefaultMQAdminExtImpl builds from per-broker answers: a group's consume stats over every
// broker of its %RETRY% topic, its connections, a producer group's connections, a consumer's running info.
import { compareMessageQueues } from '../client/allocate.js';
import { ResponseCode } from '../protocol/codes.js';
import type { ConsumeStats, ConsumerConnection, ProducerConnection, TopicRouteData } from '../protocol/body-types.js';
import type { ConsumerRunningInfo } from '../protocol/admin-bodies.js';
import { RETRY_GROUP_TOPIC_PREFIX } from '../protocol/message-const.js';
import { AdminError, type MQAdmin } from './admin-client.js';
import {
  examineTopicRouteInfo,
  getConsumeStats,
  getConsumerConnectionList,
  getConsumerRunningInfoAt,
  getProducerConnectionList,
  selectBrokerAddr,
} from './api.js';

export function retryTopicOf(group: string): string {
  return RETRY_GROUP_TOPIC_PREFIX + group;
}

/** Addresses of a route's brokers (master preferred), in route order. */
export function brokerAddrsOfRoute(route: TopicRouteData): string[] {
  return route.brokerDatas.map((bd) => selectBrokerAddr(bd.brokerAddrs)).filter((a): a is string => a !== undefined);
}

function randomBrokerOf(route: TopicRouteData): string | undefined {
  if (route.brokerDatas.length === 0) return undefined;
  const bd = route.brokerDatas[Math.floor(Math.random() * route.brokerDatas.length)]!;
  return selectBrokerAddr(bd.brokerAddrs);
}

/** ConsumeStats of `group` (optionally one topic) merged over the brokers of its retry topic, queues sorted. */
export async function examineConsumeStats(admin: MQAdmin, group: string, topic?: string): Promise<ConsumeStats> {
  const route = await examineTopicRouteInfo(admin, retryTopicOf(group));
  const result: ConsumeStats = { offsetTable: [], consumeTps: 0 };
  for (const addr of brokerAddrsOfRoute(route)) {
    const cs = await getConsumeStats(admin, addr, group, topic);
    result.offsetTable.push(...cs.offsetTable);
    result.consumeTps += cs.consumeTps;
  }
  if (result.offsetTable.length === 0) {
    throw new AdminError('Not found the consumer group consume stats, because return offset table is empty, maybe the consumer not consume any message',
      ResponseCode.CONSUMER_NOT_ONLINE);
  }
  result.offsetTable.sort((a, b) => compareMessageQueues(a[0], b[0]));
  return result;
}

/** ConsumeStats.computeTotalDiff */
export function totalDiff(cs: ConsumeStats): number {
  return cs.offsetTable.reduce((n, [, ow]) => n + ow.brokerOffset - ow.consumerOffset, 0);
}

/** The group's connections, from `brokerAddr` or a random broker of its retry topic. */
export async function examineConsumerConnectionInfo(admin: MQAdmin, group: string, brokerAddr?: string): Promise<ConsumerConnection> {
  const addr = brokerAddr ?? randomBrokerOf(await examineTopicRouteInfo(admin, retryTopicOf(group)));
  if (addr === undefined) throw new AdminError('Not found the consumer group connection', ResponseCode.CONSUMER_NOT_ONLINE);
  const cc = await getConsumerConnectionList(admin, addr, group);
  if (cc.connectionSet.length === 0) throw new AdminError('Not found the consumer group connection', ResponseCode.CONSUMER_NOT_ONLINE);
  return cc;
}

/** The producer group's connections as a random broker of `topic` knows them. */
export async function examineProducerConnectionInfo(admin: MQAdmin, group: string, topic: string): Promise<ProducerConnection> {
  const addr = randomBrokerOf(await examineTopicRouteInfo(admin, topic));
  if (addr === undefined) throw new AdminError('Not found the producer group connection');
  const pc = await getProducerConnectionList(admin, addr, group);
  if (pc.connectionSet.length === 0) throw new AdminError('Not found the producer group connection');
  return pc;
}

/** GET_CONSUMER_RUNNING_INFO through the first broker of the group's retry topic, which relays it to the client. */
export async function getConsumerRunningInfo(admin: MQAdmin, group: string, clientId: string, jstack = false): Promise<ConsumerRunningInfo> {
  const addrs = brokerAddrsOfRoute(await examineTopicRouteInfo(admin, retryTopicOf(group)));
  if (addrs.length === 0) throw new AdminError(`no broker serves ${retryTopicOf(group)}`);
  return getConsumerRunningInfoAt(admin, addrs[0]!, group, clientId, jstack);
}
