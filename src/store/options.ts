// Store settings under RocketMQ's MessageStoreConfig key names, so the broker can pass its flat config.
import path from 'node:path';
import { defaultRetentionOptions, validateRetentionOptions, type RetentionOptions } from './retention-options.js';
import type { HostAddress } from './types.js';

export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';
export type BrokerRole = 'ASYNC_MASTER' | 'SYNC_MASTER' | 'SLAVE';

/** RetentionOptions: deleteWhen, fileReservedTime, diskMaxUsedSpaceRatio, cleanResourceInterval, ... (retention-options.ts). */
export interface StoreOptions extends RetentionOptions {
  storePathRootDir: string;
  /** Default: <storePathRootDir>/commitlog. */
  storePathCommitLog: string;
  mappedFileSizeCommitLog: number;
  mappedFileSizeConsumeQueue: number;
  flushDiskType: FlushDiskType;
  /** ASYNC_FLUSH: ms between background fdatasyncs of the commit log. */
  flushIntervalCommitLog: number;
  /** ASYNC_FLUSH: flush only when this many 4 KiB pages are dirty... */
  flushCommitLogLeastPages: number;
  /** ...or when this many ms passed since the last flush. */
  flushCommitLogThoroughInterval: number;
  /** ms between flushes of consume queues, index and checkpoint. */
  flushIntervalConsumeQueue: number;
  /** SYNC_FLUSH: a put waiting longer than this for its fdatasync answers FLUSH_DISK_TIMEOUT. */
  syncFlushTimeout: number;
  /** Largest accepted message body in bytes. */
  maxMessageSize: number;
  maxHashSlotNum: number;
  maxIndexNum: number;
  messageIndexEnable: boolean;
  /** e.g. "1s 5s 10s 30s 1m 2m ..." (units s, m, h, d). */
  messageDelayLevel: string;
  maxTransferCountOnMessageInMemory: number;
  maxTransferBytesOnMessageInMemory: number;
  maxTransferCountOnMessageInDisk: number;
  maxTransferBytesOnMessageInDisk: number;
  /** Percent of physical memory: data further behind the write end than this counts as on disk. */
  accessMessageInMemoryMaxRatio: number;
  checkCRCOnRecover: boolean;
  defaultQueryMaxNum: number;
  /** Index lookups return at most this many offsets per call (RocketMQ maxMsgsNumBatch). */
  maxMsgsNumBatch: number;
  /** A SLAVE keeps the consumer's offset on OFFSET_* statuses unless offsetCheckInSlave. */
  brokerRole: BrokerRole;
  offsetCheckInSlave: boolean;
  /** brokerIP1 + listenPort: written as STOREHOST into every record and used in offsetMsgIds. */
  storeHost: HostAddress;
}

/** RocketMQ 4.9.8 defaults (MessageStoreConfig), rooted at `root`. */
export function defaultStoreOptions(root: string, storeHost: HostAddress): StoreOptions {
  return {
    storePathRootDir: root,
    storePathCommitLog: path.join(root, 'commitlog'),
    mappedFileSizeCommitLog: 1024 * 1024 * 1024,
    mappedFileSizeConsumeQueue: 300000 * 20,
    flushDiskType: 'ASYNC_FLUSH',
    flushIntervalCommitLog: 500,
    flushCommitLogLeastPages: 4,
    flushCommitLogThoroughInterval: 10_000,
    flushIntervalConsumeQueue: 1000,
    syncFlushTimeout: 5000,
    maxMessageSize: 4 * 1024 * 1024,
    maxHashSlotNum: 5_000_000,
    maxIndexNum: 5_000_000 * 4,
    messageIndexEnable: true,
    messageDelayLevel: '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h',
    maxTransferCountOnMessageInMemory: 32,
    maxTransferBytesOnMessageInMemory: 256 * 1024,
    maxTransferCountOnMessageInDisk: 8,
    maxTransferBytesOnMessageInDisk: 64 * 1024,
    accessMessageInMemoryMaxRatio: 40,
    checkCRCOnRecover: true,
    defaultQueryMaxNum: 32,
    maxMsgsNumBatch: 64,
    brokerRole: 'ASYNC_MASTER',
    offsetCheckInSlave: false,
    storeHost,
    ...defaultRetentionOptions(),
  };
}

const DELAY_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** RocketMQ has 18 levels; a long custom list is allowed but bounded. */
export const MAX_DELAY_LEVELS = 1000;

/** Delay of each level in ms; index 0 is level 1. Throws naming the bad entry. */
export function parseDelayLevels(spec: string): number[] {
  const levels: number[] = [];
  for (const item of spec.trim().split(/\s+/)) {
    if (item === '') continue;
    const match = /^(\d{1,9})([smhd])$/.exec(item);
    if (!match) throw new Error(`messageDelayLevel: "${item}" is not <number><s|m|h|d>`);
    levels.push(Number(match[1]) * DELAY_UNITS[match[2]!]!);
    if (levels.length > MAX_DELAY_LEVELS) throw new Error(`messageDelayLevel: more than ${MAX_DELAY_LEVELS} levels`);
  }
  return levels;
}

/** Throws an Error naming the first option that cannot work. */
export function validateStoreOptions(o: StoreOptions): void {
  const positive: Array<keyof StoreOptions> = [
    'mappedFileSizeCommitLog', 'mappedFileSizeConsumeQueue', 'flushIntervalCommitLog', 'flushIntervalConsumeQueue',
    'syncFlushTimeout', 'maxMessageSize', 'maxHashSlotNum', 'maxIndexNum', 'maxTransferCountOnMessageInMemory',
    'maxTransferBytesOnMessageInMemory', 'maxTransferCountOnMessageInDisk', 'maxTransferBytesOnMessageInDisk',
    'defaultQueryMaxNum', 'maxMsgsNumBatch',
  ];
  for (const key of positive) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw new Error(`store option ${key}=${String(v)} must be a positive integer`);
  }
  if (o.mappedFileSizeConsumeQueue % 20 !== 0) {
    throw new Error(`store option mappedFileSizeConsumeQueue=${o.mappedFileSizeConsumeQueue} must be a multiple of 20`);
  }
  if (o.mappedFileSizeCommitLog > 2 ** 31 - 1) throw new Error(`store option mappedFileSizeCommitLog=${o.mappedFileSizeCommitLog} exceeds 2 GiB`);
  if (o.mappedFileSizeCommitLog < 4096) throw new Error(`store option mappedFileSizeCommitLog=${o.mappedFileSizeCommitLog} is below 4096`);
  if (o.flushDiskType !== 'ASYNC_FLUSH' && o.flushDiskType !== 'SYNC_FLUSH') {
    throw new Error(`store option flushDiskType=${String(o.flushDiskType)} must be ASYNC_FLUSH or SYNC_FLUSH`);
  }
  if (!(o.accessMessageInMemoryMaxRatio >= 0 && o.accessMessageInMemoryMaxRatio <= 100)) {
    throw new Error(`store option accessMessageInMemoryMaxRatio=${o.accessMessageInMemoryMaxRatio} must be 0..100`);
  }
  if (o.flushCommitLogLeastPages < 0 || o.flushCommitLogThoroughInterval < 0) {
    throw new Error('store options flushCommitLogLeastPages and flushCommitLogThoroughInterval must not be negative');
  }
  parseDelayLevels(o.messageDelayLevel);
  validateRetentionOptions(o);
}
