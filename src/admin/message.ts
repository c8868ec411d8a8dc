// Message operations: queryMsgByKey, queryMsgById, queryMsgByUniqueKey, queryMsgByOffset, sendMessage,
// checkMsgSendRT, consumeMessage, printMsg, printMsgByQueue, and the message-track view queryMsgById prints.
import type { MessageExt } from '../client/message.js';
import { Producer } from '../client/producer.js';
import type { SendResult } from '../client/send-request.js';
import { ProtocolError } from '../common/errors.js';
import { ResponseCode } from '../protocol/codes.js';
import type { ConsumeMessageDirectlyResult } from '../protocol/admin-bodies.js';
import type { MessageQueue, TopicRouteData } from '../protocol/body-types.js';
import { PROPERTY_KEYS, PROPERTY_TAGS } from '../protocol/message-const.js';
import { decodeOffsetMsgId } from '../protocol/message-id.js';
import { AdminError, type MQAdmin } from './admin-client.js';
import {
  consumeMessageDirectlyAt,
  examineBrokerClusterInfo,
  examineTopicRouteInfo,
  getMaxOffset,
  getMinOffset,
  MASTER_ID,
  masterOfRoute,
  pullAt,
  queryMessageAt,
  queryTopicConsumeByWhoAt,
  searchOffset,
  selectBrokerAddr,
  viewMessageAt,
  type PullOutcome,
  type PullStatus,
} from './api.js';
import { brokerAddrsOfRoute, examineConsumeStats, examineConsumerConnectionInfo } from './examine.js';
import { sendPubTrace } from './msg-trace.js';
import { subscribeQueues } from './topic.js';

export type { PullStatus } from './api.js';

/** "ip:port" of a store host, bracketing IPv6. */
function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

async function queryAcrossBrokers(admin: MQAdmin, topic: string, key: string, maxNum: number, uniqKey: boolean): Promise<MessageExt[]> {
  const route = await examineTopicRouteInfo(admin, topic);
  const targets = route.brokerDatas
    .map((bd) => ({ name: bd.brokerName, addr: selectBrokerAddr(bd.brokerAddrs) }))
    .filter((t): t is { name: string; addr: string } => t.addr !== undefined);
  if (targets.length === 0) throw new AdminError(`The topic[${topic}] not matched route info`, ResponseCode.TOPIC_NOT_EXIST);
  // As MQAdminImpl: a broker that fails is left out, the others still count.
  const answers = await Promise.allSettled(targets.map((t) => queryMessageAt(admin, t.addr, t.name, topic, key, maxNum, uniqKey)));
  const found: MessageExt[] = [];
  for (const a of answers) if (a.status === 'fulfilled') found.push(...a.value.messages);
  const failures = answers.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
  if (found.length === 0 && failures.length === answers.length) {
    throw failures[0]!.reason instanceof Error ? failures[0]!.reason : new AdminError(String(failures[0]!.reason));
  }
  return found;
}

/** queryMsgByKey -t TOPIC -k KEY: messages whose KEYS hold KEY (newest first per broker, at most 64 per broker). */
export async function queryMsgByKey(admin: MQAdmin, topic: string, key: string, maxNum = 64): Promise<MessageExt[]> {
  const matched = (await queryAcrossBrokers(admin, topic, key, maxNum, false))
    .filter((m) => m.topic === topic && (m.properties.get(PROPERTY_KEYS) ?? '').split(' ').includes(key));
  if (matched.length === 0) throw new AdminError('query message by key finished, but no message.', ResponseCode.NO_MESSAGE);
  return matched;
}

/** queryMsgByUniqueKey: the message whose UNIQ_KEY (client msgId) is `msgId`; the earliest stored if resent. */
export async function queryMsgByUniqueKey(admin: MQAdmin, topic: string, msgId: string, maxNum = 32): Promise<MessageExt[]> {
  let earliest: MessageExt | undefined;
  for (const m of await queryAcrossBrokers(admin, topic, msgId, maxNum, true)) {
    if (m.msgId !== msgId) continue;
    if (earliest === undefined || m.storeTimestamp < earliest.storeTimestamp) earliest = m;
  }
  if (earliest === undefined) throw new AdminError('query message by key finished, but no message.', ResponseCode.NO_MESSAGE);
  return [earliest];
}

