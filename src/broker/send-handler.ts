// SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320): SendMessageProcessor of 4.9.8.
// This is the hottest path of the broker: one header parse, one properties scan, one store call.
import { ProtocolError } from '../common/errors.js';
import { getLogger } from '../common/logger.js';
import { createResponse, SerializeType, type RemotingCommand } from '../protocol/command.js';
import { Perm, ResponseCode } from '../protocol/codes.js';
import {
  MAX_PROPERTIES_LENGTH,
  PROPERTY_CLUSTER,
  PROPERTY_DELAY_TIME_LEVEL,
  RETRY_GROUP_TOPIC_PREFIX,
  SysFlag,
  DLQ_GROUP_TOPIC_PREFIX,
} from '../protocol/message-const.js';
import { decodeBatchBody, encodeProperties, joinBatchProperties, parseProperties } from '../protocol/message.js';
import type { Connection, RequestHandler } from '../remoting/types.js';
import type { TopicConfig } from '../protocol/body-types.js';
import type { MessageToStore, PutResult } from '../store/types.js';
import type { BrokerContext } from './broker-context.js';
import { BrokerError } from './broker-error.js';
import {
  checkSendTarget,
  checkWritable,
  DLQ_NUMS_PER_GROUP,
  FAQ_SUFFIX,
  messageIllegalRemark,
  parseSendHeader,
  putOutcome,
  randomQueueId,
  VERSION_V3_4_9,
  type SendHeader,
} from './send-support.js';
import { waitForSlave } from './replication.js';
import { parseDelayLevel, redirectDelayed, scanSendProperties, storedProperties } from './send-properties.js';

const log = getLogger('broker');
const EMPTY_BODY = Buffer.alloc(0);

/** Where a send lands after retry/DLQ handling and the delay redirect. */
interface Target {
  topic: string;
  queueId: number;
  sysFlag: number;
}

export function sendHandler(ctx: BrokerContext): RequestHandler {
  return (request, conn) => {
    let pending: Promise<RemotingCommand>;
    try {
      checkWritable(ctx);
      const header = parseSendHeader(request);
      pending = header.batch ? sendBatch(ctx, request, conn, header) : sendOne(ctx, request, conn, header);
    } catch (err) {
      return sendError(ctx, request, err);
    }
    return pending.catch((err: unknown) => sendError(ctx, request, err));
  };
}

/** BrokerErrors become answers; anything else is a bug the transport logs and answers as SYSTEM_ERROR. */
function sendError(ctx: BrokerContext, request: RemotingCommand, err: unknown): RemotingCommand {
  if (err instanceof BrokerError) return errorResponse(ctx, request, err.code, err.message);
  throw err;
}

/** Java answers send errors with MSG_REGION and TRACE_ON already set. */
function errorResponse(ctx: BrokerContext, request: RemotingCommand, code: number, remark: string): RemotingCommand {
  return createResponse(request, code, remark, { TRACE_ON: String(ctx.config.traceOn), MSG_REGION: ctx.config.regionId });
}

/** The response of a stored send, its extFields in the order a 4.9.8 broker writes them for that serialization. */
function storedResponse(ctx: BrokerContext, request: RemotingCommand, code: number, msgId: string, queueId: number, queueOffset: number): RemotingCommand {
  const trace = String(ctx.config.traceOn);
  const region = ctx.config.regionId;
  const qid = String(queueId);
  const qoff = String(queueOffset);
  const ext =
    request.serializeType === SerializeType.ROCKETMQ
      ? { msgId, queueId: qid, queueOffset: qoff, TRACE_ON: trace, MSG_REGION: region }
      : { queueId: qid, TRACE_ON: trace, MSG_REGION: region, msgId, queueOffset: qoff };
  return createResponse(request, code, undefined, ext);
}

function answerPut(ctx: BrokerContext, request: RemotingCommand, result: PutResult, queueId: number, topic: string, started: number): RemotingCommand {
  const outcome = putOutcome(result.status, ctx.config.maxMessageSize, ctx.config);
  const first = result.messages[0];
  if (!outcome.stored || first === undefined) {
    ctx.stats.recordPutFailure();
    return errorResponse(ctx, request, outcome.code, outcome.remark ?? result.remark ?? result.status);
  }
  let bytes = 0;
  for (const m of result.messages) bytes += m.wroteBytes;
  ctx.stats.recordPut(result.messages.length, bytes, topic, Date.now() - started);
  const msgId = result.messages.length === 1 ? first.msgId : result.messages.map((m) => m.msgId).join(',');
  return storedResponse(ctx, request, outcome.code, msgId, queueId, first.queueOffset);
}

