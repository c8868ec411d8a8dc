// Orderly consumption (Java ConsumeMessageOrderlyService): in clustering mode a queue is consumed only while
// this client holds its broker lock (LOCK_BATCH_MQ, renewed every 20 s), one batch at a time in offset order.
// A failed batch is put back at the head of the queue and retried after a pause, so order is never broken.
import type { MessageQueue } from './allocate.js';
import { lockBatchMQ } from './broker-api.js';
import {
  Semaphore,
  resetRetryTopic,
  withDeadline,
  type ConsumeOrderlyContext,
  type ConsumeOrderlyStatus,
  type ConsumerCore,
  type MessageListenerOrderly,
  type QueueEntry,
} from './consumer-types.js';
import type { MessageExt } from './message.js';
import type { ProcessQueue } from './process-queue.js';

/** A lock older than this is not trusted (the broker's expires at 60 s; we renew every 20 s). */
export const REBALANCE_LOCK_MAX_LIVE_TIME = 30_000;
/** Java: retry a queue whose lock could not be taken after 3 s. */
const LOCK_RETRY_DELAY_MS = 3000;

export function lockValid(pq: ProcessQueue, now = Date.now()): boolean {
  return pq.locked && now - pq.lastLockTimestamp <= REBALANCE_LOCK_MAX_LIVE_TIME;
}

export class ConsumeOrderlyService {
  /** Queues with a running consume loop, each with a token so a finished loop never unmarks its successor. */
  private readonly active = new Map<ProcessQueue, object>();
  private readonly loops = new Set<Promise<void>>();
  private readonly slots: Semaphore;

  constructor(
    private readonly core: ConsumerCore,
    private readonly listener: MessageListenerOrderly,
    consumeThreadMax: number,
    private readonly batchMaxSize: number,
    private readonly suspendMs: number,
  ) {
    this.slots = new Semaphore(consumeThreadMax);
  }

  /** Makes sure the queue's consume loop runs (one per queue). */
  submit(entry: QueueEntry): void {
    if (this.active.has(entry.pq)) return;
    const token = {};
    this.active.set(entry.pq, token);
    const loop = this.loop(entry, token).finally(() => this.loops.delete(loop));
    this.loops.add(loop);
    this.core.instance.background(loop, 'orderly consume loop');
  }

  /** Waits for running consume loops (in-flight batches), at most `ms`. */
  async awaitInflight(ms: number): Promise<void> {
    if (this.loops.size === 0 || ms <= 0) return;
    await withDeadline(() => Promise.allSettled([...this.loops]).then(() => undefined), ms, () => undefined);
  }

  /** LOCK_BATCH_MQ for one queue; updates the queue's lock state. */
  async lockOne(mq: MessageQueue, pq: ProcessQueue): Promise<boolean> {
    try {
      const locked = await lockBatchMQ(this.core.instance, mq.brokerName, this.core.group, [mq]);
      const ok = locked.some((q) => q.topic === mq.topic && q.queueId === mq.queueId && q.brokerName === mq.brokerName);
      pq.locked = ok;
      if (ok) pq.lastLockTimestamp = Date.now();
      return ok;
    } catch (err) {
      this.core.logger.warn(`${this.core.group}: lock of ${mq.topic}/${mq.brokerName}/${mq.queueId} failed: ${String(err)}`);
      return false;
    }
  }

  /** Renews the locks of all `entries`, broker by broker (Java lockAll every 20 s). */
  async lockAll(entries: readonly QueueEntry[]): Promise<void> {
    const byBroker = new Map<string, QueueEntry[]>();
    for (const e of entries) byBroker.set(e.mq.brokerName, [...(byBroker.get(e.mq.brokerName) ?? []), e]);
    await Promise.all([...byBroker].map(async ([brokerName, list]) => {
      let locked: MessageQueue[];
      try {
        locked = await lockBatchMQ(this.core.instance, brokerName, this.core.group, list.map((e) => e.mq));
      } catch (err) {
        this.core.logger.warn(`${this.core.group}: lock renewal at ${brokerName} failed: ${String(err)}`);
        return;
      }
      const ok = new Set(locked.map((q) => `${q.topic}@${q.queueId}`));
      const now = Date.now();
      for (const e of list) {
        e.pq.locked = ok.has(`${e.mq.topic}@${e.mq.queueId}`);
        if (e.pq.locked) {
          e.pq.lastLockTimestamp = now;
          if (e.pq.hasPending) this.submit(e);
        }
      }
    }));
  }

