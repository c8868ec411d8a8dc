// Typed broker calls used by the consumers (Java MQClientAPIImpl): each builds the request of spec §4.2,
// checks the response code and parses the header, so callers get values or an MQError naming the call.
import { createRequest, type RemotingCommand } from '../protocol/command.js';
import { RequestCode, ResponseCode } from '../protocol/codes.js';
import {
  decodeGetConsumerListByGroupResponseBody,
  decodeLockBatchResponseBody,
  encodeLockBatchRequestBody,
  encodeUnlockBatchRequestBody,
} from '../protocol/bodies.js';
import type { MessageQueue } from './allocate.js';
import type { ClientInstance } from './client-instance.js';
import { ClientErrorCode, MQBrokerError, MQClientError } from './errors.js';
import { MASTER_ID } from './route.js';

/** The master address of `brokerName`, refreshing `topic`'s route once if it is unknown. */
export async function masterAddrOf(instance: ClientInstance, brokerName: string, topic: string): Promise<string> {
  let addr = instance.findBrokerAddrInSubscribe(brokerName, MASTER_ID);
  if (addr === undefined) {
    await instance.updateRoute(topic);
    addr = instance.findBrokerAddrInSubscribe(brokerName, MASTER_ID);
  }
  if (addr === undefined) {
    throw new MQClientError(`The broker[${brokerName}] not exist`, ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, { retriable: true });
  }
  return addr;
}

function expectSuccess(response: RemotingCommand, addr: string, what: string): void {
  if (response.code !== ResponseCode.SUCCESS) throw new MQBrokerError(response.code, response.remark, addr, what);
}

function longField(response: RemotingCommand, name: string, addr: string, what: string): number {
  const text = response.extFields[name];
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isSafeInteger(n)) {
    throw new MQClientError(`${what}: response from ${addr} has no valid "${name}" (got ${JSON.stringify(text)})`,
      ClientErrorCode.ILLEGAL_ARGUMENT, { brokerAddr: addr });
  }
  return n;
}

async function call(instance: ClientInstance, addr: string, request: RemotingCommand, what: string): Promise<RemotingCommand> {
  return instance.invoke(addr, request, instance.config.requestTimeoutMs, what);
}

/** QUERY_CONSUMER_OFFSET: the committed offset, or undefined when the group has none (QUERY_NOT_FOUND). */
export async function queryConsumerOffset(instance: ClientInstance, group: string, mq: MessageQueue): Promise<number | undefined> {
  const addr = await masterAddrOf(instance, mq.brokerName, mq.topic);
  const what = `query consumer offset of ${group} on ${mq.topic}/${mq.brokerName}/${mq.queueId}`;
  const response = await call(instance, addr, createRequest(RequestCode.QUERY_CONSUMER_OFFSET, {
    consumerGroup: group, topic: mq.topic, queueId: String(mq.queueId), bname: mq.brokerName,
  }), what);
  if (response.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
  expectSuccess(response, addr, what);
  return longField(response, 'offset', addr, what);
}

/** UPDATE_CONSUMER_OFFSET, oneway (as Java's periodic persist) or awaited (shutdown, queue hand-over). */
export async function updateConsumerOffset(
  instance: ClientInstance, group: string, mq: MessageQueue, offset: number, oneway: boolean,
): Promise<void> {
  const addr = await masterAddrOf(instance, mq.brokerName, mq.topic);
  const what = `update consumer offset of ${group} on ${mq.topic}/${mq.brokerName}/${mq.queueId}`;
  const request = createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
    consumerGroup: group, topic: mq.topic, queueId: String(mq.queueId), commitOffset: String(offset), bname: mq.brokerName,
  });
  if (oneway) {
    await instance.invokeOneway(addr, request, what);
    return;
  }
  expectSuccess(await call(instance, addr, request, what), addr, what);
}