/** viewMessage(offsetMsgId): the store host and commit-log offset are in the id itself. */
export async function viewMessage(admin: MQAdmin, offsetMsgId: string): Promise<MessageExt> {
  let decoded;
  try {
    decoded = decodeOffsetMsgId(offsetMsgId.trim());
  } catch (err) {
    if (err instanceof ProtocolError) throw new AdminError(`${offsetMsgId} is not an offset message id: ${err.message}`);
    throw err;
  }
  return viewMessageAt(admin, hostPort(decoded.host.host, decoded.host.port), decoded.commitLogOffset);
}

/** DefaultMQAdminExtImpl.viewMessage(topic, msgId): an offsetMsgId if it decodes and is found, else a UNIQ_KEY. */
export async function viewMessageOfTopic(admin: MQAdmin, topic: string, msgId: string): Promise<MessageExt> {
  try {
    return await viewMessage(admin, msgId);
  } catch {
    const [first] = await queryMsgByUniqueKey(admin, topic, msgId);
    return first!;
  }
}

export type TrackType = 'CONSUMED' | 'CONSUMED_BUT_FILTERED' | 'PULL' | 'NOT_CONSUME_YET' | 'NOT_ONLINE' | 'UNKNOWN';

export interface MessageTrack {
  consumerGroup: string;
  trackType: TrackType;
  exceptionDesc?: string;
}

/** Whether `group` has consumed `msg`: its committed offset on the message's queue (and store host) is past it. */
async function consumed(admin: MQAdmin, msg: MessageExt, group: string): Promise<boolean> {
  const cs = await examineConsumeStats(admin, group);
  const info = await examineBrokerClusterInfo(admin);
  for (const [mq, ow] of cs.offsetTable) {
    if (mq.topic !== msg.topic || mq.queueId !== msg.queueId) continue;
    if (info.brokerAddrTable.get(mq.brokerName)?.brokerAddrs.get(MASTER_ID) === msg.storeHost && ow.consumerOffset > msg.queueOffset) return true;
  }
  return false;
}

function trackError(err: unknown): { notOnline: boolean; desc: string } {
  if (err instanceof AdminError && err.code !== undefined) {
    const remark = err.message.replace(/^.*DESC: /, '');
    return { notOnline: err.code === ResponseCode.CONSUMER_NOT_ONLINE, desc: `CODE:${err.code} DESC:${remark}` };
  }
  return { notOnline: false, desc: err instanceof Error ? err.message : String(err) };
}

/** DefaultMQAdminExtImpl.messageTrackDetail: for each group consuming the topic, has it consumed this message? */
export async function messageTrackDetail(admin: MQAdmin, msg: MessageExt): Promise<MessageTrack[]> {
  const route = await examineTopicRouteInfo(admin, msg.topic);
  const addr = brokerAddrsOfRoute(route)[0];
  const groups = addr === undefined ? [] : (await queryTopicConsumeByWhoAt(admin, addr, msg.topic)).groupList;
  const tracks: MessageTrack[] = [];
  for (const consumerGroup of groups) {
    const track: MessageTrack = { consumerGroup, trackType: 'UNKNOWN' };
    try {
      const cc = await examineConsumerConnectionInfo(admin, consumerGroup);
      if (cc.consumeType === 'CONSUME_ACTIVELY') {
        track.trackType = 'PULL';
      } else if (await consumed(admin, msg, consumerGroup)) {
        track.trackType = 'CONSUMED';
        const sub = cc.subscriptionTable.get(msg.topic);
        const tag = msg.properties.get(PROPERTY_TAGS) ?? 'null';
        if (sub !== undefined && !(sub.tagsSet.includes(tag) || sub.tagsSet.includes('*') || sub.tagsSet.length === 0)) {
          track.trackType = 'CONSUMED_BUT_FILTERED';
        }
      } else {
        track.trackType = 'NOT_CONSUME_YET';
      }
    } catch (err) {
      const e = trackError(err);
      if (e.notOnline) track.trackType = 'NOT_ONLINE';
      track.exceptionDesc = e.desc;
    }
    tracks.push(track);
  }
  return tracks;
}

export interface MessageView {
  message: MessageExt;
  /** undefined when the tracks could not be computed (the reason is in trackError). */
  tracks?: MessageTrack[];
  trackError?: string;
}

async function withTracks(admin: MQAdmin, message: MessageExt): Promise<MessageView> {
  try {
    return { message, tracks: await messageTrackDetail(admin, message) };
  } catch (err) {
    return { message, trackError: err instanceof Error ? err.message : String(err) };
  }
}

