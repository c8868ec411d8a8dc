// The message store: commit log + consume queues + index + checkpoint, behind the MessageStore contract.
// Puts are encoded into one buffer and written with one pwrite per tick, then dispatched to consume queues
// and the index, then acknowledged (after fdatasync for SYNC_FLUSH unless WAIT=false).
import fs from 'node:fs';
import path from 'node:path';
import { getLogger, type Logger } from '../common/logger.js';
import { MAX_PROPERTIES_LENGTH, MAX_TOPIC_LENGTH, PROPERTY_WAIT_STORE_MSG_OK } from '../protocol/message-const.js';
import { encodeSocketAddress, createOffsetMsgIdFromBytes } from '../protocol/message-id.js';
import { getProperty, planStoredMessage, writeStoredMessage, type StoredMessagePlan } from '../protocol/message.js';
import { StoreCheckpoint } from './checkpoint.js';
import { CommitLog, Room } from './commit-log.js';
import { ConsumeQueueTable, MAX_QUEUE_ID, VALID_TOPIC } from './consume-queue-table.js';
import type { ConsumeQueue } from './consume-queue.js';
import { goesToConsumeQueue, makeDispatchEntry, type DispatchEntry } from './dispatch.js';
import { FilePool, fsyncDir } from './file-pool.js';
import { CommitLogFlusher, type SyncFunction } from './flush.js';
import { MessageGetter } from './get-message.js';
import { IndexService } from './index-service.js';
import { StoreLock } from './lock.js';
import { parseDelayLevels, validateStoreOptions, type StoreOptions } from './options.js';
import { recover, type RecoveryReport } from './recovery.js';
import type {
  AppendedMessage,
  GetMessageResult,
  MessageArrivedListener,
  MessageStore,
  MessageToStore,
  PutResult,
  PutStatus,
  QueryMessageResult,
  TagsCodeFilter,
} from './types.js';

/** Test seams: an fdatasync replacement (slow, counting or failing disks). */
export interface StoreHooks {
  fdatasync?: SyncFunction;
}

interface PendingPut {
  messages: AppendedMessage[];
  end: number;
  wait: boolean;
  resolve: (r: PutResult) => void;
}

const INT32_MAX = 0x7fffffff;
/** Largest batch accepted by putMessages (RocketMQ's broker caps batches at 4 MiB of bytes anyway). */
const MAX_BATCH_MESSAGES = 10_000;

function failed(status: PutStatus, remark: string): PutResult {
  return { status, remark, messages: [] };
}

function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= -0x80000000 && n <= INT32_MAX;
}

export class DefaultMessageStore implements MessageStore {
  readonly configDir: string;
  private readonly log: Logger = getLogger('store');
  private readonly pool = new FilePool();
  private readonly commitLog: CommitLog;
  private readonly queues: ConsumeQueueTable;
  private readonly index: IndexService | undefined;
  private readonly checkpoint: StoreCheckpoint;
  private readonly flusher: CommitLogFlusher;
  private readonly getter: MessageGetter;
  private readonly lock: StoreLock;
  private readonly storeHostBytes: Buffer;
  private readonly delayLevels: number[];
  private readonly listeners: MessageArrivedListener[] = [];
  private readonly abortFile: string;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private dispatchQueue: DispatchEntry[] = [];
  private pendingPuts: PendingPut[] = [];
  private touchedQueues: ConsumeQueue[] = [];
  private drainScheduled = false;
  private readonly drainNow = (): void => {
    this.drainScheduled = false;
    this.drain();
  };
  private logicsTimer: NodeJS.Timeout | undefined;
  private logicsFlush: Promise<void> | undefined;
  private lastDispatchedTimestamp = 0;
  /** What start() found; tests and the broker's status page read it. */
  recovery: RecoveryReport | undefined;

  constructor(readonly options: StoreOptions, hooks: StoreHooks = {}) {
    validateStoreOptions(options);
    const root = options.storePathRootDir;
    this.configDir = path.join(root, 'config');
    this.abortFile = path.join(root, 'abort');
    this.delayLevels = parseDelayLevels(options.messageDelayLevel);
    this.storeHostBytes = encodeSocketAddress(options.storeHost);
    this.commitLog = new CommitLog(options.storePathCommitLog, options.mappedFileSizeCommitLog, this.pool, this.log);
    this.queues = new ConsumeQueueTable(path.join(root, 'consumequeue'), options.mappedFileSizeConsumeQueue, this.pool, this.log);
    this.index = options.messageIndexEnable
      ? new IndexService(path.join(root, 'index'), options.maxHashSlotNum, options.maxIndexNum, this.pool, this.log)
      : undefined;
    this.checkpoint = new StoreCheckpoint(path.join(root, 'checkpoint'), this.log);
    this.flusher = new CommitLogFlusher(this.commitLog, options, this.log, hooks.fdatasync);
    this.getter = new MessageGetter(this.commitLog, options, this.log);
    this.lock = new StoreLock(root);
  }

