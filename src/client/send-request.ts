// The pure half of sending: turning messages into SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE requests exactly as the
// 4.9.8 Java producer does (fixtures 310-* and 320-*), and a send response into a SendResult.
import type { RemotingCommand } from '../protocol/command.js';
import { RequestCode, ResponseCode } from '../protocol/codes.js';
import { encodeProperties } from '../protocol/message.js';
import * as C from '../protocol/message-const.js';
import type { MessageQueue } from './allocate.js';
import { checkBatch, encodeBatchBody } from './batch.js';
import { ClientErrorCode, MQBrokerError, MQClientError, illegalArgument } from './errors.js';
import { checkMessage, compressBody, newUniqId, type Message } from './message.js';

export type SendStatus = 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

export interface SendResult {
  sendStatus: SendStatus;
  /** The UNIQ_KEY (comma-joined for a batch), as Java's SendResult.getMsgId(). */
  msgId: string;
  /** The broker's store-host + commit-log-offset id (comma-joined for a batch). */
  offsetMsgId: string;
  messageQueue: MessageQueue;
  /** Queue offset of the (first) stored message. */
  queueOffset: number;
  regionId: string;
  traceOn: boolean;
}

/** A message ready for the wire: compressed if needed, UNIQ_KEY set; reused by every attempt. */
export interface PreparedSend {
  topic: string;
  code: number;
  body: Buffer;
  sysFlag: number;
  flag: number;
  properties: Map<string, string>;
  batch: boolean;
  /** UNIQ_KEY(s) reported as SendResult.msgId. */
  uniqId: string;
}

export interface SendSettings {
  producerGroup: string;
  createTopicKey: string;
  defaultTopicQueueNums: number;
  compressOver: number;
  maxMessageSize: number;
}

/** Broker answers after which Java's producer tries another queue (DefaultMQProducer.retryResponseCodes), plus SYSTEM_BUSY. */
export const RETRY_RESPONSE_CODES: ReadonlySet<number> = new Set([
  ResponseCode.TOPIC_NOT_EXIST, ResponseCode.SERVICE_NOT_AVAILABLE, ResponseCode.SYSTEM_ERROR, ResponseCode.NO_PERMISSION,
  ResponseCode.SYSTEM_BUSY, 204 /* NO_BUYER_ID */, 205 /* NOT_IN_CURRENT_UNIT */,
]);

const STORE_STATUS: ReadonlyMap<number, SendStatus> = new Map([
  [ResponseCode.SUCCESS, 'SEND_OK'],
  [ResponseCode.FLUSH_DISK_TIMEOUT, 'FLUSH_DISK_TIMEOUT'],
  [ResponseCode.FLUSH_SLAVE_TIMEOUT, 'FLUSH_SLAVE_TIMEOUT'],
  [ResponseCode.SLAVE_NOT_AVAILABLE, 'SLAVE_NOT_AVAILABLE'],
]);

function checkPropertiesLength(properties: Map<string, string>): void {
  const len = Buffer.byteLength(encodeProperties(properties), 'utf8');
  if (len > C.MAX_PROPERTIES_LENGTH) throw illegalArgument(`the message properties are ${len} bytes, more than ${C.MAX_PROPERTIES_LENGTH}`);
}

