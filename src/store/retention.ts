// Retention and the disk-space guard: RocketMQ 4.9.8's CleanCommitLogService, CleanConsumeQueueService and
// the 10-second disk check (DefaultMessageStore), with the same rules:
//
//  - A clean-up run (every cleanResourceInterval) deletes commit-log segments, oldest first and never the
//    newest one, whose last write is older than fileReservedTime hours, when
//      * the hour of the day is one of deleteWhen ("04", "01;04"), or
//      * the disk of the commit log (or of the consume queues) is more than diskMaxUsedSpaceRatio % used, or
//      * an operator asked for it (executeDeleteFilesManually: the next 20 runs).
//    Above diskSpaceCleanForciblyRatio (0.85) with cleanFileForciblyEnable, segments go even before
//    fileReservedTime. At most 10 segments per run, deleteCommitLogFilesInterval ms apart; a segment with
//    bytes not yet fdatasynced is never deleted.
//  - After the commit log's start moved up, consume-queue files and index files that only point below it
//    are deleted (never the last of each), and every queue's min offset moves to its first message that
//    is still there: a consumer behind it gets PULL_OFFSET_MOVED with the new minimum.
//  - Above diskSpaceWarningLevelRatio (0.90) the disk counts as full: puts are refused with
//    SERVICE_NOT_AVAILABLE until it is below again. A write that fails with ENOSPC marks it full at once.
//
// Differences, on purpose: the disk check runs every min(10 s, cleanResourceInterval) (RocketMQ: 10 s) and
// the first clean-up after min(60 s, cleanResourceInterval) (RocketMQ: 60 s), so a small interval speeds
// both up; when every unit of a consume queue is gone its min offset becomes its max offset (RocketMQ
// leaves it). destroyMapedFileIntervalForcibly and redeleteHangedFileInterval have nothing to do: files
// are read with synchronous preads, so no reader holds one when it is deleted.
//
// updateOptions (UPDATE_BROKER_CONFIG) changes the keys at once: each run reads deleteWhen, fileReservedTime and
// the ratios anew as 4.9.8 does, and a new cleanResourceInterval re-arms the timers (4.9.8 keeps the old one).
// cleanExpiredConsumerQueues is mqadmin cleanExpiredCQ: it destroys every queue that only points below the
// commit log's start, so its next message gets queue offset 0 again, as in 4.9.8.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../common/logger.js';
import type { CommitLog } from './commit-log.js';
import type { ConsumeQueue } from './consume-queue.js';
import type { ConsumeQueueTable } from './consume-queue-table.js';
import type { IndexService } from './index-service.js';
import type { WriteGuard } from './put-service.js';
import { diskPartitionSpaceUsedPercent, isItTimeToDo, parseDeleteWhen, validateRetentionOptions, type RetentionOptions } from './retention-options.js';

/** MappedFileQueue.DELETE_FILES_BATCH_MAX. */
export const DELETE_FILES_BATCH_MAX = 10;
/** CleanCommitLogService.MAX_MANUAL_DELETE_FILE_TIMES. */
export const MAX_MANUAL_DELETE_FILE_TIMES = 20;
const FIRST_CLEAN_MAX_DELAY_MS = 60_000;
const DISK_CHECK_MAX_INTERVAL_MS = 10_000;
const FIRST_DISK_CHECK_MAX_DELAY_MS = 1000;

/** Time as retention sees it; tests inject one to play "it is 04:00, three days later". */
export interface RetentionClock {
  /** ms since the epoch, compared with the segments' modification times. */
  now(): number;
  /** Local hour of the day 0-23, compared with deleteWhen. */
  hourOfDay(): number;
}

export const SYSTEM_CLOCK: RetentionClock = {
  now: () => Date.now(),
  hourOfDay: () => new Date().getHours(),
};

/** Used fraction of the disk holding a folder (0..1), or -1 when it cannot be measured. */
export type DiskUsage = (dir: string) => number;

export interface RetentionParts {
  commitLog: CommitLog;
  queues: ConsumeQueueTable;
  index: IndexService | undefined;
  options: RetentionOptions & { storePathCommitLog: string; storePathRootDir: string };
  log: Logger;
  clock?: RetentionClock;
  diskUsage?: DiskUsage;
}

export interface CleanReport {
  timeUp: boolean;
  spaceFull: boolean;
  manual: boolean;
  cleanAtOnce: boolean;
  commitLogFiles: number;
  consumeQueueFiles: number;
  indexFiles: number;
}

