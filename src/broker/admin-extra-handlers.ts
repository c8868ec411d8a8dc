// The admin requests mqadmin's second-line commands need (AdminBrokerProcessor + Broker2Client of 4.9.8):
// GET_BROKER_CONSUME_STATS (317), CLONE_GROUP_OFFSET (314), INVOKE_BROKER_TO_RESET_OFFSET (222),
// INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223), QUERY_CONSUME_TIME_SPAN (303), VIEW_BROKER_STATS_DATA (315),
// CLEAN_EXPIRED_CONSUMEQUEUE (306), CLEAN_UNUSED_TOPIC (316), and the two requests relayed to a consumer:
// GET_CONSUMER_RUNNING_INFO (307) and CONSUME_MESSAGE_DIRECTLY (309).
import { HeaderError, ProtocolError } from '../common/errors.js';
import { getLogger } from '../common/logger.js';
import {
  createRequest,
  createResponse,
  optionalBool,
  optionalString,
  requireBool,
  requireString,
  type RemotingCommand,
} from '../protocol/command.js';
import { RequestCode, ResponseCode } from '../protocol/codes.js';
import type { ConsumeStats, MessageQueue, OffsetWrapper } from '../protocol/body-types.js';
import { encodeResetOffsetBody } from '../protocol/bodies.js';
import { stringifyFastjson } from '../protocol/fastjson.js';
import {
  decodeConsumerRunningInfo,
  decodeGetConsumerStatusBody,
  encodeBrokerStatsData,
  encodeConsumeStatsList,
  encodeGetConsumerStatusBody,
  encodeQueryConsumeTimeSpanBody,
  type QueueTimeSpan,
} from '../protocol/admin-bodies.js';
import { TOPIC_SCHEDULE, TOPIC_TRANS_OP_HALF } from '../protocol/message-const.js';
import { decodeOffsetMsgId } from '../protocol/message-id.js';
import type { Dispatcher } from '../remoting/dispatcher.js';
import type { Connection } from '../remoting/types.js';
import { DefaultMessageStore } from '../store/default-message-store.js';
import type { BrokerContext } from './broker-context.js';
import type { ClientChannel } from './client-channel.js';

const log = getLogger('broker');

/** Broker2Client.callClient waits this long for the consumer. */
export const CALL_CLIENT_TIMEOUT_MS = 10_000;
/** MQVersion ordinals below which a client cannot answer (V3_0_7_SNAPSHOT, V3_1_8_SNAPSHOT). */
const V3_0_7_SNAPSHOT = 28;
const V3_1_8_SNAPSHOT = 62;

export function registerAdminExtraHandlers(d: Dispatcher, ctx: BrokerContext): void {
  d.register(RequestCode.GET_BROKER_CONSUME_STATS, (req) => brokerConsumeStats(ctx, req));
  d.register(RequestCode.CLONE_GROUP_OFFSET, (req, conn) => cloneGroupOffset(ctx, req, conn));
  d.register(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, (req) => resetOffset(ctx, req));
  d.register(RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, (req) => consumerStatus(ctx, req));
  d.register(RequestCode.QUERY_CONSUME_TIME_SPAN, (req) => consumeTimeSpan(ctx, req));
  d.register(RequestCode.VIEW_BROKER_STATS_DATA, (req) => viewStats(ctx, req));
  d.register(RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE, (req) => cleanExpiredConsumeQueue(ctx, req));
  d.register(RequestCode.CLEAN_UNUSED_TOPIC, (req) => cleanUnusedTopic(ctx, req));
  d.register(RequestCode.GET_CONSUMER_RUNNING_INFO, (req) => {
    const group = requireString(req.extFields, 'consumerGroup');
    return callConsumer(ctx, RequestCode.GET_CONSUMER_RUNNING_INFO, req, group, requireString(req.extFields, 'clientId'));
  });
  d.register(RequestCode.CONSUME_MESSAGE_DIRECTLY, (req) => consumeMessageDirectly(ctx, req));
}

function mqOf(ctx: BrokerContext, topic: string, queueId: number): MessageQueue {
  return { topic, brokerName: ctx.config.brokerName, queueId };
}

function offsetWrapper(ctx: BrokerContext, group: string, topic: string, queueId: number): OffsetWrapper {
  const brokerOffset = Math.max(0, ctx.store.getMaxOffsetInQueue(topic, queueId));
  const consumerOffset = Math.max(0, ctx.offsets.query(group, topic, queueId));
  const stamp = consumerOffset > 0 ? ctx.store.getMessageStoreTimestamp(topic, queueId, consumerOffset - 1) : 0;
  return { brokerOffset, consumerOffset, lastTimestamp: stamp > 0 ? stamp : 0 };
}

