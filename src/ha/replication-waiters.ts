// SYNC_MASTER's wait for the slave (RocketMQ GroupTransferService), built for many sends at once: one list of
// waiters ordered by the commit-log end offset they need, released from the front by each ack, and one timer
// for the earliest deadline. No per-send timer, no per-send scan on an ack.

export type ReplicationStatus = 'PUT_OK' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

interface Waiter {
  end: number;
  deadline: number;
  resolve: (status: ReplicationStatus) => void;
}

export class ReplicationWaiters {
  /** Ordered by `end`; entries before `head` are released. */
  private list: Waiter[] = [];
  private head = 0;
  /** True while deadlines may not grow along the list (an insert out of order, or mixed timeouts). */
  private unordered = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  constructor(private readonly clock: () => number = Date.now) {}

  get size(): number {
    return this.list.length - this.head;
  }

  /** Resolves PUT_OK once acked() reaches `end`, FLUSH_SLAVE_TIMEOUT after `timeoutMs`. */
  add(end: number, timeoutMs: number): Promise<ReplicationStatus> {
    return new Promise((resolve) => {
      const w: Waiter = { end, deadline: this.clock() + timeoutMs, resolve };
      const last = this.list[this.list.length - 1];
      if (this.size === 0 || last === undefined || last.end <= end) {
        if (this.size > 0 && last !== undefined && last.deadline > w.deadline) this.unordered = true;
        this.list.push(w);
      } else {
        // Puts finish nearly in offset order; an early finisher is placed by binary search.
        let lo = this.head;
        let hi = this.list.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (this.list[mid]!.end <= end) lo = mid + 1;
          else hi = mid;
        }
        this.list.splice(lo, 0, w);
        this.unordered = true;
      }
      this.arm(w.deadline);
    });
  }

  /** The slave holds everything below `offset`: releases every waiter that needs no more. */
  acked(offset: number): void {
    const list = this.list;
    let i = this.head;
    while (i < list.length && list[i]!.end <= offset) list[i++]!.resolve('PUT_OK');
    if (i === this.head) return;
    this.head = i;
    this.compact();
  }

  /** Answers every waiter with `status` (shutdown). */
  releaseAll(status: ReplicationStatus): void {
    const waiting = this.list.slice(this.head);
    this.list = [];
    this.head = 0;
    this.unordered = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    for (const w of waiting) w.resolve(status);
  }

  private compact(): void {
    if (this.head === this.list.length) {
      this.list = [];
      this.head = 0;
      this.unordered = false;
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
    } else if (this.head > 1024 && this.head * 2 > this.list.length) {
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
  }

  private arm(deadline: number): void {
    if (deadline >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = deadline;
    this.timer = setTimeout(() => this.expire(), Math.max(0, deadline - this.clock()));
  }

  /** Times out every waiter past its deadline and arms the timer for the next deadline. */
  expire(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock();
    let next = Infinity;
    if (!this.unordered) {
      // Deadlines grow along the list: the expired ones are at the front.
      const list = this.list;
      let i = this.head;
      while (i < list.length && list[i]!.deadline <= now) list[i++]!.resolve('FLUSH_SLAVE_TIMEOUT');
      this.head = i;
      if (i < list.length) next = list[i]!.deadline;
      this.compact();
    } else {
      const kept: Waiter[] = [];
      let ordered = true;
      for (let i = this.head; i < this.list.length; i++) {
        const w = this.list[i]!;
        if (w.deadline <= now) {
          w.resolve('FLUSH_SLAVE_TIMEOUT');
          continue;
        }
        if (kept.length > 0 && kept[kept.length - 1]!.deadline > w.deadline) ordered = false;
        kept.push(w);
        if (w.deadline < next) next = w.deadline;
      }
      this.list = kept;
      this.head = 0;
      this.unordered = !ordered;
    }
    if (next !== Infinity) this.arm(next);
  }
}
