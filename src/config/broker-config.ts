// The broker's configuration: ONE flat object with RocketMQ 4.9.8's key names and defaults (BrokerConfig,
// MessageStoreConfig, NettyServerConfig and NettyClientConfig merged, as a broker.conf file sees them).
import os from 'node:os';
import { ConfigError } from '../common/errors.js';
import { parseJavaProperties, type PropertyEntry } from './java-properties.js';
import { localHostName, localIPv4 } from './local-address.js';
import {
  NETTY_CLIENT_SCHEMA,
  NETTY_SERVER_SCHEMA,
  defaultNettyClientConfig,
  defaultNettyServerConfig,
  type NettyClientConfig,
  type NettyServerConfig,
} from './netty-config.js';
import {
  CQ_STORE_UNIT_SIZE,
  MESSAGE_STORE_SCHEMA,
  STORE_PATHS_UNDER_ROOT,
  defaultMessageStoreConfig,
  storePathsUnder,
  type MessageStoreConfig,
} from './store-config.js';
import { applyProperties, formatConfig, type ConfigSchema, type ConfigValue } from './typed-config.js';

export type { BrokerRole, FlushDiskType } from './store-config.js';

/** The fields of RocketMQ's own BrokerConfig class. */
export interface BrokerCoreConfig {
  /** '' = unset; default $ROCKETMQ_HOME. */
  rocketmqHome: string;
  /** `host:port;host:port`; '' = unset; default $NAMESRV_ADDR. */
  namesrvAddr: string;
  brokerIP1: string;
  brokerIP2: string;
  brokerName: string;
  brokerClusterName: string;
  brokerId: number;
  brokerPermission: number;
  defaultTopicQueueNums: number;
  autoCreateTopicEnable: boolean;
  clusterTopicEnable: boolean;
  brokerTopicEnable: boolean;
  autoCreateSubscriptionGroup: boolean;
  messageStorePlugIn: string;
  msgTraceTopicName: string;
  traceTopicEnable: boolean;
  sendMessageThreadPoolNums: number;
  putMessageFutureThreadPoolNums: number;
  pullMessageThreadPoolNums: number;
  processReplyMessageThreadPoolNums: number;
  queryMessageThreadPoolNums: number;
  adminBrokerThreadPoolNums: number;
  clientManageThreadPoolNums: number;
  consumerManageThreadPoolNums: number;
  heartbeatThreadPoolNums: number;
  endTransactionThreadPoolNums: number;
  flushConsumerOffsetInterval: number;
  flushConsumerOffsetHistoryInterval: number;
  rejectTransactionMessage: boolean;
  fetchNamesrvAddrByAddressServer: boolean;
  sendThreadPoolQueueCapacity: number;
  putThreadPoolQueueCapacity: number;
  pullThreadPoolQueueCapacity: number;
  replyThreadPoolQueueCapacity: number;
  queryThreadPoolQueueCapacity: number;
  clientManagerThreadPoolQueueCapacity: number;
  consumerManagerThreadPoolQueueCapacity: number;
  heartbeatThreadPoolQueueCapacity: number;
  endTransactionPoolQueueCapacity: number;
  filterServerNums: number;
  longPollingEnable: boolean;
  shortPollingTimeMills: number;
  notifyConsumerIdsChangedEnable: boolean;
  highSpeedMode: boolean;
  commercialEnable: boolean;
  commercialTimerCount: number;
  commercialTransCount: number;
  commercialBigCount: number;
  commercialBaseCount: number;
  transferMsgByHeap: boolean;
  maxDelayTime: number;
  regionId: string;
  registerBrokerTimeoutMills: number;
  slaveReadEnable: boolean;
  disableConsumeIfConsumerReadSlowly: boolean;
  consumerFallbehindThreshold: number;
  brokerFastFailureEnable: boolean;
  waitTimeMillsInSendQueue: number;
  waitTimeMillsInPullQueue: number;
  waitTimeMillsInHeartbeatQueue: number;
  waitTimeMillsInTransactionQueue: number;
  startAcceptSendRequestTimeStamp: number;
  traceOn: boolean;
  enableCalcFilterBitMap: boolean;
  expectConsumerNumUseFilter: number;
  maxErrorRateOfBloomFilter: number;
  filterDataCleanTimeSpan: number;
  filterSupportRetry: boolean;
  enablePropertyFilter: boolean;
  compressedRegister: boolean;
  forceRegister: boolean;
  registerNameServerPeriod: number;
  transactionTimeOut: number;
  transactionCheckMax: number;
  transactionCheckInterval: number;
  aclEnable: boolean;
  storeReplyMessageEnable: boolean;
  enableDetailStat: boolean;
  autoDeleteUnusedStats: boolean;
  isolateLogEnable: boolean;
  /** `;`-separated keys UPDATE_BROKER_CONFIG may not change. */
  configBlackList: string;
}