/** queryMsgById -i OFFSET_MSG_ID[,...]: each message with its consumption track. */
export async function queryMsgById(admin: MQAdmin, offsetMsgId: string): Promise<MessageView> {
  return withTracks(admin, await viewMessage(admin, offsetMsgId));
}

/** queryMsgByUniqueKey -i MSG_ID -t TOPIC: the message(s) with their consumption track. */
export async function queryMsgByUniqueKeyView(admin: MQAdmin, topic: string, msgId: string): Promise<MessageView[]> {
  const msgs = (await queryMsgByUniqueKey(admin, topic, msgId)).sort((a, b) => a.storeTimestamp - b.storeTimestamp);
  const out: MessageView[] = [];
  for (const m of msgs) out.push(await withTracks(admin, m));
  return out;
}

/** queryMsgById / queryMsgByUniqueKey with -g GROUP -d CLIENT_ID: have that consumer consume the message now. */
export async function consumeMessageDirectly(admin: MQAdmin, o: { group: string; clientId: string; msgId: string; topic?: string }): Promise<ConsumeMessageDirectlyResult> {
  const msg = o.topic === undefined ? await viewMessage(admin, o.msgId) : await viewMessageOfTopic(admin, o.topic, o.msgId);
  return consumeMessageDirectlyAt(admin, msg.storeHost, o.group, o.clientId, msg.offsetMsgId);
}

function routeAddr(route: TopicRouteData, brokerName: string): string {
  return masterOfRoute(route, brokerName);
}

/** queryMsgByOffset -t TOPIC -b BROKER_NAME -i QUEUE_ID -o OFFSET: the message there, undefined when none. */
export async function queryMsgByOffset(admin: MQAdmin, o: { topic: string; brokerName: string; queueId: number; offset: number }): Promise<MessageView | undefined> {
  const route = await examineTopicRouteInfo(admin, o.topic);
  const mq: MessageQueue = { topic: o.topic, brokerName: o.brokerName, queueId: o.queueId };
  const r = await pullAt(admin, routeAddr(route, o.brokerName), mq, '*', o.offset, 1);
  const msg = r.status === 'FOUND' ? r.messages[0] : undefined;
  return msg === undefined ? undefined : withTracks(admin, msg);
}

function producerFor(admin: MQAdmin): Producer {
  const group = String(Date.now());
  return new Producer({ producerGroup: group, namesrvAddr: admin.namesrvAddrs.join(';'), instanceName: `mqadmin_${process.pid}_${group}` });
}

/** sendMessage -t TOPIC -p BODY [-k keys] [-c tags] [-b brokerName -i queueId] [-m true: also a trace record]. */
export async function sendMessage(
  admin: MQAdmin,
  o: { topic: string; body: string; keys?: string; tags?: string; brokerName?: string; queueId?: number; msgTraceEnable?: boolean },
): Promise<SendResult> {
  if (o.queueId !== undefined && o.brokerName === undefined) throw new AdminError('Broker name must be set if the queue is chosen!');
  const producer = producerFor(admin);
  await producer.start();
  const began = Date.now();
  let result: SendResult;
  try {
    const msg = { topic: o.topic, body: Buffer.from(o.body, 'utf8'), ...(o.tags !== undefined ? { tags: o.tags } : {}), ...(o.keys !== undefined ? { keys: o.keys } : {}) };
    result = o.brokerName !== undefined && o.queueId !== undefined && o.queueId > -1
      ? await producer.send(msg, { topic: o.topic, brokerName: o.brokerName, queueId: o.queueId })
      : await producer.send(msg);
  } finally {
    await producer.shutdown();
  }
  if (o.msgTraceEnable === true) {
    const brokerAddr = masterOfRoute(await examineTopicRouteInfo(admin, o.topic), result.messageQueue.brokerName);
    await sendPubTrace(admin.namesrvAddrs.join(';'), {
      timeStamp: began, producerGroup: producer.producerGroup, brokerAddr, costTime: Date.now() - began, result,
      message: { topic: o.topic, tags: o.tags, keys: o.keys, bodyLength: Buffer.byteLength(o.body, 'utf8') },
    });
  }
  return result;
}

export interface SendRTRow {
  brokerName: string;
  queueId: number;
  ok: boolean;
  rt: number;
}

