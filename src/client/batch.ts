// SEND_BATCH_MESSAGE body (spec/message-format.md §6): one record per message, as the Java client's
// MessageDecoder.encodeMessages writes it (magic and body CRC are 0; the broker ignores them).
import { encodeProperties } from '../protocol/message.js';
import { PROPERTY_DELAY_TIME_LEVEL, RETRY_GROUP_TOPIC_PREFIX } from '../protocol/message-const.js';
import { illegalArgument } from './errors.js';
import { Message } from './message.js';

/** The broker refuses batches with more records than this (protocol/message.ts MAX_BATCH_RECORDS). */
export const MAX_BATCH_MESSAGES = 10_000;

/** Record layout: TOTALSIZE, MAGIC, BODYCRC, FLAG, BODYLENGTH + body, PROPERTIESLENGTH (int16) + properties. */
export function encodeBatchRecord(body: Buffer, flag: number, properties: string): Buffer {
  const props = Buffer.from(properties, 'utf8');
  if (props.length > 32767) throw illegalArgument(`batch message properties are ${props.length} bytes, more than 32767`);
  const total = 4 + 4 + 4 + 4 + 4 + body.length + 2 + props.length;
  const out = Buffer.allocUnsafe(total);
  out.writeInt32BE(total, 0);
  out.writeInt32BE(0, 4);
  out.writeInt32BE(0, 8);
  out.writeInt32BE(flag | 0, 12);
  out.writeInt32BE(body.length, 16);
  body.copy(out, 20);
  out.writeInt16BE(props.length, 20 + body.length);
  props.copy(out, 22 + body.length);
  return out;
}

export interface BatchEntry {
  body: Buffer;
  flag: number;
  properties: Map<string, string>;
}

export function encodeBatchBody(entries: readonly BatchEntry[]): Buffer {
  return Buffer.concat(entries.map((e) => encodeBatchRecord(e.body, e.flag, encodeProperties(e.properties))));
}

/** Java MessageBatch.generateFromList rules: same topic, no delay, no retry topic, not empty. */
export function checkBatch(msgs: readonly Message[]): string {
  if (!Array.isArray(msgs) || msgs.length === 0) throw illegalArgument('a batch needs at least one message');
  if (msgs.length > MAX_BATCH_MESSAGES) throw illegalArgument(`a batch holds at most ${MAX_BATCH_MESSAGES} messages, got ${msgs.length}`);
  const topic = msgs[0]!.topic;
  for (const [i, m] of msgs.entries()) {
    if (!(m instanceof Message)) throw illegalArgument(`batch entry ${i} is not a Message`);
    if (m.topic !== topic) throw illegalArgument(`the topic of the messages in one batch should be the same: "${m.topic}" != "${topic}"`);
    if (m.properties.has(PROPERTY_DELAY_TIME_LEVEL)) throw illegalArgument('TimeDelayLevel is not supported for batching');
    if (m.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) throw illegalArgument('retry group topic is not supported for batching');
  }
  return topic;
}