export interface BrokerConfig extends BrokerCoreConfig, MessageStoreConfig, NettyServerConfig, NettyClientConfig {}

const BROKER_CORE_SCHEMA: ConfigSchema<BrokerCoreConfig> = {
  rocketmqHome: 'string',
  namesrvAddr: 'string',
  brokerIP1: 'string',
  brokerIP2: 'string',
  brokerName: 'string',
  brokerClusterName: 'string',
  brokerId: 'long',
  brokerPermission: 'int',
  defaultTopicQueueNums: 'int',
  autoCreateTopicEnable: 'bool',
  clusterTopicEnable: 'bool',
  brokerTopicEnable: 'bool',
  autoCreateSubscriptionGroup: 'bool',
  messageStorePlugIn: 'string',
  msgTraceTopicName: 'string',
  traceTopicEnable: 'bool',
  sendMessageThreadPoolNums: 'int',
  putMessageFutureThreadPoolNums: 'int',
  pullMessageThreadPoolNums: 'int',
  processReplyMessageThreadPoolNums: 'int',
  queryMessageThreadPoolNums: 'int',
  adminBrokerThreadPoolNums: 'int',
  clientManageThreadPoolNums: 'int',
  consumerManageThreadPoolNums: 'int',
  heartbeatThreadPoolNums: 'int',
  endTransactionThreadPoolNums: 'int',
  flushConsumerOffsetInterval: 'int',
  flushConsumerOffsetHistoryInterval: 'int',
  rejectTransactionMessage: 'bool',
  fetchNamesrvAddrByAddressServer: 'bool',
  sendThreadPoolQueueCapacity: 'int',
  putThreadPoolQueueCapacity: 'int',
  pullThreadPoolQueueCapacity: 'int',
  replyThreadPoolQueueCapacity: 'int',
  queryThreadPoolQueueCapacity: 'int',
  clientManagerThreadPoolQueueCapacity: 'int',
  consumerManagerThreadPoolQueueCapacity: 'int',
  heartbeatThreadPoolQueueCapacity: 'int',
  endTransactionPoolQueueCapacity: 'int',
  filterServerNums: 'int',
  longPollingEnable: 'bool',
  shortPollingTimeMills: 'long',
  notifyConsumerIdsChangedEnable: 'bool',
  highSpeedMode: 'bool',
  commercialEnable: 'bool',
  commercialTimerCount: 'int',
  commercialTransCount: 'int',
  commercialBigCount: 'int',
  commercialBaseCount: 'int',
  transferMsgByHeap: 'bool',
  maxDelayTime: 'int',
  regionId: 'string',
  registerBrokerTimeoutMills: 'int',
  slaveReadEnable: 'bool',
  disableConsumeIfConsumerReadSlowly: 'bool',
  consumerFallbehindThreshold: 'long',
  brokerFastFailureEnable: 'bool',
  waitTimeMillsInSendQueue: 'long',
  waitTimeMillsInPullQueue: 'long',
  waitTimeMillsInHeartbeatQueue: 'long',
  waitTimeMillsInTransactionQueue: 'long',
  startAcceptSendRequestTimeStamp: 'long',
  traceOn: 'bool',
  enableCalcFilterBitMap: 'bool',
  expectConsumerNumUseFilter: 'int',
  maxErrorRateOfBloomFilter: 'int',
  filterDataCleanTimeSpan: 'long',
  filterSupportRetry: 'bool',
  enablePropertyFilter: 'bool',
  compressedRegister: 'bool',
  forceRegister: 'bool',
  registerNameServerPeriod: 'int',
  transactionTimeOut: 'long',
  transactionCheckMax: 'int',
  transactionCheckInterval: 'long',
  aclEnable: 'bool',
  storeReplyMessageEnable: 'bool',
  enableDetailStat: 'bool',
  autoDeleteUnusedStats: 'bool',
  isolateLogEnable: 'bool',
  configBlackList: 'string',
};

