// Pieces shared by the send paths (SEND_MESSAGE, SEND_MESSAGE_V2, SEND_BATCH_MESSAGE, CONSUMER_SEND_MSG_BACK):
// header parsing, the topic checks of AbstractSendMessageProcessor.msgCheck, and the store status → code map.
import path from 'node:path';
import {
  optionalBool,
  optionalInt,
  requireInt,
  requireLong,
  requireString,
  type RemotingCommand,
} from '../protocol/command.js';
import { Perm, RequestCode, ResponseCode } from '../protocol/codes.js';
import type { TopicConfig } from '../protocol/body-types.js';
import { RETRY_GROUP_TOPIC_PREFIX } from '../protocol/message-const.js';
import { diskPartitionSpaceUsedPercent, formatRatio } from '../store/retention-options.js';
import type { PutStatus } from '../store/types.js';
import type { BrokerContext } from './broker-context.js';
import { BrokerError } from './broker-error.js';
import { describeTopicConfig, isWriteable } from './topic-config-manager.js';
import { checkSendAllowed, checkTopicName } from './topic-validator.js';

/** MQVersion.Version.V3_4_9.ordinal(): from this client version on the header's maxReconsumeTimes counts. */
export const VERSION_V3_4_9 = 165;
/** FAQUrl.suggestTodo(...) as 4.9.8 appends it to remarks. */
export const FAQ_SUFFIX = '\nSee http://rocketmq.apache.org/docs/faq/ for further details.';
/** SendMessageProcessor.DLQ_NUMS_PER_GROUP. */
export const DLQ_NUMS_PER_GROUP = 1;
/** TopicSysFlag unit flags, for unitMode senders and consumers. */
const TOPIC_SYS_FLAG_UNIT = 0x1;
const TOPIC_SYS_FLAG_UNIT_SUB = 0x2;

export interface SendHeader {
  producerGroup: string;
  topic: string;
  defaultTopic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  flag: number;
  properties: string;
  reconsumeTimes: number;
  unitMode: boolean;
  maxReconsumeTimes: number | undefined;
  batch: boolean;
}

/** SEND_MESSAGE uses full field names; SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE the one-letter ones. */
export function parseSendHeader(request: RemotingCommand): SendHeader {
  const ext = request.extFields;
  if (request.code === RequestCode.SEND_MESSAGE) {
    return {
      producerGroup: requireString(ext, 'producerGroup'),
      topic: requireString(ext, 'topic'),
      defaultTopic: requireString(ext, 'defaultTopic'),
      defaultTopicQueueNums: requireInt(ext, 'defaultTopicQueueNums'),
      queueId: requireInt(ext, 'queueId'),
      sysFlag: requireInt(ext, 'sysFlag'),
      bornTimestamp: requireLong(ext, 'bornTimestamp'),
      flag: requireInt(ext, 'flag'),
      properties: ext.properties ?? '',
      reconsumeTimes: optionalInt(ext, 'reconsumeTimes', 0),
      unitMode: optionalBool(ext, 'unitMode', false),
      maxReconsumeTimes: ext.maxReconsumeTimes === undefined ? undefined : optionalInt(ext, 'maxReconsumeTimes', 16),
      batch: optionalBool(ext, 'batch', false),
    };
  }
  return {
    producerGroup: requireString(ext, 'a'),
    topic: requireString(ext, 'b'),
    defaultTopic: requireString(ext, 'c'),
    defaultTopicQueueNums: requireInt(ext, 'd'),
    queueId: requireInt(ext, 'e'),
    sysFlag: requireInt(ext, 'f'),
    bornTimestamp: requireLong(ext, 'g'),
    flag: requireInt(ext, 'h'),
    properties: ext.i ?? '',
    reconsumeTimes: optionalInt(ext, 'j', 0),
    unitMode: optionalBool(ext, 'k', false),
    maxReconsumeTimes: ext.l === undefined ? undefined : optionalInt(ext, 'l', 16),
    batch: optionalBool(ext, 'm', false),
  };
}

/**
 * msgCheck: the topic must be legal, sendable and known (auto-created from the default topic when allowed)
 * and the queue id in range. Returns the topic's config; throws BrokerError with 4.9.8's code and remark.
 */
export function checkSendTarget(ctx: BrokerContext, h: SendHeader, producer: string): TopicConfig {
  if (!isWriteable(ctx.config.brokerPermission) && ctx.topics.isOrderTopic(h.topic)) {
    throw new BrokerError(ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] sending message is forbidden`);
  }
  const bad = checkTopicName(h.topic) ?? checkSendAllowed(h.topic);
  if (bad !== undefined) throw new BrokerError(bad.code, bad.remark);
  let tc = ctx.topics.get(h.topic);
  if (tc === undefined) {
    const isRetry = h.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
    const sysFlag = h.unitMode ? (isRetry ? TOPIC_SYS_FLAG_UNIT_SUB : TOPIC_SYS_FLAG_UNIT) : 0;
    tc = ctx.topics.createOnSend(h.topic, h.defaultTopic, producer, h.defaultTopicQueueNums, sysFlag);
    if (tc === undefined && isRetry) tc = ctx.topics.createOnSendBack(h.topic, 1, Perm.READ | Perm.WRITE, sysFlag);
    if (tc === undefined) {
      throw new BrokerError(ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please!${FAQ_SUFFIX}`);
    }
  }
  if (h.queueId >= Math.max(tc.writeQueueNums, tc.readQueueNums)) {
    throw new BrokerError(ResponseCode.SYSTEM_ERROR, `request queueId[${h.queueId}] is illegal, ${describeTopicConfig(tc)} Producer: ${producer}`);
  }
  return tc;
}

