// Store settings with RocketMQ 4.9.8's MessageStoreConfig names and defaults (part of the flat BrokerConfig).
import path from 'node:path';
import type { ConfigSchema } from './typed-config.js';

export type BrokerRole = 'ASYNC_MASTER' | 'SYNC_MASTER' | 'SLAVE';
export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

export const BROKER_ROLES: readonly BrokerRole[] = ['ASYNC_MASTER', 'SYNC_MASTER', 'SLAVE'];
export const FLUSH_DISK_TYPES: readonly FlushDiskType[] = ['ASYNC_FLUSH', 'SYNC_FLUSH'];

/** Size of one ConsumeQueue unit; mappedFileSizeConsumeQueue is rounded up to a multiple of it. */
export const CQ_STORE_UNIT_SIZE = 20;

export interface MessageStoreConfig {
  storePathRootDir: string;
  /** Default `<storePathRootDir>/commitlog`. */
  storePathCommitLog: string;
  /** Not RocketMQ 4.9.8 keys (3.x had them; the guides still write them). Default `<storePathRootDir>/<name>`. */
  storePathConsumeQueue: string;
  storePathIndex: string;
  storeCheckpoint: string;
  abortFile: string;
  /** '' = unset (Java null). */
  storePathDLedgerCommitLog: string;
  readOnlyCommitLogStorePaths: string;
  mappedFileSizeCommitLog: number;
  mappedFileSizeConsumeQueue: number;
  enableConsumeQueueExt: boolean;
  mappedFileSizeConsumeQueueExt: number;
  bitMapLengthConsumeQueueExt: number;
  flushIntervalCommitLog: number;
  commitIntervalCommitLog: number;
  useReentrantLockWhenPutMessage: boolean;
  flushCommitLogTimed: boolean;
  flushIntervalConsumeQueue: number;
  cleanResourceInterval: number;
  deleteCommitLogFilesInterval: number;
  deleteConsumeQueueFilesInterval: number;
  destroyMapedFileIntervalForcibly: number;
  redeleteHangedFileInterval: number;
  deleteWhen: string;
  diskMaxUsedSpaceRatio: number;
  fileReservedTime: number;
  putMsgIndexHightWater: number;
  maxMessageSize: number;
  checkCRCOnRecover: boolean;
  flushCommitLogLeastPages: number;
  commitCommitLogLeastPages: number;
  flushLeastPagesWhenWarmMapedFile: number;
  flushConsumeQueueLeastPages: number;
  flushCommitLogThoroughInterval: number;
  commitCommitLogThoroughInterval: number;
  flushConsumeQueueThoroughInterval: number;
  maxTransferBytesOnMessageInMemory: number;
  maxTransferCountOnMessageInMemory: number;
  maxTransferBytesOnMessageInDisk: number;
  maxTransferCountOnMessageInDisk: number;
  accessMessageInMemoryMaxRatio: number;
  messageIndexEnable: boolean;
  maxHashSlotNum: number;
  maxIndexNum: number;
  maxMsgsNumBatch: number;
  messageIndexSafe: boolean;
  /** Default listenPort + 1. */
  haListenPort: number;
  haSendHeartbeatInterval: number;
  haHousekeepingInterval: number;
  haTransferBatchSize: number;
  /** '' = unset: a slave learns its master's HA address from the NameServer. */
  haMasterAddress: string;
  haSlaveFallbehindMax: number;
  brokerRole: BrokerRole;
  flushDiskType: FlushDiskType;
  syncFlushTimeout: number;
  slaveTimeout: number;
  messageDelayLevel: string;
  flushDelayOffsetInterval: number;
  cleanFileForciblyEnable: boolean;
  warmMapedFileEnable: boolean;
  offsetCheckInSlave: boolean;
  debugLockEnable: boolean;
  duplicationEnable: boolean;
  diskFallRecorded: boolean;
  osPageCacheBusyTimeOutMills: number;
  defaultQueryMaxNum: number;
  transientStorePoolEnable: boolean;
  transientStorePoolSize: number;
  fastFailIfNoBufferInStorePool: boolean;
  enableDLegerCommitLog: boolean;
  /** '' = unset. */
  dLegerGroup: string;
  /** `n0-host:port;n1-host:port;...`; '' = unset. */
  dLegerPeers: string;
  /** '' = unset. */
  dLegerSelfId: string;
  preferredLeaderId: string;
  enableBatchPush: boolean;
  enableScheduleMessageStats: boolean;
  enableLmq: boolean;
  enableMultiDispatch: boolean;
  maxLmqConsumeQueueNum: number;
  enableScheduleAsyncDeliver: boolean;
  scheduleAsyncDeliverMaxPendingLimit: number;
  scheduleAsyncDeliverMaxResendNum2Blocked: number;
}

