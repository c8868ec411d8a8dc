// PULL_MESSAGE (11): PullMessageProcessor of 4.9.8 — permission, group, topic and subscription checks, the
// store read with the tag filter, status → code mapping, long polling, the piggy-backed offset commit, and the
// OFFSET_MOVED_EVENT a master stores when it moves a consumer on.
import { getLogger } from '../common/logger.js';
import { createResponse, optionalString, requireInt, requireLong, requireString, type RemotingCommand } from '../protocol/command.js';
import { ResponseCode } from '../protocol/codes.js';
import type { SubscriptionGroupConfig, TopicConfig } from '../protocol/body-types.js';
import type { Connection, RequestHandler } from '../remoting/types.js';
import type { GetMessageStatus, TagsCodeFilter } from '../store/types.js';
import type { BrokerContext } from './broker-context.js';
import { joinRecords } from './join-records.js';
import { storeOffsetMovedEvent } from './offset-moved-event.js';
import { FAQ_SUFFIX } from './send-support.js';
import { buildSubscriptionData, isTagType, SubscriptionParseError, tagsCodeFilterOf } from './subscription-filter.js';
import { isReadable } from './topic-config-manager.js';

const log = getLogger('broker');

/** PullSysFlag bits. */
const FLAG_COMMIT_OFFSET = 0x1;
const FLAG_SUSPEND = 0x2;
const FLAG_SUBSCRIPTION = 0x4;
/** A client may not park a pull longer than this (Java clients ask 15 s and time out at 30 s). */
export const MAX_SUSPEND_MILLIS = 60_000;
const MASTER_ID = 0;

interface PullHeader {
  consumerGroup: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  maxMsgNums: number;
  sysFlag: number;
  commitOffset: number;
  suspendTimeoutMillis: number;
  subscription: string | undefined;
  subVersion: number;
  expressionType: string | undefined;
}

function parseHeader(request: RemotingCommand): PullHeader {
  const ext = request.extFields;
  return {
    consumerGroup: requireString(ext, 'consumerGroup'),
    topic: requireString(ext, 'topic'),
    queueId: requireInt(ext, 'queueId'),
    queueOffset: requireLong(ext, 'queueOffset'),
    maxMsgNums: requireInt(ext, 'maxMsgNums'),
    sysFlag: requireInt(ext, 'sysFlag'),
    commitOffset: requireLong(ext, 'commitOffset'),
    suspendTimeoutMillis: requireLong(ext, 'suspendTimeoutMillis'),
    subscription: optionalString(ext, 'subscription'),
    subVersion: requireLong(ext, 'subVersion'),
    expressionType: optionalString(ext, 'expressionType'),
  };
}

export function pullHandler(ctx: BrokerContext): RequestHandler {
  return (request, conn) => {
    const h = parseHeader(request);
    return processPull(ctx, request, conn, h, true);
  };
}

type PullAnswer = RemotingCommand | null | Promise<RemotingCommand | null>;

