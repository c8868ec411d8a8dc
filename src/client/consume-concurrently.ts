// Concurrent consumption (Java ConsumeMessageConcurrentlyService): pulled messages are handed to the listener
// in batches of consumeMessageBatchMaxSize, at most consumeThreadMax at a time. Failures go back to the broker
// (clustering) to be redelivered through %RETRY%group; the queue's offset advances to its lowest unfinished message.
import type { MessageQueue } from './allocate.js';
import {
  Semaphore,
  resetRetryTopic,
  withDeadline,
  type ConsumeConcurrentlyContext,
  type ConsumeConcurrentlyStatus,
  type ConsumerCore,
  type MessageListenerConcurrently,
  type QueueEntry,
} from './consumer-types.js';
import type { MessageExt } from './message.js';
import type { ProcessQueue } from './process-queue.js';

/** Java: a batch whose send-back failed is consumed again locally after 5 s. */
const LOCAL_RETRY_DELAY_MS = 5000;

export class ConsumeConcurrentlyService {
  private readonly slots: Semaphore;
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly core: ConsumerCore,
    private readonly listener: MessageListenerConcurrently,
    consumeThreadMax: number,
    private readonly batchMaxSize: number,
  ) {
    this.slots = new Semaphore(consumeThreadMax);
  }

  submit(msgs: readonly MessageExt[], entry: QueueEntry): void {
    const pq = entry.pq;
    for (let i = 0; i < msgs.length; i += this.batchMaxSize) {
      this.core.instance.background(this.run(msgs.slice(i, i + this.batchMaxSize), pq, entry.mq), 'consume task');
    }
  }

  /** Waits for running listener calls, at most `ms`. */
  async awaitInflight(ms: number): Promise<void> {
    if (this.inflight.size === 0 || ms <= 0) return;
    await withDeadline(() => Promise.allSettled([...this.inflight]).then(() => undefined), ms, () => undefined);
  }

  private async run(msgs: MessageExt[], pq: ProcessQueue, mq: MessageQueue): Promise<void> {
    await this.slots.acquire();
    if (!this.core.isRunning() || !pq.consumable) {
      this.slots.release();
      return;
    }
    pq.beginCall();
    const task = this.consume(msgs, pq, mq).finally(() => {
      pq.endCall();
      this.slots.release();
    });
    this.inflight.add(task);
    try {
      await task;
    } finally {
      this.inflight.delete(task);
    }
  }

  private async consume(msgs: MessageExt[], pq: ProcessQueue, mq: MessageQueue): Promise<void> {
    resetRetryTopic(msgs, this.core.group);
    const started = String(Date.now());
    for (const m of msgs) m.properties.set('CONSUME_START_TIME', started);
    const ctx: ConsumeConcurrentlyContext = { messageQueue: { ...mq }, delayLevelWhenNextConsume: 0, ackIndex: Number.MAX_SAFE_INTEGER };
    const status = await this.callListener(msgs, ctx);
    // A dropped queue (offset reset, offset moved) will be consumed again from the new offset: do not ack.
    // A draining one (hand-over) waits for this call, so acknowledging still counts.
    if (pq.dropped) return;
    await this.processResult(status, ctx, msgs, pq, mq);
  }

  private async callListener(msgs: MessageExt[], ctx: ConsumeConcurrentlyContext): Promise<ConsumeConcurrentlyStatus> {
    const core = this.core;
    try {
      const status = await withDeadline(() => this.listener(msgs, ctx), core.consumeTimeoutMs, () => {
        core.logger.warn(`${core.group}: listener did not return within ${core.consumeTimeoutMs} ms; messages will be retried`);
        return 'RECONSUME_LATER' as const;
      });
      if (status === 'CONSUME_SUCCESS' || status === 'RECONSUME_LATER') return status;
      core.logger.warn(`${core.group}: listener returned ${String(status)}, treated as RECONSUME_LATER`);
    } catch (err) {
      core.logger.warn(`${core.group}: listener threw (${err instanceof Error ? err.message : String(err)}); messages will be retried`);
    }
    return 'RECONSUME_LATER';
  }

  private async processResult(
    status: ConsumeConcurrentlyStatus,
    ctx: ConsumeConcurrentlyContext,
    msgs: MessageExt[],
    pq: ProcessQueue,
    mq: MessageQueue,
  ): Promise<void> {
    const ackIndex = status === 'CONSUME_SUCCESS' ? Math.min(ctx.ackIndex, msgs.length - 1) : -1;
    const failed = msgs.slice(ackIndex + 1);
    const retryLocally: MessageExt[] = [];
    if (this.core.messageModel === 'BROADCASTING') {
      for (const m of failed) this.core.logger.warn(`${this.core.group}: BROADCASTING consume failed, message ${m.msgId} dropped`);
    } else {
      for (const m of failed) {
        if (!(await this.core.sendMessageBack(m, ctx.delayLevelWhenNextConsume))) {
          m.reconsumeTimes++;
          retryLocally.push(m);
        }
      }
    }
    const done = retryLocally.length === 0 ? msgs : msgs.filter((m) => !retryLocally.includes(m));
    const offset = pq.removeMessages(done);
    if (offset >= 0 && !pq.dropped) this.core.offsetStore.updateOffset(mq, offset, true);
    if (retryLocally.length > 0) {
      // Not awaited: the listener slot is free while these wait.
      this.core.instance.background(this.core.sleep(LOCAL_RETRY_DELAY_MS).then(async () => {
        if (this.core.isRunning() && pq.consumable) await this.run(retryLocally, pq, mq);
      }), 'local redelivery');
    }
  }
}
