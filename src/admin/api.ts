// Typed admin requests (the MQClientAPIImpl / DefaultMQAdminExtImpl calls mqadmin makes), one function per
// request: build the header of spec/remoting-protocol.md §4, check the answer, decode the body.
import { MessageExt } from '../client/message.js';
import { uncompressBody } from '../client/message.js';
import { buildSubscriptionData, tagMatches } from '../client/subscription.js';
import { RequestCode, ResponseCode } from '../protocol/codes.js';
import type {
  ClusterInfo,
  ConsumeStats,
  ConsumerConnection,
  GroupList,
  MessageQueue,
  ProducerConnection,
  SubscriptionGroupConfig,
  TopicConfig,
  TopicConfigSerializeWrapper,
  TopicRouteData,
  TopicStatsTable,
} from '../protocol/body-types.js';
import {
  decodeClusterInfo,
  decodeConsumeStats,
  decodeConsumerConnection,
  decodeGroupList,
  decodeKVTable,
  decodeProducerConnection,
  decodeResetOffsetBody,
  decodeTopicConfigSerializeWrapper,
  decodeTopicList,
  decodeTopicRouteData,
  decodeTopicStatsTable,
  encodeSubscriptionGroupConfig,
} from '../protocol/bodies.js';
import {
  decodeBrokerStatsData,
  decodeConsumeMessageDirectlyResult,
  decodeConsumeStatsList,
  decodeConsumerRunningInfo,
  decodeGetConsumerStatusBody,
  type BrokerStatsData,
  type ConsumeMessageDirectlyResult,
  type ConsumeStatsList,
  type ConsumerRunningInfo,
} from '../protocol/admin-bodies.js';
import { decodeMessages } from '../protocol/message.js';
import { parseJavaProperties } from '../config/java-properties.js';
import { RemotingError } from '../common/errors.js';
import { createRequest, type RemotingCommand } from '../protocol/command.js';
import { RemotingClient } from '../remoting/client.js';
import { AdminError, bodyOf, describeResponse, type MQAdmin } from './admin-client.js';

/** MixAll.TOOLS_CONSUMER_GROUP: the group the tools pull with. */
export const TOOLS_CONSUMER_GROUP = 'TOOLS_CONSUMER';
/** The default topic new topics are shaped after (DefaultMQAdminExt.createTopicKey). */
export const CREATE_TOPIC_KEY = 'TBW102';
export const MASTER_ID = 0;
/** QueryMessageRequestHeader: Long.MAX_VALUE as "no end". */
const LONG_MAX = '9223372036854775807';

// ---------------------------------------------------------------------------------------------- NameServer

export async function examineBrokerClusterInfo(admin: MQAdmin): Promise<ClusterInfo> {
  const what = 'get cluster info';
  return decodeClusterInfo(bodyOf(await admin.namesrvOk(RequestCode.GET_BROKER_CLUSTER_INFO, {}, what), what));
}

export async function fetchAllTopicList(admin: MQAdmin): Promise<string[]> {
  const what = 'get topic list';
  return decodeTopicList(bodyOf(await admin.namesrvOk(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, {}, what), what)).topicList;
}

export async function fetchTopicsByCluster(admin: MQAdmin, cluster: string): Promise<string[]> {
  const what = `get topics of cluster ${cluster}`;
  return decodeTopicList(bodyOf(await admin.namesrvOk(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster }, what), what)).topicList;
}

export async function examineTopicRouteInfo(admin: MQAdmin, topic: string): Promise<TopicRouteData> {
  const what = `get route of topic ${topic}`;
  return decodeTopicRouteData(bodyOf(await admin.namesrvOk(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }, what), what));
}

/** PUT/DELETE_KV_CONFIG go to every NameServer, as MQClientAPIImpl does; the first failure stops. */
export async function putKvConfigAll(admin: MQAdmin, namespace: string, key: string, value: string): Promise<void> {
  for (const addr of admin.namesrvAddrs) {
    await admin.ok(addr, RequestCode.PUT_KV_CONFIG, { namespace, key, value }, undefined, `put kv config ${namespace}/${key}`);
  }
}

