// What `sendMessage -m true` adds in 4.9.8: the producer is built with message trace on, and after the send its
// SendMessageTraceHookImpl hands a Pub record to the AsyncTraceDispatcher, which sends it to RMQ_SYS_TRACE_TOPIC
// with the message's msgId and keys as KEYS (so `queryMsgByKey -t RMQ_SYS_TRACE_TOPIC -k <msgId>` finds it).
// Here the record (TraceDataEncoder's Pub layout) is sent once, right after the send, by a second producer.
import { Producer } from '../client/producer.js';
import type { SendResult } from '../client/send-request.js';
import { TOPIC_TRACE } from '../protocol/message-const.js';

/** TraceConstants.CONTENT_SPLITOR / FIELD_SPLITOR. */
export const CONTENT_SPLITOR = '\u0001';
export const FIELD_SPLITOR = '\u0002';
/** TraceConstants.GROUP_NAME_PREFIX + "-" + group (null in SendMessageCommand) + "-PRODUCE-" + counter. */
export const TRACE_PRODUCER_GROUP = '_INNER_TRACE_PRODUCER-null-PRODUCE-1';
/** MessageType.Normal_Msg.ordinal(). */
const NORMAL_MSG = 0;

export interface PubTrace {
  /** When the send began (TraceContext.timeStamp). */
  timeStamp: number;
  producerGroup: string;
  /** The address of the broker the message went to. */
  brokerAddr: string;
  costTime: number;
  /** The traced message as sendMessage built it (keys space-separated, as Java's KEYS property). */
  message: { topic: string; tags?: string; keys?: string; bodyLength: number };
  result: SendResult;
}

/** TraceDataEncoder.encoderFromContextBean for a Pub context of one message; Java writes null as "null". */
export function encodePubTrace(t: PubTrace): string {
  const fields = [
    'Pub', t.timeStamp, t.result.regionId, t.producerGroup, t.message.topic, t.result.msgId, t.message.tags ?? 'null',
    t.message.keys ?? 'null', t.brokerAddr, t.message.bodyLength, t.costTime, NORMAL_MSG, t.result.offsetMsgId,
    t.result.sendStatus === 'SEND_OK',
  ];
  return fields.map(String).join(CONTENT_SPLITOR) + FIELD_SPLITOR;
}

/** TraceDataEncoder's transKey: the msgId, then the message's keys split on spaces. */
export function traceKeys(t: PubTrace): string[] {
  const keys = (t.message.keys ?? '').split(' ').filter((k) => k !== '');
  return [...new Set([t.result.msgId, ...keys])];
}

/**
 * Sends the trace record unless the broker said trace is off (SendResult.traceOn). Returns the trace message's
 * send result, or undefined when nothing was sent.
 */
export async function sendPubTrace(namesrvAddr: string, t: PubTrace): Promise<SendResult | undefined> {
  if (!t.result.traceOn) return undefined;
  const producer = new Producer({ producerGroup: TRACE_PRODUCER_GROUP, namesrvAddr, instanceName: `PID_CLIENT_INNER_TRACE_PRODUCER_${process.pid}_${Date.now()}` });
  await producer.start();
  try {
    return await producer.send({ topic: TOPIC_TRACE, body: Buffer.from(encodePubTrace(t), 'utf8'), keys: traceKeys(t).join(' ') });
  } finally {
    await producer.shutdown();
  }
}