  // ================================================================ lifecycle

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`message store at ${this.options.storePathRootDir} was already started`);
    fs.mkdirSync(this.options.storePathRootDir, { recursive: true });
    try {
      this.lock.acquire();
    } catch (e) {
      this.log.error(`store: ${(e as Error).message}`);
      throw e;
    }
    try {
      fs.mkdirSync(this.configDir, { recursive: true });
      const aborted = fs.existsSync(this.abortFile);
      this.checkpoint.load();
      this.commitLog.load();
      this.queues.loadAll();
      this.index?.load();
      this.recovery = recover(
        {
          commitLog: this.commitLog,
          queues: this.queues,
          index: this.index,
          checkpoint: this.checkpoint,
          checkCRCOnRecover: this.options.checkCRCOnRecover,
          delayLevels: this.delayLevels,
          log: this.log,
          dispatch: (entry) => this.dispatch(entry),
          flushDispatched: () => this.flushDispatched(),
        },
        aborted,
      );
      for (const cq of this.queues.all()) cq.nextOffset = cq.maxOffset;
      fs.writeFileSync(this.abortFile, '');
      fsyncDir(this.options.storePathRootDir);
    } catch (e) {
      this.commitLog.close();
      this.pool.closeAll();
      this.lock.release();
      this.state = 'stopped';
      throw e;
    }
    this.flusher.start();
    this.logicsTimer = setInterval(() => void this.flushLogics(), this.options.flushIntervalConsumeQueue);
    this.logicsTimer.unref();
    this.state = 'running';
  }

  async shutdown(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopped';
    this.drain();
    const flushed = await this.flusher.flushAll(Math.max(this.options.syncFlushTimeout, 1000));
    this.flusher.stop();
    clearInterval(this.logicsTimer);
    let logicsOk = true;
    try {
      await this.logicsFlush;
      await this.flushLogics();
    } catch (e) {
      logicsOk = false;
      this.log.error(`store: flushing consume queues on shutdown failed: ${(e as Error).message}`);
    }
    this.commitLog.close();
    this.pool.closeAll();
    if (flushed && logicsOk) {
      fs.rmSync(this.abortFile, { force: true });
      this.log.info(`store: shut down cleanly at commit-log offset ${this.commitLog.maxOffset}`);
    } else {
      this.log.error('store: shut down without a full flush; the next start recovers as after a crash');
    }
    this.lock.release();
  }

  /** Consume queues, index and checkpoint to disk (timer, and once more on shutdown). */
  private flushLogics(): Promise<void> {
    if (this.logicsFlush !== undefined) return this.logicsFlush;
    const logicsTimestamp = this.lastDispatchedTimestamp;
    const run = async (): Promise<void> => {
      await this.queues.flush();
      if (this.index !== undefined) await this.index.flush();
      const cp = this.checkpoint;
      if (logicsTimestamp > 0) {
        cp.logicsMsgTimestamp = logicsTimestamp;
        if (this.index !== undefined) cp.indexMsgTimestamp = logicsTimestamp;
      }
      if (this.flusher.flushedTimestamp > 0) cp.physicMsgTimestamp = this.flusher.flushedTimestamp;
      await cp.flush();
    };
    this.logicsFlush = run()
      .catch((e: Error) => this.log.error(`store: flushing consume queues/index/checkpoint failed: ${e.message}`))
      .finally(() => {
        this.logicsFlush = undefined;
      });
    return this.logicsFlush;
  }

  // ================================================================ writing

  putMessage(msg: MessageToStore): Promise<PutResult> {
    return this.put([msg]);
  }

  putMessages(msgs: MessageToStore[]): Promise<PutResult> {
    if (msgs.length === 0) return Promise.resolve(failed('MESSAGE_ILLEGAL', 'empty batch'));
    if (msgs.length > MAX_BATCH_MESSAGES) return Promise.resolve(failed('MESSAGE_ILLEGAL', `batch of ${msgs.length} messages, max ${MAX_BATCH_MESSAGES}`));
    const { topic, queueId } = msgs[0]!;
    for (let i = 1; i < msgs.length; i++) {
      if (msgs[i]!.topic !== topic || msgs[i]!.queueId !== queueId) {
        return Promise.resolve(failed('MESSAGE_ILLEGAL', `batch message ${i} is for ${msgs[i]!.topic}/${msgs[i]!.queueId}, not ${topic}/${queueId}`));
      }
    }
    return this.put(msgs);
  }

  /** Why a message cannot be stored, or undefined. */
  private invalid(m: MessageToStore, plan: StoredMessagePlan | undefined): PutResult | undefined {
    if (typeof m.topic !== 'string' || m.topic.length === 0 || !VALID_TOPIC.test(m.topic)) return failed('MESSAGE_ILLEGAL', `topic "${String(m.topic)}" is not a valid topic name`);
    if (!Number.isInteger(m.queueId) || m.queueId < 0 || m.queueId > MAX_QUEUE_ID) return failed('MESSAGE_ILLEGAL', `queueId ${m.queueId} is not in 0..${MAX_QUEUE_ID}`);
    if (!Buffer.isBuffer(m.body)) return failed('MESSAGE_ILLEGAL', 'body is not a Buffer');
    if (m.body.length > this.options.maxMessageSize) return failed('MESSAGE_ILLEGAL', `body is ${m.body.length} bytes, maxMessageSize is ${this.options.maxMessageSize}`);
    if (typeof m.properties !== 'string') return failed('MESSAGE_ILLEGAL', 'properties is not a string');
    if (!isInt32(m.flag) || !isInt32(m.sysFlag) || !isInt32(m.reconsumeTimes)) return failed('MESSAGE_ILLEGAL', 'flag, sysFlag and reconsumeTimes must be int32');
    if (!Number.isSafeInteger(m.bornTimestamp) || !Number.isSafeInteger(m.preparedTransactionOffset)) {
      return failed('MESSAGE_ILLEGAL', 'bornTimestamp and preparedTransactionOffset must be integers');
    }
    if (plan === undefined) return undefined;
    if (plan.topicLength > MAX_TOPIC_LENGTH) return failed('MESSAGE_ILLEGAL', `topic is ${plan.topicLength} bytes, max ${MAX_TOPIC_LENGTH}`);
    if (plan.propertiesLength > MAX_PROPERTIES_LENGTH) return failed('PROPERTIES_SIZE_EXCEEDED', `properties are ${plan.propertiesLength} bytes, max ${MAX_PROPERTIES_LENGTH}`);
    return undefined;
  }

  private plan(msgs: MessageToStore[]): StoredMessagePlan[] | PutResult {
    const plans: StoredMessagePlan[] = [];
    for (const m of msgs) {
      const bad = this.invalid(m, undefined);
      if (bad) return bad;
      let plan: StoredMessagePlan;
      try {
        plan = planStoredMessage(m, this.storeHostBytes);
      } catch (e) {
        return failed('MESSAGE_ILLEGAL', (e as Error).message);
      }
      const tooBig = this.invalid(m, plan);
      if (tooBig) return tooBig;
      plans.push(plan);
    }
    return plans;
  }

  /** Makes room for `total` bytes in the commit log, rolling to a new segment when needed. */
  private makeRoom(total: number): PutResult | undefined {
    for (let tries = 0; tries < 3; tries++) {
      const room = this.commitLog.room(total);
      if (room === Room.OK) return undefined;
      if (room === Room.TOO_BIG) {
        return failed('MESSAGE_ILLEGAL', `${total} bytes do not fit a commit-log segment of ${this.commitLog.segmentSize} bytes`);
      }
      this.drain();
      if (room === Room.ROLL) {
        try {
          this.commitLog.roll();
        } catch (e) {
          this.log.error(`commitlog: cannot start a new segment: ${(e as Error).message}`);
          return failed('CREATE_MAPEDFILE_FAILED', `cannot create the next commit-log segment: ${(e as Error).message}`);
        }
      }
    }
    return failed('UNKNOWN_ERROR', 'no room in the commit log');
  }

  private put(msgs: MessageToStore[]): Promise<PutResult> {
    if (this.state !== 'running') return Promise.resolve(failed('SERVICE_NOT_AVAILABLE', 'message store is not running'));
    const plans = this.plan(msgs);
    if (!Array.isArray(plans)) return Promise.resolve(plans);
    let total = 0;
    for (const p of plans) total += p.totalSize;
    const noRoom = this.makeRoom(total);
    if (noRoom) return Promise.resolve(noRoom);

    const storeTimestamp = Date.now();
    const first = msgs[0]!;
    const cq = this.queues.findOrCreate(first.topic, first.queueId);
    const appended: AppendedMessage[] = [];
    let end = 0;
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i]!;
      const plan = plans[i]!;
      const toQueue = goesToConsumeQueue(m.sysFlag);
      const queueOffset = toQueue ? cq.nextOffset++ : 0;
      const { buf, pos, phy } = this.commitLog.reserve(plan.totalSize);
      writeStoredMessage(buf, pos, m, plan, queueOffset, phy, storeTimestamp);
      this.dispatchQueue.push(makeDispatchEntry(m.topic, m.queueId, queueOffset, phy, plan.totalSize, storeTimestamp, plan.sysFlag, m.properties, this.delayLevels));
      appended.push({
        wroteOffset: phy,
        wroteBytes: plan.totalSize,
        msgId: createOffsetMsgIdFromBytes(this.storeHostBytes, 0, this.storeHostBytes.length, phy),
        queueOffset,
        storeTimestamp,
      });
      end = phy + plan.totalSize;
    }
    const waitValue = getProperty(first.properties, PROPERTY_WAIT_STORE_MSG_OK);
    const wait = this.options.flushDiskType === 'SYNC_FLUSH' && (waitValue === undefined || waitValue.toLowerCase() === 'true');
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(this.drainNow);
    }
    return new Promise((resolve) => this.pendingPuts.push({ messages: appended, end, wait, resolve }));
  }

  /** Writes everything reserved so far, dispatches it, wakes listeners and releases the puts. */
  private drain(): void {
    if (this.commitLog.pendingLength === 0 && this.dispatchQueue.length === 0) return;
    const entries = this.dispatchQueue;
    const puts = this.pendingPuts;
    this.dispatchQueue = [];
    this.pendingPuts = [];
    try {
      this.commitLog.commit(entries.length > 0 ? entries[entries.length - 1]!.storeTimestamp : 0);
    } catch (e) {
      this.commitLog.discardPending();
      this.rollBackOffsets(entries);
      const reason = (e as Error).message;
      this.log.error(`commitlog: write of ${entries.length} record(s) failed: ${reason}`);
      for (const p of puts) p.resolve(failed('UNKNOWN_ERROR', `commit-log write failed: ${reason}`));
      return;
    }
    try {
      for (const e of entries) this.dispatch(e);
      this.flushDispatched();
    } catch (e) {
      this.log.error(`store: dispatch to consume queues/index failed (restart rebuilds them): ${(e as Error).message}`);
    }
    if (entries.length > 0) this.lastDispatchedTimestamp = entries[entries.length - 1]!.storeTimestamp;
    this.notify(entries);
    for (const p of puts) this.release(p);
  }

  private rollBackOffsets(entries: DispatchEntry[]): void {
    for (const e of entries) {
      if (!goesToConsumeQueue(e.sysFlag)) continue;
      const cq = this.queues.find(e.topic, e.queueId);
      if (cq !== undefined && cq.nextOffset > e.queueOffset) cq.nextOffset = e.queueOffset;
    }
  }

  private release(p: PendingPut): void {
    if (!p.wait) {
      p.resolve({ status: 'PUT_OK', messages: p.messages });
      return;
    }
    this.flusher.waitFor(p.end, (flushed) =>
      p.resolve(flushed ? { status: 'PUT_OK', messages: p.messages } : { status: 'FLUSH_DISK_TIMEOUT', remark: `not flushed within ${this.options.syncFlushTimeout} ms`, messages: p.messages }),
    );
  }

  /** Stages one record for its consume queue and the index; idempotent (recovery re-dispatches). */
  private dispatch(e: DispatchEntry): void {
    if (goesToConsumeQueue(e.sysFlag)) {
      const cq = this.queues.findOrCreate(e.topic, e.queueId);
      const hadPending = cq.hasPending;
      if (cq.add(e.queueOffset, e.phy, e.size, e.tagsCode) && !hadPending) this.touchedQueues.push(cq);
    }
    this.index?.dispatch(e);
  }

  private flushDispatched(): void {
    const touched = this.touchedQueues;
    this.touchedQueues = [];
    for (const cq of touched) cq.flushPending();
    this.index?.flushPending();
  }

  private notify(entries: DispatchEntry[]): void {
    if (this.listeners.length === 0) return;
    for (const e of entries) {
      if (!goesToConsumeQueue(e.sysFlag)) continue;
      for (const listener of this.listeners) {
        try {
          listener(e.topic, e.queueId, e.queueOffset, e.tagsCode);
        } catch (err) {
          this.log.error(`store: message-arrived listener failed: ${(err as Error).message}`);
        }
      }
    }
  }

  onMessageArrived(listener: MessageArrivedListener): void {
    this.listeners.push(listener);
  }

  // ================================================================ reading

  getMessage(topic: string, queueId: number, offset: number, maxMsgNums: number, filter: TagsCodeFilter | null): GetMessageResult {
    return this.getter.get(this.queues.find(topic, queueId), offset, maxMsgNums, filter);
  }

  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.queues.find(topic, queueId)?.maxOffset ?? 0;
  }

  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.queues.find(topic, queueId)?.minOffset ?? 0;
  }

  /**
   * RocketMQ ConsumeQueue.getOffsetInQueueByTime over the whole queue: binary search by store time; an exact
   * hit wins, otherwise the nearer neighbour (the last message when `timestamp` is after all of them).
   */
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number): number {
    const cq = this.queues.find(topic, queueId);
    if (cq === undefined || cq.isEmpty) return 0;
    let low = cq.minOffset;
    let high = cq.maxOffset - 1;
    let left = -1;
    let right = -1;
    let leftTime = -1;
    let rightTime = -1;
    const minPhy = this.commitLog.minOffset;
    while (high >= low) {
      const mid = Math.floor((low + high) / 2);
      const unit = cq.unitAt(mid);
      if (unit === undefined) return 0;
      if (unit.phy < minPhy) {
        low = mid + 1;
        left = mid;
        continue;
      }
      const t = this.commitLog.storeTimestampAt(unit.phy);
      if (t < 0) return 0;
      if (t === timestamp) return mid;
      if (t > timestamp) {
        high = mid - 1;
        right = mid;
        rightTime = t;
      } else {
        low = mid + 1;
        left = mid;
        leftTime = t;
      }
    }
    if (leftTime === -1) return right >= 0 ? right : cq.maxOffset;
    if (rightTime === -1) return left;
    return Math.abs(timestamp - leftTime) > Math.abs(timestamp - rightTime) ? right : left;
  }

  getEarliestMessageTime(topic: string, queueId: number): number {
    const cq = this.queues.find(topic, queueId);
    return cq === undefined ? -1 : this.getMessageStoreTimestamp(topic, queueId, cq.minOffset);
  }

  getMessageStoreTimestamp(topic: string, queueId: number, queueOffset: number): number {
    const unit = this.queues.find(topic, queueId)?.unitAt(queueOffset);
    return unit === undefined ? -1 : this.commitLog.storeTimestampAt(unit.phy);
  }

  lookMessageByOffset(commitLogOffset: number): Buffer | undefined {
    if (!Number.isSafeInteger(commitLogOffset) || commitLogOffset < this.commitLog.minOffset) return undefined;
    return this.commitLog.recordAt(commitLogOffset);
  }

  /** RocketMQ DefaultMessageStore.queryMessage: up to 3 index rounds, results in commit-log order. */
  queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): QueryMessageResult {
    const result: QueryMessageResult = { messages: [], indexLastUpdateTimestamp: 0, indexLastUpdatePhyoffset: 0 };
    if (this.index === undefined) return result;
    const limit = Math.max(0, Math.min(maxNum, this.options.maxMsgsNumBatch));
    let lastQueryTime = end;
    for (let round = 0; round < 3; round++) {
      const found = this.index.query(topic, key, limit, begin, lastQueryTime);
      if (found.phyOffsets.length === 0) break;
      found.phyOffsets.sort((a, b) => a - b);
      result.indexLastUpdateTimestamp = found.indexLastUpdateTimestamp;
      result.indexLastUpdatePhyoffset = found.indexLastUpdatePhyoffset;
      for (let m = 0; m < found.phyOffsets.length; m++) {
        const record = this.lookMessageByOffset(found.phyOffsets[m]!);
        if (record === undefined) continue;
        if (m === 0) lastQueryTime = this.commitLog.storeTimestampAt(found.phyOffsets[m]!);
        result.messages.push(record);
      }
      if (result.messages.length > 0 || lastQueryTime < begin) break;
    }
    return result;
  }

  getMinPhyOffset(): number {
    return this.commitLog.minOffset;
  }

  getMaxPhyOffset(): number {
    return this.commitLog.maxOffset;
  }

  deleteTopics(topics: string[]): void {
    this.drain();
    for (const topic of topics) {
      if (this.queues.deleteTopic(topic)) this.log.info(`store: deleted consume queues of topic ${topic}`);
    }
  }

  topicsWithQueues(): string[] {
    return this.queues.topics();
  }

  get isRunning(): boolean {
    return this.state === 'running';
  }
}