export async function deleteKvConfigAll(admin: MQAdmin, namespace: string, key: string): Promise<void> {
  for (const addr of admin.namesrvAddrs) {
    await admin.ok(addr, RequestCode.DELETE_KV_CONFIG, { namespace, key }, undefined, `delete kv config ${namespace}/${key}`);
  }
}

/** GET_KV_CONFIG: undefined when the NameServer has no such item. */
export async function getKvConfig(admin: MQAdmin, namespace: string, key: string): Promise<string | undefined> {
  const response = await admin.namesrv(RequestCode.GET_KV_CONFIG, { namespace, key }, `get kv config ${namespace}/${key}`);
  if (response.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
  if (response.code !== ResponseCode.SUCCESS) throw new AdminError(`get kv config ${namespace}/${key}: ${describeResponse(response)}`, response.code);
  return response.extFields.value;
}

export async function getKvList(admin: MQAdmin, namespace: string): Promise<Record<string, string>> {
  const response = await admin.namesrv(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace }, `get kv list of ${namespace}`);
  if (response.code === ResponseCode.QUERY_NOT_FOUND) return {};
  if (response.code !== ResponseCode.SUCCESS) throw new AdminError(`get kv list of ${namespace}: ${describeResponse(response)}`, response.code);
  return response.body === undefined ? {} : decodeKVTable(response.body).table;
}

export async function wipeWritePermOfBroker(admin: MQAdmin, namesrvAddr: string, brokerName: string): Promise<number> {
  const r = await admin.ok(namesrvAddr, RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName }, undefined, `wipe write perm of ${brokerName}`);
  return Number(r.extFields.wipeTopicCount ?? 0);
}

export async function addWritePermOfBroker(admin: MQAdmin, namesrvAddr: string, brokerName: string): Promise<number> {
  const r = await admin.ok(namesrvAddr, RequestCode.ADD_WRITE_PERM_OF_BROKER, { brokerName }, undefined, `add write perm of ${brokerName}`);
  return Number(r.extFields.addTopicCount ?? 0);
}

export async function deleteTopicInNamesrv(admin: MQAdmin, namesrvAddr: string, topic: string, clusterName?: string): Promise<void> {
  const ext: Record<string, string> = { topic };
  if (clusterName !== undefined) ext.clusterName = clusterName;
  await admin.ok(namesrvAddr, RequestCode.DELETE_TOPIC_IN_NAMESRV, ext, undefined, `delete topic ${topic} in NameServer`);
}

/** Properties text as [key, value] pairs in file order. */
export function propertiesEntries(text: string, source: string): Array<[string, string]> {
  return parseJavaProperties(text, source).map((e) => [e.key, e.value]);
}

