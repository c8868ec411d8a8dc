import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../src/common/errors.js';
import {
  BROKER_CONFIG_SCHEMA,
  applyBrokerConfigUpdates,
  brokerConfigFrom,
  configBlackListKeys,
  defaultBrokerConfig,
  formatBrokerConfig,
  parseBrokerConfig,
} from '../../src/config/broker-config.js';

/** The seed guides' broker files live in the source tree (test/config/fixtures), not in dist/. */
function fixturesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'test', 'config', 'fixtures');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find test/config/fixtures');
}

const FIXTURES = fixturesDir();
const ENV: NodeJS.ProcessEnv = { HOME: '/home/rmq' };

function parseFixture(name: string) {
  return parseBrokerConfig(fs.readFileSync(path.join(FIXTURES, name), 'utf8'), name, ENV);
}

function errorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected a ConfigError');
}

// ------------------------------------------------------------------------------------------ defaults

test('defaults are RocketMQ 4.9.8 defaults', () => {
  const c = defaultBrokerConfig(ENV);
  const expected: Record<string, string | number | boolean> = {
    brokerClusterName: 'DefaultCluster',
    brokerId: 0,
    brokerRole: 'ASYNC_MASTER',
    flushDiskType: 'ASYNC_FLUSH',
    listenPort: 10911,
    haListenPort: 10912,
    storePathRootDir: '/home/rmq/store',
    storePathCommitLog: '/home/rmq/store/commitlog',
    storePathConsumeQueue: '/home/rmq/store/consumequeue',
    storePathIndex: '/home/rmq/store/index',
    storeCheckpoint: '/home/rmq/store/checkpoint',
    abortFile: '/home/rmq/store/abort',
    mappedFileSizeCommitLog: 1073741824,
    mappedFileSizeConsumeQueue: 6000000,
    flushIntervalCommitLog: 500,
    flushIntervalConsumeQueue: 1000,
    syncFlushTimeout: 5000,
    maxHashSlotNum: 5000000,
    maxIndexNum: 20000000,
    messageIndexEnable: true,
    messageDelayLevel: '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h',
    maxTransferCountOnMessageInMemory: 32,
    maxTransferBytesOnMessageInMemory: 262144,
    maxTransferCountOnMessageInDisk: 8,
    maxTransferBytesOnMessageInDisk: 65536,
    accessMessageInMemoryMaxRatio: 40,
    checkCRCOnRecover: true,
    longPollingEnable: true,
    shortPollingTimeMills: 1000,
    registerNameServerPeriod: 30000,
    forceRegister: true,
    compressedRegister: false,
    slaveReadEnable: false,
    brokerPermission: 6,
    haSlaveFallbehindMax: 268435456,
    clientChannelMaxIdleTimeSeconds: 120,
    notifyConsumerIdsChangedEnable: true,
    defaultQueryMaxNum: 32,
    maxMsgsNumBatch: 64,
    traceTopicEnable: false,
    msgTraceTopicName: 'RMQ_SYS_TRACE_TOPIC',
    storeReplyMessageEnable: true,
    transactionTimeOut: 6000,
    transactionCheckMax: 15,
    transactionCheckInterval: 60000,
    rejectTransactionMessage: false,
    fetchNamesrvAddrByAddressServer: false,
    clusterTopicEnable: true,
    brokerTopicEnable: true,
    enablePropertyFilter: false,
    filterSupportRetry: false,
    waitTimeMillsInSendQueue: 200,
    osPageCacheBusyTimeOutMills: 1000,
    useEpollNativeSelector: false,
    maxMessageSize: 4194304,
    deleteWhen: '04',
    fileReservedTime: 72,
    diskMaxUsedSpaceRatio: 75,
    destroyMapedFileIntervalForcibly: 120000,
    redeleteHangedFileInterval: 120000,
    flushCommitLogLeastPages: 4,
    flushConsumeQueueLeastPages: 2,
    flushCommitLogThoroughInterval: 10000,
    flushConsumeQueueThoroughInterval: 60000,
    sendThreadPoolQueueCapacity: 10000,
    pullThreadPoolQueueCapacity: 100000,
    defaultTopicQueueNums: 8,
    autoCreateTopicEnable: true,
    autoCreateSubscriptionGroup: true,
    enableDLegerCommitLog: false,
    regionId: 'DefaultRegion',
    namesrvAddr: '',
    bindAddress: '0.0.0.0',
  };
  for (const [key, value] of Object.entries(expected)) {
    assert.equal((c as unknown as Record<string, unknown>)[key], value, key);
  }
  assert.equal(c.sendMessageThreadPoolNums, Math.min(os.availableParallelism(), 4));
  assert.ok(net.isIPv4(c.brokerIP1), c.brokerIP1);
  assert.equal(c.brokerIP2, c.brokerIP1);
  assert.equal(c.brokerName, os.hostname());
});