/** Every key a broker.conf may hold, in the order formatBrokerConfig prints them. */
export const BROKER_CONFIG_SCHEMA: ConfigSchema<BrokerConfig> = {
  ...BROKER_CORE_SCHEMA,
  ...MESSAGE_STORE_SCHEMA,
  ...NETTY_SERVER_SCHEMA,
  ...NETTY_CLIENT_SCHEMA,
};

/** Historical spellings, still in many guides (RocketMQ 4.9.8 itself silently ignores them). */
export const BROKER_CONFIG_ALIASES: Readonly<Record<string, keyof BrokerConfig & string>> = {
  mapedFileSizeCommitLog: 'mappedFileSizeCommitLog',
  mapedFileSizeConsumeQueue: 'mappedFileSizeConsumeQueue',
};

/**
 * Keys from the guides that RocketMQ 4.9.8 has no setting for and ignores: accepted quietly.
 * brokerPort is checked against listenPort, the key that really sets the port.
 */
const IGNORED_BROKER_KEYS: ReadonlySet<string> = new Set(['brokerPort', 'checkTransactionMessageEnable']);

/** Java-null strings: left out of formatBrokerConfig when unset, as RocketMQ leaves out nulls. */
const NULLABLE_KEYS: ReadonlySet<string> = new Set([
  'rocketmqHome',
  'namesrvAddr',
  'storePathDLedgerCommitLog',
  'readOnlyCommitLogStorePaths',
  'haMasterAddress',
  'dLegerGroup',
  'dLegerPeers',
  'dLegerSelfId',
  'preferredLeaderId',
]);

const BROKER_LISTEN_PORT = 10911;

function homeDir(env: NodeJS.ProcessEnv): string {
  return env['HOME'] || os.homedir();
}

function defaultCoreConfig(env: NodeJS.ProcessEnv): BrokerCoreConfig {
  const cpus = os.availableParallelism();
  const localIp = localIPv4();
  const sendThreads = Math.min(cpus, 4);
  return {
    rocketmqHome: env['ROCKETMQ_HOME'] ?? '',
    namesrvAddr: env['NAMESRV_ADDR'] ?? '',
    brokerIP1: localIp,
    brokerIP2: localIp,
    brokerName: localHostName(),
    brokerClusterName: 'DefaultCluster',
    brokerId: 0,
    brokerPermission: 6,
    defaultTopicQueueNums: 8,
    autoCreateTopicEnable: true,
    clusterTopicEnable: true,
    brokerTopicEnable: true,
    autoCreateSubscriptionGroup: true,
    messageStorePlugIn: '',
    msgTraceTopicName: 'RMQ_SYS_TRACE_TOPIC',
    traceTopicEnable: false,
    sendMessageThreadPoolNums: sendThreads,
    putMessageFutureThreadPoolNums: Math.min(cpus, 4),
    pullMessageThreadPoolNums: 16 + cpus * 2,
    processReplyMessageThreadPoolNums: 16 + cpus * 2,
    queryMessageThreadPoolNums: 8 + cpus,
    adminBrokerThreadPoolNums: 16,
    clientManageThreadPoolNums: 32,
    consumerManageThreadPoolNums: 32,
    heartbeatThreadPoolNums: Math.min(32, cpus),
    endTransactionThreadPoolNums: Math.max(8 + cpus * 2, sendThreads * 4),
    flushConsumerOffsetInterval: 5000,
    flushConsumerOffsetHistoryInterval: 60_000,
    rejectTransactionMessage: false,
    fetchNamesrvAddrByAddressServer: false,
    sendThreadPoolQueueCapacity: 10_000,
    putThreadPoolQueueCapacity: 10_000,
    pullThreadPoolQueueCapacity: 100_000,
    replyThreadPoolQueueCapacity: 10_000,
    queryThreadPoolQueueCapacity: 20_000,
    clientManagerThreadPoolQueueCapacity: 1_000_000,
    consumerManagerThreadPoolQueueCapacity: 1_000_000,
    heartbeatThreadPoolQueueCapacity: 50_000,
    endTransactionPoolQueueCapacity: 100_000,
    filterServerNums: 0,
    longPollingEnable: true,
    shortPollingTimeMills: 1000,
    notifyConsumerIdsChangedEnable: true,
    highSpeedMode: false,
    commercialEnable: true,
    commercialTimerCount: 1,
    commercialTransCount: 1,
    commercialBigCount: 1,
    commercialBaseCount: 1,
    transferMsgByHeap: true,
    maxDelayTime: 40,
    regionId: 'DefaultRegion',
    registerBrokerTimeoutMills: 6000,
    slaveReadEnable: false,
    disableConsumeIfConsumerReadSlowly: false,
    consumerFallbehindThreshold: 1024 * 1024 * 1024 * 16,
    brokerFastFailureEnable: true,
    waitTimeMillsInSendQueue: 200,
    waitTimeMillsInPullQueue: 5000,
    waitTimeMillsInHeartbeatQueue: 31_000,
    waitTimeMillsInTransactionQueue: 3000,
    startAcceptSendRequestTimeStamp: 0,
    traceOn: true,
    enableCalcFilterBitMap: false,
    expectConsumerNumUseFilter: 32,
    maxErrorRateOfBloomFilter: 20,
    filterDataCleanTimeSpan: 24 * 3600 * 1000,
    filterSupportRetry: false,
    enablePropertyFilter: false,
    compressedRegister: false,
    forceRegister: true,
    registerNameServerPeriod: 30_000,
    transactionTimeOut: 6000,
    transactionCheckMax: 15,
    transactionCheckInterval: 60_000,
    aclEnable: false,
    storeReplyMessageEnable: true,
    enableDetailStat: true,
    autoDeleteUnusedStats: false,
    isolateLogEnable: false,
    configBlackList: 'configBlackList;brokerConfigPath',
  };
}