/** An online group with subscriptions that do not include `topic` no longer consumes it. */
function stillConsumes(ctx: BrokerContext, group: string, topic: string): boolean {
  const info = ctx.consumers.get(group);
  return info === undefined || info.subscriptions.size === 0 || info.subscriptions.has(topic);
}

function brokerConsumeStats(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const isOrder = requireBool(request.extFields, 'isOrder');
  const consumeStatsList: Array<Map<string, ConsumeStats[]>> = [];
  let totalDiff = 0;
  for (const group of ctx.groups.names()) {
    const list: ConsumeStats[] = [];
    for (const topic of ctx.offsets.topicsOfGroup(group)) {
      const tc = ctx.topics.get(topic);
      if (tc === undefined || (isOrder && !tc.order) || !stillConsumes(ctx, group, topic)) continue;
      const offsetTable: Array<[MessageQueue, OffsetWrapper]> = [];
      for (let i = 0; i < tc.writeQueueNums; i++) {
        const ow = offsetWrapper(ctx, group, topic, i);
        offsetTable.push([mqOf(ctx, topic, i), ow]);
        totalDiff += ow.brokerOffset - ow.consumerOffset;
      }
      list.push({ offsetTable, consumeTps: ctx.stats.groupGetTps(group, topic) });
    }
    consumeStatsList.push(new Map([[group, list]]));
  }
  const brokerAddr = `${ctx.storeHost.host}:${ctx.storeHost.port}`;
  return createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeConsumeStatsList({ brokerAddr, consumeStatsList, totalDiff }));
}

function cloneGroupOffset(ctx: BrokerContext, request: RemotingCommand, conn: Connection): RemotingCommand {
  const ext = request.extFields;
  const src = requireString(ext, 'srcGroup');
  const dest = requireString(ext, 'destGroup');
  const onlyTopic = optionalString(ext, 'topic');
  const offline = optionalBool(ext, 'offline', false);
  const topics = onlyTopic === undefined || onlyTopic.trim() === '' ? ctx.offsets.topicsOfGroup(src) : [onlyTopic];
  for (const topic of topics) {
    const tc = ctx.topics.get(topic);
    if (tc === undefined) {
      log.warn(`[cloneGroupOffset], topic config not exist, ${topic}`);
      continue;
    }
    if (!offline && !stillConsumes(ctx, src, topic)) {
      log.warn(`[cloneGroupOffset], the consumer group[${src}], topic[${topic}] not exist`);
      continue;
    }
    for (let i = 0; i < Math.max(tc.readQueueNums, tc.writeQueueNums); i++) {
      const offset = ctx.offsets.query(src, topic, i);
      if (offset >= 0) ctx.offsets.commit(conn.remoteAddress, dest, topic, i, offset);
    }
    log.info(`clone group offset of ${topic} from ${src} to ${dest}`);
  }
  return createResponse(request, ResponseCode.SUCCESS);
}

function channelsOf(ctx: BrokerContext, group: string): ClientChannel[] {
  return [...(ctx.consumers.get(group)?.channels.values() ?? [])];
}

/** Broker2Client.resetOffset: compute the offsets for the timestamp and push them to every consumer of the group. */
function resetOffset(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const ext = request.extFields;
  const topic = requireString(ext, 'topic');
  const group = requireString(ext, 'group');
  const timestampText = requireString(ext, 'timestamp').trim();
  if (!/^-?\d{1,19}$/.test(timestampText)) throw new HeaderError(`the custom field <timestamp> is not an integer: "${timestampText}"`);
  const timestamp = Number(timestampText);
  const isForce = requireBool(ext, 'isForce');
  const tc = ctx.topics.get(topic);
  if (tc === undefined) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, `[reset-offset] reset offset failed, no topic in this broker. topic=${topic}`);
  }
  const offsetTable: Array<[MessageQueue, number]> = [];
  for (let i = 0; i < tc.writeQueueNums; i++) {
    const consumerOffset = ctx.offsets.query(group, topic, i);
    if (consumerOffset === -1) return createResponse(request, ResponseCode.SYSTEM_ERROR, `THe consumer group <${group}> not exist`);
    let target = timestamp === -1 ? ctx.store.getMaxOffsetInQueue(topic, i) : ctx.store.getOffsetInQueueByTime(topic, i, timestamp);
    if (target < 0) target = 0;
    offsetTable.push([mqOf(ctx, topic, i), isForce || target < consumerOffset ? target : consumerOffset]);
  }
  const channels = channelsOf(ctx, group);
  if (channels.length === 0) {
    return createResponse(request, ResponseCode.CONSUMER_NOT_ONLINE,
      `Consumer not online, so can not reset offset, Group: ${group} Topic: ${topic} Timestamp: ${timestamp}`);
  }
  // mqadmin resetOffsetByTime -c marks the request as from C++ (language CPP): the clients get the list form.
  const body = request.language === 'CPP' ? encodeResetOffsetBodyForC(offsetTable) : encodeResetOffsetBody({ offsetTable });
  for (const ch of channels) {
    if (ch.version < V3_0_7_SNAPSHOT) {
      return createResponse(request, ResponseCode.SYSTEM_ERROR, `the client does not support this feature. version=${ch.version}`);
    }
  }
  for (const ch of channels) {
    try {
      ch.conn.invokeOneway(createRequest(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, { topic, group, timestamp: String(timestamp), isForce: 'false' }, body));
      log.info(`[reset-offset] reset offset success. topic=${topic}, group=${group}, clientId=${ch.clientId}`);
    } catch (err) {
      log.error(`[reset-offset] reset offset exception. topic=${topic}, group=${group}, error=${String(err)}`);
    }
  }
  return createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeResetOffsetBody({ offsetTable }));
}