test('namesrvAddr and rocketmqHome default from the environment', () => {
  const c = defaultBrokerConfig({ HOME: '/h', NAMESRV_ADDR: '10.0.0.1:9876;10.0.0.2:9876', ROCKETMQ_HOME: '/opt/rmq' });
  assert.equal(c.namesrvAddr, '10.0.0.1:9876;10.0.0.2:9876');
  assert.equal(c.rocketmqHome, '/opt/rmq');
  const parsed = parseBrokerConfig('brokerName=b\n', 'b.conf', { HOME: '/h', NAMESRV_ADDR: 'ns:9876' });
  assert.equal(parsed.config.namesrvAddr, 'ns:9876');
  assert.equal(parseBrokerConfig('namesrvAddr=file:9876\n', 'b.conf', { NAMESRV_ADDR: 'env:9876' }).config.namesrvAddr, 'file:9876');
});

// ------------------------------------------------------------------------------------------ the seed guides

test('every broker file of the seed guides parses without a warning', () => {
  const files = fs.readdirSync(FIXTURES);
  assert.ok(files.length >= 14, `fixtures: ${files.join(', ')}`);
  for (const file of files) {
    const { warnings } = parseFixture(file);
    assert.deepEqual(warnings, [], file);
  }
});

test('seed 001 2m-2s-sync master: typed values, historical spellings, explicit store paths', () => {
  const { config: c } = parseFixture('seed001-2m-2s-sync-broker-a.properties');
  assert.equal(c.brokerClusterName, 'rocketmq-cluster');
  assert.equal(c.brokerName, 'broker-a');
  assert.equal(c.brokerId, 0);
  assert.equal(c.namesrvAddr, 'rocketmq-nameserver1:9876;rocketmq-nameserver2:9876');
  assert.equal(c.defaultTopicQueueNums, 4);
  assert.equal(c.autoCreateTopicEnable, true);
  assert.equal(c.listenPort, 10911);
  assert.equal(c.haListenPort, 10912);
  assert.equal(c.deleteWhen, '04');
  assert.equal(c.fileReservedTime, 120);
  assert.equal(c.mappedFileSizeCommitLog, 1073741824); // from mapedFileSizeCommitLog
  assert.equal(c.mappedFileSizeConsumeQueue, 300000); // from mapedFileSizeConsumeQueue
  assert.equal(c.diskMaxUsedSpaceRatio, 88);
  assert.equal(c.storePathRootDir, '/usr/local/rocketmq/store');
  assert.equal(c.storePathCommitLog, '/usr/local/rocketmq/store/commitlog');
  assert.equal(c.storePathConsumeQueue, '/usr/local/rocketmq/store/consumequeue');
  assert.equal(c.storePathIndex, '/usr/local/rocketmq/store/index');
  assert.equal(c.storeCheckpoint, '/usr/local/rocketmq/store/checkpoint');
  assert.equal(c.abortFile, '/usr/local/rocketmq/store/abort');
  assert.equal(c.maxMessageSize, 65536);
  assert.equal(c.brokerRole, 'SYNC_MASTER');
  assert.equal(c.flushDiskType, 'SYNC_FLUSH');
  // commented-out keys keep their defaults
  assert.equal(c.flushCommitLogLeastPages, 4);
  assert.equal(c.destroyMapedFileIntervalForcibly, 120000);
});