/** RocketMQ 4.9.8's defaults on this host (brokerIP1, brokerName, thread counts) and environment. */
export function defaultBrokerConfig(env: NodeJS.ProcessEnv = process.env): BrokerConfig {
  return {
    ...defaultCoreConfig(env),
    ...defaultMessageStoreConfig(homeDir(env), BROKER_LISTEN_PORT),
    ...defaultNettyServerConfig(BROKER_LISTEN_PORT),
    ...defaultNettyClientConfig(),
  };
}

export interface BrokerConfigResult {
  config: BrokerConfig;
  warnings: string[];
}

/** Parses a broker.conf; unknown keys are warnings, malformed values throw ConfigError naming file and line. */
export function parseBrokerConfig(text: string, source: string, env: NodeJS.ProcessEnv = process.env): BrokerConfigResult {
  const entries = parseJavaProperties(text, source);
  const applied = applyProperties(defaultBrokerConfig(env), BROKER_CONFIG_SCHEMA, entries, source, {
    aliases: BROKER_CONFIG_ALIASES,
    ignoredKeys: IGNORED_BROKER_KEYS,
  });
  const ctx: FinishContext = { source, lines: applied.lines, warnings: applied.warnings, ignored: applied.ignored };
  const config = finishBrokerConfig(applied.config, new Set(applied.lines.keys()), ctx);
  return { config, warnings: ctx.warnings };
}

/** A config from typed overrides (all-in-one start, tests), with the same derived defaults and checks. */
export function brokerConfigFrom(overrides: Partial<BrokerConfig> = {}, env: NodeJS.ProcessEnv = process.env): BrokerConfig {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<BrokerConfig>;
  const config = { ...defaultBrokerConfig(env), ...defined };
  const ctx: FinishContext = { source: 'broker config', lines: new Map(), warnings: [], ignored: [] };
  return finishBrokerConfig(config, new Set(Object.keys(defined)), ctx);
}

/** `key=value` lines of every setting, as GET_BROKER_CONFIG returns and `mqbroker -p` prints. */
export function formatBrokerConfig(config: BrokerConfig): string {
  return formatConfig(config, BROKER_CONFIG_SCHEMA, NULLABLE_KEYS);
}

export interface BrokerConfigUpdate extends BrokerConfigResult {
  /** Keys whose value changed, e.g. to re-register after brokerPermission changes. */
  changedKeys: Array<keyof BrokerConfig & string>;
}

/**
 * UPDATE_BROKER_CONFIG: applies properties text to `config` in place, all or nothing (a bad value throws
 * ConfigError and changes nothing). Refusing configBlackList keys is the caller's job: see configBlackListKeys.
 */