/** Checks one message, gives it a UNIQ_KEY (unless it has one) and compresses a big body. */
export function prepareSingle(msg: Message, s: SendSettings): PreparedSend {
  checkMessage(msg, { maxMessageSize: s.maxMessageSize });
  const properties = new Map(msg.properties);
  let uniqId = properties.get(C.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  if (uniqId === undefined) {
    uniqId = newUniqId();
    properties.set(C.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniqId);
  }
  let body = msg.body;
  let sysFlag = 0;
  if (body.length >= s.compressOver) {
    body = compressBody(body);
    // 4.9.8 marks the compression type as well: 0x1 | 0x300 (ZLIB) = 769, as fixture 310-compressed shows.
    sysFlag |= C.SysFlag.COMPRESSED_FLAG | C.SysFlag.COMPRESSION_ZLIB_TYPE;
  }
  checkPropertiesLength(properties);
  return { topic: msg.topic, code: RequestCode.SEND_MESSAGE_V2, body, sysFlag, flag: msg.flag, properties, batch: false, uniqId };
}

/** Checks a batch and encodes its body; batches are never compressed and carry only WAIT at batch level. */
export function prepareBatch(msgs: Message[], s: SendSettings): PreparedSend {
  const topic = checkBatch(msgs);
  const entries = msgs.map((m) => {
    checkMessage(m, { maxMessageSize: s.maxMessageSize });
    const properties = new Map(m.properties);
    if (!properties.has(C.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)) properties.set(C.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, newUniqId());
    checkPropertiesLength(properties);
    return { body: m.body, flag: m.flag, properties };
  });
  const body = encodeBatchBody(entries);
  if (body.length > s.maxMessageSize) {
    throw illegalArgument(`the batch body size ${body.length} is over the max message size ${s.maxMessageSize}`);
  }
  const properties = new Map([[C.PROPERTY_WAIT_STORE_MSG_OK, msgs[0]!.properties.get(C.PROPERTY_WAIT_STORE_MSG_OK) ?? 'true']]);
  const uniqId = entries.map((e) => e.properties.get(C.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)!).join(',');
  return { topic, code: RequestCode.SEND_BATCH_MESSAGE, body, sysFlag: 0, flag: 0, properties, batch: true, uniqId };
}

/** SendMessageRequestHeaderV2 with its one-letter names (spec §4.1). */
export function sendHeader(p: PreparedSend, mq: MessageQueue, s: SendSettings, bornTimestamp = Date.now()): Record<string, string> {
  const props = new Map(p.properties);
  const ext: Record<string, string> = {
    a: s.producerGroup,
    b: p.topic,
    c: s.createTopicKey,
    d: String(s.defaultTopicQueueNums),
    e: String(mq.queueId),
    f: String(p.sysFlag),
    g: String(bornTimestamp),
    h: String(p.flag),
    i: '',
    j: '0',
    k: 'false',
    m: String(p.batch),
    n: mq.brokerName,
  };
  // Java moves these two properties into header fields for sends to a retry topic.
  if (p.topic.startsWith(C.RETRY_GROUP_TOPIC_PREFIX)) {
    const reconsume = props.get(C.PROPERTY_RECONSUME_TIME);
    if (reconsume !== undefined) ext.j = reconsume;
    const max = props.get(C.PROPERTY_MAX_RECONSUME_TIMES);
    if (max !== undefined) ext.l = max;
    props.delete(C.PROPERTY_RECONSUME_TIME);
    props.delete(C.PROPERTY_MAX_RECONSUME_TIMES);
  }
  ext.i = encodeProperties(props);
  return ext;
}

/** Java processSendResponse: store-level statuses are results; every other code is an MQBrokerError. */
export function toSendResult(response: RemotingCommand, p: PreparedSend, mq: MessageQueue, addr: string): SendResult {
  const status = STORE_STATUS.get(response.code);
  if (status === undefined) {
    throw new MQBrokerError(response.code, response.remark, addr, `send message to ${p.topic}`, RETRY_RESPONSE_CODES.has(response.code));
  }
  const ext = response.extFields;
  const queueId = Number(ext.queueId ?? mq.queueId);
  const queueOffset = Number(ext.queueOffset);
  if (!Number.isInteger(queueId) || ext.queueOffset === undefined || !Number.isSafeInteger(queueOffset)) {
    throw new MQClientError(`send response from ${addr} has a bad queueId/queueOffset: ${JSON.stringify(ext)}`,
      ClientErrorCode.ILLEGAL_ARGUMENT, { brokerAddr: addr });
  }
  return {
    sendStatus: status,
    msgId: p.uniqId,
    offsetMsgId: ext.msgId ?? '',
    messageQueue: { topic: mq.topic, brokerName: mq.brokerName, queueId },
    queueOffset,
    regionId: ext[C.PROPERTY_MSG_REGION] ?? 'DefaultRegion',
    traceOn: ext[C.PROPERTY_TRACE_SWITCH] !== 'false',
  };
}