/** checkMsgSendRT -t TOPIC [-a amount] [-s size]: sends spread over the queues in turn, with each send's time. */
export async function checkMsgSendRT(admin: MQAdmin, o: { topic: string; amount?: number; size?: number }): Promise<{ rows: SendRTRow[]; avgRT: number }> {
  const amount = o.amount ?? 100;
  if (amount < 1) throw new AdminError('the amount (-a) must be at least 1');
  const body = 'a'.repeat(o.size ?? 128);
  const producer = producerFor(admin);
  await producer.start();
  const rows: SendRTRow[] = [];
  let elapsed = 0;
  let brokerName = '';
  let queueId = 0;
  try {
    for (let i = 0; i < amount; i++) {
      const start = Date.now();
      let ok = false;
      try {
        await producer.send({ topic: o.topic, body }, (mqs: MessageQueue[], _msg: unknown, arg: number) => {
          const q = mqs[arg % mqs.length]!;
          brokerName = q.brokerName;
          queueId = q.queueId;
          return q;
        }, i);
        ok = true;
      } catch {
        ok = false;
      }
      const rt = Date.now() - start;
      if (i !== 0) elapsed += rt;
      rows.push({ brokerName, queueId, ok, rt });
    }
  } finally {
    await producer.shutdown();
  }
  return { rows, avgRT: amount > 1 ? elapsed / (amount - 1) : 0 };
}

/** What one pull showed, as the print/consume commands report it. */
export interface PullEvent {
  mq: MessageQueue;
  status: PullStatus;
  /** The next offset after this pull. */
  offset: number;
  messages: MessageExt[];
}

async function queuesOf(admin: MQAdmin, topic: string): Promise<{ route: TopicRouteData; queues: MessageQueue[] }> {
  const route = await examineTopicRouteInfo(admin, topic);
  return { route, queues: subscribeQueues(topic, route) };
}

/** Pulls [from, to) (to exclusive when `inclusive` is false) until the queue says there is nothing more. */
async function pullRange(
  admin: MQAdmin, addr: string, mq: MessageQueue, subExpression: string, from: number, to: number, batch: (offset: number) => number, stopOnNoMatch: boolean,
  inclusive: boolean,
): Promise<PullEvent[]> {
  const events: PullEvent[] = [];
  for (let offset = from; inclusive ? offset <= to : offset < to;) {
    const r: PullOutcome = await pullAt(admin, addr, mq, subExpression, offset, Math.max(1, batch(offset)));
    const next = r.nextBeginOffset > offset ? r.nextBeginOffset : offset + (r.status === 'FOUND' ? r.messages.length : 0);
    events.push({ mq, status: r.status, offset: next, messages: r.messages });
    if (r.status === 'NO_NEW_MSG' || r.status === 'OFFSET_ILLEGAL' || (stopOnNoMatch && r.status === 'NO_MATCHED_MSG')) break;
    if (next <= offset) break;
    offset = next;
  }
  return events;
}

export interface QueueDump {
  mq: MessageQueue;
  minOffset: number;
  maxOffset: number;
  events: PullEvent[];
}

async function offsetsFor(admin: MQAdmin, addr: string, mq: MessageQueue, begin?: number, end?: number): Promise<{ min: number; max: number }> {
  let min = await getMinOffset(admin, addr, mq);
  let max = await getMaxOffset(admin, addr, mq);
  if (begin !== undefined) min = await searchOffset(admin, addr, mq, begin);
  if (end !== undefined) max = await searchOffset(admin, addr, mq, end);
  return { min, max };
}

/** printMsg -t TOPIC [-s subExpression] [-b begin] [-e end]: every message of every queue, 32 per pull. */
export async function printMsg(admin: MQAdmin, o: { topic: string; subExpression?: string; begin?: number; end?: number }): Promise<QueueDump[]> {
  const { route, queues } = await queuesOf(admin, o.topic);
  const out: QueueDump[] = [];
  for (const mq of queues) {
    const addr = routeAddr(route, mq.brokerName);
    const { min, max } = await offsetsFor(admin, addr, mq, o.begin, o.end);
    out.push({ mq, minOffset: min, maxOffset: max, events: await pullRange(admin, addr, mq, o.subExpression ?? '*', min, max, () => 32, false, false) });
  }
  return out;
}

