// OffsetMovedEvent (4.9.8 common/protocol/topic): the body of an OFFSET_MOVED_EVENT message, written by the broker
// when a pull is answered PULL_OFFSET_MOVED, read by mqadmin startMonitoring. Fastjson bean, fields sorted.
import { ProtocolError } from '../common/errors.js';
import type { MessageQueue } from './body-types.js';
import { decodeMessageQueueValue, messageQueueBean } from './bodies.js';
import { asLong, asObject, asString, parseFastjson, stringifyFastjson } from './fastjson.js';

export interface OffsetMovedEvent {
  consumerGroup: string;
  messageQueue: MessageQueue;
  /** The offset the consumer asked for. */
  offsetRequest: number;
  /** Where the broker told it to go on (nextBeginOffset). */
  offsetNew: number;
}

/** Bodies are a few hundred bytes; anything much larger is not an event. */
const MAX_EVENT_BYTES = 64 * 1024;

export function encodeOffsetMovedEvent(e: OffsetMovedEvent): Buffer {
  return Buffer.from(stringifyFastjson({
    consumerGroup: e.consumerGroup,
    messageQueue: messageQueueBean(e.messageQueue),
    offsetNew: e.offsetNew,
    offsetRequest: e.offsetRequest,
  }), 'utf8');
}

/** Throws a ProtocolError naming the field that is wrong. */
export function decodeOffsetMovedEvent(body: Buffer): OffsetMovedEvent {
  const w = 'OffsetMovedEvent';
  if (body.length > MAX_EVENT_BYTES) throw new ProtocolError(`${w}: body of ${body.length} bytes is larger than ${MAX_EVENT_BYTES}`);
  const o = asObject(parseFastjson(body, { what: w }), w);
  return {
    consumerGroup: asString(o.get('consumerGroup'), `${w}.consumerGroup`),
    messageQueue: decodeMessageQueueValue(o.get('messageQueue') ?? null, `${w}.messageQueue`),
    offsetRequest: asLong(o.get('offsetRequest'), `${w}.offsetRequest`),
    offsetNew: asLong(o.get('offsetNew'), `${w}.offsetNew`),
  };
}

/** 4.9.8 OffsetMovedEvent.toString (what DefaultMonitorListener prints). */
export function offsetMovedEventText(e: OffsetMovedEvent): string {
  const mq = e.messageQueue;
  return `OffsetMovedEvent [consumerGroup=${e.consumerGroup}, messageQueue=MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}], offsetRequest=${e.offsetRequest}, offsetNew=${e.offsetNew}]`;
}