export function applyBrokerConfigUpdates(config: BrokerConfig, text: string, source = 'UPDATE_BROKER_CONFIG'): BrokerConfigUpdate {
  const entries = parseJavaProperties(text, source);
  const applied = applyProperties(config, BROKER_CONFIG_SCHEMA, entries, source, {
    aliases: BROKER_CONFIG_ALIASES,
    ignoredKeys: IGNORED_BROKER_KEYS,
  });
  const explicit = new Set<string>(applied.lines.keys());
  // A derived value the operator never set follows its source; one that differs was set on purpose.
  for (const [key, derived] of Object.entries(derivedValues(config))) {
    if ((config as unknown as Record<string, ConfigValue>)[key] !== derived) explicit.add(key);
  }
  const ctx: FinishContext = { source, lines: applied.lines, warnings: applied.warnings, ignored: applied.ignored };
  const next = finishBrokerConfig(applied.config, explicit, ctx);
  const changedKeys = (Object.keys(BROKER_CONFIG_SCHEMA) as Array<keyof BrokerConfig & string>).filter((k) => next[k] !== config[k]);
  Object.assign(config, next);
  return { config, warnings: ctx.warnings, changedKeys };
}

/** The keys a remote UPDATE_BROKER_CONFIG may not change (configBlackList, `;`-separated). */
export function configBlackListKeys(config: Pick<BrokerConfig, 'configBlackList'>): Set<string> {
  return new Set(config.configBlackList.split(';').map((k) => k.trim()).filter((k) => k !== ''));
}

// ---------------------------------------------------------------------------------------------- derivation and checks

interface FinishContext {
  source: string;
  lines: ReadonlyMap<string, number>;
  warnings: string[];
  ignored: readonly PropertyEntry[];
}

/** Values RocketMQ derives from other keys when they are not given. */
function derivedValues(c: BrokerConfig): Partial<Record<keyof BrokerConfig, ConfigValue>> {
  return { ...storePathsUnder(c.storePathRootDir), haListenPort: c.listenPort + 1 };
}

function finishBrokerConfig(input: BrokerConfig, explicit: ReadonlySet<string>, ctx: FinishContext): BrokerConfig {
  const c = { ...input };
  const derived = derivedValues(c);
  for (const key of [...Object.keys(STORE_PATHS_UNDER_ROOT), 'haListenPort'] as const) {
    if (!explicit.has(key)) (c as unknown as Record<string, ConfigValue>)[key] = derived[key as keyof BrokerConfig]!;
  }
  checkPorts(c, ctx);
  checkSizes(c, ctx);
  checkNamesrvAddr(c, ctx);
  checkBrokerId(c, explicit, ctx);
  checkDLedger(c, ctx);
  checkDelayLevels(c, ctx);
  checkIgnoredKeys(c, ctx);
  return c;
}

function where(ctx: FinishContext, key: string): string {
  const line = ctx.lines.get(key);
  return line === undefined ? ctx.source : `${ctx.source}:${line}`;
}

function fail(ctx: FinishContext, key: string, value: ConfigValue, why: string): never {
  throw new ConfigError(`${where(ctx, key)}: ${key}: ${JSON.stringify(String(value))} ${why}`);
}

function checkPorts(c: BrokerConfig, ctx: FinishContext): void {
  // The VIP channel listens on listenPort - 2, so the port must leave room for it.
  if (c.listenPort < 3 || c.listenPort > 65535) fail(ctx, 'listenPort', c.listenPort, 'is not a usable port (3-65535)');
  if (c.haListenPort < 1 || c.haListenPort > 65535) fail(ctx, 'haListenPort', c.haListenPort, 'is not a port (1-65535)');
  if (c.haListenPort !== c.listenPort + 1) {
    ctx.warnings.push(
      `${where(ctx, 'haListenPort')}: haListenPort=${c.haListenPort} is not listenPort+1 (${c.listenPort + 1}); ` +
        'RocketMQ 4.9.8 would use listenPort+1',
    );
  }
}

