// Topic name rules of RocketMQ 4.9.8's TopicValidator: which names are legal, which are system topics,
// and which topics clients may not send to. Failures carry the response code and remark 4.9.8 answers with.
import { ResponseCode } from '../protocol/codes.js';
import {
  MAX_TOPIC_LENGTH,
  SYSTEM_TOPIC_PREFIX,
  TOPIC_AUTO_CREATE,
  TOPIC_BENCHMARK,
  TOPIC_OFFSET_MOVED_EVENT,
  TOPIC_SCHEDULE,
  TOPIC_SELF_TEST,
  TOPIC_TRACE,
  TOPIC_TRANS_CHECK_MAX_TIME,
  TOPIC_TRANS_HALF,
  TOPIC_TRANS_OP_HALF,
} from '../protocol/message-const.js';

export interface Rejection {
  code: number;
  remark: string;
}

const LEGAL_TOPIC = /^[%|a-zA-Z0-9_-]+$/;

/** Fixed system topics; the broker adds its cluster, broker and reply topics per instance. */
export const FIXED_SYSTEM_TOPICS: ReadonlySet<string> = new Set([
  TOPIC_AUTO_CREATE,
  TOPIC_SCHEDULE,
  TOPIC_BENCHMARK,
  TOPIC_TRANS_HALF,
  TOPIC_TRACE,
  TOPIC_TRANS_OP_HALF,
  TOPIC_TRANS_CHECK_MAX_TIME,
  TOPIC_SELF_TEST,
  TOPIC_OFFSET_MOVED_EVENT,
]);

const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  TOPIC_SCHEDULE,
  TOPIC_TRANS_HALF,
  TOPIC_TRANS_OP_HALF,
  TOPIC_TRANS_CHECK_MAX_TIME,
  TOPIC_SELF_TEST,
  TOPIC_OFFSET_MOVED_EVENT,
]);

/** Blank, illegal characters, too long: SYSTEM_ERROR with 4.9.8's remark. */
export function checkTopicName(topic: string): Rejection | undefined {
  if (topic.trim() === '') return { code: ResponseCode.SYSTEM_ERROR, remark: 'The specified topic is blank.' };
  if (!LEGAL_TOPIC.test(topic)) {
    return {
      code: ResponseCode.SYSTEM_ERROR,
      remark: 'The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$',
    };
  }
  if (topic.length > MAX_TOPIC_LENGTH) {
    return { code: ResponseCode.SYSTEM_ERROR, remark: 'The specified topic is longer than topic max length.' };
  }
  return undefined;
}

/** System topics (delay, transaction, trace, ...) never take client sends. */
export function checkSendAllowed(topic: string): Rejection | undefined {
  if (!NOT_ALLOWED_SEND_TOPICS.has(topic)) return undefined;
  return { code: ResponseCode.NO_PERMISSION, remark: `Sending message to topic[${topic}] is forbidden.` };
}

/** Admin create/delete refuses system topics; `extra` holds this broker's cluster/broker/reply topics. */
export function checkNotSystemTopic(topic: string, extra: ReadonlySet<string>): Rejection | undefined {
  if (!FIXED_SYSTEM_TOPICS.has(topic) && !extra.has(topic) && !topic.startsWith(SYSTEM_TOPIC_PREFIX)) return undefined;
  return { code: ResponseCode.SYSTEM_ERROR, remark: `The topic[${topic}] is conflict with system topic.` };
}