export interface QueuePrint {
  messages: MessageExt[];
  /** With calculate-by-tag: tags and their counts, most frequent first. */
  tagCounts: Array<[string, number]>;
}

/** printMsgByQueue -t TOPIC -a BROKER_NAME -i QUEUE_ID [-s subExpression] [-b begin] [-e end]. */
export async function printMsgByQueue(admin: MQAdmin, o: { topic: string; brokerName: string; queueId: number; subExpression?: string; begin?: number; end?: number }): Promise<QueuePrint> {
  const route = await examineTopicRouteInfo(admin, o.topic);
  const mq: MessageQueue = { topic: o.topic, brokerName: o.brokerName, queueId: o.queueId };
  const addr = routeAddr(route, o.brokerName);
  const { min, max } = await offsetsFor(admin, addr, mq, o.begin, o.end);
  const messages = (await pullRange(admin, addr, mq, o.subExpression ?? '*', min, max, () => 32, true, false)).flatMap((e) => e.messages);
  const counts = new Map<string, number>();
  for (const m of messages) {
    const tag = m.properties.get(PROPERTY_TAGS);
    if (tag !== undefined && tag.trim() !== '') counts.set(tag, (counts.get(tag) ?? 0) + 1);
  }
  return { messages, tagCounts: [...counts].sort((a, b) => b[1] - a[1]) };
}

export type ConsumeMessageEvent =
  | { kind: 'notice'; text: string }
  | { kind: 'pull'; event: PullEvent };

/**
 * consumeMessage -t TOPIC [-b BROKER_NAME [-i QUEUE_ID [-o OFFSET]]] [-s begin] [-e end] [-c count] [-g group]:
 * reads (without committing) up to `count` messages, the events in the order the Java tool prints them.
 */
export async function consumeMessage(admin: MQAdmin, o: {
  topic: string; brokerName?: string; queueId?: number; offset?: number; begin?: number; end?: number; count?: number; group?: string;
}): Promise<ConsumeMessageEvent[]> {
  const count = o.count ?? 128;
  if (count <= 0) throw new AdminError('Please input a positive messageNumber!');
  if (o.queueId !== undefined && o.brokerName === undefined) throw new AdminError('Please set the brokerName before queueId!');
  if (o.offset !== undefined && o.queueId === undefined) throw new AdminError('Please set queueId before offset!');
  const now = Date.now();
  if (o.begin !== undefined && o.begin > now) throw new AdminError('Please set the beginTimestamp before now!');
  if (o.end !== undefined && o.end > now) throw new AdminError('Please set the endTimestamp before now!');
  if (o.begin !== undefined && o.end !== undefined && o.begin > o.end) {
    throw new AdminError('Please make sure that the beginTimestamp is less than or equal to the endTimestamp');
  }
  const events: ConsumeMessageEvent[] = [];
  const { route, queues } = await queuesOf(admin, o.topic);
  const pull = async (mq: MessageQueue, min: number, max: number): Promise<void> => {
    const addr = routeAddr(route, mq.brokerName);
    for (const event of await pullRange(admin, addr, mq, '*', min, max, (offset) => max - offset + 1, false, true)) events.push({ kind: 'pull', event });
  };
  if (o.queueId === undefined) {
    let left = count;
    for (const mq of queues) {
      if (left === 0) break;
      const { min, max: maxOffset } = await offsetsFor(admin, routeAddr(route, mq.brokerName), mq, o.begin, o.end);
      let max = maxOffset;
      if (max - min > left) {
        events.push({ kind: 'notice', text: `The older ${left} message of the ${mq.queueId} queue will be provided` });
        max = min + left - 1;
        left = 0;
      } else {
        left = left - (max - min) - 1;
      }
      await pull(mq, min, max);
    }
    return events;
  }
  const mq: MessageQueue = { topic: o.topic, brokerName: o.brokerName!, queueId: o.queueId };
  const offset = o.offset ?? 0;
  const bounds = await offsetsFor(admin, routeAddr(route, mq.brokerName), mq, o.begin, o.end);
  if (offset > bounds.max) {
    events.push({ kind: 'notice', text: `MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}] no matched msg, offset=${offset}` });
    return events;
  }
  const min = Math.max(bounds.min, offset);
  let max = bounds.max;
  if (max - min > count) {
    events.push({ kind: 'notice', text: `The oldler ${count} message will be provided` });
    max = min + count - 1;
  }
  await pull(mq, min, max);
  return events;
}