test('seed 001 slave on the second port: brokerId 1, SLAVE, listenPort 11011 so HA on 11012', () => {
  const { config: c } = parseFixture('seed001-2m-2s-sync-broker-b-s.properties');
  assert.equal(c.brokerName, 'broker-b');
  assert.equal(c.brokerId, 1);
  assert.equal(c.brokerRole, 'SLAVE');
  assert.equal(c.flushDiskType, 'ASYNC_FLUSH');
  assert.equal(c.listenPort, 11011);
  assert.equal(c.haListenPort, 11012);
});

test('seed 002 async: thread pools, flush tuning, checkTransactionMessageEnable (a no-op in 4.9.8) accepted', () => {
  const { config: c } = parseFixture('seed002-2m-2s-async-broker-a.properties');
  assert.equal(c.namesrvAddr, '10.162.23.70:9876;10.162.23.71:9876');
  assert.equal(c.mappedFileSizeConsumeQueue, 50000000);
  assert.equal(c.destroyMapedFileIntervalForcibly, 120000);
  assert.equal(c.redeleteHangedFileInterval, 120000);
  assert.equal(c.flushCommitLogLeastPages, 4);
  assert.equal(c.flushConsumeQueueLeastPages, 2);
  assert.equal(c.flushCommitLogThoroughInterval, 10000);
  assert.equal(c.flushConsumeQueueThoroughInterval, 60000);
  assert.equal(c.sendMessageThreadPoolNums, 128);
  assert.equal(c.pullMessageThreadPoolNums, 128);
  assert.equal(c.brokerRole, 'ASYNC_MASTER');
  assert.equal(c.storePathRootDir, '/opt/data/rocketmq/data/store');
  // not given: derived from storePathRootDir
  assert.equal(c.storePathConsumeQueue, '/opt/data/rocketmq/data/store/consumequeue');
  assert.equal(parseFixture('seed002-2m-2s-async-broker-b-s.properties').config.brokerId, 1);
});

test('seed 003 broker.conf: spaces around "=", brokerIP1 placeholder kept verbatim, brokerPort equal to listenPort', () => {
  const { config: c } = parseFixture('seed003-broker.conf');
  assert.equal(c.brokerClusterName, 'duan-cluster-test');
  assert.equal(c.brokerName, 'broker-test');
  assert.equal(c.brokerIP1, '*.*.*.*');
  assert.equal(c.namesrvAddr, '*.*.*.*:9876');
  assert.equal(c.storePathCommitLog, '/data/rocketmq/store/commitlog');
  assert.equal(c.fileReservedTime, 48);
  assert.equal(c.listenPort, 10911);
});

test('brokerPort is not a RocketMQ key: quiet when it matches listenPort, a warning when it does not', () => {
  const { config, warnings } = parseBrokerConfig('brokerName=b\nbrokerPort=10921\n', 'broker.conf', ENV);
  assert.equal(config.listenPort, 10911);
  assert.deepEqual(warnings, [
    'broker.conf:2: brokerPort=10921 is not a RocketMQ setting and is ignored; the broker listens on listenPort (10911)',
  ]);
});

test('seed 004 DLedger keys', () => {
  const { config: c } = parseFixture('seed004-dledger-n0.conf');
  assert.equal(c.enableDLegerCommitLog, true);
  assert.equal(c.dLegerGroup, 'RaftNode00');
  assert.equal(c.dLegerPeers, 'n0-127.0.0.1:40911;n1-127.0.0.1:40912;n2-127.0.0.1:40913');
  assert.equal(c.dLegerSelfId, 'n0');
  assert.equal(c.sendMessageThreadPoolNums, 16);
  assert.equal(c.listenPort, 30911);
  const slaveDir = parseFixture('seed004-2m-2s-async-broker-b-s.properties').config;
  assert.equal(slaveDir.storePathRootDir, '/app/rocketmq/storeSlave');
  assert.equal(slaveDir.abortFile, '/app/rocketmq/storeSlave/abort');
});

