// The write path. A put validates, reserves space, encodes straight into the commit log's pending buffer and
// returns a promise; once per tick (setImmediate) everything reserved is written with one pwrite, dispatched
// to consume queues and the index, announced to listeners, and the puts are released — after fdatasync for
// SYNC_FLUSH unless the message says WAIT=false. A burst of EAGER_DRAIN_BYTES or more is drained as soon as
// the callback that reserved it returns (process.nextTick), so a client pipelining many sends on one connection
// gets answers for each chunk read while the broker reads the next, instead of all of them after the read loop.
import type { Logger } from '../common/logger.js';
import { MAX_PROPERTIES_LENGTH, MAX_TOPIC_LENGTH, PROPERTY_WAIT_STORE_MSG_OK } from '../protocol/message-const.js';
import { createOffsetMsgIdFromBytes } from '../protocol/message-id.js';
import { getProperty, planStoredMessage, writeStoredMessage, type StoredMessagePlan } from '../protocol/message.js';
import { Room, type CommitLog } from './commit-log.js';
import type { ConsumeQueueTable } from './consume-queue-table.js';
import type { ConsumeQueue } from './consume-queue.js';
import { goesToConsumeQueue, makeDispatchEntry, MAX_QUEUE_ID, VALID_TOPIC, type DispatchEntry } from './dispatch.js';
import type { CommitLogFlusher } from './flush.js';
import type { IndexService } from './index-service.js';
import type { StoreOptions } from './options.js';
import type { AppendedMessage, MessageArrivedListener, MessageToStore, PutResult, PutStatus } from './types.js';

export interface PutServiceParts {
  commitLog: CommitLog;
  queues: ConsumeQueueTable;
  index: IndexService | undefined;
  flusher: CommitLogFlusher;
  options: StoreOptions;
  delayLevels: readonly number[];
  /** STOREHOSTADDRESS bytes (address + port). */
  storeHost: Buffer;
  log: Logger;
  /** The disk-space guard (retention.ts): refuses puts on a full disk, learns of ENOSPC. */
  guard?: WriteGuard;
}

export interface WriteGuard {
  /** Why puts are refused now (the disk is full), or undefined. */
  refusal(): string | undefined;
  /** A write failed with ENOSPC or EDQUOT. */
  diskFull(reason: string): void;
}

/** ENOSPC (no space) or EDQUOT (quota): the disk is full, not broken. */
export function isDiskFullError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

interface PendingPut {
  messages: AppendedMessage[];
  end: number;
  wait: boolean;
  resolve: (r: PutResult) => void;
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
/** Largest batch accepted by putMessages (the broker caps batches at 4 MiB of bytes anyway). */
export const MAX_BATCH_MESSAGES = 10_000;
/**
 * Pending bytes from which the write happens at the end of the current callback rather than once per event-loop
 * turn: enough to amortise the pwrite, small enough that a pipelined client is answered chunk by chunk (with
 * 256 sends in flight on one connection: 40k -> 63k msg/s on 2 cores, as the broker and the client stop taking
 * turns). Smaller puts from many connections keep sharing one write per turn.
 */
export const EAGER_DRAIN_BYTES = 32 * 1024;

export function failedPut(status: PutStatus, remark: string): PutResult {
  return { status, remark, messages: [] };
}

function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX;
}

export class PutService {
  /** Set by the store while it is running; puts are refused otherwise. */
  accepting = false;
  /** STORETIMESTAMP of the newest dispatched record (checkpoint logicsMsgTimestamp). */
  lastDispatchedTimestamp = 0;
  private dispatchQueue: DispatchEntry[] = [];
  private pendingPuts: PendingPut[] = [];
  private touchedQueues: ConsumeQueue[] = [];
  private readonly listeners: MessageArrivedListener[] = [];
  private readonly writtenListeners: Array<() => void> = [];
  private drainScheduled = false;
  /** A consume-queue or index write failed; its units stay staged and puts wait until a retry succeeds. */
  private dispatchBehind = false;
  private dispatchError = '';
  private behindTimestamp = 0;
  private eagerScheduled = false;
  private readonly drainNow = (): void => {
    this.drainScheduled = false;
    this.drain();
  };
  private readonly drainEager = (): void => {
    this.eagerScheduled = false;
    this.drain();
  };

  constructor(private readonly p: PutServiceParts) {}

  onMessageArrived(listener: MessageArrivedListener): void {
    this.listeners.push(listener);
  }

  /** Called after each commit-log write, before the consume-queue writes (HA sends the bytes to slaves then). */
  onCommitLogWritten(listener: () => void): void {
    this.writtenListeners.push(listener);
  }

