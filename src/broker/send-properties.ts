// The properties string a sent message is stored with (SendMessageProcessor + CommitLog in 4.9.8):
// WAIT is dropped (it only steers the flush wait) and CLUSTER is set. A delayed message instead keeps WAIT,
// gets REAL_TOPIC/REAL_QID and goes to SCHEDULE_TOPIC_XXXX queue level-1.
//
// The common case is on the send hot path, so it is one scan with slices of the original string instead of
// a parse into a map and a re-encode.
import { ResponseCode } from '../protocol/codes.js';
import {
  NAME_VALUE_SEPARATOR,
  PROPERTY_CLUSTER,
  PROPERTY_DELAY_TIME_LEVEL,
  PROPERTY_REAL_QUEUE_ID,
  PROPERTY_REAL_TOPIC,
  PROPERTY_SEPARATOR,
  PROPERTY_TRANSACTION_PREPARED,
  PROPERTY_WAIT_STORE_MSG_OK,
  TOPIC_SCHEDULE,
} from '../protocol/message-const.js';
import { encodeProperties, getProperty, parseProperties } from '../protocol/message.js';
import { BrokerError } from './broker-error.js';

export interface ScannedProperties {
  /** Every usable pair except WAIT and CLUSTER, joined with 0x02 (no trailing separator). */
  kept: string;
  /** The raw DELAY value when present. */
  delay: string | undefined;
  /** TRAN_MSG=true (a transactional half message). */
  transactionPrepared: boolean;
  /** The sender's WAIT value (dropped from `kept` but still steering the flush wait). */
  wait: string | undefined;
}

function keyIs(s: string, index: number, sep: number, key: string): boolean {
  return sep - index === key.length && s.startsWith(key, index);
}

/**
 * One pass over `props` by 4.9.8's parsing rules (segments split on 0x02; a segment counts when it has
 * 3+ chars and an inner 0x01 that is neither first nor last): unusable segments, WAIT and CLUSTER are left out.
 */
export function scanSendProperties(props: string): ScannedProperties {
  let kept = '';
  let delay: string | undefined;
  let transactionPrepared = false;
  let wait: string | undefined;
  const len = props.length;
  let index = 0;
  let runStart = 0;
  while (index < len) {
    let end = props.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = len;
    let drop = true;
    if (end - index >= 3) {
      const sep = props.indexOf(NAME_VALUE_SEPARATOR, index);
      if (sep > index && sep < end - 1) {
        if (keyIs(props, index, sep, PROPERTY_DELAY_TIME_LEVEL)) {
          delay = props.slice(sep + 1, end);
          drop = false;
        } else if (keyIs(props, index, sep, PROPERTY_TRANSACTION_PREPARED)) {
          transactionPrepared = props.slice(sep + 1, end).toLowerCase() === 'true';
          drop = false;
        } else if (keyIs(props, index, sep, PROPERTY_WAIT_STORE_MSG_OK)) {
          wait = props.slice(sep + 1, end);
        } else {
          drop = keyIs(props, index, sep, PROPERTY_CLUSTER);
        }
      }
    }
    if (drop) {
      if (index > runStart) kept = appendRun(kept, props.slice(runStart, index - 1));
      runStart = end + 1;
    }
    index = end + 1;
  }
  if (runStart < len) {
    let runEnd = len;
    while (runEnd > runStart && props.endsWith(PROPERTY_SEPARATOR, runEnd)) runEnd--;
    kept = appendRun(kept, props.slice(runStart, runEnd));
  }
  return { kept, delay, transactionPrepared, wait };
}

function appendRun(kept: string, run: string): string {
  if (run.length === 0) return kept;
  return kept.length === 0 ? run : kept + PROPERTY_SEPARATOR + run;
}

/** The stored string of a message that is not delayed: kept pairs + CLUSTER. */
export function storedProperties(scan: ScannedProperties, cluster: string): string {
  const clusterPair = PROPERTY_CLUSTER + NAME_VALUE_SEPARATOR + cluster;
  return scan.kept.length === 0 ? clusterPair : scan.kept + PROPERTY_SEPARATOR + clusterPair;
}

/** The DELAY level as Java's Integer.parseInt reads it; 0 when absent. */
export function parseDelayLevel(raw: string | undefined): number {
  if (raw === undefined) return 0;
  if (!/^[+-]?\d{1,10}$/.test(raw)) {
    throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, `the message property ${PROPERTY_DELAY_TIME_LEVEL} is not an integer: "${raw}"`);
  }
  const level = Number(raw);
  if (level > 2147483647 || level < -2147483648) {
    throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, `the message property ${PROPERTY_DELAY_TIME_LEVEL} is out of int range: "${raw}"`);
  }
  return level;
}

export interface Redirected {
  topic: string;
  queueId: number;
  properties: string;
}

/**
 * A delayed message as CommitLog.putMessage rewrites it: the level clamped to the highest configured one,
 * REAL_TOPIC/REAL_QID recorded, topic SCHEDULE_TOPIC_XXXX, queue level-1. `original` still holds WAIT;
 * `cluster`, when given, is set as CLUSTER (a fresh send has none yet).
 */
export function redirectDelayed(
  original: string | Map<string, string>,
  topic: string,
  queueId: number,
  level: number,
  maxDelayLevel: number,
  cluster?: string,
): Redirected {
  const props = typeof original === 'string' ? parseProperties(original) : original;
  const effective = Math.min(level, maxDelayLevel);
  if (effective !== level) props.set(PROPERTY_DELAY_TIME_LEVEL, String(effective));
  if (cluster !== undefined) props.set(PROPERTY_CLUSTER, cluster);
  props.set(PROPERTY_REAL_TOPIC, topic);
  props.set(PROPERTY_REAL_QUEUE_ID, String(queueId));
  return { topic: TOPIC_SCHEDULE, queueId: effective - 1, properties: encodeProperties(props) };
}

/** The delay level a stored properties string asks for (send-back and delivery use the map form). */
export function delayLevelOf(properties: string): number {
  return parseDelayLevel(getProperty(properties, PROPERTY_DELAY_TIME_LEVEL));
}