/** The keys UPDATE_BROKER_CONFIG may change on a running store. */
export const LIVE_RETENTION_KEYS = [
  'deleteWhen', 'fileReservedTime', 'diskMaxUsedSpaceRatio', 'cleanResourceInterval', 'deleteCommitLogFilesInterval',
  'deleteConsumeQueueFilesInterval', 'destroyMapedFileIntervalForcibly', 'redeleteHangedFileInterval', 'cleanFileForciblyEnable',
] as const;
export type LiveRetentionOptions = Pick<RetentionOptions, (typeof LIVE_RETENTION_KEYS)[number]>;

/** A consume queue destroyed by cleanExpiredConsumerQueues. */
export interface DestroyedQueue {
  topic: string;
  queueId: number;
  /** Where its last message was in the commit log (below the commit log's start). */
  maxPhyEnd: number;
}

export class RetentionService implements WriteGuard {
  private hours: number[];
  private readonly clock: RetentionClock;
  private readonly diskUsage: DiskUsage;
  private readonly consumeQueueDir: string;
  private diskFullReason: string | undefined;
  private cleanImmediately = false;
  private manualDeleteTimes = 0;
  private lastPhysicalMinOffset = 0;
  private cleanTimer: NodeJS.Timeout | undefined;
  private diskTimer: NodeJS.Timeout | undefined;
  private running: Promise<CleanReport> | undefined;
  private stopped = false;
  private started = false;
  private wakeSleeper: (() => void) | undefined;

  constructor(private readonly p: RetentionParts) {
    this.hours = parseDeleteWhen(p.options.deleteWhen);
    this.clock = p.clock ?? SYSTEM_CLOCK;
    this.diskUsage = p.diskUsage ?? diskPartitionSpaceUsedPercent;
    this.consumeQueueDir = path.join(p.options.storePathRootDir, 'consumequeue');
  }

  // ---------------------------------------------------------------- the guard of the write path

  refusal(): string | undefined {
    return this.diskFullReason;
  }

  diskFull(reason: string): void {
    if (this.diskFullReason === undefined) this.p.log.error(`store: ${reason}; so mark disk full, puts are refused until there is room again`);
    this.diskFullReason = `the broker's disk is full: ${reason}`;
  }

  get isDiskFull(): boolean {
    return this.diskFullReason !== undefined;
  }

  private markDiskFull(ratio: number, what: string): void {
    if (this.diskFullReason === undefined) {
      this.p.log.error(`${what} disk maybe full soon ${ratio}, so mark disk full`);
    }
    this.diskFullReason = `the broker's disk is full: ${what} disk ${Math.round(ratio * 100)}% used, over diskSpaceWarningLevelRatio ${this.p.options.diskSpaceWarningLevelRatio}`;
  }

  private markDiskOk(ratio: number, what: string): void {
    if (this.diskFullReason !== undefined) this.p.log.info(`${what} disk space OK ${ratio}, so mark disk ok`);
    this.diskFullReason = undefined;
  }

  // ---------------------------------------------------------------- schedule

  start(): void {
    this.started = true;
    const interval = this.p.options.cleanResourceInterval;
    this.scheduleCheck(Math.min(FIRST_DISK_CHECK_MAX_DELAY_MS, interval, DISK_CHECK_MAX_INTERVAL_MS));
    this.scheduleClean(Math.min(FIRST_CLEAN_MAX_DELAY_MS, interval));
  }

  /** Every min(10 s, cleanResourceInterval), read anew each time. */
  private scheduleCheck(delay: number): void {
    clearTimeout(this.diskTimer);
    this.diskTimer = setTimeout(() => {
      if (this.stopped) return;
      this.checkDiskSpace();
      this.scheduleCheck(Math.min(DISK_CHECK_MAX_INTERVAL_MS, this.p.options.cleanResourceInterval));
    }, delay);
    this.diskTimer.unref();
  }

  private scheduleClean(delay: number): void {
    clearTimeout(this.cleanTimer);
    this.cleanTimer = setTimeout(() => {
      if (this.stopped) return;
      this.runOnce().then(
        () => undefined,
        (e: unknown) => this.p.log.warn(`CleanCommitLogService service has exception. ${(e as Error).message}`),
      ).finally(() => {
        if (!this.stopped) this.scheduleClean(this.p.options.cleanResourceInterval);
      });
    }, delay);
    this.cleanTimer.unref();
  }

