// The client SDK's public surface: producers, consumers, messages, errors and the types they use.
export { Producer, RETRY_RESPONSE_CODES, type ProducerOptions, type SendResult, type SendStatus, type MessageQueueSelector } from './producer.js';
export { PushConsumer, parseConsumeTimestamp, type PushConsumerOptions } from './push-consumer.js';
export { PullConsumer, type PullConsumerOptions } from './pull-consumer.js';
export { Message, MessageExt, MAX_DELAY_LEVEL, type MessageInit } from './message.js';
export { MQError, MQClientError, MQBrokerError, ClientErrorCode, responseCodeName } from './errors.js';
export { allocateAveragely, compareMessageQueues, mqKey, type MessageQueue } from './allocate.js';
export { buildSubscriptionData, tagMatches } from './subscription.js';
export { encodeBatchBody, encodeBatchRecord } from './batch.js';
export type { ClientOptions } from './config.js';
export type {
  ConsumeConcurrentlyContext,
  ConsumeConcurrentlyStatus,
  ConsumeFromWhere,
  ConsumeOrderlyContext,
  ConsumeOrderlyStatus,
  MessageListenerConcurrently,
  MessageListenerOrderly,
  MessageModel,
} from './consumer-types.js';