export function propertiesText(props: ReadonlyArray<readonly [string, string]>): string {
  return props.map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

export async function getNamesrvConfigAt(admin: MQAdmin, namesrvAddr: string): Promise<Array<[string, string]>> {
  const r = await admin.ok(namesrvAddr, RequestCode.GET_NAMESRV_CONFIG, {}, undefined, 'get NameServer config');
  return r.body === undefined ? [] : propertiesEntries(r.body.toString('utf8'), `config of ${namesrvAddr}`);
}

export async function updateNamesrvConfigAt(admin: MQAdmin, namesrvAddr: string, props: ReadonlyArray<readonly [string, string]>): Promise<void> {
  await admin.ok(namesrvAddr, RequestCode.UPDATE_NAMESRV_CONFIG, {}, Buffer.from(propertiesText(props), 'utf8'), 'update NameServer config');
}

// ---------------------------------------------------------------------------------------------- broker: info and config

export async function fetchBrokerRuntimeStats(admin: MQAdmin, brokerAddr: string): Promise<Record<string, string>> {
  const what = 'get broker runtime info';
  return decodeKVTable(bodyOf(await admin.ok(brokerAddr, RequestCode.GET_BROKER_RUNTIME_INFO, {}, undefined, what), what)).table;
}

export async function getBrokerConfig(admin: MQAdmin, brokerAddr: string): Promise<Array<[string, string]>> {
  const r = await admin.ok(brokerAddr, RequestCode.GET_BROKER_CONFIG, {}, undefined, 'get broker config');
  return r.body === undefined ? [] : propertiesEntries(r.body.toString('utf8'), `config of ${brokerAddr}`);
}

export async function updateBrokerConfig(admin: MQAdmin, brokerAddr: string, props: ReadonlyArray<readonly [string, string]>): Promise<void> {
  await admin.ok(brokerAddr, RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from(propertiesText(props), 'utf8'), 'update broker config');
}

export async function getAllTopicConfig(admin: MQAdmin, brokerAddr: string): Promise<TopicConfigSerializeWrapper> {
  const what = 'get all topic config';
  return decodeTopicConfigSerializeWrapper(bodyOf(await admin.ok(brokerAddr, RequestCode.GET_ALL_TOPIC_CONFIG, {}, undefined, what), what));
}

// ---------------------------------------------------------------------------------------------- broker: topics and groups

export async function createAndUpdateTopicConfig(admin: MQAdmin, brokerAddr: string, tc: TopicConfig): Promise<void> {
  await admin.ok(brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, {
    topic: tc.topicName,
    defaultTopic: CREATE_TOPIC_KEY,
    readQueueNums: String(tc.readQueueNums),
    writeQueueNums: String(tc.writeQueueNums),
    perm: String(tc.perm),
    topicFilterType: tc.topicFilterType,
    topicSysFlag: String(tc.topicSysFlag),
    order: String(tc.order),
  }, undefined, `create topic ${tc.topicName}`);
}

export async function deleteTopicInBroker(admin: MQAdmin, brokerAddr: string, topic: string): Promise<void> {
  await admin.ok(brokerAddr, RequestCode.DELETE_TOPIC_IN_BROKER, { topic }, undefined, `delete topic ${topic} in broker`);
}

export async function createAndUpdateSubscriptionGroupConfig(admin: MQAdmin, brokerAddr: string, config: SubscriptionGroupConfig): Promise<void> {
  await admin.ok(brokerAddr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, encodeSubscriptionGroupConfig(config),
    `create subscription group ${config.groupName}`);
}

export async function deleteSubscriptionGroup(admin: MQAdmin, brokerAddr: string, groupName: string, removeOffset: boolean): Promise<void> {
  await admin.ok(brokerAddr, RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName, removeOffset: String(removeOffset) }, undefined,
    `delete subscription group ${groupName}`);
}

// ---------------------------------------------------------------------------------------------- broker: stats and offsets

export async function getTopicStatsInfo(admin: MQAdmin, brokerAddr: string, topic: string): Promise<TopicStatsTable> {
  const what = `get stats of topic ${topic}`;
  return decodeTopicStatsTable(bodyOf(await admin.ok(brokerAddr, RequestCode.GET_TOPIC_STATS_INFO, { topic }, undefined, what), what));
}

export async function getConsumeStats(admin: MQAdmin, brokerAddr: string, group: string, topic?: string): Promise<ConsumeStats> {
  const what = `get consume stats of ${group}`;
  const ext: Record<string, string> = { consumerGroup: group };
  if (topic !== undefined) ext.topic = topic;
  return decodeConsumeStats(bodyOf(await admin.ok(brokerAddr, RequestCode.GET_CONSUME_STATS, ext, undefined, what, admin.timeoutMs * 3), what));
}

export async function queryTopicConsumeByWhoAt(admin: MQAdmin, brokerAddr: string, topic: string): Promise<GroupList> {
  const what = `query who consumes ${topic}`;
  return decodeGroupList(bodyOf(await admin.ok(brokerAddr, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic }, undefined, what), what));
}

export async function getConsumerConnectionList(admin: MQAdmin, brokerAddr: string, group: string): Promise<ConsumerConnection> {
  const what = `get connections of consumer group ${group}`;
  return decodeConsumerConnection(bodyOf(await admin.ok(brokerAddr, RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: group }, undefined, what), what));
}

export async function getProducerConnectionList(admin: MQAdmin, brokerAddr: string, group: string): Promise<ProducerConnection> {
  const what = `get connections of producer group ${group}`;
  return decodeProducerConnection(bodyOf(await admin.ok(brokerAddr, RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: group }, undefined, what), what));
}

