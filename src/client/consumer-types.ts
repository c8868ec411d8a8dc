// Types shared by the push consumer and its consume services: listener signatures, their contexts, and the
// small view of the consumer the services work against.
import type { Logger } from '../common/logger.js';
import type { MessageQueue } from './allocate.js';
import type { ClientInstance } from './client-instance.js';
import type { MessageExt } from './message.js';
import type { OffsetStore } from './offset-store.js';
import type { ProcessQueue } from './process-queue.js';

export type MessageModel = 'CLUSTERING' | 'BROADCASTING';
export type ConsumeFromWhere = 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP';

export type ConsumeConcurrentlyStatus = 'CONSUME_SUCCESS' | 'RECONSUME_LATER';

export interface ConsumeConcurrentlyContext {
  readonly messageQueue: MessageQueue;
  /** 0 = the broker picks (3 + reconsumeTimes); -1 = straight to the dead-letter queue; n = delay level n. */
  delayLevelWhenNextConsume: number;
  /** On CONSUME_SUCCESS, messages after this index are retried (default: all acknowledged). */
  ackIndex: number;
}

/**
 * An async function resolving to CONSUME_SUCCESS or RECONSUME_LATER; a throw (or anything else) counts as
 * RECONSUME_LATER. (Typed as async only: TypeScript widens string literals returned from async functions whose
 * contextual type is `S | Promise<S>`. A plain function returning a status works at run time too.)
 */
export type MessageListenerConcurrently = (
  msgs: MessageExt[],
  context: ConsumeConcurrentlyContext,
) => Promise<ConsumeConcurrentlyStatus>;

export type ConsumeOrderlyStatus = 'SUCCESS' | 'SUSPEND_CURRENT_QUEUE_A_MOMENT';

export interface ConsumeOrderlyContext {
  readonly messageQueue: MessageQueue;
  /** How long the queue pauses after SUSPEND_CURRENT_QUEUE_A_MOMENT, ms. */
  suspendCurrentQueueTimeMillis: number;
}

/** An async function called for one queue at a time, strictly in offset order; a throw counts as SUSPEND_CURRENT_QUEUE_A_MOMENT. */
export type MessageListenerOrderly = (
  msgs: MessageExt[],
  context: ConsumeOrderlyContext,
) => Promise<ConsumeOrderlyStatus>;

/** One assigned queue: where to pull next and what is held. */
export interface QueueEntry {
  readonly mq: MessageQueue;
  pq: ProcessQueue;
  nextOffset: number;
  /** Orderly: the offset was (re)read after the lock was won, so the previous owner's progress is seen. */
  previouslyLocked: boolean;
}

/** What the consume services need from the consumer. */
export interface ConsumerCore {
  readonly instance: ClientInstance;
  readonly group: string;
  readonly messageModel: MessageModel;
  readonly offsetStore: OffsetStore;
  readonly logger: Logger;
  readonly maxReconsumeTimes: number;
  readonly consumeTimeoutMs: number;
  isRunning(): boolean;
  /** CONSUMER_SEND_MSG_BACK, falling back to a send to %RETRY%group; false when both failed. */
  sendMessageBack(msg: MessageExt, delayLevel: number): Promise<boolean>;
  /** A delay that shutdown cuts short. */
  sleep(ms: number): Promise<void>;
}

/** Java resetRetryAndNamespace: a message from %RETRY%group is shown with its original topic. */
export function resetRetryTopic(msgs: MessageExt[], group: string): void {
  const retryTopic = `%RETRY%${group}`;
  for (const m of msgs) {
    const original = m.properties.get('RETRY_TOPIC');
    if (original !== undefined && m.topic === retryTopic) m.topic = original;
  }
}

/** Runs `fn`, but gives up waiting after `ms` (the call keeps running; its late result is ignored). */
export async function withDeadline<T>(fn: () => Promise<T> | T, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(fn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A counting semaphore: bounded listener concurrency (Java's consume thread pool). */
export class Semaphore {
  private waiters: Array<() => void> = [];

  constructor(private permits: number) {}

  async acquire(): Promise<void> {
    if (this.permits > 0) {
      this.permits--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.permits++;
  }
}