test('every key RocketMQ 4.9.8 reads (BrokerConfig, MessageStoreConfig, NettyServer/ClientConfig setters) is known', () => {
  // Key names derived from the setters MixAll.properties2Object calls in RocketMQ 4.9.8.
  const javaKeys = `traceOn startAcceptSendRequestTimeStamp waitTimeMillsInSendQueue consumerFallbehindThreshold
    brokerFastFailureEnable waitTimeMillsInPullQueue disableConsumeIfConsumerReadSlowly slaveReadEnable
    registerBrokerTimeoutMills regionId transferMsgByHeap messageStorePlugIn highSpeedMode rocketmqHome brokerName
    brokerPermission defaultTopicQueueNums autoCreateTopicEnable brokerClusterName brokerIP1 brokerIP2
    sendMessageThreadPoolNums putMessageFutureThreadPoolNums pullMessageThreadPoolNums processReplyMessageThreadPoolNums
    queryMessageThreadPoolNums adminBrokerThreadPoolNums flushConsumerOffsetInterval flushConsumerOffsetHistoryInterval
    clusterTopicEnable namesrvAddr brokerId autoCreateSubscriptionGroup rejectTransactionMessage
    fetchNamesrvAddrByAddressServer sendThreadPoolQueueCapacity putThreadPoolQueueCapacity pullThreadPoolQueueCapacity
    replyThreadPoolQueueCapacity queryThreadPoolQueueCapacity brokerTopicEnable filterServerNums longPollingEnable
    notifyConsumerIdsChangedEnable shortPollingTimeMills clientManageThreadPoolNums commercialEnable commercialTimerCount
    commercialTransCount commercialBigCount maxDelayTime clientManagerThreadPoolQueueCapacity
    consumerManagerThreadPoolQueueCapacity consumerManageThreadPoolNums commercialBaseCount enableCalcFilterBitMap
    expectConsumerNumUseFilter maxErrorRateOfBloomFilter filterDataCleanTimeSpan filterSupportRetry enablePropertyFilter
    compressedRegister forceRegister heartbeatThreadPoolQueueCapacity heartbeatThreadPoolNums
    waitTimeMillsInHeartbeatQueue registerNameServerPeriod transactionTimeOut transactionCheckMax transactionCheckInterval
    endTransactionThreadPoolNums endTransactionPoolQueueCapacity waitTimeMillsInTransactionQueue msgTraceTopicName
    traceTopicEnable aclEnable storeReplyMessageEnable enableDetailStat autoDeleteUnusedStats isolateLogEnable
    configBlackList
    debugLockEnable duplicationEnable osPageCacheBusyTimeOutMills diskFallRecorded warmMapedFileEnable
    mappedFileSizeCommitLog mappedFileSizeConsumeQueue enableConsumeQueueExt mappedFileSizeConsumeQueueExt
    bitMapLengthConsumeQueueExt flushIntervalCommitLog flushIntervalConsumeQueue putMsgIndexHightWater
    cleanResourceInterval maxMessageSize checkCRCOnRecover storePathCommitLog storePathDLedgerCommitLog deleteWhen
    diskMaxUsedSpaceRatio deleteCommitLogFilesInterval deleteConsumeQueueFilesInterval maxTransferBytesOnMessageInMemory
    maxTransferCountOnMessageInMemory maxTransferBytesOnMessageInDisk maxTransferCountOnMessageInDisk
    flushCommitLogLeastPages flushConsumeQueueLeastPages flushCommitLogThoroughInterval flushConsumeQueueThoroughInterval
    destroyMapedFileIntervalForcibly fileReservedTime redeleteHangedFileInterval accessMessageInMemoryMaxRatio
    messageIndexEnable maxHashSlotNum maxIndexNum maxMsgsNumBatch haListenPort haSendHeartbeatInterval
    haHousekeepingInterval brokerRole haTransferBatchSize haSlaveFallbehindMax flushDiskType syncFlushTimeout slaveTimeout
    haMasterAddress messageDelayLevel flushDelayOffsetInterval cleanFileForciblyEnable messageIndexSafe flushCommitLogTimed
    storePathRootDir flushLeastPagesWhenWarmMapedFile offsetCheckInSlave defaultQueryMaxNum transientStorePoolEnable
    transientStorePoolSize commitIntervalCommitLog fastFailIfNoBufferInStorePool useReentrantLockWhenPutMessage
    commitCommitLogLeastPages commitCommitLogThoroughInterval readOnlyCommitLogStorePaths dLegerGroup dLegerPeers
    dLegerSelfId enableDLegerCommitLog preferredLeaderId enableBatchPush enableScheduleMessageStats enableLmq
    enableMultiDispatch maxLmqConsumeQueueNum enableScheduleAsyncDeliver scheduleAsyncDeliverMaxPendingLimit
    scheduleAsyncDeliverMaxResendNum2Blocked
    listenPort serverWorkerThreads serverSelectorThreads serverOnewaySemaphoreValue serverCallbackExecutorThreads
    serverAsyncSemaphoreValue serverChannelMaxIdleTimeSeconds serverSocketSndBufSize serverSocketRcvBufSize
    serverSocketBacklog serverPooledByteBufAllocatorEnable useEpollNativeSelector writeBufferLowWaterMark
    writeBufferHighWaterMark
    clientCloseSocketIfTimeout clientWorkerThreads clientOnewaySemaphoreValue connectTimeoutMillis
    clientCallbackExecutorThreads channelNotActiveInterval clientAsyncSemaphoreValue clientChannelMaxIdleTimeSeconds
    clientSocketSndBufSize clientSocketRcvBufSize clientPooledByteBufAllocatorEnable useTLS`
    .split(/\s+/)
    .filter((k) => k !== '');
  const missing = javaKeys.filter((k) => !(k in BROKER_CONFIG_SCHEMA));
  assert.deepEqual(missing, []);
  // Writing each with its own default value produces no warning at all.
  const defaults = defaultBrokerConfig(ENV) as unknown as Record<string, string | number | boolean>;
  const text = javaKeys.map((k) => `${k}=${String(defaults[k])}`).join('\n');
  assert.deepEqual(parseBrokerConfig(text, 'all.conf', ENV).warnings, []);
});