export async function updateConsumerOffset(admin: MQAdmin, brokerAddr: string, group: string, mq: MessageQueue, offset: number): Promise<void> {
  await admin.ok(brokerAddr, RequestCode.UPDATE_CONSUMER_OFFSET, {
    consumerGroup: group, topic: mq.topic, queueId: String(mq.queueId), commitOffset: String(offset), bname: mq.brokerName,
  }, undefined, `update offset of ${group} on ${mq.topic}/${mq.brokerName}/${mq.queueId}`);
}

async function offsetOf(admin: MQAdmin, brokerAddr: string, code: number, mq: MessageQueue, what: string, extra: Record<string, string> = {}): Promise<number> {
  const r = await admin.ok(brokerAddr, code, { topic: mq.topic, queueId: String(mq.queueId), bname: mq.brokerName, ...extra }, undefined,
    `${what} of ${mq.topic}/${mq.brokerName}/${mq.queueId}`);
  const n = Number(r.extFields.offset);
  if (!Number.isSafeInteger(n)) throw new AdminError(`${what}: the answer of ${brokerAddr} has no offset`);
  return n;
}

export function getMaxOffset(admin: MQAdmin, brokerAddr: string, mq: MessageQueue): Promise<number> {
  return offsetOf(admin, brokerAddr, RequestCode.GET_MAX_OFFSET, mq, 'get max offset');
}

export function getMinOffset(admin: MQAdmin, brokerAddr: string, mq: MessageQueue): Promise<number> {
  return offsetOf(admin, brokerAddr, RequestCode.GET_MIN_OFFSET, mq, 'get min offset');
}

export function searchOffset(admin: MQAdmin, brokerAddr: string, mq: MessageQueue, timestamp: number): Promise<number> {
  return offsetOf(admin, brokerAddr, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, mq, 'search offset', { timestamp: String(timestamp) });
}

export async function viewBrokerStatsData(admin: MQAdmin, brokerAddr: string, statsName: string, statsKey: string): Promise<BrokerStatsData> {
  const what = `view stats ${statsName} ${statsKey}`;
  return decodeBrokerStatsData(bodyOf(await admin.ok(brokerAddr, RequestCode.VIEW_BROKER_STATS_DATA, { statsName, statsKey }, undefined, what), what));
}

export async function fetchConsumeStatsInBroker(admin: MQAdmin, brokerAddr: string, isOrder: boolean, timeoutMs: number): Promise<ConsumeStatsList> {
  const what = 'get broker consume stats';
  return decodeConsumeStatsList(bodyOf(await admin.ok(brokerAddr, RequestCode.GET_BROKER_CONSUME_STATS, { isOrder: String(isOrder) }, undefined, what, timeoutMs), what));
}

export async function cleanExpiredConsumeQueue(admin: MQAdmin, brokerAddr: string): Promise<boolean> {
  const r = await admin.call(brokerAddr, RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE, {}, undefined, 'clean expired consume queues');
  return r.code === ResponseCode.SUCCESS;
}

export async function cleanUnusedTopic(admin: MQAdmin, brokerAddr: string): Promise<boolean> {
  const r = await admin.call(brokerAddr, RequestCode.CLEAN_UNUSED_TOPIC, {}, undefined, 'clean unused topics');
  return r.code === ResponseCode.SUCCESS;
}

export async function cloneGroupOffsetAtBroker(admin: MQAdmin, brokerAddr: string, srcGroup: string, destGroup: string, topic: string | undefined, offline: boolean): Promise<void> {
  const ext: Record<string, string> = { srcGroup, destGroup, offline: String(offline) };
  if (topic !== undefined) ext.topic = topic;
  await admin.ok(brokerAddr, RequestCode.CLONE_GROUP_OFFSET, ext, undefined, `clone offsets of ${srcGroup} to ${destGroup}`, admin.timeoutMs * 3);
}

