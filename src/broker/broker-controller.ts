// The broker role: listens on listenPort and the VIP port listenPort-2 with the same handlers, glues the
// message store to them, keeps the config files, registers with the NameServers, and shuts down gracefully.
import path from 'node:path';
import { ConfigError } from '../common/errors.js';
import { getLogger } from '../common/logger.js';
import { applyBrokerConfigUpdates, type BrokerConfig } from '../config/broker-config.js';
import type { DataVersion, TopicConfig } from '../protocol/body-types.js';
import { RequestCode } from '../protocol/codes.js';
import { TOPIC_SCHEDULE } from '../protocol/message-const.js';
import { RemotingClient } from '../remoting/client.js';
import { Dispatcher } from '../remoting/dispatcher.js';
import { RemotingServer } from '../remoting/server.js';
import type { Connection, RequestHandler } from '../remoting/types.js';
import { DefaultMessageStore } from '../store/default-message-store.js';
import { LIVE_RETENTION_KEYS, type LiveRetentionOptions } from '../store/retention.js';
import type { HostAddress, MessageStore } from '../store/types.js';
import { registerAdminExtraHandlers } from './admin-extra-handlers.js';
import { registerAdminTopicHandlers } from './admin-topic-handlers.js';
import { BrokerConfigStore } from './broker-config-store.js';
import type { BrokerContext } from './broker-context.js';
import { registerBrokerInfoHandlers } from './broker-info-handlers.js';
import { BrokerStats } from './broker-stats.js';
import { registerClientHandlers } from './client-handlers.js';
import { ClientHousekeeping, CLIENT_SCAN_INTERVAL_MS, notifyConsumerIdsChanged } from './client-housekeeping.js';
import { ConfigFile } from './config-file.js';
import { ConsumerManager } from './consumer-manager.js';
import { ConsumerOffsetManager } from './consumer-offset-manager.js';
import { newDataVersion, nextVersion } from './data-version.js';
import { NamesrvRegistrar } from './namesrv-registrar.js';
import { registerOffsetHandlers } from './offset-handlers.js';
import { ProducerManager } from './producer-manager.js';
import { PullRequestHoldService } from './pull-request-hold-service.js';
import { pullHandler } from './pull-handler.js';
import { registerQueryHandlers } from './query-handlers.js';
import { RebalanceLockManager } from './rebalance-lock-manager.js';
import { BrokerReplication, type ReplicationTimings } from './replication.js';
import { guardRequests } from './request-guard.js';
import { ScheduleMessageService } from './schedule-message-service.js';
import { sendBackHandler } from './send-back-handler.js';
import { sendHandler } from './send-handler.js';
import { registerStatsHandlers } from './stats-handlers.js';
import { storeOptionsOf } from './store-options-of.js';
import { SubscriptionGroupManager } from './subscription-group-manager.js';
import { TopicConfigManager } from './topic-config-manager.js';

export interface BrokerControllerOptions {
  /** A store to use instead of a DefaultMessageStore built from the config; the broker starts and stops it. */
  store?: MessageStore;
  /** Interface to listen on; default `bindAddress` from the config (0.0.0.0, all interfaces). */
  host?: string;
  /** The file the config came from (`mqbroker -c`): UPDATE_BROKER_CONFIG rewrites it. See broker-config-store.ts. */
  configFile?: string;
  /** Shorter HA reconnect and slave metadata-sync pauses than RocketMQ's (tests). */
  replication?: ReplicationTimings;
}

const log = getLogger('broker');
/** The first periodic registration comes this long after start (BrokerController.start). */
const FIRST_PERIODIC_REGISTER_MS = 10_000;
const STATS_SAMPLE_MS = 1000;
const CONSUMER_FILTER_FILE = 'consumerFilter.json';
const EMPTY_CONSUMER_FILTER = '{\n\t"filterDataByTopic":{}\n}';