export const MESSAGE_STORE_SCHEMA: ConfigSchema<MessageStoreConfig> = {
  storePathRootDir: 'string',
  storePathCommitLog: 'string',
  storePathConsumeQueue: 'string',
  storePathIndex: 'string',
  storeCheckpoint: 'string',
  abortFile: 'string',
  storePathDLedgerCommitLog: 'string',
  readOnlyCommitLogStorePaths: 'string',
  mappedFileSizeCommitLog: 'int',
  mappedFileSizeConsumeQueue: 'int',
  enableConsumeQueueExt: 'bool',
  mappedFileSizeConsumeQueueExt: 'int',
  bitMapLengthConsumeQueueExt: 'int',
  flushIntervalCommitLog: 'int',
  commitIntervalCommitLog: 'int',
  useReentrantLockWhenPutMessage: 'bool',
  flushCommitLogTimed: 'bool',
  flushIntervalConsumeQueue: 'int',
  cleanResourceInterval: 'int',
  deleteCommitLogFilesInterval: 'int',
  deleteConsumeQueueFilesInterval: 'int',
  destroyMapedFileIntervalForcibly: 'int',
  redeleteHangedFileInterval: 'int',
  deleteWhen: 'string',
  diskMaxUsedSpaceRatio: 'int',
  fileReservedTime: 'int',
  putMsgIndexHightWater: 'int',
  maxMessageSize: 'int',
  checkCRCOnRecover: 'bool',
  flushCommitLogLeastPages: 'int',
  commitCommitLogLeastPages: 'int',
  flushLeastPagesWhenWarmMapedFile: 'int',
  flushConsumeQueueLeastPages: 'int',
  flushCommitLogThoroughInterval: 'int',
  commitCommitLogThoroughInterval: 'int',
  flushConsumeQueueThoroughInterval: 'int',
  maxTransferBytesOnMessageInMemory: 'int',
  maxTransferCountOnMessageInMemory: 'int',
  maxTransferBytesOnMessageInDisk: 'int',
  maxTransferCountOnMessageInDisk: 'int',
  accessMessageInMemoryMaxRatio: 'int',
  messageIndexEnable: 'bool',
  maxHashSlotNum: 'int',
  maxIndexNum: 'int',
  maxMsgsNumBatch: 'int',
  messageIndexSafe: 'bool',
  haListenPort: 'int',
  haSendHeartbeatInterval: 'int',
  haHousekeepingInterval: 'int',
  haTransferBatchSize: 'int',
  haMasterAddress: 'string',
  haSlaveFallbehindMax: 'int',
  brokerRole: { enum: BROKER_ROLES },
  flushDiskType: { enum: FLUSH_DISK_TYPES },
  syncFlushTimeout: 'int',
  slaveTimeout: 'int',
  messageDelayLevel: 'string',
  flushDelayOffsetInterval: 'long',
  cleanFileForciblyEnable: 'bool',
  warmMapedFileEnable: 'bool',
  offsetCheckInSlave: 'bool',
  debugLockEnable: 'bool',
  duplicationEnable: 'bool',
  diskFallRecorded: 'bool',
  osPageCacheBusyTimeOutMills: 'long',
  defaultQueryMaxNum: 'int',
  transientStorePoolEnable: 'bool',
  transientStorePoolSize: 'int',
  fastFailIfNoBufferInStorePool: 'bool',
  enableDLegerCommitLog: 'bool',
  dLegerGroup: 'string',
  dLegerPeers: 'string',
  dLegerSelfId: 'string',
  preferredLeaderId: 'string',
  enableBatchPush: 'bool',
  enableScheduleMessageStats: 'bool',
  enableLmq: 'bool',
  enableMultiDispatch: 'bool',
  maxLmqConsumeQueueNum: 'int',
  enableScheduleAsyncDeliver: 'bool',
  scheduleAsyncDeliverMaxPendingLimit: 'int',
  scheduleAsyncDeliverMaxResendNum2Blocked: 'int',
};

/** Paths RocketMQ derives from storePathRootDir when they are not given. */
export const STORE_PATHS_UNDER_ROOT = {
  storePathCommitLog: 'commitlog',
  storePathConsumeQueue: 'consumequeue',
  storePathIndex: 'index',
  storeCheckpoint: 'checkpoint',
  abortFile: 'abort',
} as const;

