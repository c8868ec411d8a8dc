// The message store: commit log + consume queues + index + checkpoint, behind the MessageStore contract.
// This file wires the parts and runs the lifecycle; writes live in put-service.ts, pulls in get-message.ts.
import fs from 'node:fs';
import path from 'node:path';
import { getLogger, type Logger } from '../common/logger.js';
import { encodeSocketAddress } from '../protocol/message-id.js';
import { MAX_RECORD_SIZE } from '../protocol/message.js';
import { TOPIC_SCHEDULE } from '../protocol/message-const.js';
import { StoreCheckpoint } from './checkpoint.js';
import { CommitLog } from './commit-log.js';
import { ConsumeQueueTable } from './consume-queue-table.js';
import { FilePool, fsyncDir } from './file-pool.js';
import { goesToConsumeQueue, type DispatchEntry } from './dispatch.js';
import { CommitLogFlusher, type SyncFunction } from './flush.js';
import { MessageGetter } from './get-message.js';
import { IndexService } from './index-service.js';
import { StoreLock } from './lock.js';
import { parseDelayLevels, validateStoreOptions, type StoreOptions } from './options.js';
import { PutService } from './put-service.js';
import { offsetInQueueByTime, queryByKey } from './queue-search.js';
import { recover, type RecoveryReport } from './recovery.js';
import { ReplicaAppender } from './replica-append.js';
import { RetentionService, type CleanReport, type DestroyedQueue, type DiskUsage, type LiveRetentionOptions, type RetentionClock } from './retention.js';
import type {
  GetMessageResult,
  MessageArrivedListener,
  MessageStore,
  MessageToStore,
  PutResult,
  QueryMessageResult,
  TagsCodeFilter,
} from './types.js';

/** Test seams: an fdatasync replacement (slow, counting or failing disks); retention's clock and disk gauge. */
export interface StoreHooks {
  fdatasync?: SyncFunction;
  clock?: RetentionClock;
  diskUsage?: DiskUsage;
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
  private readonly puts: PutService;
  private readonly getter: MessageGetter;
  private readonly retention: RetentionService;
  /** HA slave: writes and dispatches the commit-log bytes the master sends. */
  private readonly replica: ReplicaAppender;
  private readonly arrivedListeners: MessageArrivedListener[] = [];
  private readonly lock: StoreLock;
  private readonly delayLevels: number[];
  private readonly abortFile: string;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private logicsTimer: NodeJS.Timeout | undefined;
  private logicsFlush: Promise<boolean> | undefined;
  /** What start() found; tests and the broker's status page read it. */
  recovery: RecoveryReport | undefined;