/** INVOKE_BROKER_TO_RESET_OFFSET: the broker computes the offsets and pushes them to the group's consumers. */
export async function invokeBrokerToResetOffset(
  admin: MQAdmin, brokerAddr: string, topic: string, group: string, timestamp: number, isForce: boolean, isC: boolean,
): Promise<Array<[MessageQueue, number]>> {
  const ext: Record<string, string> = { topic, group, timestamp: String(timestamp), isForce: String(isForce) };
  const what = `reset offsets of ${group} on ${topic}`;
  const r = isC ? await invokeAsCpp(admin, brokerAddr, createRequest(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, ext), what)
    : await admin.ok(brokerAddr, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, ext, undefined, what);
  return r.body === undefined ? [] : decodeResetOffsetBody(r.body).offsetTable;
}

/**
 * 4.9.8 says "C++ client" by the request's language (CPP), not by a header field; MQAdmin's requests are JAVA,
 * so this one goes over a connection of its own.
 */
async function invokeAsCpp(admin: MQAdmin, addr: string, request: RemotingCommand, what: string): Promise<RemotingCommand> {
  const client = new RemotingClient({ name: 'mqadmin-cpp', connectTimeoutMs: Math.min(3000, admin.timeoutMs) });
  try {
    const r = await client.invoke(addr, { ...request, language: 'CPP' }, admin.timeoutMs);
    if (r.code !== ResponseCode.SUCCESS) throw new AdminError(`${what} at ${addr}: ${describeResponse(r)}`, r.code);
    return r;
  } catch (err) {
    if (err instanceof RemotingError) throw new AdminError(`${what}: ${err.message}`);
    throw err;
  } finally {
    await client.shutdown();
  }
}

export async function invokeBrokerToGetConsumerStatus(
  admin: MQAdmin, brokerAddr: string, topic: string, group: string, clientAddr: string,
): Promise<Map<string, Array<[MessageQueue, number]>>> {
  const what = `get consumer status of ${group} on ${topic}`;
  const r = await admin.ok(brokerAddr, RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, { topic, group, clientAddr }, undefined, what);
  return r.body === undefined ? new Map() : decodeGetConsumerStatusBody(r.body).consumerTable;
}

export async function getConsumerRunningInfoAt(admin: MQAdmin, brokerAddr: string, group: string, clientId: string, jstack: boolean): Promise<ConsumerRunningInfo> {
  const what = `get running info of ${clientId} in ${group}`;
  const r = await admin.ok(brokerAddr, RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: group, clientId, jstackEnable: String(jstack) },
    undefined, what, admin.timeoutMs * 3);
  return decodeConsumerRunningInfo(bodyOf(r, what));
}

export async function consumeMessageDirectlyAt(admin: MQAdmin, brokerAddr: string, group: string, clientId: string, msgId: string): Promise<ConsumeMessageDirectlyResult> {
  const what = `consume message ${msgId} directly by ${clientId}`;
  const r = await admin.ok(brokerAddr, RequestCode.CONSUME_MESSAGE_DIRECTLY, { consumerGroup: group, clientId, msgId }, undefined, what, admin.timeoutMs * 3);
  return decodeConsumeMessageDirectlyResult(bodyOf(r, what));
}

// ---------------------------------------------------------------------------------------------- broker: messages

/** Stored records decoded as a client sees them (bodies inflated, msgId = UNIQ_KEY when there is one). */
export function decodeRecords(body: Buffer, brokerName: string): MessageExt[] {
  return decodeMessages(body).map((d) => new MessageExt(d, brokerName, uncompressBody(d.body, d.sysFlag) ?? Buffer.from(d.body)));
}

export async function viewMessageAt(admin: MQAdmin, brokerAddr: string, commitLogOffset: number): Promise<MessageExt> {
  const what = `view message at offset ${commitLogOffset}`;
  const r = await admin.ok(brokerAddr, RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(commitLogOffset) }, undefined, what);
  const msgs = decodeRecords(bodyOf(r, what), '');
  if (msgs.length === 0) throw new AdminError(`${what}: the answer holds no message`);
  return msgs[0]!;
}