  private finish(pq: ProcessQueue, token: object): void {
    if (this.active.get(pq) === token) this.active.delete(pq);
  }

  private async loop(entry: QueueEntry, token: object): Promise<void> {
    const { pq, mq } = entry;
    const clustering = this.core.messageModel === 'CLUSTERING';
    while (this.core.isRunning() && pq.consumable) {
      if (clustering && !lockValid(pq)) {
        if (!(await this.lockOne(mq, pq))) await this.core.sleep(LOCK_RETRY_DELAY_MS);
        continue;
      }
      const msgs = pq.takeMessages(this.batchMaxSize);
      if (msgs.length === 0) break; // new messages will submit() a fresh loop
      await this.consumeBatch(msgs, entry);
    }
    this.finish(pq, token);
  }

  private async consumeBatch(msgs: MessageExt[], entry: QueueEntry): Promise<void> {
    const { pq, mq } = entry;
    resetRetryTopic(msgs, this.core.group);
    const ctx: ConsumeOrderlyContext = { messageQueue: { ...mq }, suspendCurrentQueueTimeMillis: this.suspendMs };
    await this.slots.acquire();
    pq.beginCall();
    let retry: boolean;
    try {
      const status = await this.callListener(msgs, ctx);
      // A dropped queue starts again from its committed offset; a draining one waits for this commit.
      if (pq.dropped) return;
      retry = status !== 'SUCCESS' && (await this.needsRetry(msgs));
      if (!retry) {
        const offset = pq.commit();
        if (offset >= 0) this.core.offsetStore.updateOffset(mq, offset, false);
      } else {
        pq.rollback();
      }
    } finally {
      pq.endCall();
      this.slots.release();
    }
    if (retry) await this.core.sleep(Math.max(10, Math.min(ctx.suspendCurrentQueueTimeMillis, 30_000)));
  }

  private async callListener(msgs: MessageExt[], ctx: ConsumeOrderlyContext): Promise<ConsumeOrderlyStatus> {
    const core = this.core;
    try {
      const status = await withDeadline(() => this.listener(msgs, ctx), core.consumeTimeoutMs, () => {
        core.logger.warn(`${core.group}: orderly listener did not return within ${core.consumeTimeoutMs} ms; the batch is retried`);
        return 'SUSPEND_CURRENT_QUEUE_A_MOMENT' as const;
      });
      if (status === 'SUCCESS' || status === 'SUSPEND_CURRENT_QUEUE_A_MOMENT') return status;
      core.logger.warn(`${core.group}: orderly listener returned ${String(status)}, treated as SUSPEND_CURRENT_QUEUE_A_MOMENT`);
    } catch (err) {
      core.logger.warn(`${core.group}: orderly listener threw (${err instanceof Error ? err.message : String(err)}); the batch is retried`);
    }
    return 'SUSPEND_CURRENT_QUEUE_A_MOMENT';
  }

  /**
   * Java checkReconsumeTimes: messages that used up maxReconsumeTimes go to the dead-letter queue; true when
   * some message must be consumed again (then every message's reconsumeTimes grows by one).
   */
  private async needsRetry(msgs: MessageExt[]): Promise<boolean> {
    let retry = false;
    for (const m of msgs) {
      if (m.reconsumeTimes >= this.core.maxReconsumeTimes) {
        m.properties.set('RECONSUME_TIME', String(m.reconsumeTimes));
        if (await this.core.sendMessageBack(m, -1)) continue;
      }
      retry = true;
    }
    if (retry) for (const m of msgs) m.reconsumeTimes++;
    return retry;
  }
}