  /**
   * UPDATE_BROKER_CONFIG: checks the whole set first (throws naming the bad key, nothing changed), then applies it.
   * Returns the keys that changed.
   */
  updateOptions(changes: Partial<LiveRetentionOptions>): string[] {
    const o = this.p.options;
    const next = { ...o, ...changes };
    validateRetentionOptions(next);
    const changed = LIVE_RETENTION_KEYS.filter((k) => changes[k] !== undefined && changes[k] !== o[k]);
    Object.assign(o, changes);
    this.hours = parseDeleteWhen(o.deleteWhen);
    if (changed.length > 0) this.p.log.info(`retention options changed: ${changed.map((k) => `${k}=${String(o[k])}`).join(', ')}`);
    if (changed.includes('cleanResourceInterval') && this.started && !this.stopped) {
      this.scheduleClean(o.cleanResourceInterval);
      this.scheduleCheck(Math.min(DISK_CHECK_MAX_INTERVAL_MS, o.cleanResourceInterval));
    }
    return changed;
  }

  /** Stops the timers and waits for a clean-up run under way (it stops after the file it is deleting). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.cleanTimer);
    clearTimeout(this.diskTimer);
    this.wakeSleeper?.();
    await this.running?.catch(() => undefined);
  }

  /** RocketMQ executeDeleteFilesManually: the next 20 runs delete expired segments whatever the hour. */
  executeDeleteFilesManually(): void {
    this.manualDeleteTimes = MAX_MANUAL_DELETE_FILE_TIMES;
    this.p.log.info('executeDeleteFilesManually was invoked');
  }

  // ---------------------------------------------------------------- the disk check

  /** RocketMQ isSpaceFull (every 10 s): the commit log's disk over diskSpaceWarningLevelRatio is full. */
  checkDiskSpace(): boolean {
    const ratio = this.diskUsage(this.p.options.storePathCommitLog);
    if (ratio > this.p.options.diskSpaceWarningLevelRatio) {
      this.markDiskFull(ratio, 'physic');
      return true;
    }
    this.markDiskOk(ratio, 'physic');
    return false;
  }

  /**
   * RocketMQ isSpaceToDelete: true when the commit log's or the consume queues' disk is over
   * diskMaxUsedSpaceRatio (or cannot be measured); sets cleanImmediately over diskSpaceCleanForciblyRatio and
   * the disk-full flag over diskSpaceWarningLevelRatio (cleared when both are below it: RocketMQ lets the
   * second disk's check clear the first one's flag).
   */
  private isSpaceToDelete(): boolean {
    const o = this.p.options;
    const ratio = o.diskMaxUsedSpaceRatio / 100;
    this.cleanImmediately = false;
    let reclaim = false;
    let fullest: { used: number; what: string } | undefined;
    let last = { used: 0, what: 'physic' };
    for (const [dir, what] of [[o.storePathCommitLog, 'physic'], [this.consumeQueueDir, 'logics']] as const) {
      const used = this.diskUsage(dir);
      last = { used, what };
      if (used > o.diskSpaceWarningLevelRatio) {
        fullest ??= { used, what };
        this.cleanImmediately = true;
      } else if (used > o.diskSpaceCleanForciblyRatio) {
        this.cleanImmediately = true;
      }
      if (used < 0 || used > ratio) {
        this.p.log.info(`${what} disk maybe full soon, so reclaim space, ${used}`);
        reclaim = true;
      }
    }
    if (fullest !== undefined) this.markDiskFull(fullest.used, fullest.what);
    else this.markDiskOk(last.used, last.what);
    return reclaim;
  }

  // ---------------------------------------------------------------- clean-up

