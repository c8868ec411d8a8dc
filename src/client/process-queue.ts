// Messages pulled for one queue and not yet consumed (Java ProcessQueue). The lowest offset still held is what
// may be committed: a message is acknowledged only when everything before it is done, so a crash never skips
// an unconsumed message (it may redeliver finished ones).
import type { MessageExt } from './message.js';

export interface FlowLimits {
  maxCount: number;
  maxBytes: number;
  /** Largest distance between the lowest and highest held offsets (concurrent consumers only). */
  maxSpan: number;
}

export class ProcessQueue {
  private readonly held = new Map<number, MessageExt>();
  /** Offsets of `held`, ascending. */
  private order: number[] = [];
  /** Orderly consumption: messages taken for the listener but not yet committed. */
  private readonly consuming = new Map<number, MessageExt>();
  private bytes = 0;
  private waiters: Array<() => void> = [];
  private calls = 0;
  private idleWaiters: Array<() => void> = [];
  queueOffsetMax = -1;
  /** No more pulls or consumption: the queue was given up; results of running listener calls are discarded. */
  dropped = false;
  /** Being handed over: no new listener calls start, running ones may still finish and acknowledge. */
  draining = false;
  locked = false;
  lastLockTimestamp = 0;
  lastPullTimestamp = Date.now();
  lastConsumeTimestamp = Date.now();

  /** Messages held, including those taken by an orderly listener. */
  get count(): number {
    return this.held.size + this.consuming.size;
  }

  get byteSize(): number {
    return this.bytes;
  }

  get span(): number {
    return this.order.length === 0 ? 0 : this.order[this.order.length - 1]! - this.order[0]!;
  }

  get minOffset(): number | undefined {
    return this.order[0];
  }

  get hasPending(): boolean {
    return this.held.size > 0;
  }

  /** Adds pulled messages (duplicates by offset are ignored); returns those actually added. */
  putMessages(msgs: readonly MessageExt[]): MessageExt[] {
    const added: MessageExt[] = [];
    for (const m of msgs) {
      if (this.held.has(m.queueOffset) || this.consuming.has(m.queueOffset)) continue;
      this.held.set(m.queueOffset, m);
      this.insertOffset(m.queueOffset);
      this.bytes += m.body.length;
      if (m.queueOffset > this.queueOffsetMax) this.queueOffsetMax = m.queueOffset;
      added.push(m);
    }
    return added;
  }

  /**
   * Concurrent consumption: drops finished messages and returns the offset that may now be committed (the
   * lowest still held, or one past the highest seen when none is left), or -1 if the queue held nothing.
   */
  removeMessages(msgs: readonly MessageExt[]): number {
    if (this.held.size === 0) return -1;
    for (const m of msgs) {
      const had = this.held.get(m.queueOffset);
      if (had === undefined) continue;
      this.held.delete(m.queueOffset);
      this.removeOffset(m.queueOffset);
      this.bytes -= had.body.length;
    }
    this.lastConsumeTimestamp = Date.now();
    this.wake();
    return this.order.length > 0 ? this.order[0]! : this.queueOffsetMax + 1;
  }

  /** Orderly consumption: the next `n` messages by offset, moved aside until commit or rollback. */
  takeMessages(n: number): MessageExt[] {
    const out: MessageExt[] = [];
    while (out.length < n && this.order.length > 0) {
      const offset = this.order.shift()!;
      const m = this.held.get(offset)!;
      this.held.delete(offset);
      this.consuming.set(offset, m);
      out.push(m);
    }
    this.lastConsumeTimestamp = Date.now();
    return out;
  }

  /** Orderly: the taken messages are done; returns the offset to commit (-1 if none were taken). */
  commit(): number {
    if (this.consuming.size === 0) return -1;
    let max = -1;
    for (const [offset, m] of this.consuming) {
      if (offset > max) max = offset;
      this.bytes -= m.body.length;
    }
    this.consuming.clear();
    this.wake();
    return max + 1;
  }

  /** Orderly: the taken messages go back to the head of the queue to be consumed again. */
  rollback(): void {
    for (const [offset, m] of this.consuming) {
      this.held.set(offset, m);
      this.insertOffset(offset);
    }
    this.consuming.clear();
  }

  clear(): void {
    this.held.clear();
    this.consuming.clear();
    this.order = [];
    this.bytes = 0;
    this.wake();
  }

  /** Resolves when the queue is under every limit (or dropped): flow control without polling. */
  async waitForSpace(limits: FlowLimits): Promise<void> {
    while (this.consumable && this.overLimit(limits)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  overLimit(limits: FlowLimits): boolean {
    return this.count >= limits.maxCount || this.bytes >= limits.maxBytes || this.span > limits.maxSpan;
  }

  /** True while new listener calls may start for this queue. */
  get consumable(): boolean {
    return !this.dropped && !this.draining;
  }

  /** A listener call on this queue's messages starts / ends (so a hand-over can wait for it). */
  beginCall(): void {
    this.calls++;
  }

  endCall(): void {
    this.calls--;
    if (this.calls === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves when no listener call runs on this queue, or after `ms`; true if idle. */
  whenIdle(ms: number): Promise<boolean> {
    if (this.calls === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Starts a hand-over: stop pulling and starting listener calls; running calls may finish. */
  drain(): void {
    this.draining = true;
    this.wake();
  }

  /** Stops pulling and consuming for this queue; wakes anyone waiting for space. */
  drop(): void {
    this.dropped = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private insertOffset(offset: number): void {
    const order = this.order;
    if (order.length === 0 || offset > order[order.length - 1]!) {
      order.push(offset);
      return;
    }
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    order.splice(lo, 0, offset);
  }

  private removeOffset(offset: number): void {
    const order = this.order;
    if (order[0] === offset) {
      order.shift();
      return;
    }
    const i = order.indexOf(offset);
    if (i >= 0) order.splice(i, 1);
  }
}