function checkSizes(c: BrokerConfig, ctx: FinishContext): void {
  for (const key of ['mappedFileSizeCommitLog', 'mappedFileSizeConsumeQueue', 'maxMessageSize'] as const) {
    if (c[key] <= 0) fail(ctx, key, c[key], 'must be greater than 0');
  }
  // MessageStoreConfig.getMappedFileSizeConsumeQueue rounds up to whole 20-byte units.
  const units = Math.ceil(c.mappedFileSizeConsumeQueue / CQ_STORE_UNIT_SIZE) * CQ_STORE_UNIT_SIZE;
  if (units !== c.mappedFileSizeConsumeQueue) {
    ctx.warnings.push(
      `${where(ctx, 'mappedFileSizeConsumeQueue')}: mappedFileSizeConsumeQueue=${c.mappedFileSizeConsumeQueue} ` +
        `rounded up to ${units} (a multiple of ${CQ_STORE_UNIT_SIZE})`,
    );
    c.mappedFileSizeConsumeQueue = units;
  }
  // MessageStoreConfig.getDiskMaxUsedSpaceRatio clamps to 10..95.
  const ratio = Math.min(95, Math.max(10, c.diskMaxUsedSpaceRatio));
  if (ratio !== c.diskMaxUsedSpaceRatio) {
    ctx.warnings.push(`${where(ctx, 'diskMaxUsedSpaceRatio')}: diskMaxUsedSpaceRatio=${c.diskMaxUsedSpaceRatio} clamped to ${ratio} (10-95)`);
    c.diskMaxUsedSpaceRatio = ratio;
  }
}

const HOST_PORT = /^[^\s:;]+:(\d{1,5})$/;

function checkNamesrvAddr(c: BrokerConfig, ctx: FinishContext): void {
  if (c.namesrvAddr === '') return;
  for (const addr of c.namesrvAddr.split(';')) {
    const m = HOST_PORT.exec(addr.trim());
    const port = m ? Number(m[1]) : 0;
    if (port < 1 || port > 65535) {
      fail(ctx, 'namesrvAddr', c.namesrvAddr, `has "${addr}", not host:port (write it as "127.0.0.1:9876;192.168.0.1:9876")`);
    }
  }
}

/** As BrokerStartup: a master's brokerId is 0; a slave's must be > 0 (DLedger assigns roles itself). */
function checkBrokerId(c: BrokerConfig, explicit: ReadonlySet<string>, ctx: FinishContext): void {
  if (c.enableDLegerCommitLog) return;
  if (c.brokerRole === 'SLAVE') {
    if (c.brokerId <= 0) fail(ctx, 'brokerId', c.brokerId, 'must be > 0 when brokerRole=SLAVE');
    return;
  }
  if (c.brokerId !== 0) {
    if (explicit.has('brokerId')) {
      ctx.warnings.push(`${where(ctx, 'brokerId')}: brokerId=${c.brokerId} ignored: a ${c.brokerRole} always has brokerId 0`);
    }
    c.brokerId = 0;
  }
}

function checkDLedger(c: BrokerConfig, ctx: FinishContext): void {
  if (!c.enableDLegerCommitLog) return;
  for (const key of ['dLegerGroup', 'dLegerPeers', 'dLegerSelfId'] as const) {
    if (c[key] === '') fail(ctx, 'enableDLegerCommitLog', 'true', `needs ${key} to be set`);
  }
  const ids: string[] = [];
  for (const peer of c.dLegerPeers.split(';')) {
    const m = /^([^-\s]+)-([^\s:]+):(\d{1,5})$/.exec(peer.trim());
    if (!m || Number(m[3]) > 65535) fail(ctx, 'dLegerPeers', c.dLegerPeers, `has "${peer}", not id-host:port`);
    ids.push(m[1]!);
  }
  if (!ids.includes(c.dLegerSelfId)) fail(ctx, 'dLegerSelfId', c.dLegerSelfId, `is not one of the dLegerPeers ids (${ids.join(', ')})`);
}

const DELAY_LEVEL = /^\d+[smhd]$/;

function checkDelayLevels(c: BrokerConfig, ctx: FinishContext): void {
  const levels = c.messageDelayLevel.trim().split(/\s+/);
  const bad = levels.find((l) => !DELAY_LEVEL.test(l));
  if (bad !== undefined) fail(ctx, 'messageDelayLevel', c.messageDelayLevel, `has "${bad}", not a number followed by s, m, h or d`);
}

function checkIgnoredKeys(c: BrokerConfig, ctx: FinishContext): void {
  for (const e of ctx.ignored) {
    if (e.key === 'brokerPort' && e.value.trim() !== String(c.listenPort)) {
      ctx.warnings.push(
        `${ctx.source}:${e.line}: brokerPort=${e.value.trim()} is not a RocketMQ setting and is ignored; ` +
          `the broker listens on listenPort (${c.listenPort})`,
      );
    }
  }
}
