// The store's settings picked from the flat broker config (same RocketMQ key names) plus the store host.
import type { BrokerConfig } from '../config/broker-config.js';
import type { StoreOptions } from '../store/options.js';
import { defaultRetentionOptions } from '../store/retention-options.js';
import type { HostAddress } from '../store/types.js';

export function storeOptionsOf(c: BrokerConfig, storeHost: HostAddress): StoreOptions {
  return {
    storePathRootDir: c.storePathRootDir,
    storePathCommitLog: c.storePathCommitLog,
    mappedFileSizeCommitLog: c.mappedFileSizeCommitLog,
    mappedFileSizeConsumeQueue: c.mappedFileSizeConsumeQueue,
    flushDiskType: c.flushDiskType,
    flushIntervalCommitLog: c.flushIntervalCommitLog,
    flushCommitLogLeastPages: c.flushCommitLogLeastPages,
    flushCommitLogThoroughInterval: c.flushCommitLogThoroughInterval,
    flushIntervalConsumeQueue: c.flushIntervalConsumeQueue,
    syncFlushTimeout: c.syncFlushTimeout,
    maxMessageSize: c.maxMessageSize,
    maxHashSlotNum: c.maxHashSlotNum,
    maxIndexNum: c.maxIndexNum,
    messageIndexEnable: c.messageIndexEnable,
    messageDelayLevel: c.messageDelayLevel,
    maxTransferCountOnMessageInMemory: c.maxTransferCountOnMessageInMemory,
    maxTransferBytesOnMessageInMemory: c.maxTransferBytesOnMessageInMemory,
    maxTransferCountOnMessageInDisk: c.maxTransferCountOnMessageInDisk,
    maxTransferBytesOnMessageInDisk: c.maxTransferBytesOnMessageInDisk,
    accessMessageInMemoryMaxRatio: c.accessMessageInMemoryMaxRatio,
    checkCRCOnRecover: c.checkCRCOnRecover,
    defaultQueryMaxNum: c.defaultQueryMaxNum,
    maxMsgsNumBatch: c.maxMsgsNumBatch,
    brokerRole: c.brokerRole,
    offsetCheckInSlave: c.offsetCheckInSlave,
    storeHost,
    ...defaultRetentionOptions(),
    deleteWhen: c.deleteWhen,
    fileReservedTime: c.fileReservedTime,
    diskMaxUsedSpaceRatio: c.diskMaxUsedSpaceRatio,
    cleanResourceInterval: c.cleanResourceInterval,
    deleteCommitLogFilesInterval: c.deleteCommitLogFilesInterval,
    deleteConsumeQueueFilesInterval: c.deleteConsumeQueueFilesInterval,
    destroyMapedFileIntervalForcibly: c.destroyMapedFileIntervalForcibly,
    redeleteHangedFileInterval: c.redeleteHangedFileInterval,
    cleanFileForciblyEnable: c.cleanFileForciblyEnable,
  };
}
