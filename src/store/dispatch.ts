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

/** The dispatch entry of a validated record found in the commit log. */
export function dispatchEntryOfRecord(buf: Buffer, pos: number, layout: RecordLayout, phy: number, delayLevels: readonly number[]): DispatchEntry {
  return makeDispatchEntry(
    buf.toString('utf8', layout.topicPos, layout.topicPos + layout.topicLength),
    buf.readInt32BE(pos + 12),
    readInt64(buf, pos + 20, 'QUEUEOFFSET'),
    phy,
    layout.storeSize,
    readInt64(buf, layout.storeTimestampPos, 'STORETIMESTAMP'),
    layout.sysFlag,
    buf.toString('utf8', layout.propertiesPos, layout.propertiesPos + layout.propertiesLength),
    delayLevels,
  );
}