/** QUERY_MESSAGE at one broker; an empty list when the broker found nothing (QUERY_NOT_FOUND). */
export async function queryMessageAt(
  admin: MQAdmin, brokerAddr: string, brokerName: string, topic: string, key: string, maxNum: number, uniqKey: boolean,
): Promise<{ messages: MessageExt[]; indexLastUpdateTimestamp: number }> {
  const ext: Record<string, string> = {
    topic, key, maxNum: String(maxNum), beginTimestamp: '0', endTimestamp: LONG_MAX, _UNIQUE_KEY_QUERY: String(uniqKey),
  };
  const what = `query message by key ${key}`;
  const r = await admin.call(brokerAddr, RequestCode.QUERY_MESSAGE, ext, undefined, what, admin.timeoutMs * 3);
  const indexLastUpdateTimestamp = Number(r.extFields.indexLastUpdateTimestamp ?? 0);
  if (r.code === ResponseCode.QUERY_NOT_FOUND) return { messages: [], indexLastUpdateTimestamp };
  if (r.code !== ResponseCode.SUCCESS) throw new AdminError(`${what} at ${brokerAddr}: ${describeResponse(r)}`, r.code);
  return { messages: r.body === undefined ? [] : decodeRecords(r.body, brokerName), indexLastUpdateTimestamp };
}

export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

export interface PullOutcome {
  status: PullStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  messages: MessageExt[];
}

const PULL_STATUS: Record<number, PullStatus> = {
  [ResponseCode.SUCCESS]: 'FOUND',
  [ResponseCode.PULL_NOT_FOUND]: 'NO_NEW_MSG',
  [ResponseCode.PULL_RETRY_IMMEDIATELY]: 'NO_MATCHED_MSG',
  [ResponseCode.PULL_OFFSET_MOVED]: 'OFFSET_ILLEGAL',
};

/** DefaultMQPullConsumer.pull: one non-suspending pull with its own subscription, tags re-checked client-side. */
export async function pullAt(
  admin: MQAdmin, brokerAddr: string, mq: MessageQueue, subExpression: string, offset: number, maxNums: number, group = TOOLS_CONSUMER_GROUP,
): Promise<PullOutcome> {
  const sd = buildSubscriptionData(mq.topic, subExpression);
  const what = `pull ${mq.topic}/${mq.brokerName}/${mq.queueId}@${offset}`;
  const r = await admin.call(brokerAddr, RequestCode.PULL_MESSAGE, {
    consumerGroup: group,
    topic: mq.topic,
    queueId: String(mq.queueId),
    queueOffset: String(offset),
    maxMsgNums: String(maxNums),
    sysFlag: '4',
    commitOffset: '0',
    suspendTimeoutMillis: '0',
    subscription: sd.subString,
    subVersion: '0',
    expressionType: 'TAG',
    bname: mq.brokerName,
  }, undefined, what, admin.timeoutMs * 2);
  const status = PULL_STATUS[r.code];
  if (status === undefined) throw new AdminError(`${what} at ${brokerAddr}: ${describeResponse(r)}`, r.code);
  const messages = status === 'FOUND' && r.body !== undefined
    ? decodeRecords(r.body, mq.brokerName).filter((m) => tagMatches(sd, m.properties))
    : [];
  return {
    status: status === 'FOUND' && messages.length === 0 ? 'NO_MATCHED_MSG' : status,
    nextBeginOffset: Number(r.extFields.nextBeginOffset ?? offset),
    minOffset: Number(r.extFields.minOffset ?? 0),
    maxOffset: Number(r.extFields.maxOffset ?? 0),
    messages,
  };
}

// ---------------------------------------------------------------------------------------------- addresses

/** BrokerData.selectBrokerAddr: the master, else any address. */
export function selectBrokerAddr(addrs: ReadonlyMap<number, string>): string | undefined {
  return addrs.get(MASTER_ID) ?? addrs.values().next().value;
}

/** The master address of `brokerName` in a route, or an AdminError. */
export function masterOfRoute(route: TopicRouteData, brokerName: string): string {
  const bd = route.brokerDatas.find((b) => b.brokerName === brokerName);
  const addr = bd === undefined ? undefined : selectBrokerAddr(bd.brokerAddrs);
  if (addr === undefined) throw new AdminError(`The broker[${brokerName}] not exist`);
  return addr;
}
