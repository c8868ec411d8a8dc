// Messages as users build them (Message) and receive them (MessageExt), with the checks the Java client makes
// before a send (Validators.checkMessage) and the UNIQ_KEY every sent message carries.
import zlib from 'node:zlib';
import type { DecodedMessage } from '../protocol/message.js';
import * as C from '../protocol/message-const.js';
import { createUniqId, hostToBytes, uniqIdPrefix } from '../protocol/message-id.js';
import { checkTopic, localAddress } from './config.js';
import { illegalArgument } from './errors.js';

export interface MessageInit {
  topic: string;
  body: Buffer | string;
  /** One tag; consumers filter on it ("TagA", subscribed as "TagA || TagB"). */
  tags?: string;
  /** Business keys, indexed by the broker for QUERY_MESSAGE. */
  keys?: string | readonly string[];
  /** User properties (names used by RocketMQ itself are refused). */
  properties?: Readonly<Record<string, string>>;
  /** 0 = deliver now; n = the broker's n-th messageDelayLevel ("1s 5s 10s 30s 1m ..."). */
  delayTimeLevel?: number;
  /** User flag stored with the message. */
  flag?: number;
  /** false = the broker may answer before flush/replication (WAIT=false). Default true. */
  waitStoreMsgOK?: boolean;
}

/** Highest delay level we accept; brokers clamp to their own table (18 levels by default). */
export const MAX_DELAY_LEVEL = 255;

/** Property names set by RocketMQ itself (Java MessageConst.STRING_HASH_SET). */
export const SYSTEM_PROPERTY_NAMES: ReadonlySet<string> = new Set([
  C.PROPERTY_KEYS, C.PROPERTY_TAGS, C.PROPERTY_WAIT_STORE_MSG_OK, C.PROPERTY_DELAY_TIME_LEVEL, C.PROPERTY_RETRY_TOPIC,
  C.PROPERTY_REAL_TOPIC, C.PROPERTY_REAL_QUEUE_ID, C.PROPERTY_TRANSACTION_PREPARED, C.PROPERTY_PRODUCER_GROUP,
  C.PROPERTY_MIN_OFFSET, C.PROPERTY_MAX_OFFSET, C.PROPERTY_BUYER_ID, C.PROPERTY_ORIGIN_MESSAGE_ID, C.PROPERTY_TRANSFER_FLAG,
  C.PROPERTY_CORRECTION_FLAG, C.PROPERTY_MQ2_FLAG, C.PROPERTY_RECONSUME_TIME, C.PROPERTY_MSG_REGION, C.PROPERTY_TRACE_SWITCH,
  C.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, C.PROPERTY_MAX_RECONSUME_TIMES, C.PROPERTY_CONSUME_START_TIMESTAMP,
  C.PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET, C.PROPERTY_TRANSACTION_CHECK_TIMES, C.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS,
  C.PROPERTY_INSTANCE_ID, C.PROPERTY_CORRELATION_ID, C.PROPERTY_MESSAGE_REPLY_TO_CLIENT, C.PROPERTY_MESSAGE_TTL,
  C.PROPERTY_REPLY_MESSAGE_ARRIVE_TIME, C.PROPERTY_PUSH_REPLY_TIME, C.PROPERTY_CLUSTER, C.PROPERTY_MESSAGE_TYPE,
  C.PROPERTY_INNER_MULTI_DISPATCH, C.PROPERTY_INNER_MULTI_QUEUE_OFFSET,
]);

/** Topics the Java client refuses to send to (TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET). */
const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  C.TOPIC_SCHEDULE, C.TOPIC_TRANS_HALF, C.TOPIC_TRANS_OP_HALF, C.TOPIC_TRANS_CHECK_MAX_TIME,
]);

/** A message to send. Properties hold everything RocketMQ carries besides topic, body and flag. */
export class Message {
  topic: string;
  body: Buffer;
  flag: number;
  readonly properties: Map<string, string>;