// ------------------------------------------------------------------------------------------ errors and warnings

test('a malformed value is a ConfigError naming file, line, key and value', () => {
  const text = ['# broker', 'brokerName=broker-a', '', 'brokerClusterName=c', '', '', 'listenPort=abc'].join('\n');
  assert.equal(errorMessage(() => parseBrokerConfig(text, 'broker.conf', ENV)), 'broker.conf:7: listenPort: "abc" is not an integer');
  const cases: Array<[string, string]> = [
    ['autoCreateTopicEnable=yes', 'b.conf:1: autoCreateTopicEnable: "yes" is not a boolean (true or false)'],
    ['brokerRole=MASTER', 'b.conf:1: brokerRole: "MASTER" is not one of ASYNC_MASTER, SYNC_MASTER, SLAVE'],
    ['flushDiskType=sync_flush', 'b.conf:1: flushDiskType: "sync_flush" is not one of ASYNC_FLUSH, SYNC_FLUSH'],
    ['maxMessageSize=3000000000', 'b.conf:1: maxMessageSize: "3000000000" is out of range for a 32-bit int'],
    ['brokerId=1.5', 'b.conf:1: brokerId: "1.5" is not an integer'],
    ['shortPollingTimeMills=99999999999999999999', 'b.conf:1: shortPollingTimeMills: "99999999999999999999" is out of range (more than 2^53)'],
    ['listenPort=70000', 'b.conf:1: listenPort: "70000" is not a usable port (3-65535)'],
    ['mappedFileSizeCommitLog=0', 'b.conf:1: mappedFileSizeCommitLog: "0" must be greater than 0'],
    ['namesrvAddr=ns1:9876;ns2', 'b.conf:1: namesrvAddr: "ns1:9876;ns2" has "ns2", not host:port (write it as "127.0.0.1:9876;192.168.0.1:9876")'],
    ['brokerRole=SLAVE', 'b.conf: brokerId: "0" must be > 0 when brokerRole=SLAVE'],
    ['messageDelayLevel=1s 5x', 'b.conf:1: messageDelayLevel: "1s 5x" has "5x", not a number followed by s, m, h or d'],
  ];
  for (const [line, message] of cases) {
    assert.equal(errorMessage(() => parseBrokerConfig(line, 'b.conf', ENV)), message, line);
  }
});

