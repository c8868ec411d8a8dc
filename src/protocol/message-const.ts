// Names and numbers of the RocketMQ 4.9.8 message format (spec/message-format.md §1, §2, §4, §9).
// Values are RocketMQ's MessageConst / MessageSysFlag / TopicValidator / MixAll constants.

// ---- property keys (§4) ----
export const PROPERTY_KEYS = 'KEYS';
export const PROPERTY_TAGS = 'TAGS';
export const PROPERTY_WAIT_STORE_MSG_OK = 'WAIT';
export const PROPERTY_DELAY_TIME_LEVEL = 'DELAY';
export const PROPERTY_RETRY_TOPIC = 'RETRY_TOPIC';
export const PROPERTY_REAL_TOPIC = 'REAL_TOPIC';
export const PROPERTY_REAL_QUEUE_ID = 'REAL_QID';
export const PROPERTY_TRANSACTION_PREPARED = 'TRAN_MSG';
export const PROPERTY_PRODUCER_GROUP = 'PGROUP';
export const PROPERTY_MIN_OFFSET = 'MIN_OFFSET';
export const PROPERTY_MAX_OFFSET = 'MAX_OFFSET';
export const PROPERTY_BUYER_ID = 'BUYER_ID';
export const PROPERTY_ORIGIN_MESSAGE_ID = 'ORIGIN_MESSAGE_ID';
export const PROPERTY_TRANSFER_FLAG = 'TRANSFER_FLAG';
export const PROPERTY_CORRECTION_FLAG = 'CORRECTION_FLAG';
export const PROPERTY_MQ2_FLAG = 'MQ2_FLAG';
export const PROPERTY_RECONSUME_TIME = 'RECONSUME_TIME';
export const PROPERTY_MSG_REGION = 'MSG_REGION';
export const PROPERTY_TRACE_SWITCH = 'TRACE_ON';
export const PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX = 'UNIQ_KEY';
export const PROPERTY_MAX_RECONSUME_TIMES = 'MAX_RECONSUME_TIMES';
export const PROPERTY_CONSUME_START_TIMESTAMP = 'CONSUME_START_TIME';
export const PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET = 'TRAN_PREPARED_QUEUE_OFFSET';
export const PROPERTY_TRANSACTION_CHECK_TIMES = 'TRANSACTION_CHECK_TIMES';
export const PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS = 'CHECK_IMMUNITY_TIME_IN_SECONDS';
export const PROPERTY_INSTANCE_ID = 'INSTANCE_ID';
export const PROPERTY_CORRELATION_ID = 'CORRELATION_ID';
export const PROPERTY_MESSAGE_REPLY_TO_CLIENT = 'REPLY_TO_CLIENT';
export const PROPERTY_MESSAGE_TTL = 'TTL';
export const PROPERTY_REPLY_MESSAGE_ARRIVE_TIME = 'ARRIVE_TIME';
export const PROPERTY_PUSH_REPLY_TIME = 'PUSH_REPLY_TIME';
export const PROPERTY_CLUSTER = 'CLUSTER';
export const PROPERTY_MESSAGE_TYPE = 'MSG_TYPE';
export const PROPERTY_INNER_MULTI_DISPATCH = 'INNER_MULTI_DISPATCH';
export const PROPERTY_INNER_MULTI_QUEUE_OFFSET = 'INNER_MULTI_QUEUE_OFFSET';
/** Aliyun ONS extensions sent by ali-ons; open-source brokers ignore them. */
export const PROPERTY_START_DELIVER_TIME = '__STARTDELIVERTIME';
export const PROPERTY_SHARDING_KEY = '__SHARDINGKEY';

/** KEYS holds several keys separated by one space. */
export const KEY_SEPARATOR = ' ';
/** Between a property name and its value. */
export const NAME_VALUE_SEPARATOR = '\u0001';
/** After each name/value pair. */
export const PROPERTY_SEPARATOR = '\u0002';

// ---- sysFlag bits (§2) ----
export const SysFlag = {
  COMPRESSED_FLAG: 0x1,
  MULTI_TAGS_FLAG: 0x2,
  TRANSACTION_NOT_TYPE: 0x0,
  TRANSACTION_PREPARED_TYPE: 0x4,
  TRANSACTION_COMMIT_TYPE: 0x8,
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  /** Mask of the two transaction bits. */
  TRANSACTION_MASK: 0xc,
  BORNHOST_V6_FLAG: 0x10,
  STOREHOSTADDRESS_V6_FLAG: 0x20,
  NEED_UNWRAP_FLAG: 0x40,
  INNER_BATCH_FLAG: 0x80,
  /** Bits 8-10: compression type (1 LZ4, 2 ZSTD, 3 ZLIB; 0 = legacy zlib). */
  COMPRESSION_TYPE_MASK: 0x700,
  COMPRESSION_LZ4_TYPE: 0x100,
  COMPRESSION_ZSTD_TYPE: 0x200,
  COMPRESSION_ZLIB_TYPE: 0x300,
} as const;

export function transactionType(sysFlag: number): number {
  return sysFlag & SysFlag.TRANSACTION_MASK;
}

// ---- record magic codes (§1, §7.1), as signed int32 the way readInt32BE returns them ----
export const MAGIC_CODE = 0xdaa320a7 | 0; // -626843481
export const BLANK_MAGIC_CODE = 0xcbd43194 | 0; // -875286124

// ---- limits ----
/** TOPICLENGTH is a signed byte. */
export const MAX_TOPIC_LENGTH = 127;
/** PROPERTIESLENGTH is a signed int16. */
export const MAX_PROPERTIES_LENGTH = 32767;

// ---- system topics and name prefixes (§9) ----
export const TOPIC_AUTO_CREATE = 'TBW102';
export const TOPIC_SCHEDULE = 'SCHEDULE_TOPIC_XXXX';
export const TOPIC_BENCHMARK = 'BenchmarkTest';
export const TOPIC_TRANS_HALF = 'RMQ_SYS_TRANS_HALF_TOPIC';
export const TOPIC_TRANS_OP_HALF = 'RMQ_SYS_TRANS_OP_HALF_TOPIC';
export const TOPIC_TRANS_CHECK_MAX_TIME = 'TRANS_CHECK_MAX_TIME_TOPIC';
export const TOPIC_TRACE = 'RMQ_SYS_TRACE_TOPIC';
export const TOPIC_SELF_TEST = 'SELF_TEST_TOPIC';
export const TOPIC_OFFSET_MOVED_EVENT = 'OFFSET_MOVED_EVENT';
export const SYSTEM_TOPIC_PREFIX = 'rmq_sys_';
export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';
export const LMQ_PREFIX = '%LMQ%';
export const REPLY_TOPIC_POSTFIX = 'REPLY_TOPIC';
