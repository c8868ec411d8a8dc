// Retention settings (RocketMQ 4.9.8 MessageStoreConfig names and defaults) and the two measurements the
// clean-up rules are made of: "is it the hour" (deleteWhen) and "how full is the disk" (statfs).
import fs from 'node:fs';

export interface RetentionOptions {
  /** Hours of the day (local time) when expired commit-log segments are removed: "04", "01;04". */
  deleteWhen: string;
  /** Hours a commit-log segment is kept after its last write. */
  fileReservedTime: number;
  /** Percent (10-95): above it expired segments go at any hour, not only at deleteWhen. */
  diskMaxUsedSpaceRatio: number;
  /** ms between clean-up runs (the first one comes after min(60 s, this)). */
  cleanResourceInterval: number;
  /** ms to wait between two commit-log segment deletions of one run. */
  deleteCommitLogFilesInterval: number;
  /** ms to wait after a consume queue lost files, before the next queue. */
  deleteConsumeQueueFilesInterval: number;
  /**
   * RocketMQ: how long a mapped file still referenced by readers may hang before it is unmapped anyway.
   * Here reads are synchronous preads, so a file is never in use when it is deleted; accepted, no effect.
   */
  destroyMapedFileIntervalForcibly: number;
  /** RocketMQ: ms between retries of a first file whose deletion hung. Accepted, no effect (see above). */
  redeleteHangedFileInterval: number;
  /** Above diskSpaceCleanForciblyRatio, delete segments even before fileReservedTime (never the newest). */
  cleanFileForciblyEnable: boolean;
  /** Fraction above which puts are refused (RocketMQ -Drocketmq.broker.diskSpaceWarningLevelRatio, 0.90). */
  diskSpaceWarningLevelRatio: number;
  /** Fraction above which unexpired segments are removed too (-Drocketmq.broker.diskSpaceCleanForciblyRatio, 0.85). */
  diskSpaceCleanForciblyRatio: number;
}

export function defaultRetentionOptions(): RetentionOptions {
  return {
    deleteWhen: '04',
    fileReservedTime: 72,
    diskMaxUsedSpaceRatio: 75,
    cleanResourceInterval: 10_000,
    deleteCommitLogFilesInterval: 100,
    deleteConsumeQueueFilesInterval: 100,
    destroyMapedFileIntervalForcibly: 120_000,
    redeleteHangedFileInterval: 120_000,
    cleanFileForciblyEnable: true,
    diskSpaceWarningLevelRatio: 0.9,
    diskSpaceCleanForciblyRatio: 0.85,
  };
}

/** The hours of `deleteWhen` ("04", "01;04"); throws naming the bad entry (RocketMQ would fail every run). */
export function parseDeleteWhen(when: string): number[] {
  const hours: number[] = [];
  for (const item of when.split(';')) {
    const text = item.trim();
    if (!/^\+?\d{1,2}$/.test(text) || Number(text) > 23) {
      throw new Error(`store option deleteWhen="${when}": "${item}" is not an hour 0-23 (write e.g. "04" or "01;04")`);
    }
    hours.push(Number(text));
  }
  return hours;
}

/** RocketMQ UtilAll.isItTimeToDo: the current hour of the day is one of `hours`. */
export function isItTimeToDo(hours: readonly number[], hourOfDay: number): boolean {
  return hours.includes(hourOfDay);
}

export function validateRetentionOptions(o: RetentionOptions): void {
  parseDeleteWhen(o.deleteWhen);
  const nonNegative: Array<keyof RetentionOptions> = [
    'fileReservedTime', 'deleteCommitLogFilesInterval', 'deleteConsumeQueueFilesInterval',
    'destroyMapedFileIntervalForcibly', 'redeleteHangedFileInterval',
  ];
  for (const key of nonNegative) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new Error(`store option ${key}=${String(v)} must be a non-negative integer`);
  }
  if (!Number.isSafeInteger(o.cleanResourceInterval) || o.cleanResourceInterval <= 0) {
    throw new Error(`store option cleanResourceInterval=${o.cleanResourceInterval} must be a positive integer (ms)`);
  }
  if (!(o.diskMaxUsedSpaceRatio >= 10 && o.diskMaxUsedSpaceRatio <= 95)) {
    throw new Error(`store option diskMaxUsedSpaceRatio=${o.diskMaxUsedSpaceRatio} must be 10..95`);
  }
  for (const key of ['diskSpaceWarningLevelRatio', 'diskSpaceCleanForciblyRatio'] as const) {
    const v = o[key];
    if (!(v > 0 && v <= 1)) throw new Error(`store option ${key}=${v} must be a fraction in (0, 1]`);
  }
}

/**
 * RocketMQ UtilAll.getDiskPartitionSpaceUsedPercent: used / (used + available to us), rounded up to
 * hundredths, as `df` shows Use%. -1 when the path does not exist or cannot be measured.
 */
export function diskPartitionSpaceUsedPercent(dir: string): number {
  let s: fs.StatsFs;
  try {
    s = fs.statfsSync(dir);
  } catch {
    return -1;
  }
  // In blocks: the block size cancels out, and the numbers stay exact.
  const used = s.blocks - s.bfree;
  const entire = used + s.bavail;
  if (s.blocks <= 0 || entire <= 0) return -1;
  const percent = Math.floor((used * 100) / entire) + ((used * 100) % entire !== 0 ? 1 : 0);
  return percent / 100;
}

/** RocketMQ's "%5.2f" of a ratio, as in the disk-full remark "CL:  0.91 CQ:  0.91 INDEX:  0.91". */
export function formatRatio(ratio: number): string {
  return ratio.toFixed(2).padStart(5, ' ');
}