/** ResetOffsetBodyForC: {"offsetTable":[MessageQueueForC {brokerName, offset, queueId, topic}]}. */
function encodeResetOffsetBodyForC(offsetTable: ReadonlyArray<readonly [MessageQueue, number]>): Buffer {
  const list = offsetTable.map(([mq, offset]) => ({ brokerName: mq.brokerName, offset, queueId: mq.queueId, topic: mq.topic }));
  return Buffer.from(stringifyFastjson({ offsetTable: list }), 'utf8');
}

/**
 * Broker2Client.getConsumeStatus: each consumer's own offsets for the topic. A client that does not answer
 * GET_CONSUMER_STATUS_FROM_CLIENT is asked for its running info instead, whose queue table carries the same offsets.
 */
async function consumerStatus(ctx: BrokerContext, request: RemotingCommand): Promise<RemotingCommand> {
  const ext = request.extFields;
  const topic = requireString(ext, 'topic');
  const group = requireString(ext, 'group');
  const only = optionalString(ext, 'clientAddr')?.trim() ?? '';
  const channels = channelsOf(ctx, group);
  if (channels.length === 0) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, `No Any Consumer online in the consumer group: [${group}]`);
  }
  const consumerTable = new Map<string, Array<[MessageQueue, number]>>();
  for (const ch of channels) {
    if (ch.version < V3_0_7_SNAPSHOT) {
      return createResponse(request, ResponseCode.SYSTEM_ERROR, `the client does not support this feature. version=${ch.version}`);
    }
    if (only !== '' && only !== ch.clientId) continue;
    try {
      const table = await clientOffsets(ch, topic, group);
      if (table !== undefined) consumerTable.set(ch.clientId, table);
    } catch (err) {
      log.error(`[get-consumer-status] get consumer status exception. topic=${topic}, group=${group}, error=${String(err)}`);
    }
    if (only !== '') break;
  }
  return createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeGetConsumerStatusBody({ messageQueueTable: [], consumerTable }));
}

async function clientOffsets(ch: ClientChannel, topic: string, group: string): Promise<Array<[MessageQueue, number]> | undefined> {
  const direct = await ch.conn.invoke(createRequest(RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT, { topic, group }), CALL_CLIENT_TIMEOUT_MS);
  if (direct.code === ResponseCode.SUCCESS) {
    return direct.body === undefined ? undefined : decodeGetConsumerStatusBody(direct.body).messageQueueTable;
  }
  if (direct.code !== ResponseCode.REQUEST_CODE_NOT_SUPPORTED) return undefined;
  const info = await ch.conn.invoke(
    createRequest(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: group, clientId: ch.clientId, jstackEnable: 'false' }),
    CALL_CLIENT_TIMEOUT_MS,
  );
  if (info.code !== ResponseCode.SUCCESS || info.body === undefined) return undefined;
  return decodeConsumerRunningInfo(info.body).mqTable
    .filter(([mq]) => mq.topic === topic)
    .map(([mq, pq]): [MessageQueue, number] => [mq, pq.commitOffset]);
}

function consumeTimeSpan(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const topic = requireString(request.extFields, 'topic');
  const group = requireString(request.extFields, 'group');
  const tc = ctx.topics.get(topic);
  if (tc === undefined) return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
  const spans: QueueTimeSpan[] = [];
  const now = Date.now();
  for (let i = 0; i < tc.writeQueueNums; i++) {
    const minTimeStamp = ctx.store.getEarliestMessageTime(topic, i);
    const max = ctx.store.getMaxOffsetInQueue(topic, i);
    const maxTimeStamp = ctx.store.getMessageStoreTimestamp(topic, i, max - 1);
    const consumerOffset = ctx.offsets.query(group, topic, i);
    const consumeTimeStamp = consumerOffset > 0 ? ctx.store.getMessageStoreTimestamp(topic, i, consumerOffset - 1) : minTimeStamp;
    let delayTime = 0;
    if (consumerOffset < max) delayTime = now - ctx.store.getMessageStoreTimestamp(topic, i, Math.max(0, consumerOffset));
    spans.push({ messageQueue: mqOf(ctx, topic, i), minTimeStamp, maxTimeStamp, consumeTimeStamp, delayTime });
  }
  return createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeQueryConsumeTimeSpanBody(spans));
}