  constructor(readonly options: StoreOptions, hooks: StoreHooks = {}) {
    validateStoreOptions(options);
    const root = options.storePathRootDir;
    this.configDir = path.join(root, 'config');
    this.abortFile = path.join(root, 'abort');
    this.delayLevels = parseDelayLevels(options.messageDelayLevel);
    this.commitLog = new CommitLog(options.storePathCommitLog, options.mappedFileSizeCommitLog, this.pool, this.log);
    this.queues = new ConsumeQueueTable(path.join(root, 'consumequeue'), options.mappedFileSizeConsumeQueue, this.pool, this.log);
    this.index = options.messageIndexEnable
      ? new IndexService(path.join(root, 'index'), options.maxHashSlotNum, options.maxIndexNum, this.pool, this.log)
      : undefined;
    this.checkpoint = new StoreCheckpoint(path.join(root, 'checkpoint'), this.log);
    this.flusher = new CommitLogFlusher(this.commitLog, options, this.log, hooks.fdatasync);
    this.retention = new RetentionService({
      commitLog: this.commitLog,
      queues: this.queues,
      index: this.index,
      options,
      log: this.log,
      clock: hooks.clock,
      diskUsage: hooks.diskUsage,
    });
    this.puts = new PutService({
      commitLog: this.commitLog,
      queues: this.queues,
      index: this.index,
      flusher: this.flusher,
      options,
      delayLevels: this.delayLevels,
      storeHost: encodeSocketAddress(options.storeHost),
      log: this.log,
      guard: this.retention,
    });
    this.getter = new MessageGetter(this.commitLog, options, this.log);
    this.replica = new ReplicaAppender({
      commitLog: this.commitLog,
      delayLevels: this.delayLevels,
      log: this.log,
      dispatch: (entry) => this.puts.dispatch(entry),
      flushDispatched: () => this.puts.flushDispatched(),
      dispatched: (entries) => this.replicaDispatched(entries),
      maxRecordSize: MAX_RECORD_SIZE,
    });
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
          dispatch: (entry) => this.puts.dispatch(entry),
          flushDispatched: () => this.puts.flushDispatched(),
        },
        aborted,
      );
      for (const cq of this.queues.all()) {
        cq.nextOffset = cq.maxOffset;
        // Units of segments retention deleted are not readable any more (RocketMQ recoverTopicQueueTable).
        if (this.commitLog.minOffset > 0) cq.correctMinOffset(this.commitLog.minOffset);
      }
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
    this.retention.checkDiskSpace();
    this.retention.start();
    this.puts.accepting = true;
  }

  async shutdown(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopped';
    this.puts.accepting = false;
    try {
      await this.retention.stop();
      this.puts.drain();
      this.replica.close();
      const caughtUp = this.puts.catchUp();
      const flushed = await this.flusher.flushAll(Math.max(this.options.syncFlushTimeout, 1000));
      this.flusher.stop();
      clearInterval(this.logicsTimer);
      await this.logicsFlush;
      const logicsOk = await this.flushLogics();
      this.commitLog.close();
      this.pool.closeAll();
      if (flushed && logicsOk && caughtUp) {
        fs.rmSync(this.abortFile, { force: true });
        this.log.info(`store: shut down cleanly at commit-log offset ${this.commitLog.maxOffset}`);
      } else if (!caughtUp) {
        this.log.error('store: consume queues are behind the commit log (a write failed); the next start rebuilds them as after a crash');
      } else {
        this.log.error('store: shut down without a full flush; the next start recovers as after a crash');
      }
    } finally {
      this.lock.release();
    }
  }

  /** Consume queues, index and checkpoint to disk (timer, and once more on shutdown); false on failure. */
  private flushLogics(): Promise<boolean> {
    if (this.logicsFlush !== undefined) return this.logicsFlush;
    const logicsTimestamp = this.puts.lastDispatchedTimestamp;
    const run = async (): Promise<void> => {
      this.puts.catchUp();
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
    this.logicsFlush = run().then(
      () => true,
      (e: Error) => {
        this.log.error(`store: flushing consume queues/index/checkpoint failed: ${e.message}`);
        return false;
      },
    ).finally(() => {
      this.logicsFlush = undefined;
    });
    return this.logicsFlush;
  }

  // ================================================================ writing

  putMessage(msg: MessageToStore): Promise<PutResult> {
    return this.puts.put([msg]);
  }

  putMessages(msgs: MessageToStore[]): Promise<PutResult> {
    return this.puts.putBatch(msgs);
  }

  onMessageArrived(listener: MessageArrivedListener): void {
    this.puts.onMessageArrived(listener);
    this.arrivedListeners.push(listener);
  }

  onCommitLogWritten(listener: () => void): void {
    this.puts.onCommitLogWritten(listener);
  }

  // ================================================================ replication (HA slave)

  /** The next commit-log offset the master must send: the committed end plus a record still incomplete. */
  getReplicaOffset(): number {
    return this.replica.nextOffset;
  }

  /**
   * Appends commit-log bytes received from the master at `offset` (= getReplicaOffset(), or a segment
   * boundary when the store is empty); the whole records among them reach their consume queues and the index
   * in the next event-loop turn. Throws ProtocolError for bytes that are not records at that offset, or the
   * file error of a failed write.
   */
  appendToCommitLog(offset: number, data: Buffer): void {
    if (this.state !== 'running') throw new Error('message store is not running');
    if (this.commitLog.pendingLength > 0) throw new Error('replicated bytes cannot be appended while local puts are pending');
    this.replica.append(offset, data);
  }

  private replicaDispatched(entries: DispatchEntry[]): void {
    const last = entries[entries.length - 1];
    if (last !== undefined) this.puts.lastDispatchedTimestamp = last.storeTimestamp;
    for (const e of entries) {
      if (!goesToConsumeQueue(e.sysFlag)) continue;
      for (const listener of this.arrivedListeners) {
        try {
          listener(e.topic, e.queueId, e.queueOffset, e.tagsCode);
        } catch (err) {
          this.log.error(`store: message-arrived listener failed: ${(err as Error).message}`);
        }
      }
    }
  }

  // ================================================================ retention

  /** One clean-up run now (the timer runs one every cleanResourceInterval): expired segments, then queues and index. */
  cleanExpiredFiles(): Promise<CleanReport> {
    return this.retention.runOnce();
  }

  /** RocketMQ executeDeleteFilesManually: the next 20 clean-up runs delete expired segments at any hour. */
  executeDeleteFilesManually(): void {
    this.retention.executeDeleteFilesManually();
  }

  /** UPDATE_BROKER_CONFIG of retention keys: checked (throws naming the key, nothing changed), then used from the next run. */
  updateRetentionOptions(changes: Partial<LiveRetentionOptions>): string[] {
    return this.retention.updateOptions(changes);
  }

  /** mqadmin cleanExpiredCQ: destroys the queues (not of SCHEDULE_TOPIC_XXXX) that only point below the commit log's start. */
  cleanExpiredConsumerQueue(): DestroyedQueue[] {
    this.puts.drain();
    return this.retention.cleanExpiredConsumerQueues(TOPIC_SCHEDULE);
  }

  /** Measures the disk now (the timer does every 10 s); true when puts are refused for a full disk. */
  checkDiskSpace(): boolean {
    return this.retention.checkDiskSpace();
  }

  /** True while puts are refused because the disk is (nearly) full. */
  get isDiskFull(): boolean {
    return this.retention.isDiskFull;
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

  /** RocketMQ's rule: the exact store time, else the nearer neighbour (queue-search.ts). */
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number): number {
    return offsetInQueueByTime(this.queues.find(topic, queueId), this.commitLog, timestamp);
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

  /** By UNIQ_KEY or KEYS entry; records in commit-log order, at most min(maxNum, maxMsgsNumBatch). */
  queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): QueryMessageResult {
    if (this.index === undefined) return { messages: [], indexLastUpdateTimestamp: 0, indexLastUpdatePhyoffset: 0 };
    const limit = Math.max(0, Math.min(maxNum, this.options.maxMsgsNumBatch));
    return queryByKey(this.index, this.commitLog, topic, key, limit, begin, end);
  }

  /** Committed commit-log bytes from `offset`, at most `maxBytes`, never past a segment end (for HA). */
  getCommitLogData(offset: number, maxBytes: number): Buffer | undefined {
    if (!Number.isSafeInteger(offset) || offset < this.commitLog.minOffset || offset >= this.commitLog.maxOffset || !(maxBytes > 0)) return undefined;
    const buf = Buffer.allocUnsafe(Math.min(maxBytes, this.commitLog.maxOffset - offset, this.options.mappedFileSizeCommitLog));
    const n = this.commitLog.read(offset, buf, 0, buf.length);
    return n > 0 ? buf.subarray(0, n) : undefined;
  }

  getMinPhyOffset(): number {
    return this.commitLog.minOffset;
  }

  getMaxPhyOffset(): number {
    return this.commitLog.maxOffset;
  }

  deleteTopics(topics: string[]): void {
    this.puts.drain();
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