  putBatch(msgs: MessageToStore[]): Promise<PutResult> {
    if (msgs.length === 0) return Promise.resolve(failedPut('MESSAGE_ILLEGAL', 'empty batch'));
    if (msgs.length > MAX_BATCH_MESSAGES) return Promise.resolve(failedPut('MESSAGE_ILLEGAL', `batch of ${msgs.length} messages, max ${MAX_BATCH_MESSAGES}`));
    const { topic, queueId } = msgs[0]!;
    for (let i = 1; i < msgs.length; i++) {
      if (msgs[i]!.topic !== topic || msgs[i]!.queueId !== queueId) {
        return Promise.resolve(failedPut('MESSAGE_ILLEGAL', `batch message ${i} is for ${msgs[i]!.topic}/${msgs[i]!.queueId}, not ${topic}/${queueId}`));
      }
    }
    return this.put(msgs);
  }

  /** Appends messages of one topic and queue as consecutive records. */
  put(msgs: MessageToStore[]): Promise<PutResult> {
    if (!this.accepting) return Promise.resolve(failedPut('SERVICE_NOT_AVAILABLE', 'message store is not running'));
    if (this.dispatchBehind && !this.catchUp()) {
      return Promise.resolve(failedPut('SERVICE_NOT_AVAILABLE', `the message store is not writable: a consume queue or index write failed: ${this.dispatchError}`));
    }
    const refused = this.p.guard?.refusal();
    if (refused !== undefined) return Promise.resolve(failedPut('SERVICE_NOT_AVAILABLE', refused));
    const plans = this.plan(msgs);
    if (!Array.isArray(plans)) return Promise.resolve(plans);
    let total = 0;
    for (const plan of plans) total += plan.totalSize;
    const noRoom = this.makeRoom(total);
    if (noRoom) return Promise.resolve(noRoom);

    const { commitLog, queues, delayLevels, storeHost } = this.p;
    const storeTimestamp = Date.now();
    const first = msgs[0]!;
    const cq = queues.findOrCreate(first.topic, first.queueId);
    const appended: AppendedMessage[] = [];
    let end = 0;
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i]!;
      const plan = plans[i]!;
      const queueOffset = goesToConsumeQueue(m.sysFlag) ? cq.nextOffset++ : 0;
      const { buf, pos, phy } = commitLog.reserve(plan.totalSize);
      writeStoredMessage(buf, pos, m, plan, queueOffset, phy, storeTimestamp);
      this.dispatchQueue.push(makeDispatchEntry(m.topic, m.queueId, queueOffset, phy, plan.totalSize, storeTimestamp, plan.sysFlag, m.properties, delayLevels));
      const msgId = createOffsetMsgIdFromBytes(storeHost, 0, storeHost.length, phy);
      appended.push({ wroteOffset: phy, wroteBytes: plan.totalSize, msgId, queueOffset, storeTimestamp });
      end = phy + plan.totalSize;
    }
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(this.drainNow);
    }
    if (!this.eagerScheduled && commitLog.pendingLength >= EAGER_DRAIN_BYTES) {
      this.eagerScheduled = true;
      process.nextTick(this.drainEager);
    }
    const wait = this.p.options.flushDiskType === 'SYNC_FLUSH' && (first.waitStoreMsgOK ?? waitsForStore(first.properties));
    return new Promise((resolve) => this.pendingPuts.push({ messages: appended, end, wait, resolve }));
  }

  private plan(msgs: MessageToStore[]): StoredMessagePlan[] | PutResult {
    const plans: StoredMessagePlan[] = [];
    for (const m of msgs) {
      const bad = this.invalid(m);
      if (bad) return bad;
      let plan: StoredMessagePlan;
      try {
        plan = planStoredMessage(m, this.p.storeHost);
      } catch (e) {
        return failedPut('MESSAGE_ILLEGAL', (e as Error).message);
      }
      if (plan.topicLength > MAX_TOPIC_LENGTH) return failedPut('MESSAGE_ILLEGAL', `topic is ${plan.topicLength} bytes, max ${MAX_TOPIC_LENGTH}`);
      if (plan.propertiesLength > MAX_PROPERTIES_LENGTH) {
        return failedPut('PROPERTIES_SIZE_EXCEEDED', `properties are ${plan.propertiesLength} bytes, max ${MAX_PROPERTIES_LENGTH}`);
      }
      plans.push(plan);
    }
    return plans;
  }

  /** Why a message cannot be stored, or undefined. */
  private invalid(m: MessageToStore): PutResult | undefined {
    if (typeof m.topic !== 'string' || !VALID_TOPIC.test(m.topic)) return failedPut('MESSAGE_ILLEGAL', `topic "${String(m.topic)}" is not a valid topic name`);
    if (!Number.isInteger(m.queueId) || m.queueId < 0 || m.queueId > MAX_QUEUE_ID) return failedPut('MESSAGE_ILLEGAL', `queueId ${m.queueId} is not in 0..${MAX_QUEUE_ID}`);
    if (!Buffer.isBuffer(m.body)) return failedPut('MESSAGE_ILLEGAL', 'body is not a Buffer');
    const max = this.p.options.maxMessageSize;
    if (m.body.length > max) return failedPut('MESSAGE_ILLEGAL', `body is ${m.body.length} bytes, maxMessageSize is ${max}`);
    if (typeof m.properties !== 'string') return failedPut('MESSAGE_ILLEGAL', 'properties is not a string');
    if (!isInt32(m.flag) || !isInt32(m.sysFlag) || !isInt32(m.reconsumeTimes)) return failedPut('MESSAGE_ILLEGAL', 'flag, sysFlag and reconsumeTimes must be int32');
    if (!Number.isSafeInteger(m.bornTimestamp) || !Number.isSafeInteger(m.preparedTransactionOffset)) {
      return failedPut('MESSAGE_ILLEGAL', 'bornTimestamp and preparedTransactionOffset must be integers');
    }
    return undefined;
  }

  /** Makes room for `total` bytes in the commit log, rolling to a new segment when needed. */
  private makeRoom(total: number): PutResult | undefined {
    const { commitLog, log } = this.p;
    for (let tries = 0; tries < 3; tries++) {
      const room = commitLog.room(total);
      if (room === Room.OK) return undefined;
      if (room === Room.TOO_BIG) return failedPut('MESSAGE_ILLEGAL', `${total} bytes do not fit a commit-log segment of ${commitLog.segmentSize} bytes`);
      this.drain();
      if (room !== Room.ROLL) continue;
      try {
        commitLog.roll();
      } catch (e) {
        log.error(`commitlog: cannot start a new segment: ${(e as Error).message}`);
        if (isDiskFullError(e)) {
          this.p.guard?.diskFull(`cannot start a new commit-log segment: ${(e as Error).message}`);
          return failedPut('SERVICE_NOT_AVAILABLE', `the disk is full: ${(e as Error).message}`);
        }
        return failedPut('CREATE_MAPEDFILE_FAILED', `cannot create the next commit-log segment: ${(e as Error).message}`);
      }
    }
    return failedPut('UNKNOWN_ERROR', 'no room in the commit log');
  }

  /** Writes everything reserved so far, dispatches it, wakes listeners and releases the puts. */
  drain(): void {
    const { commitLog, log } = this.p;
    if (commitLog.pendingLength === 0 && this.dispatchQueue.length === 0) return;
    const entries = this.dispatchQueue;
    const puts = this.pendingPuts;
    this.dispatchQueue = [];
    this.pendingPuts = [];
    const lastTimestamp = entries.length > 0 ? entries[entries.length - 1]!.storeTimestamp : 0;
    try {
      commitLog.commit(lastTimestamp);
    } catch (e) {
      commitLog.discardPending();
      this.rollBackOffsets(entries);
      const reason = (e as Error).message;
      log.error(`commitlog: write of ${entries.length} record(s) failed, nothing of it kept: ${reason}`);
      let failure: PutResult;
      if (isDiskFullError(e)) {
        this.p.guard?.diskFull(`commit-log write failed: ${reason}`);
        failure = failedPut('SERVICE_NOT_AVAILABLE', `the disk is full: commit-log write failed: ${reason}`);
      } else {
        failure = failedPut('UNKNOWN_ERROR', `commit-log write failed: ${reason}`);
      }
      for (const p of puts) p.resolve(failure);
      return;
    }
    // The records are in the commit log: their puts succeed even if a consume-queue write fails below.
    for (const listener of this.writtenListeners) listener();
    for (const e of entries) this.dispatch(e);
    try {
      this.flushDispatched();
    } catch (e) {
      this.dispatchFailed(e);
    }
    if (lastTimestamp > 0) {
      if (this.dispatchBehind) this.behindTimestamp = Math.max(this.behindTimestamp, lastTimestamp);
      else this.lastDispatchedTimestamp = lastTimestamp;
    }
    this.notify(entries);
    for (const p of puts) this.release(p);
  }

  /**
   * A consume-queue or index write failed (a full disk): the units stay staged, puts are refused until
   * catchUp() writes them, and the checkpoint's logics time stays before them so that a crash meanwhile
   * re-dispatches them from the commit log.
   */
  private dispatchFailed(e: unknown): void {
    const reason = (e as Error).message;
    this.dispatchError = reason;
    if (!this.dispatchBehind) this.p.log.error(`store: consume queue/index write failed, puts refused until it succeeds: ${reason}`);
    this.dispatchBehind = true;
    if (isDiskFullError(e)) this.p.guard?.diskFull(`consume queue/index write failed: ${reason}`);
  }

  /** Retries the staged consume-queue units and index entries after a failed write; true when none are left. */
  catchUp(): boolean {
    if (!this.dispatchBehind) return true;
    try {
      this.flushDispatched();
    } catch (e) {
      this.dispatchError = (e as Error).message;
      this.p.log.debug(`store: consume queue/index write still failing: ${this.dispatchError}`);
      return false;
    }
    this.dispatchBehind = false;
    if (this.behindTimestamp > 0) this.lastDispatchedTimestamp = this.behindTimestamp;
    this.behindTimestamp = 0;
    this.p.log.info('store: consume queues and index caught up after a failed write');
    return true;
  }

  /** True while staged consume-queue units or index entries wait for a retry. */
  get isDispatchBehind(): boolean {
    return this.dispatchBehind;
  }

  private rollBackOffsets(entries: DispatchEntry[]): void {
    for (const e of entries) {
      if (!goesToConsumeQueue(e.sysFlag)) continue;
      const cq = this.p.queues.find(e.topic, e.queueId);
      if (cq !== undefined && cq.nextOffset > e.queueOffset) cq.nextOffset = e.queueOffset;
    }
  }

  private release(p: PendingPut): void {
    if (!p.wait) {
      p.resolve({ status: 'PUT_OK', messages: p.messages });
      return;
    }
    const timeout = this.p.options.syncFlushTimeout;
    this.p.flusher.waitFor(p.end, (flushed) =>
      p.resolve(flushed ? { status: 'PUT_OK', messages: p.messages } : { status: 'FLUSH_DISK_TIMEOUT', remark: `not flushed within ${timeout} ms`, messages: p.messages }),
    );
  }

  /**
   * Stages one record for its consume queue and the index; idempotent (recovery re-dispatches). An index
   * that cannot take the key (a full disk while starting a new index file) only loses that key.
   */
  dispatch(e: DispatchEntry): void {
    if (goesToConsumeQueue(e.sysFlag)) {
      const cq = this.p.queues.findOrCreate(e.topic, e.queueId);
      const hadPending = cq.hasPending;
      if (cq.add(e.queueOffset, e.phy, e.size, e.tagsCode) && !hadPending) this.touchedQueues.push(cq);
    }
    const index = this.p.index;
    if (index === undefined) return;
    try {
      index.dispatch(e);
    } catch (err) {
      this.p.log.error(`index: keys of the message at ${e.phy} not indexed: ${(err as Error).message}`);
      if (isDiskFullError(err)) this.p.guard?.diskFull(`index write failed: ${(err as Error).message}`);
    }
  }

  /**
   * Writes what dispatch staged: one pwrite per touched consume-queue file and one for index entries.
   * Throws the first failure; what could not be written stays staged for the next call.
   */
  flushDispatched(): void {
    const touched = this.touchedQueues;
    this.touchedQueues = [];
    let failure: unknown;
    for (const cq of touched) {
      try {
        cq.flushPending();
      } catch (e) {
        failure ??= e;
        this.touchedQueues.push(cq);
      }
    }
    try {
      this.p.index?.flushPending();
    } catch (e) {
      failure ??= e;
    }
    if (failure !== undefined) throw failure;
  }

  private notify(entries: DispatchEntry[]): void {
    if (this.listeners.length === 0) return;
    for (const e of entries) {
      if (!goesToConsumeQueue(e.sysFlag)) continue;
      for (const listener of this.listeners) {
        try {
          listener(e.topic, e.queueId, e.queueOffset, e.tagsCode);
        } catch (err) {
          this.p.log.error(`store: message-arrived listener failed: ${(err as Error).message}`);
        }
      }
    }
  }
}

/** RocketMQ isWaitStoreMsgOK: absent means true, otherwise Boolean.parseBoolean. */
function waitsForStore(properties: string): boolean {
  const value = getProperty(properties, PROPERTY_WAIT_STORE_MSG_OK);
  return value === undefined || value.toLowerCase() === 'true';
}