/** The folders whose disks the SERVICE_NOT_AVAILABLE remark measures. */
export interface StorePaths {
  storePathCommitLog: string;
  storePathRootDir: string;
}

/** SendMessageProcessor.diskUtil: "CL:  0.91 CQ:  0.91 INDEX:  0.91", used fractions of the store's disks. */
export function diskUtil(paths: StorePaths): string {
  const cl = diskPartitionSpaceUsedPercent(paths.storePathCommitLog);
  const cq = diskPartitionSpaceUsedPercent(path.join(paths.storePathRootDir, 'consumequeue'));
  const index = diskPartitionSpaceUsedPercent(path.join(paths.storePathRootDir, 'index'));
  return `CL: ${formatRatio(cl)} CQ: ${formatRatio(cq)} INDEX: ${formatRatio(index)}`;
}

/** 4.9.8's remark for SERVICE_NOT_AVAILABLE (a full disk, a slave, a store shut down). */
export function serviceNotAvailableRemark(paths: StorePaths): string {
  return 'service not available now. It may be caused by one of the following reasons: ' +
    `the broker's disk is full [${diskUtil(paths)}], messages are put to the slave, message store has been shut down, etc.`;
}

/** Writes are refused while the broker stops or when it is a slave (the store's checkStoreStatus in 4.9.8). */
export function checkWritable(ctx: BrokerContext): void {
  if (ctx.isShuttingDown() || ctx.config.brokerRole === 'SLAVE') {
    throw new BrokerError(ResponseCode.SERVICE_NOT_AVAILABLE, serviceNotAvailableRemark(ctx.config));
  }
}

export function randomQueueId(queueNums: number): number {
  return queueNums <= 0 ? 0 : Math.floor(Math.random() * 99999999) % queueNums;
}

export interface PutOutcome {
  code: number;
  /** True when the message is stored (SUCCESS and the three "stored but" codes). */
  stored: boolean;
  remark?: string;
}

/** handlePutMessageResult's status → response code and remark (`paths` measure the disks for SERVICE_NOT_AVAILABLE). */
export function putOutcome(status: PutStatus, maxMessageSize: number, paths?: StorePaths): PutOutcome {
  switch (status) {
    case 'PUT_OK':
      return { code: ResponseCode.SUCCESS, stored: true };
    case 'FLUSH_DISK_TIMEOUT':
      return { code: ResponseCode.FLUSH_DISK_TIMEOUT, stored: true };
    case 'FLUSH_SLAVE_TIMEOUT':
      return { code: ResponseCode.FLUSH_SLAVE_TIMEOUT, stored: true };
    case 'SLAVE_NOT_AVAILABLE':
      return { code: ResponseCode.SLAVE_NOT_AVAILABLE, stored: true };
    case 'CREATE_MAPEDFILE_FAILED':
      return { code: ResponseCode.SYSTEM_ERROR, stored: false, remark: 'create mapped file failed, server is busy or broken.' };
    case 'MESSAGE_ILLEGAL':
    case 'PROPERTIES_SIZE_EXCEEDED':
      return { code: ResponseCode.MESSAGE_ILLEGAL, stored: false, remark: messageIllegalRemark(maxMessageSize) };
    case 'SERVICE_NOT_AVAILABLE':
      return {
        code: ResponseCode.SERVICE_NOT_AVAILABLE,
        stored: false,
        remark: paths === undefined
          ? 'service not available now. It may be caused by one of the following reasons: the broker\'s disk is full, messages are put to the slave, message store has been shut down, etc.'
          : serviceNotAvailableRemark(paths),
      };
    case 'OS_PAGECACHE_BUSY':
      return { code: ResponseCode.SYSTEM_ERROR, stored: false, remark: '[PC_SYNCHRONIZED]broker busy, start flow control for a while' };
    case 'UNKNOWN_ERROR':
      return { code: ResponseCode.SYSTEM_ERROR, stored: false, remark: 'UNKNOWN_ERROR' };
    default:
      return { code: ResponseCode.SYSTEM_ERROR, stored: false, remark: 'UNKNOWN_ERROR DEFAULT' };
  }
}

export function messageIllegalRemark(maxMessageSize: number): string {
  return `the message is illegal, maybe msg body or properties length not matched. msg body length limit ${maxMessageSize}B, msg properties length limit 32KB.`;
}
