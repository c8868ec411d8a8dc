// Text the tools print: Java's toString layouts for SendResult and MessageQueue (so output can be compared with
// RocketMQ's quickstart), one line per consumed message, and the timestamp RocketMQ's benchmark tools print.
import type { MessageExt, MessageQueue, SendResult } from '../client/index.js';

/** Java MessageQueue.toString(). */
export function formatMessageQueue(mq: MessageQueue): string {
  return `MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}]`;
}

/** Java SendResult.toString() (4.9.8). */
export function formatSendResult(r: SendResult): string {
  return `SendResult [sendStatus=${r.sendStatus}, msgId=${r.msgId}, offsetMsgId=${r.offsetMsgId}, `
    + `messageQueue=${formatMessageQueue(r.messageQueue)}, queueOffset=${r.queueOffset}]`;
}

/** Bodies are shown as UTF-8 text, cut at `max` characters (a megabyte body would flood a terminal). */
export function bodyText(body: Buffer, max = 256): string {
  const text = body.toString('utf8', 0, Math.min(body.length, max * 4));
  return text.length > max ? `${text.slice(0, max)}… (${body.length} bytes)` : text;
}

/** One consumed message: what a user checks when testing a cluster. */
export function formatMessage(m: MessageExt): string {
  const keys = m.keys.join(' ');
  return `msgId=${m.msgId} queue=${formatMessageQueue({ topic: m.topic, brokerName: m.brokerName, queueId: m.queueId })} `
    + `queueOffset=${m.queueOffset} tags=${m.tags ?? ''} keys=${keys} reconsumeTimes=${m.reconsumeTimes} `
    + `bornTime=${m.bornTimestamp} body=${bodyText(m.body)}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** "yyyy-MM-dd HH:mm:ss,SSS" in local time, as RocketMQ's benchmark lines. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
}

/** 12345.6 -> "12,346" */
export function grouped(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
