// What a stored record contributes to its consume queue and to the index, from either a fresh put or a
// record found by the recovery scan (RocketMQ DispatchRequest / checkMessageAndReturnSize).
import {
  PROPERTY_DELAY_TIME_LEVEL,
  PROPERTY_KEYS,
  PROPERTY_TAGS,
  PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
  SysFlag,
  TOPIC_SCHEDULE,
  transactionType,
} from '../protocol/message-const.js';
import { ProtocolError } from '../common/errors.js';
import { getProperty, readInt64, tagsCodeOf, type RecordLayout } from '../protocol/message.js';

export interface DispatchEntry {
  topic: string;
  queueId: number;
  queueOffset: number;
  phy: number;
  size: number;
  tagsCode: number;
  storeTimestamp: number;
  sysFlag: number;
  keys: string | undefined;
  uniqKey: string | undefined;
}

/** Prepared and rolled-back transaction records get no consume-queue unit (RocketMQ). */
export function goesToConsumeQueue(sysFlag: number): boolean {
  const t = transactionType(sysFlag);
  return t === SysFlag.TRANSACTION_NOT_TYPE || t === SysFlag.TRANSACTION_COMMIT_TYPE;
}

/**
 * tagsCode: the TAGS hash, except in SCHEDULE_TOPIC_XXXX where it is the delivery time, storeTimestamp +
 * the delay of the DELAY level (capped at the highest level; unknown level: +1 s, as RocketMQ does).
 */
export function computeTagsCode(topic: string, properties: string, storeTimestamp: number, delayLevels: readonly number[]): number {
  if (topic === TOPIC_SCHEDULE) {
    const level = getProperty(properties, PROPERTY_DELAY_TIME_LEVEL);
    if (level !== undefined && /^\d{1,9}$/.test(level)) {
      const capped = Math.min(Number(level), delayLevels.length);
      if (capped > 0) return storeTimestamp + (delayLevels[capped - 1] ?? 1000);
    }
  }
  return tagsCodeOf(getProperty(properties, PROPERTY_TAGS));
}

export function makeDispatchEntry(
  topic: string,
  queueId: number,
  queueOffset: number,
  phy: number,
  size: number,
  storeTimestamp: number,
  sysFlag: number,
  properties: string,
  delayLevels: readonly number[],
): DispatchEntry {
  return {
    topic,
    queueId,
    queueOffset,
    phy,
    size,
    tagsCode: computeTagsCode(topic, properties, storeTimestamp, delayLevels),
    storeTimestamp,
    sysFlag,
    keys: getProperty(properties, PROPERTY_KEYS),
    uniqKey: getProperty(properties, PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX),
  };
}

/** RocketMQ TopicValidator's pattern; it also keeps a topic from naming a path outside consumequeue/. */
export const VALID_TOPIC = /^[%|a-zA-Z0-9_-]+$/;
export const MAX_QUEUE_ID = 0x7fffffff;

/** The dispatch entry of a validated record found in the commit log; throws ProtocolError for a bad topic or queue. */
export function dispatchEntryOfRecord(buf: Buffer, pos: number, layout: RecordLayout, phy: number, delayLevels: readonly number[]): DispatchEntry {
  const topic = buf.toString('utf8', layout.topicPos, layout.topicPos + layout.topicLength);
  if (!VALID_TOPIC.test(topic)) throw new ProtocolError(`record at ${phy} has topic "${topic}", not a valid topic name`);
  const queueId = buf.readInt32BE(pos + 12);
  if (queueId < 0) throw new ProtocolError(`record at ${phy} has QUEUEID ${queueId}`);
  return makeDispatchEntry(
    topic,
    queueId,
    readInt64(buf, pos + 20, 'QUEUEOFFSET'),
    phy,
    layout.storeSize,
    readInt64(buf, layout.storeTimestampPos, 'STORETIMESTAMP'),
    layout.sysFlag,
    buf.toString('utf8', layout.propertiesPos, layout.propertiesPos + layout.propertiesLength),
    delayLevels,
  );
}