function processPull(ctx: BrokerContext, request: RemotingCommand, conn: Connection, h: PullHeader, allowSuspend: boolean): PullAnswer {
  if (!allowSuspend && conn.closed) return null;
  const checked = checkPull(ctx, request, conn, h);
  if ('code' in checked) return checked;
  const { group, filter } = checked;
  const result = ctx.store.getMessage(h.topic, h.queueId, h.queueOffset, h.maxMsgNums, filter);
  ctx.stats.recordGet(h.consumerGroup, h.topic, result.messages.length);
  let code = statusCode(result.status, h.queueOffset);
  let nextBeginOffset = result.nextBeginOffset;
  // A slave serves what it has like a master (4.9.8 sets PULL_RETRY_IMMEDIATELY for a slave without
  // slaveReadEnable, then overwrites it with the code of the store status); it only steers to the master.
  let suggest = ctx.config.slaveReadEnable ? (result.suggestPullingFromSlave ? group.whichBrokerWhenConsumeSlowly : group.brokerId) : MASTER_ID;
  const isSlave = ctx.config.brokerRole === 'SLAVE';
  let answer: PullAnswer | undefined;
  let event: Promise<void> | undefined;
  if (code === ResponseCode.PULL_NOT_FOUND && allowSuspend && (h.sysFlag & FLAG_SUSPEND) !== 0) {
    answer = suspend(ctx, request, conn, h, filter);
  }
  if (answer === undefined) {
    if (code === ResponseCode.PULL_OFFSET_MOVED) {
      if (isSlave && !ctx.config.offsetCheckInSlave) {
        nextBeginOffset = h.queueOffset;
        code = ResponseCode.PULL_RETRY_IMMEDIATELY;
        suggest = group.brokerId;
      } else {
        const messageQueue = { topic: h.topic, brokerName: ctx.config.brokerName, queueId: h.queueId };
        event = storeOffsetMovedEvent(ctx, { consumerGroup: h.consumerGroup, messageQueue, offsetRequest: h.queueOffset, offsetNew: nextBeginOffset });
        log.warn(`PULL_OFFSET_MOVED:correction offset. topic=${h.topic}, groupId=${h.consumerGroup}, requestOffset=${h.queueOffset}, newOffset=${nextBeginOffset}, suggestBrokerId=${suggest}`);
      }
    }
    answer = createResponse(request, code, result.status, {
      suggestWhichBrokerId: String(suggest),
      nextBeginOffset: String(nextBeginOffset),
      maxOffset: String(result.maxOffset),
      minOffset: String(result.minOffset),
    }, code === ResponseCode.SUCCESS ? joinRecords(result.messages) : undefined);
  }
  if (allowSuspend && (h.sysFlag & FLAG_COMMIT_OFFSET) !== 0 && !isSlave) {
    ctx.offsets.commit(conn.remoteAddress, h.consumerGroup, h.topic, h.queueId, h.commitOffset);
  }
  // As in 4.9.8 the answer leaves once the event is stored.
  if (event !== undefined) {
    const ready = answer;
    return event.then(() => ready);
  }
  return answer;
}

/** Parks the pull; undefined when it must be answered now (the hold service is full or stopping). */
function suspend(ctx: BrokerContext, request: RemotingCommand, conn: Connection, h: PullHeader, filter: TagsCodeFilter | null): PullAnswer | undefined {
  const timeout = ctx.config.longPollingEnable
    ? Math.min(Math.max(h.suspendTimeoutMillis, 0), MAX_SUSPEND_MILLIS)
    : ctx.config.shortPollingTimeMills;
  return ctx.pullHold.hold(h.topic, h.queueId, h.queueOffset, filter, timeout, () => processPull(ctx, request, conn, h, false));
}


/** GetMessageStatus → response code (a queue that is empty answers NOT_FOUND only at offset 0). */
function statusCode(status: GetMessageStatus, requestOffset: number): number {
  switch (status) {
    case 'FOUND':
      return ResponseCode.SUCCESS;
    case 'MESSAGE_WAS_REMOVING':
    case 'NO_MATCHED_MESSAGE':
      return ResponseCode.PULL_RETRY_IMMEDIATELY;
    case 'NO_MATCHED_LOGIC_QUEUE':
    case 'NO_MESSAGE_IN_QUEUE':
      return requestOffset !== 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND;
    case 'OFFSET_FOUND_NULL':
    case 'OFFSET_OVERFLOW_ONE':
      return ResponseCode.PULL_NOT_FOUND;
    case 'OFFSET_OVERFLOW_BADLY':
    case 'OFFSET_TOO_SMALL':
      return ResponseCode.PULL_OFFSET_MOVED;
    default:
      return ResponseCode.SYSTEM_ERROR;
  }
}

interface CheckedPull {
  group: SubscriptionGroupConfig;
  topic: TopicConfig;
  filter: TagsCodeFilter | null;
}