test('DLedger mode needs group, peers and a self id that is one of the peers', () => {
  const base = 'enableDLegerCommitLog=true\ndLegerGroup=g\ndLegerPeers=n0-127.0.0.1:40911;n1-127.0.0.1:40912\n';
  assert.equal(errorMessage(() => parseBrokerConfig(base, 'd.conf', ENV)), 'd.conf:1: enableDLegerCommitLog: "true" needs dLegerSelfId to be set');
  assert.equal(
    errorMessage(() => parseBrokerConfig(base + 'dLegerSelfId=n5', 'd.conf', ENV)),
    'd.conf:4: dLegerSelfId: "n5" is not one of the dLegerPeers ids (n0, n1)',
  );
  assert.match(errorMessage(() => parseBrokerConfig('enableDLegerCommitLog=true\ndLegerGroup=g\ndLegerSelfId=n0\ndLegerPeers=127.0.0.1:1', 'd.conf', ENV)), /dLegerPeers: .* has "127.0.0.1:1", not id-host:port/);
  assert.equal(parseBrokerConfig(base + 'dLegerSelfId=n1', 'd.conf', ENV).config.dLegerSelfId, 'n1');
});

test('an unknown key is a warning naming the key and line (with a hint for a wrong case)', () => {
  const { config, warnings } = parseBrokerConfig('brokerName=b\nthisKeyDoesNotExist=1\nlistenport=10920\n', 'broker.conf', ENV);
  assert.deepEqual(warnings, [
    'broker.conf:2: unknown key "thisKeyDoesNotExist" ignored',
    'broker.conf:3: unknown key "listenport" ignored (did you mean listenPort?)',
  ]);
  assert.equal(config.listenPort, 10911);
});

test('a repeated key: the last value wins, with a warning', () => {
  const { config, warnings } = parseBrokerConfig('fileReservedTime=48\nfileReservedTime=72\n', 'broker.conf', ENV);
  assert.equal(config.fileReservedTime, 72);
  assert.deepEqual(warnings, ['broker.conf:2: fileReservedTime is set again (first on line 1); the last value wins']);
});