async function offsetCall(instance: ClientInstance, code: number, mq: MessageQueue, what: string, extra: Record<string, string> = {}): Promise<number> {
  const addr = await masterAddrOf(instance, mq.brokerName, mq.topic);
  const full = `${what} of ${mq.topic}/${mq.brokerName}/${mq.queueId}`;
  const response = await call(instance, addr, createRequest(code, {
    topic: mq.topic, queueId: String(mq.queueId), bname: mq.brokerName, ...extra,
  }), full);
  expectSuccess(response, addr, full);
  return longField(response, 'offset', addr, full);
}

export function getMaxOffset(instance: ClientInstance, mq: MessageQueue): Promise<number> {
  return offsetCall(instance, RequestCode.GET_MAX_OFFSET, mq, 'get max offset');
}

export function getMinOffset(instance: ClientInstance, mq: MessageQueue): Promise<number> {
  return offsetCall(instance, RequestCode.GET_MIN_OFFSET, mq, 'get min offset');
}

export function searchOffset(instance: ClientInstance, mq: MessageQueue, timestamp: number): Promise<number> {
  return offsetCall(instance, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, mq, 'search offset by timestamp', { timestamp: String(timestamp) });
}

/** GET_CONSUMER_LIST_BY_GROUP at one broker of `topic`: the client ids of the group's live members. */
export async function getConsumerIdList(instance: ClientInstance, topic: string, group: string): Promise<string[]> {
  const addr = instance.findAnyBrokerAddrForTopic(topic);
  if (addr === undefined) {
    throw new MQClientError(`no broker known for topic ${topic}`, ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, { retriable: true });
  }
  const what = `get consumer list of ${group}`;
  const response = await call(instance, addr, createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: group }), what);
  expectSuccess(response, addr, what);
  if (response.body === undefined) return [];
  return decodeGetConsumerListByGroupResponseBody(response.body).consumerIdList;
}

/** LOCK_BATCH_MQ at the master of `brokerName`: the subset of `mqs` now locked by us. */
export async function lockBatchMQ(
  instance: ClientInstance, brokerName: string, group: string, mqs: MessageQueue[],
): Promise<MessageQueue[]> {
  const addr = await masterAddrOf(instance, brokerName, mqs[0]!.topic);
  const what = `lock ${mqs.length} queues of ${group} at ${brokerName}`;
  const body = encodeLockBatchRequestBody({ consumerGroup: group, clientId: instance.clientId, mqSet: mqs });
  const response = await call(instance, addr, createRequest(RequestCode.LOCK_BATCH_MQ, {}, body), what);
  expectSuccess(response, addr, what);
  return response.body === undefined ? [] : decodeLockBatchResponseBody(response.body).lockOKMQSet;
}

export async function unlockBatchMQ(
  instance: ClientInstance, brokerName: string, group: string, mqs: MessageQueue[],
): Promise<void> {
  const addr = await masterAddrOf(instance, brokerName, mqs[0]!.topic);
  const what = `unlock ${mqs.length} queues of ${group} at ${brokerName}`;
  const body = encodeUnlockBatchRequestBody({ consumerGroup: group, clientId: instance.clientId, mqSet: mqs, onlyThisBroker: false });
  expectSuccess(await call(instance, addr, createRequest(RequestCode.UNLOCK_BATCH_MQ, {}, body), what), addr, what);
}

export interface SendBackArgs {
  brokerName: string;
  topic: string;
  group: string;
  commitLogOffset: number;
  delayLevel: number;
  originMsgId: string;
  maxReconsumeTimes: number;
}

/** CONSUMER_SEND_MSG_BACK: the broker copies the message to %RETRY%group (or %DLQ%group when exhausted). */
export async function consumerSendMessageBack(instance: ClientInstance, a: SendBackArgs): Promise<void> {
  const addr = await masterAddrOf(instance, a.brokerName, a.topic);
  const what = `send message back to ${a.group}`;
  const response = await call(instance, addr, createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, {
    offset: String(a.commitLogOffset),
    group: a.group,
    delayLevel: String(a.delayLevel),
    originMsgId: a.originMsgId,
    originTopic: a.topic,
    unitMode: 'false',
    maxReconsumeTimes: String(a.maxReconsumeTimes),
    bname: a.brokerName,
  }), what);
  expectSuccess(response, addr, what);
}