  /** One clean-up run (cleanFilesPeriodically); runs never overlap. */
  runOnce(): Promise<CleanReport> {
    if (this.running !== undefined) return this.running;
    this.running = this.clean().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async clean(): Promise<CleanReport> {
    const report = await this.cleanCommitLog();
    const { consumeQueueFiles, indexFiles } = await this.cleanConsumeQueues();
    return { ...report, consumeQueueFiles, indexFiles };
  }

  private async cleanCommitLog(): Promise<Omit<CleanReport, 'consumeQueueFiles' | 'indexFiles'>> {
    const o = this.p.options;
    const timeUp = isItTimeToDo(this.hours, this.clock.hourOfDay());
    if (timeUp) this.p.log.info(`it's time to reclaim disk space, ${o.deleteWhen}`);
    const spaceFull = this.isSpaceToDelete();
    const manual = this.manualDeleteTimes > 0;
    const report = { timeUp, spaceFull, manual, cleanAtOnce: false, commitLogFiles: 0 };
    if (!timeUp && !spaceFull && !manual) return report;
    if (manual) this.manualDeleteTimes--;
    report.cleanAtOnce = o.cleanFileForciblyEnable && this.cleanImmediately;
    this.p.log.info(
      `begin to delete before ${o.fileReservedTime} hours file. timeup: ${timeUp} spacefull: ${spaceFull} ` +
        `manualDeleteFileSeveralTimes: ${this.manualDeleteTimes} cleanAtOnce: ${report.cleanAtOnce}`,
    );
    report.commitLogFiles = await this.deleteExpiredSegments(o.fileReservedTime * 3_600_000, report.cleanAtOnce);
    if (report.commitLogFiles === 0 && spaceFull) this.p.log.warn('disk space will be full soon, but delete file failed.');
    return report;
  }

  /** MappedFileQueue.deleteExpiredFileByTime: oldest first, stop at the first segment that stays. */
  private async deleteExpiredSegments(expiredMs: number, cleanAtOnce: boolean): Promise<number> {
    const { commitLog, log } = this.p;
    const limit = commitLog.segmentCount - 1;
    let deleted = 0;
    for (let i = 0; i < limit && !this.stopped; i++) {
      const file = commitLog.segmentPath(0);
      let modified: number;
      try {
        modified = fs.statSync(file).mtimeMs;
      } catch {
        modified = 0;
      }
      if (this.clock.now() < modified + expiredMs && !cleanAtOnce) break;
      if (!commitLog.deleteOldestSegment()) break;
      deleted++;
      log.info(`commitlog: deleted ${file} (last written ${new Date(modified).toISOString()}), commit log now starts at ${commitLog.minOffset}`);
      if (deleted >= DELETE_FILES_BATCH_MAX) break;
      if (i + 1 < limit) await this.sleep(this.p.options.deleteCommitLogFilesInterval);
    }
    if (deleted > 0) commitLog.syncDir();
    return deleted;
  }

  /** CleanConsumeQueueService: once the commit log's start moved up, trim consume queues and the index. */
  private async cleanConsumeQueues(): Promise<{ consumeQueueFiles: number; indexFiles: number }> {
    const minOffset = this.p.commitLog.minOffset;
    if (minOffset <= this.lastPhysicalMinOffset) return { consumeQueueFiles: 0, indexFiles: 0 };
    this.lastPhysicalMinOffset = minOffset;
    let consumeQueueFiles = 0;
    for (const cq of [...this.p.queues.all()]) {
      if (this.stopped) break;
      const n = cq.deleteExpiredFiles(minOffset);
      consumeQueueFiles += n;
      if (n > 0) await this.sleep(this.p.options.deleteConsumeQueueFilesInterval);
    }
    const indexFiles = this.stopped ? 0 : (this.p.index?.deleteExpiredFiles(minOffset) ?? 0);
    return { consumeQueueFiles, indexFiles };
  }

  /**
   * DefaultMessageStore.cleanExpiredConsumerQueue (mqadmin cleanExpiredCQ): every queue, except those of
   * SCHEDULE_TOPIC_XXXX, whose last message lies below the commit log's start is destroyed. An empty queue may
   * have been created just now and stays; so does one with a write under way.
   */
  cleanExpiredConsumerQueues(skipTopic: string): DestroyedQueue[] {
    const minPhy = this.p.commitLog.minOffset;
    const destroyed: DestroyedQueue[] = [];
    for (const cq of [...this.p.queues.all()]) {
      if (cq.topic === skipTopic || !isExpired(cq, minPhy)) continue;
      destroyed.push({ topic: cq.topic, queueId: cq.queueId, maxPhyEnd: cq.maxPhyEnd });
      this.p.log.info(`cleanExpiredConsumerQueue: ${cq.topic} ${cq.queueId} consumer queue destroyed, minCommitLogOffset: ${minPhy} maxCLOffsetInConsumeQueue: ${cq.maxPhyEnd}`);
      cq.destroy();
    }
    return destroyed;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleeper = done;
    });
  }
}

/** Holds units, none of them pending, and the last one's message ends below the commit log's start (4.9.8 getLastOffset < min). */
function isExpired(cq: ConsumeQueue, minPhy: number): boolean {
  return cq.maxOffset > 0 && !cq.hasPending && cq.nextOffset === cq.maxOffset && cq.maxPhyEnd > 0 && cq.maxPhyEnd < minPhy;
}