test('both spellings of the mapped file sizes work; mapped* wins when they disagree, in either order', () => {
  assert.equal(parseBrokerConfig('mapedFileSizeCommitLog=1048576', 'b.conf', ENV).config.mappedFileSizeCommitLog, 1048576);
  assert.equal(parseBrokerConfig('mappedFileSizeCommitLog=1048576', 'b.conf', ENV).config.mappedFileSizeCommitLog, 1048576);
  assert.equal(parseBrokerConfig('mapedFileSizeConsumeQueue=6000', 'b.conf', ENV).config.mappedFileSizeConsumeQueue, 6000);
  const same = parseBrokerConfig('mapedFileSizeCommitLog=1048576\nmappedFileSizeCommitLog=1048576', 'b.conf', ENV);
  assert.deepEqual(same.warnings, []);

  const aliasFirst = parseBrokerConfig('mapedFileSizeCommitLog=2097152\nmappedFileSizeCommitLog=1048576', 'b.conf', ENV);
  assert.equal(aliasFirst.config.mappedFileSizeCommitLog, 1048576);
  assert.deepEqual(aliasFirst.warnings, [
    'b.conf:2: mappedFileSizeCommitLog=1048576 disagrees with mapedFileSizeCommitLog=2097152 (line 1); using mappedFileSizeCommitLog',
  ]);
  const aliasLast = parseBrokerConfig('mappedFileSizeCommitLog=1048576\nmapedFileSizeCommitLog=2097152', 'b.conf', ENV);
  assert.equal(aliasLast.config.mappedFileSizeCommitLog, 1048576);
  assert.deepEqual(aliasLast.warnings, [
    'b.conf:2: mapedFileSizeCommitLog=2097152 disagrees with mappedFileSizeCommitLog=1048576 (line 1); using mappedFileSizeCommitLog',
  ]);
  assert.equal(errorMessage(() => parseBrokerConfig('mapedFileSizeCommitLog=1G', 'b.conf', ENV)), 'b.conf:1: mapedFileSizeCommitLog: "1G" is not an integer');
});

// ------------------------------------------------------------------------------------------ derived values

test('store paths follow storePathRootDir unless given; haListenPort follows listenPort', () => {
  const { config: c, warnings } = parseBrokerConfig('storePathRootDir=/data/s\nstorePathIndex=/ssd/index\nlistenPort=20911', 'b.conf', ENV);
  assert.deepEqual(warnings, []);
  assert.equal(c.storePathCommitLog, '/data/s/commitlog');
  assert.equal(c.storePathConsumeQueue, '/data/s/consumequeue');
  assert.equal(c.storePathIndex, '/ssd/index');
  assert.equal(c.storeCheckpoint, '/data/s/checkpoint');
  assert.equal(c.abortFile, '/data/s/abort');
  assert.equal(c.haListenPort, 20912);
});

test('an explicit haListenPort is kept, with a warning that 4.9.8 would use listenPort+1', () => {
  const { config, warnings } = parseBrokerConfig('listenPort=10911\nhaListenPort=10950', 'b.conf', ENV);
  assert.equal(config.haListenPort, 10950);
  assert.deepEqual(warnings, ['b.conf:2: haListenPort=10950 is not listenPort+1 (10912); RocketMQ 4.9.8 would use listenPort+1']);
});

test('as BrokerStartup does: a master gets brokerId 0; ConsumeQueue size rounds to 20-byte units; disk ratio is clamped', () => {
  const master = parseBrokerConfig('brokerRole=SYNC_MASTER\nbrokerId=2', 'b.conf', ENV);
  assert.equal(master.config.brokerId, 0);
  assert.deepEqual(master.warnings, ['b.conf:2: brokerId=2 ignored: a SYNC_MASTER always has brokerId 0']);
  const cq = parseBrokerConfig('mapedFileSizeConsumeQueue=300001', 'b.conf', ENV);
  assert.equal(cq.config.mappedFileSizeConsumeQueue, 300020);
  assert.deepEqual(cq.warnings, ['b.conf:1: mappedFileSizeConsumeQueue=300001 rounded up to 300020 (a multiple of 20)']);
  const disk = parseBrokerConfig('diskMaxUsedSpaceRatio=99', 'b.conf', ENV);
  assert.equal(disk.config.diskMaxUsedSpaceRatio, 95);
  assert.deepEqual(disk.warnings, ['b.conf:1: diskMaxUsedSpaceRatio=99 clamped to 95 (10-95)']);
});

// ------------------------------------------------------------------------------------------ overrides, format, updates