async function sendOne(ctx: BrokerContext, request: RemotingCommand, conn: Connection, h: SendHeader): Promise<RemotingCommand> {
  const tc = checkSendTarget(ctx, h, conn.remoteAddress);
  const body = request.body ?? EMPTY_BODY;
  if (body.length > ctx.config.maxMessageSize) {
    throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, `the message body size ${body.length} bytes is over the limit ${ctx.config.maxMessageSize} (maxMessageSize)`);
  }
  const queueId = h.queueId < 0 ? randomQueueId(tc.writeQueueNums) : h.queueId;
  const target = retryOrDeadLetter(ctx, request, h, tc, queueId);
  const scan = scanSendProperties(h.properties);
  if (scan.transactionPrepared) {
    throw new BrokerError(ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] sending transaction message is forbidden`);
  }
  const msg: MessageToStore = {
    topic: target.topic,
    queueId: target.queueId,
    flag: h.flag,
    sysFlag: target.sysFlag,
    bornTimestamp: h.bornTimestamp,
    bornHost: { host: conn.remoteHost, port: conn.remotePort },
    body,
    properties: storedProperties(scan, ctx.config.brokerClusterName),
    reconsumeTimes: h.reconsumeTimes,
    preparedTransactionOffset: 0,
    // WAIT is not stored, but WAIT=false still means "do not wait for the flush" (isWaitStoreMsgOK).
    waitStoreMsgOK: scan.wait === undefined || scan.wait.toLowerCase() === 'true',
  };
  const level = parseDelayLevel(scan.delay);
  if (level > 0 && isDelayable(target.sysFlag)) {
    const redirected = redirectDelayed(h.properties, msg.topic, msg.queueId, level, ctx.schedule.maxDelayLevel, ctx.config.brokerClusterName);
    msg.topic = redirected.topic;
    msg.queueId = redirected.queueId;
    msg.properties = redirected.properties;
  }
  checkPropertiesLength(msg.properties);
  const started = Date.now();
  const result = await waitForSlave(ctx, await ctx.store.putMessage(msg), h.properties);
  return answerPut(ctx, request, result, target.queueId, target.topic, started);
}

/** Delay applies to plain and committed messages only (CommitLog.asyncPutMessage). */
function isDelayable(sysFlag: number): boolean {
  const tran = sysFlag & SysFlag.TRANSACTION_MASK;
  return tran === SysFlag.TRANSACTION_NOT_TYPE || tran === SysFlag.TRANSACTION_COMMIT_TYPE;
}

function checkPropertiesLength(properties: string): void {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: only long strings need the exact count.
  if (properties.length * 3 <= MAX_PROPERTIES_LENGTH) return;
  const bytes = Buffer.byteLength(properties);
  if (bytes > MAX_PROPERTIES_LENGTH) {
    throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, `the message properties are ${bytes} bytes, more than the ${MAX_PROPERTIES_LENGTH} bytes allowed`);
  }
}

/**
 * handleRetryAndDLQ: a send to %RETRY%<group> whose reconsume count reached the group's (or the header's)
 * maximum goes to %DLQ%<group> instead. Also applies the topic's MULTI_TAG flag.
 */
function retryOrDeadLetter(ctx: BrokerContext, request: RemotingCommand, h: SendHeader, tc: TopicConfig, queueId: number): Target {
  let sysFlag = h.sysFlag;
  if (tc.topicFilterType === 'MULTI_TAG') sysFlag |= SysFlag.MULTI_TAGS_FLAG;
  if (!h.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return { topic: h.topic, queueId, sysFlag };
  const group = h.topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
  const sub = ctx.groups.find(group);
  if (sub === undefined) {
    throw new BrokerError(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${group} ${FAQ_SUFFIX}`);
  }
  let maxReconsumeTimes = sub.retryMaxTimes;
  if (request.version >= VERSION_V3_4_9 && h.maxReconsumeTimes !== undefined) maxReconsumeTimes = h.maxReconsumeTimes;
  if (h.reconsumeTimes < maxReconsumeTimes) return { topic: h.topic, queueId, sysFlag };
  const dlq = DLQ_GROUP_TOPIC_PREFIX + group;
  ctx.topics.createOnSendBack(dlq, DLQ_NUMS_PER_GROUP, Perm.READ | Perm.WRITE, 0);
  log.info(`send message to DLQ ${dlq}, reconsumeTimes ${h.reconsumeTimes} >= ${maxReconsumeTimes}`);
  return { topic: dlq, queueId: randomQueueId(DLQ_NUMS_PER_GROUP), sysFlag };
}

async function sendBatch(ctx: BrokerContext, request: RemotingCommand, conn: Connection, h: SendHeader): Promise<RemotingCommand> {
  const tc = checkSendTarget(ctx, h, conn.remoteAddress);
  const queueId = h.queueId < 0 ? randomQueueId(tc.writeQueueNums) : h.queueId;
  if (h.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
    throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, `batch request does not support retry group ${h.topic}`);
  }
  const body = request.body ?? EMPTY_BODY;
  if (body.length > ctx.config.maxMessageSize) {
    throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, `the batch body size ${body.length} bytes is over the limit ${ctx.config.maxMessageSize} (maxMessageSize)`);
  }
  const batchProps = parseProperties(h.properties);
  if (parseDelayLevel(batchProps.get(PROPERTY_DELAY_TIME_LEVEL)) > 0) throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, messageIllegalRemark(ctx.config.maxMessageSize));
  batchProps.set(PROPERTY_CLUSTER, ctx.config.brokerClusterName);
  const batchLevel = encodeProperties(batchProps);
  let records;
  try {
    records = decodeBatchBody(body);
  } catch (err) {
    if (err instanceof ProtocolError) throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, `the batch body is malformed: ${err.message}`);
    throw err;
  }
  if (records.length === 0) throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, 'the batch body holds no message');
  const sysFlag = tc.topicFilterType === 'MULTI_TAG' ? h.sysFlag | SysFlag.MULTI_TAGS_FLAG : h.sysFlag;
  const bornHost = { host: conn.remoteHost, port: conn.remotePort };
  const msgs: MessageToStore[] = records.map((r) => {
    const properties = joinBatchProperties(r.properties, batchLevel);
    checkPropertiesLength(properties);
    return {
      topic: h.topic,
      queueId,
      flag: r.flag,
      sysFlag,
      bornTimestamp: h.bornTimestamp,
      bornHost,
      body: r.body,
      properties,
      reconsumeTimes: h.reconsumeTimes,
      preparedTransactionOffset: 0,
    };
  });
  const started = Date.now();
  const result = await waitForSlave(ctx, await ctx.store.putMessages(msgs), h.properties);
  return answerPut(ctx, request, result, queueId, h.topic, started);
}
