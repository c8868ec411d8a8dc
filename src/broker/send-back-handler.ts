// CONSUMER_SEND_MSG_BACK (36): a consumer gives a message back; the broker re-reads it by commit-log offset
// and stores a copy for %RETRY%<group> through the delay levels, or in %DLQ%<group> once the group's
// retries are used up (asyncConsumerSendMsgBack of 4.9.8).
import { getLogger } from '../common/logger.js';
import { createResponse, optionalBool, optionalInt, requireInt, requireLong, requireString, type RemotingCommand } from '../protocol/command.js';
import { Perm, ResponseCode } from '../protocol/codes.js';
import {
  DLQ_GROUP_TOPIC_PREFIX,
  PROPERTY_DELAY_TIME_LEVEL,
  PROPERTY_ORIGIN_MESSAGE_ID,
  PROPERTY_RETRY_TOPIC,
  PROPERTY_WAIT_STORE_MSG_OK,
  RETRY_GROUP_TOPIC_PREFIX,
} from '../protocol/message-const.js';
import { decodeMessage, encodeProperties, type DecodedMessage } from '../protocol/message.js';
import type { RequestHandler } from '../remoting/types.js';
import type { MessageToStore } from '../store/types.js';
import type { BrokerContext } from './broker-context.js';
import { BrokerError } from './broker-error.js';
import { redirectDelayed } from './send-properties.js';
import { DLQ_NUMS_PER_GROUP, FAQ_SUFFIX, randomQueueId, VERSION_V3_4_9 } from './send-support.js';
import { isWriteable } from './topic-config-manager.js';

const log = getLogger('broker');
const TOPIC_SYS_FLAG_UNIT_SUB = 0x2;

interface SendBackHeader {
  offset: number;
  group: string;
  delayLevel: number;
  unitMode: boolean;
  maxReconsumeTimes: number | undefined;
}

function parseHeader(request: RemotingCommand): SendBackHeader {
  const ext = request.extFields;
  return {
    offset: requireLong(ext, 'offset'),
    group: requireString(ext, 'group'),
    delayLevel: requireInt(ext, 'delayLevel'),
    unitMode: optionalBool(ext, 'unitMode', false),
    maxReconsumeTimes: ext.maxReconsumeTimes === undefined ? undefined : optionalInt(ext, 'maxReconsumeTimes', 16),
  };
}

export function sendBackHandler(ctx: BrokerContext): RequestHandler {
  return async (request) => {
    const h = parseHeader(request);
    try {
      return await sendBack(ctx, request, h);
    } catch (err) {
      if (err instanceof BrokerError) return createResponse(request, err.code, err.message);
      throw err;
    }
  };
}

async function sendBack(ctx: BrokerContext, request: RemotingCommand, h: SendBackHeader): Promise<RemotingCommand> {
  const group = ctx.groups.find(h.group);
  if (group === undefined) {
    return createResponse(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${h.group} ${FAQ_SUFFIX}`);
  }
  if (!isWriteable(ctx.config.brokerPermission)) {
    return createResponse(request, ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] sending message is forbidden`);
  }
  if (group.retryQueueNums <= 0) return createResponse(request, ResponseCode.SUCCESS);
  if (ctx.isShuttingDown() || ctx.config.brokerRole === 'SLAVE') {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, 'SERVICE_NOT_AVAILABLE');
  }
  const retryTopic = RETRY_GROUP_TOPIC_PREFIX + h.group;
  const retry = ctx.topics.createOnSendBack(retryTopic, group.retryQueueNums, Perm.READ | Perm.WRITE, h.unitMode ? TOPIC_SYS_FLAG_UNIT_SUB : 0);
  if (!isWriteable(retry.perm)) {
    return createResponse(request, ResponseCode.NO_PERMISSION, `the topic[${retryTopic}] sending message is forbidden`);
  }
  const original = lookMessage(ctx, h.offset);
  if (original === undefined) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${h.offset}`);
  }
  let maxReconsumeTimes = group.retryMaxTimes;
  if (request.version >= VERSION_V3_4_9 && h.maxReconsumeTimes !== undefined) maxReconsumeTimes = h.maxReconsumeTimes;
  const target = original.reconsumeTimes >= maxReconsumeTimes || h.delayLevel < 0
    ? deadLetter(ctx, h.group, original)
    : { topic: retryTopic, queueId: randomQueueId(group.retryQueueNums), delayLevel: h.delayLevel === 0 ? 3 + original.reconsumeTimes : h.delayLevel };
  const result = await ctx.store.putMessage(copyForRetry(ctx, original, target));
  if (result.status !== 'PUT_OK') return createResponse(request, ResponseCode.SYSTEM_ERROR, result.status);
  return createResponse(request, ResponseCode.SUCCESS);
}

interface RetryTarget {
  topic: string;
  queueId: number;
  /** 0 for the DLQ (no delay). */
  delayLevel: number;
}

function deadLetter(ctx: BrokerContext, group: string, original: DecodedMessage): RetryTarget {
  const topic = DLQ_GROUP_TOPIC_PREFIX + group;
  ctx.topics.createOnSendBack(topic, DLQ_NUMS_PER_GROUP, Perm.READ | Perm.WRITE, 0);
  log.info(`send back message ${original.msgId} of group ${group} to DLQ ${topic}, reconsumeTimes ${original.reconsumeTimes}`);
  return { topic, queueId: randomQueueId(DLQ_NUMS_PER_GROUP), delayLevel: 0 };
}

/**
 * The copy 4.9.8 stores: same body, flags, born time and host; RETRY_TOPIC (first time), WAIT=false, DELAY,
 * ORIGIN_MESSAGE_ID (first time); reconsumeTimes + 1; through SCHEDULE_TOPIC_XXXX when delayed.
 */
function copyForRetry(ctx: BrokerContext, original: DecodedMessage, target: RetryTarget): MessageToStore {
  const props = original.properties;
  if (!props.has(PROPERTY_RETRY_TOPIC)) props.set(PROPERTY_RETRY_TOPIC, original.topic);
  props.set(PROPERTY_WAIT_STORE_MSG_OK, 'false');
  props.set(PROPERTY_DELAY_TIME_LEVEL, String(target.delayLevel));
  const originId = props.get(PROPERTY_ORIGIN_MESSAGE_ID);
  if (originId === undefined || originId.trim() === '') props.set(PROPERTY_ORIGIN_MESSAGE_ID, original.msgId);
  const msg: MessageToStore = {
    topic: target.topic,
    queueId: target.queueId,
    flag: original.flag,
    sysFlag: original.sysFlag,
    bornTimestamp: original.bornTimestamp,
    bornHost: original.bornHost,
    body: Buffer.from(original.body),
    properties: encodeProperties(props),
    reconsumeTimes: original.reconsumeTimes + 1,
    preparedTransactionOffset: 0,
  };
  if (target.delayLevel > 0 && ctx.schedule.maxDelayLevel > 0) {
    const redirected = redirectDelayed(props, target.topic, target.queueId, target.delayLevel, ctx.schedule.maxDelayLevel);
    msg.topic = redirected.topic;
    msg.queueId = redirected.queueId;
    msg.properties = redirected.properties;
  }
  return msg;
}

function lookMessage(ctx: BrokerContext, offset: number): DecodedMessage | undefined {
  const record = ctx.store.lookMessageByOffset(offset);
  if (record === undefined) return undefined;
  try {
    return decodeMessage(record);
  } catch (err) {
    log.warn(`send back: the record at commit-log offset ${offset} cannot be decoded: ${String(err)}`);
    return undefined;
  }
}