test('brokerConfigFrom applies overrides and the derived defaults', () => {
  const c = brokerConfigFrom({ storePathRootDir: '/tmp/x', listenPort: 12911, brokerName: 'broker-a', namesrvAddr: undefined }, ENV);
  assert.equal(c.storePathCommitLog, '/tmp/x/commitlog');
  assert.equal(c.haListenPort, 12912);
  assert.equal(c.brokerName, 'broker-a');
  assert.equal(c.namesrvAddr, '');
  assert.equal(brokerConfigFrom({ storePathRootDir: '/tmp/x', storePathCommitLog: '/fast/cl' }, ENV).storePathCommitLog, '/fast/cl');
  assert.throws(() => brokerConfigFrom({ listenPort: 70000 }, ENV), /broker config: listenPort: "70000" is not a usable port/);
  assert.throws(() => brokerConfigFrom({ brokerRole: 'SLAVE' }, ENV), /brokerId: "0" must be > 0 when brokerRole=SLAVE/);
});

test('formatBrokerConfig writes key=value lines that parse back to the same config', () => {
  const config = parseFixture('seed001-2m-2s-sync-broker-a.properties').config;
  const text = formatBrokerConfig(config);
  const lines = text.trimEnd().split('\n');
  assert.ok(lines.includes('brokerRole=SYNC_MASTER'));
  assert.ok(lines.includes('mappedFileSizeCommitLog=1073741824'));
  assert.ok(lines.includes('autoCreateTopicEnable=true'));
  assert.ok(lines.includes('maxMessageSize=65536'));
  assert.ok(lines.every((l) => /^[A-Za-z0-9]+=/.test(l)), 'every line is key=value');
  assert.equal(lines.length, new Set(lines.map((l) => l.split('=')[0])).size, 'no key twice');
  const back = parseBrokerConfig(text, 'formatted', ENV);
  assert.deepEqual(back.warnings, []);
  assert.deepEqual(back.config, config);
  // Java leaves out null settings
  assert.ok(!formatBrokerConfig(defaultBrokerConfig(ENV)).includes('namesrvAddr='));
  assert.ok(!formatBrokerConfig(defaultBrokerConfig(ENV)).includes('haMasterAddress='));
});

test('applyBrokerConfigUpdates changes the config in place and reports what changed', () => {
  const config = brokerConfigFrom({ storePathRootDir: '/a', brokerName: 'b' }, ENV);
  const result = applyBrokerConfigUpdates(config, 'brokerPermission=4\nfileReservedTime=24\nfileReservedTime=24');
  assert.equal(result.config, config);
  assert.equal(config.brokerPermission, 4);
  assert.equal(config.fileReservedTime, 24);
  assert.deepEqual(result.changedKeys.sort(), ['brokerPermission', 'fileReservedTime']);
  assert.deepEqual(result.warnings, []);

  // derived paths move with the root only when they were derived
  const c2 = brokerConfigFrom({ storePathRootDir: '/a', storePathIndex: '/ssd/index' }, ENV);
  const moved = applyBrokerConfigUpdates(c2, 'storePathRootDir=/b');
  assert.equal(c2.storePathCommitLog, '/b/commitlog');
  assert.equal(c2.storePathIndex, '/ssd/index');
  assert.ok(moved.changedKeys.includes('storePathCommitLog'));
});

test('a bad update throws, names the key and changes nothing', () => {
  const config = brokerConfigFrom({}, ENV);
  const before = { ...config };
  assert.equal(
    errorMessage(() => applyBrokerConfigUpdates(config, 'fileReservedTime=24\nbrokerPermission=rw')),
    'UPDATE_BROKER_CONFIG:2: brokerPermission: "rw" is not an integer',
  );
  assert.deepEqual(config, before);
});

test('configBlackListKeys lists the keys a remote update may not touch', () => {
  assert.deepEqual([...configBlackListKeys(defaultBrokerConfig(ENV))], ['configBlackList', 'brokerConfigPath']);
  assert.deepEqual([...configBlackListKeys({ configBlackList: ' a ; b;;' })], ['a', 'b']);
});