/** Everything 4.9.8 checks before reading the store; a response when the pull cannot go on. */
function checkPull(ctx: BrokerContext, request: RemotingCommand, conn: Connection, h: PullHeader): CheckedPull | RemotingCommand {
  const fail = (code: number, remark: string): RemotingCommand => createResponse(request, code, remark);
  if (!isReadable(ctx.config.brokerPermission)) {
    return fail(ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] pulling message is forbidden`);
  }
  const group = ctx.groups.find(h.consumerGroup);
  if (group === undefined) {
    return fail(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group [${h.consumerGroup}] does not exist, ${FAQ_SUFFIX}`);
  }
  if (!group.consumeEnable) return fail(ResponseCode.NO_PERMISSION, `subscription group no permission, ${h.consumerGroup}`);
  const topic = ctx.topics.get(h.topic);
  if (topic === undefined) {
    log.error(`the topic ${h.topic} of pulling message is not exist, consumer: ${conn.remoteAddress}`);
    return fail(ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please! ${FAQ_SUFFIX}`);
  }
  if (!isReadable(topic.perm)) return fail(ResponseCode.NO_PERMISSION, `the topic[${h.topic}] pulling message is forbidden`);
  if (h.queueId < 0 || h.queueId >= topic.readQueueNums) {
    const remark = `queueId[${h.queueId}] is illegal, topic:[${h.topic}] topicConfig.readQueueNums:[${topic.readQueueNums}] consumer:[${conn.remoteAddress}]`;
    log.warn(remark);
    return fail(ResponseCode.SYSTEM_ERROR, remark);
  }
  const filter = subscriptionFilter(ctx, h, group, fail);
  if (filter !== null && typeof filter !== 'function') return filter;
  return { group, topic, filter };
}

/** The consume-queue filter of the request's or the heartbeat's subscription, or the refusal. */
function subscriptionFilter(
  ctx: BrokerContext,
  h: PullHeader,
  group: SubscriptionGroupConfig,
  fail: (code: number, remark: string) => RemotingCommand,
): TagsCodeFilter | null | RemotingCommand {
  if ((h.sysFlag & FLAG_SUBSCRIPTION) !== 0) {
    try {
      const data = buildSubscriptionData(h.topic, h.subscription, h.expressionType);
      if (!isTagType(data.expressionType)) return unsupported(data.expressionType, fail);
      return tagsCodeFilterOf(data);
    } catch (err) {
      if (err instanceof SubscriptionParseError) return fail(ResponseCode.SUBSCRIPTION_PARSE_FAILED, "parse the consumer's subscription failed");
      throw err;
    }
  }
  const info = ctx.consumers.get(h.consumerGroup);
  if (info === undefined) {
    return fail(ResponseCode.SUBSCRIPTION_NOT_EXIST, `the consumer's group info not exist${FAQ_SUFFIX}`);
  }
  if (!group.consumeBroadcastEnable && info.messageModel === 'BROADCASTING') {
    return fail(ResponseCode.NO_PERMISSION, `the consumer group[${h.consumerGroup}] can not consume by broadcast way`);
  }
  const sub = info.subscriptions.get(h.topic);
  if (sub === undefined) return fail(ResponseCode.SUBSCRIPTION_NOT_EXIST, `the consumer's subscription not exist${FAQ_SUFFIX}`);
  if (sub.data.subVersion < h.subVersion) {
    log.warn(`The broker's subscription is not latest, group: ${h.consumerGroup} ${sub.data.subString}`);
    return fail(ResponseCode.SUBSCRIPTION_NOT_LATEST, "the consumer's subscription not latest");
  }
  if (!isTagType(sub.data.expressionType)) return unsupported(sub.data.expressionType, fail);
  return sub.filter;
}

function unsupported(expressionType: string, fail: (code: number, remark: string) => RemotingCommand): RemotingCommand {
  return fail(ResponseCode.SYSTEM_ERROR, `The broker does not support consumer to filter message by ${expressionType}`);
}
