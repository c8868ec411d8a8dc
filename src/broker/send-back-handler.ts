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
  let topic = RETRY_GROUP_TOPIC_PREFIX + h.group;
  let queueId = randomQueueId(group.retryQueueNums);
  const retryTopic = ctx.topics.createOnSendBack(topic, group.retryQueueNums, Perm.READ | Perm.WRITE, h.unitMode ? TOPIC_SYS_FLAG_UNIT_SUB : 0);
  if (!isWriteable(retryTopic.perm)) {
    return createResponse(request, ResponseCode.NO_PERMISSION, `the topic[${topic}] sending message is forbidden`);
  }
  const original = lookMessage(ctx, h.offset);
  if (original === undefined) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${h.offset}`);
  }
  const props = original.properties;
  if (!props.has(PROPERTY_RETRY_TOPIC)) props.set(PROPERTY_RETRY_TOPIC, original.topic);
  props.set(PROPERTY_WAIT_STORE_MSG_OK, 'false');
  let maxReconsumeTimes = group.retryMaxTimes;
  if (request.version >= VERSION_V3_4_9 && h.maxReconsumeTimes !== undefined) maxReconsumeTimes = h.maxReconsumeTimes;
  let delayLevel = h.delayLevel;
  if (original.reconsumeTimes >= maxReconsumeTimes || delayLevel < 0) {
    topic = DLQ_GROUP_TOPIC_PREFIX + h.group;
    queueId = randomQueueId(DLQ_NUMS_PER_GROUP);
    ctx.topics.createOnSendBack(topic, DLQ_NUMS_PER_GROUP, Perm.READ | Perm.WRITE, 0);
    delayLevel = 0;
    log.info(`send back message ${original.msgId} of group ${h.group} to DLQ ${topic}, reconsumeTimes ${original.reconsumeTimes}`);
  } else if (delayLevel === 0) {
    delayLevel = 3 + original.reconsumeTimes;
  }
  props.set(PROPERTY_DELAY_TIME_LEVEL, String(delayLevel));
  const originId = props.get(PROPERTY_ORIGIN_MESSAGE_ID);
  if (originId === undefined || originId.trim() === '') props.set(PROPERTY_ORIGIN_MESSAGE_ID, original.msgId);
  const msg: MessageToStore = {
    topic,
    queueId,
    flag: original.flag,
    sysFlag: original.sysFlag,
    bornTimestamp: original.bornTimestamp,
    bornHost: original.bornHost,
    body: Buffer.from(original.body),
    properties: encodeProperties(props),
    reconsumeTimes: original.reconsumeTimes + 1,
    preparedTransactionOffset: 0,
  };
  if (delayLevel > 0 && ctx.schedule.maxDelayLevel > 0) {
    const redirected = redirectDelayed(props, topic, queueId, delayLevel, ctx.schedule.maxDelayLevel);
    msg.topic = redirected.topic;
    msg.queueId = redirected.queueId;
    msg.properties = redirected.properties;
  }
  const result = await ctx.store.putMessage(msg);
  if (result.status !== 'PUT_OK') return createResponse(request, ResponseCode.SYSTEM_ERROR, result.status);
  return createResponse(request, ResponseCode.SUCCESS);
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