  constructor(init: MessageInit) {
    this.topic = init.topic;
    this.body = typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : init.body;
    this.flag = init.flag ?? 0;
    this.properties = new Map();
    if (init.tags !== undefined) this.tags = init.tags;
    if (init.keys !== undefined) this.keys = typeof init.keys === 'string' ? [init.keys] : [...init.keys];
    for (const [k, v] of Object.entries(init.properties ?? {})) this.putUserProperty(k, v);
    if (init.delayTimeLevel !== undefined && init.delayTimeLevel !== 0) this.delayTimeLevel = init.delayTimeLevel;
    this.properties.set(C.PROPERTY_WAIT_STORE_MSG_OK, init.waitStoreMsgOK === false ? 'false' : 'true');
  }

  get tags(): string | undefined {
    return this.properties.get(C.PROPERTY_TAGS);
  }

  set tags(tags: string | undefined) {
    if (tags === undefined || tags === '') this.properties.delete(C.PROPERTY_TAGS);
    else this.properties.set(C.PROPERTY_TAGS, tags);
  }

  /** KEYS split on spaces. */
  get keys(): string[] {
    const text = this.properties.get(C.PROPERTY_KEYS);
    return text === undefined ? [] : text.split(C.KEY_SEPARATOR).filter((k) => k !== '');
  }

  set keys(keys: readonly string[]) {
    if (keys.length === 0) this.properties.delete(C.PROPERTY_KEYS);
    else this.properties.set(C.PROPERTY_KEYS, keys.join(C.KEY_SEPARATOR));
  }

  get delayTimeLevel(): number {
    const v = this.properties.get(C.PROPERTY_DELAY_TIME_LEVEL);
    return v === undefined ? 0 : Number(v) || 0;
  }

  set delayTimeLevel(level: number) {
    if (!Number.isInteger(level) || level < 0 || level > MAX_DELAY_LEVEL) {
      throw illegalArgument(`delayTimeLevel must be an integer in 0..${MAX_DELAY_LEVEL}, got ${level}`);
    }
    if (level === 0) this.properties.delete(C.PROPERTY_DELAY_TIME_LEVEL);
    else this.properties.set(C.PROPERTY_DELAY_TIME_LEVEL, String(level));
  }

  getProperty(name: string): string | undefined {
    return this.properties.get(name);
  }

  /** A user property; names RocketMQ uses itself are refused as Java does. */
  putUserProperty(name: string, value: string): void {
    if (typeof name !== 'string' || name.trim() === '' || typeof value !== 'string' || value.trim() === '') {
      throw illegalArgument(`user property name and value must be non-blank strings, got ${JSON.stringify(name)}=${JSON.stringify(value)}`);
    }
    if (SYSTEM_PROPERTY_NAMES.has(name)) throw illegalArgument(`the property <${name}> is used by the system, choose another name`);
    this.properties.set(name, value);
  }
}

/** A message as consumers see it: the stored record plus where it came from. */
export class MessageExt extends Message {
  /** UNIQ_KEY when the producer set one (Java producers do), else the offsetMsgId. */
  readonly msgId: string;
  /** Store host + commit-log offset, uppercase hex. */
  readonly offsetMsgId: string;
  readonly brokerName: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly commitLogOffset: number;
  readonly sysFlag: number;
  readonly bornTimestamp: number;
  /** "ip:port" of the producer as the broker saw it. */
  readonly bornHost: string;
  readonly storeTimestamp: number;
  /** "ip:port" of the broker that stored it. */
  readonly storeHost: string;
  /** How often this message was delivered before (kept up to date by local redelivery). */
  reconsumeTimes: number;
  readonly bodyCRC: number;
  readonly storeSize: number;
  readonly preparedTransactionOffset: number;