export class BrokerController {
  readonly config: BrokerConfig;
  private readonly main: RemotingServer;
  private readonly vip: RemotingServer;
  private readonly dispatcher: Dispatcher;
  private readonly client = new RemotingClient({ name: 'broker' });
  private readonly registrar: NamesrvRegistrar;
  /** Master/slave replication: the HA port, a slave's HA client and metadata copy. */
  readonly replication: BrokerReplication;
  private readonly timers: NodeJS.Timeout[] = [];
  private ctx: BrokerContext | undefined;
  private housekeeping: ClientHousekeeping | undefined;
  private ready = false;
  private shuttingDown = false;
  private stopped: Promise<void> | undefined;
  private onewayRegisterPending = false;
  private readonly configVersion: DataVersion = newDataVersion(Date.now());
  private readonly configStore: BrokerConfigStore;
  private configLoadError: unknown;
  private inflight = 0;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(config: BrokerConfig, private readonly options: BrokerControllerOptions = {}) {
    this.config = { ...config };
    this.replication = new BrokerReplication(this.config, options.replication);
    this.configStore = new BrokerConfigStore(options.configFile, this.config.storePathRootDir);
    try {
      const applied = this.configStore.applyOverrides(this.config);
      if (applied.keys.length > 0) log.info(`applied ${applied.keys.join(', ')} from ${this.configStore.target}`);
      for (const w of applied.warnings) log.warn(w);
    } catch (err) {
      this.configLoadError = err;
    }
    const dispatcher = new Dispatcher();
    const guarded = guardRequests((request, conn) => {
      if (!dispatcher.has(request.code)) log.warn(`request code ${request.code} not supported, from ${conn.remoteAddress}`);
      return dispatcher.handle(request, conn);
    }, () => this.ready);
    // Requests being answered are counted, so that shutdown answers them before it closes the connections.
    const handler: RequestHandler = (request, conn) => {
      const result = guarded(request, conn);
      if (result instanceof Promise) {
        this.inflight++;
        const done = (): void => {
          if (--this.inflight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
        };
        result.then(done, done);
      }
      return result;
    };
    const host = options.host ?? (config.bindAddress || '0.0.0.0');
    this.main = new RemotingServer({ name: 'broker', host, port: config.listenPort, handler });
    // listenPort 0 (tests) binds both ports to free ones; otherwise the VIP port is listenPort - 2.
    this.vip = new RemotingServer({ name: 'broker', host, port: config.listenPort === 0 ? 0 : config.listenPort - 2, handler });
    this.registrar = new NamesrvRegistrar(this.client, this.config, () => ({
      brokerAddr: this.brokerAddr,
      haServerAddr: `${this.config.brokerIP2}:${this.config.haListenPort}`,
    }));
    this.dispatcher = dispatcher;
  }

  /** The bound main port (the configured one, or the one picked for listenPort 0). */
  get listenPort(): number {
    return this.main.port;
  }

  /** The bound VIP-channel port. */
  get vipPort(): number {
    return this.vip.port;
  }

  /** brokerIP1:listenPort, as registered and written into every record. */
  get brokerAddr(): string {
    return `${this.config.brokerIP1}:${this.listenPort}`;
  }

  /** The store in use (after start). */
  get store(): MessageStore {
    return this.context().store;
  }

  /** RocketMQ's start line, for the log and for the CLI to print. */
  bootMessage(): string {
    const head = `The broker[${this.config.brokerName}, ${this.brokerAddr}] boot success. serializeType=JSON`;
    return this.config.namesrvAddr ? `${head} and name server is ${this.config.namesrvAddr}` : head;
  }

  async start(): Promise<void> {
    if (this.configLoadError !== undefined) throw this.configLoadError;
    await this.main.start();
    let started: MessageStore | undefined;
    try {
      await this.vip.start();
      // listenPort 0 asked for a free port (tests): the HA port is then a free one too.
      const haPort = this.config.listenPort === 0 ? 0 : this.config.haListenPort;
      // listenPort 0 asked for a free port: from now on the config tells the real one.
      this.config.listenPort = this.main.port;
      const storeHost: HostAddress = { host: this.config.brokerIP1, port: this.main.port };
      const store = this.options.store ?? new DefaultMessageStore(storeOptionsOf(this.config, storeHost));
      await store.start();
      started = store;
      await this.replication.start(store, this.options.host ?? (this.config.bindAddress || undefined), haPort);
      this.ctx = this.buildContext(store, storeHost);
    } catch (err) {
      await this.replication.shutdown();
      await Promise.allSettled([this.main.shutdown(), this.vip.shutdown(), this.client.shutdown(), started?.shutdown()]);
      throw err;
    }
    this.startServices(this.ctx);
    this.replication.startSlaveSync(this.ctx, this.client, () => this.brokerAddr);
    this.ready = true;
    await this.registerAll(false);
    this.startRegistrationTimer();
    log.info(this.bootMessage());
  }

  /** Graceful: parked pulls answered, ports closed, NameServers told, files written, store closed. */
  shutdown(): Promise<void> {
    this.stopped ??= this.stop();
    return this.stopped;
  }

  private context(): BrokerContext {
    if (this.ctx === undefined) throw new Error('the broker is not started');
    return this.ctx;
  }

  private buildContext(store: MessageStore, storeHost: HostAddress): BrokerContext {
    const c = this.config;
    const consumers = new ConsumerManager((group, conns) => {
      if (this.config.notifyConsumerIdsChangedEnable) notifyConsumerIdsChanged(group, conns);
    });
    const producers = new ProducerManager();
    this.housekeeping = new ClientHousekeeping(consumers, producers);
    const housekeeping = this.housekeeping;
    const topics = new TopicConfigManager(store.configDir, c, (tc) => this.topicCreated(tc));
    const groups = new SubscriptionGroupManager(store.configDir, c);
    const offsets = new ConsumerOffsetManager(store.configDir);
    topics.load();
    groups.load();
    offsets.load();
    const schedule = new ScheduleMessageService(store, store.configDir, c.messageDelayLevel);
    schedule.load();
    const ctx: BrokerContext = {
      config: c,
      store,
      storeHost,
      topics,
      groups,
      offsets,
      consumers,
      producers,
      locks: new RebalanceLockManager(),
      pullHold: new PullRequestHoldService({ longPollingEnable: c.longPollingEnable }),
      schedule,
      stats: new BrokerStats({ commitLogDir: c.storePathCommitLog, consumeQueueDir: path.join(c.storePathRootDir, 'consumequeue') }),
      replication: this.replication,
      configVersion: this.configVersion,
      isShuttingDown: () => this.shuttingDown,
      registerWithNamesrvs: () => this.registerAll(false),
      watchClient: (conn: Connection) => housekeeping.watch(conn),
      updateConfig: (text: string) => this.updateConfig(text),
    };
    this.registerHandlers(ctx);
    return ctx;
  }

  private registerHandlers(ctx: BrokerContext): void {
    const d = this.dispatcher;
    const send = sendHandler(ctx);
    d.register(RequestCode.SEND_MESSAGE, send).register(RequestCode.SEND_MESSAGE_V2, send).register(RequestCode.SEND_BATCH_MESSAGE, send);
    d.register(RequestCode.CONSUMER_SEND_MSG_BACK, sendBackHandler(ctx));
    d.register(RequestCode.PULL_MESSAGE, pullHandler(ctx));
    registerOffsetHandlers(d, ctx);
    registerClientHandlers(d, ctx);
    registerQueryHandlers(d, ctx);
    registerAdminTopicHandlers(d, ctx);
    registerStatsHandlers(d, ctx);
    registerBrokerInfoHandlers(d, ctx);
    registerAdminExtraHandlers(d, ctx);
  }

  private startServices(ctx: BrokerContext): void {
    const c = this.config;
    ctx.store.onMessageArrived((topic, queueId, queueOffset, tagsCode) => {
      ctx.pullHold.onMessageArrived(topic, queueId, queueOffset, tagsCode);
      if (topic === TOPIC_SCHEDULE) ctx.schedule.messageArrived(queueId);
    });
    if (c.brokerRole !== 'SLAVE') ctx.schedule.start();
    this.writeConsumerFilterFile(ctx);
    this.every(c.flushConsumerOffsetInterval, () => ctx.offsets.persistIfDirty());
    this.every(c.flushDelayOffsetInterval, () => ctx.schedule.persist());
    this.every(CLIENT_SCAN_INTERVAL_MS, () => {
      this.housekeeping?.closeIdle(Date.now(), this.config.clientChannelMaxIdleTimeSeconds * 1000);
      ctx.locks.removeExpired();
    });
    this.every(STATS_SAMPLE_MS, () => ctx.stats.sample());
  }

  /** A repeating job whose failures are logged, never thrown; cleared at shutdown. */
  private every(periodMs: number, job: () => void | Promise<void>): void {
    const timer = setInterval(() => {
      Promise.resolve()
        .then(job)
        .catch((err: unknown) => log.error(`scheduled job failed: ${err instanceof Error ? err.message : String(err)}`));
    }, Math.max(100, periodMs));
    this.timers.push(timer);
  }

  private startRegistrationTimer(): void {
    const period = Math.max(10_000, Math.min(this.config.registerNameServerPeriod, 60_000));
    const first = setTimeout(() => this.every(period, () => this.registerAll(false)), FIRST_PERIODIC_REGISTER_MS);
    this.timers.push(first);
  }

  private async registerAll(oneway: boolean): Promise<void> {
    if (this.ctx === undefined || this.shuttingDown) return;
    const results = await this.registrar.registerAll(this.ctx.topics.wrapper(), oneway);
    this.replication.onRegistered(results);
  }

  /** A topic created by a send, send-back or heartbeat: one oneway registration per tick at most. */
  private topicCreated(tc: TopicConfig): void {
    if (this.onewayRegisterPending) return;
    this.onewayRegisterPending = true;
    setImmediate(() => {
      this.onewayRegisterPending = false;
      this.registerAll(true).catch((err: unknown) => log.warn(`register after creating ${tc.topicName} failed: ${String(err)}`));
    });
  }

  private async updateConfig(text: string): Promise<void> {
    this.updateRetention(text);
    const update = applyBrokerConfigUpdates(this.config, text);
    for (const w of update.warnings) log.warn(`updateBrokerConfig: ${w}`);
    Object.assign(this.config, update.config);
    nextVersion(this.configVersion, Date.now());
    await this.configStore.persist(text);
    if (update.changedKeys.includes('brokerPermission')) {
      this.context().topics.bumpVersion();
      await this.registerAll(false);
    }
  }

  /**
   * Retention keys take effect on the running store (4.9.8 reads them from the live MessageStoreConfig each
   * round). Checked on a copy first, so a bad value changes nothing and the caller is told which key.
   */
  private updateRetention(text: string): void {
    const store = this.ctx?.store;
    if (!(store instanceof DefaultMessageStore)) return;
    const next = applyBrokerConfigUpdates({ ...this.config }, text).config;
    const live: Partial<LiveRetentionOptions> = {};
    for (const key of LIVE_RETENTION_KEYS) Object.assign(live, { [key]: next[key] });
    try {
      store.updateRetentionOptions(live);
    } catch (err) {
      throw new ConfigError(`UPDATE_BROKER_CONFIG: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private writeConsumerFilterFile(ctx: BrokerContext): void {
    const file = new ConfigFile(ctx.store.configDir, CONSUMER_FILTER_FILE);
    file.persist(EMPTY_CONSUMER_FILTER).catch((err: unknown) => log.warn(`cannot write ${file.file}: ${String(err)}`));
  }

  private async stop(): Promise<void> {
    this.shuttingDown = true;
    for (const t of this.timers) {
      clearInterval(t);
      clearTimeout(t);
    }
    const ctx = this.ctx;
    if (ctx !== undefined) {
      await ctx.pullHold.shutdown();
      // Sends in flight (e.g. waiting for their fdatasync) are answered; new ones get SERVICE_NOT_AVAILABLE.
      await this.inflightDone(Math.max(this.config.syncFlushTimeout, 1000) + 1000);
      // Let the answers leave before the connections close.
      await new Promise<void>((resolve) => setTimeout(resolve, 20));
    }
    await Promise.allSettled([this.main.shutdown(), this.vip.shutdown()]);
    await this.replication.shutdown();
    if (ctx !== undefined) {
      await this.registrar.unregisterAll();
      await ctx.schedule.shutdown();
      this.persistAll(ctx);
      await ctx.store.shutdown();
    }
    await this.client.shutdown();
    this.ready = false;
    log.info(`The broker[${this.config.brokerName}, ${this.brokerAddr}] shutdown OK`);
  }

  /** Resolves when no request is being handled, or after `timeoutMs`. */
  private inflightDone(timeoutMs: number): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        log.warn(`shutdown: ${this.inflight} request(s) still unanswered after ${timeoutMs} ms`);
        resolve();
      }, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private persistAll(ctx: BrokerContext): void {
    for (const [what, write] of [
      ['consumer offsets', () => ctx.offsets.persistSync()],
      ['topics', () => ctx.topics.persistSync()],
      ['subscription groups', () => ctx.groups.persistSync()],
    ] as const) {
      try {
        write();
      } catch (err) {
        log.error(`persist ${what} at shutdown failed: ${String(err)}`);
      }
    }
  }
}
