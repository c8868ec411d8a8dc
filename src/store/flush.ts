// Making commit-log bytes durable. ASYNC_FLUSH: a timer fdatasyncs when enough is dirty. SYNC_FLUSH: group
// commit — each waiting put is released by the first fdatasync that *started* after its bytes were written,
// so many puts share one fdatasync; a put waiting longer than syncFlushTimeout gets FLUSH_DISK_TIMEOUT.
import fs from 'node:fs';
import type { Logger } from '../common/logger.js';
import type { CommitLog } from './commit-log.js';

/** fs.fdatasync's shape; tests inject slow or counting versions. */
export type SyncFunction = (fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => void;

const PAGE_SIZE = 4096;
/** After a failed fdatasync, wait this long before trying again (no hot loop on a dead disk). */
const RETRY_AFTER_ERROR_MS = 100;

interface Waiter {
  end: number;
  deadline: number;
  done: (flushed: boolean) => void;
}

export interface FlushSettings {
  flushIntervalCommitLog: number;
  flushCommitLogLeastPages: number;
  flushCommitLogThoroughInterval: number;
  syncFlushTimeout: number;
}

export class CommitLogFlusher {
  private waiters: Waiter[] = [];
  private head = 0;
  private flushing = false;
  private interval: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastFlushTime = Date.now();
  private idleCallbacks: Array<() => void> = [];
  /** STORETIMESTAMP of the last record known durable (checkpoint physicMsgTimestamp). */
  flushedTimestamp = 0;

  constructor(
    private readonly commitLog: CommitLog,
    private readonly settings: FlushSettings,
    private readonly log: Logger,
    private readonly sync: SyncFunction = fs.fdatasync,
  ) {}

  start(): void {
    this.interval = setInterval(() => this.tick(), this.settings.flushIntervalCommitLog);
    this.interval.unref();
  }

  /** Calls `done(true)` once everything below `end` is fdatasynced, or `done(false)` after syncFlushTimeout. */
  waitFor(end: number, done: (flushed: boolean) => void): void {
    this.waiters.push({ end, deadline: Date.now() + this.settings.syncFlushTimeout, done });
    if (this.timeoutTimer === undefined) this.armTimeout();
    this.flushNow();
  }

  /** Resolves when everything committed so far is durable, or after `timeoutMs` (a dead disk must not hang shutdown). */
  async flushAll(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.commitLog.unflushedBytes > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.idleCallbacks.push(() => {
          clearTimeout(timer);
          resolve();
        });
        if (!this.flushing) this.flushNow();
      });
    }
    return this.commitLog.unflushedBytes <= 0;
  }

  stop(): void {
    clearInterval(this.interval);
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.retryTimer);
    this.interval = this.timeoutTimer = this.retryTimer = undefined;
    for (let i = this.head; i < this.waiters.length; i++) this.waiters[i]!.done(false);
    this.waiters = [];
    this.head = 0;
  }

  private tick(): void {
    const dirty = this.commitLog.unflushedBytes;
    if (dirty <= 0) return;
    const thorough = Date.now() - this.lastFlushTime >= this.settings.flushCommitLogThoroughInterval;
    if (thorough || dirty >= this.settings.flushCommitLogLeastPages * PAGE_SIZE) this.flushNow();
  }

  private flushNow(): void {
    if (this.flushing || this.retryTimer !== undefined) return;
    const target = this.commitLog.maxOffset;
    const timestamp = this.commitLog.lastCommittedTimestamp;
    const fds = this.commitLog.fdsToSync();
    if (target <= this.commitLog.flushedOffset || fds.length === 0) {
      this.finish(target, timestamp, null);
      return;
    }
    this.flushing = true;
    let left = fds.length;
    let failure: NodeJS.ErrnoException | null = null;
    for (const fd of fds) {
      this.sync(fd, (err) => {
        if (err) failure = err;
        if (--left === 0) this.finish(target, timestamp, failure);
      });
    }
  }

  private finish(target: number, timestamp: number, err: NodeJS.ErrnoException | null): void {
    this.flushing = false;
    if (err) {
      this.log.error(`commitlog: fdatasync failed (${err.code ?? err.message}); retrying in ${RETRY_AFTER_ERROR_MS} ms`);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.flushNow();
      }, RETRY_AFTER_ERROR_MS);
      this.retryTimer.unref();
      return;
    }
    this.commitLog.markFlushed(target);
    if (timestamp > this.flushedTimestamp) this.flushedTimestamp = timestamp;
    this.lastFlushTime = Date.now();
    while (this.head < this.waiters.length && this.waiters[this.head]!.end <= target) this.waiters[this.head++]!.done(true);
    this.compact();
    if (this.head < this.waiters.length) {
      this.flushNow();
      return;
    }
    const idle = this.idleCallbacks;
    this.idleCallbacks = [];
    for (const cb of idle) cb();
  }

  private armTimeout(): void {
    if (this.head >= this.waiters.length) return;
    const delay = Math.max(0, this.waiters[this.head]!.deadline - Date.now());
    this.timeoutTimer = setTimeout(() => this.expire(), delay);
  }

  private expire(): void {
    this.timeoutTimer = undefined;
    const now = Date.now();
    let expired = 0;
    while (this.head < this.waiters.length && this.waiters[this.head]!.deadline <= now) {
      this.waiters[this.head++]!.done(false);
      expired++;
    }
    if (expired > 0) this.log.warn(`commitlog: ${expired} put(s) waited over syncFlushTimeout ${this.settings.syncFlushTimeout} ms for fdatasync`);
    this.compact();
    this.armTimeout();
  }

  /** Drops released waiters from the front once they are the bulk of the array. */
  private compact(): void {
    if (this.head === this.waiters.length) {
      this.waiters = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }
}