function viewStats(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const statsName = requireString(request.extFields, 'statsName');
  const statsKey = requireString(request.extFields, 'statsKey');
  const data = ctx.stats.statsItem(statsName, statsKey);
  if (data === undefined) return createResponse(request, ResponseCode.SYSTEM_ERROR, `The stats <${statsName}> <${statsKey}> not exist`);
  return createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeBrokerStatsData({
    statsMinute: data.minute,
    statsHour: data.hour,
    statsDay: data.day,
  }));
}

/**
 * DefaultMessageStore.cleanExpiredConsumerQueue, per queue: every consume queue whose last message lies below the
 * commit log's first offset is destroyed (its next message gets queue offset 0 again, as in 4.9.8).
 */
function cleanExpiredConsumeQueue(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  log.warn('invoke cleanExpiredConsumeQueue start.');
  if (ctx.store instanceof DefaultMessageStore) {
    const destroyed = ctx.store.cleanExpiredConsumerQueue();
    if (destroyed.length > 0) {
      log.warn(`cleanExpiredConsumerQueue: destroyed ${destroyed.map((q) => `${q.topic}/${q.queueId}`).join(', ')}; commit log starts at ${ctx.store.getMinPhyOffset()}`);
    }
  } else {
    log.warn('cleanExpiredConsumerQueue: this message store cannot clean consume queues');
  }
  log.warn('invoke cleanExpiredConsumeQueue end.');
  return createResponse(request, ResponseCode.SUCCESS);
}

/** DefaultMessageStore.cleanUnusedTopic: consume queues of topics the broker no longer has a config for. */
function cleanUnusedTopic(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  log.warn('invoke cleanUnusedTopic start.');
  const unused = ctx.store.topicsWithQueues().filter((t) => ctx.topics.get(t) === undefined && t !== TOPIC_SCHEDULE && t !== TOPIC_TRANS_OP_HALF);
  for (const topic of unused) log.info(`cleanUnusedTopic: ${topic} has no topic config, its consume queues are deleted`);
  if (unused.length > 0) ctx.store.deleteTopics(unused);
  log.warn('invoke cleanUnusedTopic end.');
  return createResponse(request, ResponseCode.SUCCESS);
}

/** CONSUME_MESSAGE_DIRECTLY: the stored message (found by its offsetMsgId) travels to the consumer in the body. */
function consumeMessageDirectly(ctx: BrokerContext, request: RemotingCommand): Promise<RemotingCommand> | RemotingCommand {
  const ext = request.extFields;
  const group = requireString(ext, 'consumerGroup');
  const clientId = optionalString(ext, 'clientId') ?? '';
  const msgId = optionalString(ext, 'msgId') ?? '';
  let body: Buffer | undefined;
  try {
    body = ctx.store.lookMessageByOffset(decodeOffsetMsgId(msgId).commitLogOffset);
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
  }
  if (body === undefined) return createResponse(request, ResponseCode.SYSTEM_ERROR, `can not find message by the msgId, ${msgId}`);
  return callConsumer(ctx, RequestCode.CONSUME_MESSAGE_DIRECTLY, { ...request, extFields: { ...ext, brokerName: ctx.config.brokerName }, body }, group, clientId);
}

/** AdminBrokerProcessor.callConsumer: relay the request to one consumer's connection and its answer back. */
async function callConsumer(ctx: BrokerContext, code: number, request: RemotingCommand, group: string, clientId: string): Promise<RemotingCommand> {
  const ch = channelsOf(ctx, group).find((c) => c.clientId === clientId);
  if (ch === undefined) return createResponse(request, ResponseCode.SYSTEM_ERROR, `The Consumer <${group}> <${clientId}> not online`);
  if (ch.version < V3_1_8_SNAPSHOT) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR,
      `The Consumer <${clientId}> Version <${ch.version}> too low to finish, please upgrade it to V3_1_8_SNAPSHOT`);
  }
  try {
    const answer = await ch.conn.invoke(createRequest(code, { ...request.extFields }, request.body), CALL_CLIENT_TIMEOUT_MS);
    return { ...answer, opaque: request.opaque, serializeType: request.serializeType };
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    if (/timed? ?out/i.test(text)) {
      return createResponse(request, ResponseCode.CONSUME_MSG_TIMEOUT, `consumer <${group}> <${clientId}> Timeout: ${text}`);
    }
    return createResponse(request, ResponseCode.SYSTEM_ERROR, `invoke consumer <${group}> <${clientId}> Exception: ${text}`);
  }
}