  constructor(d: DecodedMessage, brokerName: string, body: Buffer) {
    super({ topic: d.topic, body, flag: d.flag });
    this.properties.clear();
    for (const [k, v] of d.properties) this.properties.set(k, v);
    this.offsetMsgId = d.msgId;
    this.msgId = d.properties.get(C.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? d.msgId;
    this.brokerName = brokerName;
    this.queueId = d.queueId;
    this.queueOffset = d.queueOffset;
    this.commitLogOffset = d.commitLogOffset;
    this.sysFlag = d.sysFlag;
    this.bornTimestamp = d.bornTimestamp;
    this.bornHost = `${d.bornHost.host}:${d.bornHost.port}`;
    this.storeTimestamp = d.storeTimestamp;
    this.storeHost = `${d.storeHost.host}:${d.storeHost.port}`;
    this.reconsumeTimes = d.reconsumeTimes;
    this.bodyCRC = d.bodyCRC;
    this.storeSize = d.storeSize;
    this.preparedTransactionOffset = d.preparedTransactionOffset;
  }
}

// ---- checks before sending ----

export interface SendLimits {
  maxMessageSize: number;
}

/** Java Validators.checkMessage plus the wire limits (properties fit an int16 length). */
export function checkMessage(msg: Message, limits: SendLimits): void {
  if (!(msg instanceof Message)) throw illegalArgument('the message is not a Message');
  checkTopic(msg.topic);
  if (NOT_ALLOWED_SEND_TOPICS.has(msg.topic)) throw illegalArgument(`sending message to topic[${msg.topic}] is forbidden`);
  if (msg.topic === C.TOPIC_AUTO_CREATE) throw illegalArgument(`the topic[${msg.topic}] is conflict with AUTO_CREATE_TOPIC_KEY_TOPIC`);
  if (!Buffer.isBuffer(msg.body)) throw illegalArgument('the message body must be a Buffer or a string');
  if (msg.body.length === 0) throw illegalArgument('the message body length is zero');
  if (msg.body.length > limits.maxMessageSize) {
    throw illegalArgument(`the message body size ${msg.body.length} is over the max message size ${limits.maxMessageSize}`);
  }
  if (!Number.isInteger(msg.flag) || msg.flag < -2147483648 || msg.flag > 2147483647) {
    throw illegalArgument(`the message flag must be a 32-bit integer, got ${msg.flag}`);
  }
  for (const [k, v] of msg.properties) {
    if (/[\u0001\u0002]/.test(k) || /[\u0001\u0002]/.test(v)) {
      throw illegalArgument(`property ${JSON.stringify(k)} contains a \\u0001 or \\u0002 separator character`);
    }
  }
}

// ---- UNIQ_KEY (Java MessageClientIDSetter: one generator per process) ----

let uniqPrefix: string | undefined;
let uniqCounter = 0;

function prefix(): string {
  if (uniqPrefix === undefined) {
    let ip = localAddress();
    try {
      hostToBytes(ip);
    } catch {
      ip = '127.0.0.1';
    }
    // Java uses the class loader's hash code; any per-process random int serves the same purpose.
    uniqPrefix = uniqIdPrefix(ip, process.pid, (Math.random() * 0x7fffffff) | 0);
  }
  return uniqPrefix;
}

/** A new 32-hex-char (IPv4) UNIQ_KEY in the Java format. */
export function newUniqId(now = Date.now()): string {
  uniqCounter = (uniqCounter + 1) & 0xffff;
  return createUniqId(prefix(), now, uniqCounter);
}

// ---- body compression ----

/** Java's default compress level (rocketmq.message.compressLevel). */
export const COMPRESS_LEVEL = 5;
/** A pulled body may not inflate to more than this (guards against zip bombs). */
export const MAX_INFLATED_BODY = 64 * 1024 * 1024;

export function compressBody(body: Buffer): Buffer {
  return zlib.deflateSync(body, { level: COMPRESS_LEVEL });
}

/**
 * The body a consumer should see: inflated when sysFlag bit 0 is set and the compression type is zlib
 * (type 0 = legacy zlib, 3 = zlib). Returns undefined when it cannot be inflated (LZ4/ZSTD or corrupt).
 */
export function uncompressBody(body: Buffer, sysFlag: number): Buffer | undefined {
  if ((sysFlag & C.SysFlag.COMPRESSED_FLAG) === 0) return body;
  const type = sysFlag & C.SysFlag.COMPRESSION_TYPE_MASK;
  if (type !== 0 && type !== C.SysFlag.COMPRESSION_ZLIB_TYPE) return undefined;
  try {
    return zlib.inflateSync(body, { maxOutputLength: MAX_INFLATED_BODY });
  } catch {
    return undefined;
  }
}