export function storePathsUnder(root: string): Record<keyof typeof STORE_PATHS_UNDER_ROOT, string> {
  return {
    storePathCommitLog: path.join(root, STORE_PATHS_UNDER_ROOT.storePathCommitLog),
    storePathConsumeQueue: path.join(root, STORE_PATHS_UNDER_ROOT.storePathConsumeQueue),
    storePathIndex: path.join(root, STORE_PATHS_UNDER_ROOT.storePathIndex),
    storeCheckpoint: path.join(root, STORE_PATHS_UNDER_ROOT.storeCheckpoint),
    abortFile: path.join(root, STORE_PATHS_UNDER_ROOT.abortFile),
  };
}

/** MessageStoreConfig defaults for a store under `homeDir/store` and a broker on `listenPort`. */
export function defaultMessageStoreConfig(homeDir: string, listenPort: number): MessageStoreConfig {
  const root = path.join(homeDir, 'store');
  return {
    storePathRootDir: root,
    ...storePathsUnder(root),
    storePathDLedgerCommitLog: '',
    readOnlyCommitLogStorePaths: '',
    mappedFileSizeCommitLog: 1024 * 1024 * 1024,
    mappedFileSizeConsumeQueue: 300_000 * CQ_STORE_UNIT_SIZE,
    enableConsumeQueueExt: false,
    mappedFileSizeConsumeQueueExt: 48 * 1024 * 1024,
    bitMapLengthConsumeQueueExt: 64,
    flushIntervalCommitLog: 500,
    commitIntervalCommitLog: 200,
    useReentrantLockWhenPutMessage: true,
    flushCommitLogTimed: true,
    flushIntervalConsumeQueue: 1000,
    cleanResourceInterval: 10_000,
    deleteCommitLogFilesInterval: 100,
    deleteConsumeQueueFilesInterval: 100,
    destroyMapedFileIntervalForcibly: 120_000,
    redeleteHangedFileInterval: 120_000,
    deleteWhen: '04',
    diskMaxUsedSpaceRatio: 75,
    fileReservedTime: 72,
    putMsgIndexHightWater: 600_000,
    maxMessageSize: 4 * 1024 * 1024,
    checkCRCOnRecover: true,
    flushCommitLogLeastPages: 4,
    commitCommitLogLeastPages: 4,
    flushLeastPagesWhenWarmMapedFile: (1024 / 4) * 16,
    flushConsumeQueueLeastPages: 2,
    flushCommitLogThoroughInterval: 10_000,
    commitCommitLogThoroughInterval: 200,
    flushConsumeQueueThoroughInterval: 60_000,
    maxTransferBytesOnMessageInMemory: 256 * 1024,
    maxTransferCountOnMessageInMemory: 32,
    maxTransferBytesOnMessageInDisk: 64 * 1024,
    maxTransferCountOnMessageInDisk: 8,
    accessMessageInMemoryMaxRatio: 40,
    messageIndexEnable: true,
    maxHashSlotNum: 5_000_000,
    maxIndexNum: 5_000_000 * 4,
    maxMsgsNumBatch: 64,
    messageIndexSafe: false,
    haListenPort: listenPort + 1,
    haSendHeartbeatInterval: 5000,
    haHousekeepingInterval: 20_000,
    haTransferBatchSize: 32 * 1024,
    haMasterAddress: '',
    haSlaveFallbehindMax: 256 * 1024 * 1024,
    brokerRole: 'ASYNC_MASTER',
    flushDiskType: 'ASYNC_FLUSH',
    syncFlushTimeout: 5000,
    slaveTimeout: 3000,
    messageDelayLevel: '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h',
    flushDelayOffsetInterval: 10_000,
    cleanFileForciblyEnable: true,
    warmMapedFileEnable: false,
    offsetCheckInSlave: false,
    debugLockEnable: false,
    duplicationEnable: false,
    diskFallRecorded: true,
    osPageCacheBusyTimeOutMills: 1000,
    defaultQueryMaxNum: 32,
    transientStorePoolEnable: false,
    transientStorePoolSize: 5,
    fastFailIfNoBufferInStorePool: false,
    enableDLegerCommitLog: false,
    dLegerGroup: '',
    dLegerPeers: '',
    dLegerSelfId: '',
    preferredLeaderId: '',
    enableBatchPush: false,
    enableScheduleMessageStats: true,
    enableLmq: false,
    enableMultiDispatch: false,
    maxLmqConsumeQueueNum: 20_000,
    enableScheduleAsyncDeliver: false,
    scheduleAsyncDeliverMaxPendingLimit: 2000,
    scheduleAsyncDeliverMaxResendNum2Blocked: 3,
  };
}
