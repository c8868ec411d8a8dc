// The push consumer (Java DefaultMQPushConsumer): rebalances the group's queues, long-polls each assigned queue,
// hands messages to the listener (concurrently or orderly), keeps offsets (broker for clustering, local file for
// broadcasting) and sends failed messages back for redelivery.
import { createResponse, type RemotingCommand } from '../protocol/command.js';
import { RequestCode, ResponseCode } from '../protocol/codes.js';
import { decodeResetOffsetBody } from '../protocol/bodies.js';
import type { ConsumerData, SubscriptionData, TopicRouteData } from '../protocol/body-types.js';
import { decodeMessages } from '../protocol/message.js';
import * as C from '../protocol/message-const.js';
import { encodeConsumeMessageDirectlyResult, encodeConsumerRunningInfo, type DirectConsumeResult } from './admin-replies.js';
import { mqKey, type MessageQueue } from './allocate.js';
import { consumerSendMessageBack, getMaxOffset, searchOffset, unlockBatchMQ } from './broker-api.js';
import { ClientInstance } from './client-instance.js';
import { checkBool, checkEnum, checkGroup, checkInt, checkTopic, resolveClientConfig, type ClientOptions, type ResolvedClientConfig } from './config.js';
import { ConsumeConcurrentlyService } from './consume-concurrently.js';
import { ConsumeOrderlyService, lockValid } from './consume-orderly.js';
import type {
  ConsumeFromWhere,
  ConsumerCore,
  MessageListenerConcurrently,
  MessageListenerOrderly,
  MessageModel,
  QueueEntry,
} from './consumer-types.js';
import { ClientErrorCode, MQBrokerError, MQClientError, illegalArgument } from './errors.js';
import { Message, MessageExt, uncompressBody } from './message.js';
import { LocalFileOffsetStore, OFFSET_NOT_FOUND, RemoteBrokerOffsetStore, defaultLocalOffsetDir, type OffsetStore } from './offset-store.js';
import { ProcessQueue, type FlowLimits } from './process-queue.js';
import { CLIENT_INNER_PRODUCER_GROUP, Producer } from './producer.js';
import { PullApi, type PullResult } from './pull-api.js';
import { Rebalancer } from './rebalance.js';
import { toSubscribeQueues } from './route.js';
import { buildSubscriptionData } from './subscription.js';

export interface PushConsumerOptions extends ClientOptions {
  consumerGroup: string;
  /** Default CLUSTERING. */
  messageModel?: MessageModel;
  /** Where a group with no committed offset starts. Default CONSUME_FROM_LAST_OFFSET. */
  consumeFromWhere?: ConsumeFromWhere;
  /** For CONSUME_FROM_TIMESTAMP: epoch ms, or Java's "yyyyMMddHHmmss" (local time). Default: 30 minutes ago. */
  consumeTimestamp?: number | string;
  /** Listener calls running at once. Default 20. */
  consumeThreadMax?: number;
  /** Messages per listener call. Default 1. */
  consumeMessageBatchMaxSize?: number;
  /** Messages per pull. Default 32. */
  pullBatchSize?: number;
  /** Pulling of a queue pauses while it holds this many unconsumed messages. Default 1000. */
  pullThresholdForQueue?: number;
  /** ... or this many MiB of bodies. Default 100. */
  pullThresholdSizeForQueue?: number;
  /** ... or its held offsets span more than this (concurrent listener only). Default 2000. */
  consumeConcurrentlyMaxSpan?: number;
  /** Deliveries before a message goes to %DLQ%group. Default 16 (orderly: unlimited). */
  maxReconsumeTimes?: number;
  /** Orderly: pause after a failed batch, ms. Default 1000. */
  suspendCurrentQueueTimeMillis?: number;
  /** A listener call taking longer is treated as failed, ms. Default 15 minutes. */
  consumeTimeout?: number;
  /** Pause between pulls of a queue, ms. Default 0. */
  pullInterval?: number;
  /** Offset commit period, ms. Default 5000. */
  persistConsumerOffsetInterval?: number;
  /** Rebalance period, ms. Default 20000. */
  rebalanceInterval?: number;
  /** How long the broker may hold a pull, ms. Default 15000. */
  brokerSuspendMaxTimeMillis?: number;
  /** Client-side timeout of a held pull, ms. Default 30000. */
  consumerTimeoutMillisWhenSuspend?: number;
  /** Pause before pulling again after an error, ms. Default 3000. */
  pullTimeDelayMillsWhenException?: number;
  /** Send the subscription with every pull instead of relying on the heartbeat's. Default false. */
  postSubscriptionWhenPull?: boolean;
  /** Shutdown waits this long for running listener calls, ms. Default 5000. */
  awaitTerminationMillisWhenShutdown?: number;
  /** Broadcasting offsets folder. Default ~/.rocketmq_offsets. */
  offsetStoreDir?: string;
}

interface PushConfig {
  group: string;
  model: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  consumeTimestamp: number;
  consumeThreadMax: number;
  batchMaxSize: number;
  pullBatchSize: number;
  flow: FlowLimits;
  maxReconsumeTimes: number | undefined;
  suspendMs: number;
  consumeTimeout: number;
  pullInterval: number;
  persistInterval: number;
  rebalanceInterval: number;
  suspendTimeoutMillis: number;
  pullTimeoutMs: number;
  pullErrorDelay: number;
  postSubscription: boolean;
  awaitTermination: number;
  offsetStoreDir: string;
}

const MB = 1024 * 1024;
const DAY = 86_400_000;
/** Java REBALANCE_LOCK_INTERVAL: orderly locks are renewed this often. */
const LOCK_RENEW_INTERVAL_MS = 20_000;
/** A hand-over waits this long for the queue's running listener calls before committing. */
const HANDOVER_WAIT_MS = 3000;
/** After SUBSCRIPTION_NOT_EXIST / NOT_LATEST the heartbeat is resent and the pull retried this soon. */
const SUBSCRIPTION_RETRY_MS = 200;
const MAX_SUBSCRIPTIONS = 1000;

type ConsumerState = 'CREATED' | 'RUNNING' | 'STOPPING' | 'SHUTDOWN';

/** "yyyyMMddHHmmss" in local time (Java UtilAll.parseDate with YYYYMMDDHHMMSS) or epoch ms. */
export function parseConsumeTimestamp(v: number | string | undefined, now = Date.now()): number {
  if (v === undefined) return now - 30 * 60_000;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw illegalArgument(`consumeTimestamp must be epoch milliseconds, got ${v}`);
    return v;
  }
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(String(v));
  if (!m) throw illegalArgument(`consumeTimestamp "${String(v)}" is not yyyyMMddHHmmss`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = new Date(y, mo - 1, d, h, mi, s).getTime();
  if (Number.isNaN(t) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) {
    throw illegalArgument(`consumeTimestamp "${v}" is not a valid date`);
  }
  return t;
}

function resolvePushConfig(o: PushConsumerOptions): PushConfig {
  const group = checkGroup('consumerGroup', o.consumerGroup);
  if (group === 'DEFAULT_CONSUMER') throw illegalArgument('consumerGroup can not equal DEFAULT_CONSUMER, please specify another one');
  return {
    group,
    model: checkEnum<MessageModel>('messageModel', o.messageModel, ['CLUSTERING', 'BROADCASTING'], 'CLUSTERING'),
    consumeFromWhere: checkEnum<ConsumeFromWhere>('consumeFromWhere', o.consumeFromWhere,
      ['CONSUME_FROM_LAST_OFFSET', 'CONSUME_FROM_FIRST_OFFSET', 'CONSUME_FROM_TIMESTAMP'], 'CONSUME_FROM_LAST_OFFSET'),
    consumeTimestamp: parseConsumeTimestamp(o.consumeTimestamp),
    consumeThreadMax: checkInt('consumeThreadMax', o.consumeThreadMax, 20, 1, 1000),
    batchMaxSize: checkInt('consumeMessageBatchMaxSize', o.consumeMessageBatchMaxSize, 1, 1, 1024),
    pullBatchSize: checkInt('pullBatchSize', o.pullBatchSize, 32, 1, 1024),
    flow: {
      maxCount: checkInt('pullThresholdForQueue', o.pullThresholdForQueue, 1000, 1, 65535),
      maxBytes: checkInt('pullThresholdSizeForQueue', o.pullThresholdSizeForQueue, 100, 1, 1024) * MB,
      maxSpan: checkInt('consumeConcurrentlyMaxSpan', o.consumeConcurrentlyMaxSpan, 2000, 1, 65535),
    },
    maxReconsumeTimes: o.maxReconsumeTimes === undefined || o.maxReconsumeTimes === -1
      ? undefined : checkInt('maxReconsumeTimes', o.maxReconsumeTimes, 16, 0, 2147483647),
    suspendMs: checkInt('suspendCurrentQueueTimeMillis', o.suspendCurrentQueueTimeMillis, 1000, 10, 30_000),
    consumeTimeout: checkInt('consumeTimeout', o.consumeTimeout, 15 * 60_000, 1, DAY),
    pullInterval: checkInt('pullInterval', o.pullInterval, 0, 0, 65535),
    persistInterval: checkInt('persistConsumerOffsetInterval', o.persistConsumerOffsetInterval, 5000, 10, DAY),
    rebalanceInterval: checkInt('rebalanceInterval', o.rebalanceInterval, 20_000, 10, DAY),
    suspendTimeoutMillis: checkInt('brokerSuspendMaxTimeMillis', o.brokerSuspendMaxTimeMillis, 15_000, 0, 60_000),
    pullTimeoutMs: checkInt('consumerTimeoutMillisWhenSuspend', o.consumerTimeoutMillisWhenSuspend, 30_000, 1, 120_000),
    pullErrorDelay: checkInt('pullTimeDelayMillsWhenException', o.pullTimeDelayMillsWhenException, 3000, 0, 60_000),
    postSubscription: checkBool('postSubscriptionWhenPull', o.postSubscriptionWhenPull, false),
    awaitTermination: checkInt('awaitTerminationMillisWhenShutdown', o.awaitTerminationMillisWhenShutdown, 5000, 0, DAY),
    offsetStoreDir: o.offsetStoreDir ?? defaultLocalOffsetDir(),
  };
}

export class PushConsumer {
  private readonly cfg: PushConfig;
  private readonly clientConfig: ResolvedClientConfig;
  private readonly instance: ClientInstance;
  private readonly rebalancer: Rebalancer;
  private readonly pullApi: PullApi;
  private readonly core: ConsumerCore;
  private offsetStore: OffsetStore;
  private concurrentListener: MessageListenerConcurrently | undefined;
  private orderlyListener: MessageListenerOrderly | undefined;
  private concurrently: ConsumeConcurrentlyService | undefined;
  private orderly: ConsumeOrderlyService | undefined;
  private innerProducer: Producer | undefined;
  private state: ConsumerState = 'CREATED';
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private startTimestamp = 0;

  constructor(options: PushConsumerOptions) {
    if (options === null || typeof options !== 'object') throw illegalArgument('PushConsumer needs an options object');
    this.cfg = resolvePushConfig(options);
    this.clientConfig = resolveClientConfig(options);
    this.instance = new ClientInstance(this.clientConfig, `consumer ${this.cfg.group}`);
    this.pullApi = new PullApi(this.instance, this.instance.logger);
    this.offsetStore = this.cfg.model === 'CLUSTERING'
      ? new RemoteBrokerOffsetStore(this.instance, this.cfg.group, this.instance.logger)
      : new LocalFileOffsetStore(this.cfg.offsetStoreDir, this.clientConfig.clientId, this.cfg.group, this.instance.logger);
    this.core = this.makeCore();
    this.rebalancer = new Rebalancer(this.instance, this.cfg.group, this.cfg.model, {
      addQueue: (mq) => this.addQueue(mq),
      startQueue: (entry) => this.instance.background(this.pullLoop(entry), `pulling ${mqKey(entry.mq)}`),
      removeQueue: (entry) => this.removeQueue(entry),
    }, this.instance.logger, () => this.isRunning());
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  get consumerGroup(): string {
    return this.cfg.group;
  }

  get messageModel(): MessageModel {
    return this.cfg.model;
  }

  /** The broadcasting offsets file, or undefined in clustering mode. */
  get offsetFile(): string | undefined {
    return this.offsetStore instanceof LocalFileOffsetStore ? this.offsetStore.file : undefined;
  }

  /** Queues currently assigned to this consumer. */
  assignedQueues(): MessageQueue[] {
    return this.rebalancer.entries().map((e) => ({ ...e.mq }));
  }

  /** Subscribes `topic` with "*" or "TagA || TagB"; may be called after start (takes effect at once). */
  subscribe(topic: string, expression = '*'): void {
    checkTopic(topic);
    if (this.state === 'STOPPING' || this.state === 'SHUTDOWN') throw this.stateError('subscribe');
    if (!this.rebalancer.subscriptions.has(topic) && this.rebalancer.subscriptions.size >= MAX_SUBSCRIPTIONS) {
      throw illegalArgument(`a consumer may subscribe at most ${MAX_SUBSCRIPTIONS} topics`);
    }
    this.rebalancer.subscriptions.set(topic, buildSubscriptionData(topic, expression));
    if (this.state === 'RUNNING') this.instance.background(this.afterSubscriptionChange(topic), 'subscribe');
  }

  unsubscribe(topic: string): void {
    this.rebalancer.subscriptions.delete(topic);
    if (this.state === 'RUNNING') this.instance.background(this.afterSubscriptionChange(undefined), 'unsubscribe');
  }

  /** The concurrent listener: any message of any queue may be consumed at any time. */
  registerMessageListener(listener: MessageListenerConcurrently): void {
    this.checkListener(listener);
    this.concurrentListener = listener;
  }

  /** The orderly listener: each queue consumed strictly in order, under a broker lock in clustering mode. */
  registerOrderlyListener(listener: MessageListenerOrderly): void {
    this.checkListener(listener);
    this.orderlyListener = listener;
  }

  private checkListener(listener: unknown): void {
    if (typeof listener !== 'function') throw illegalArgument('the message listener must be a function');
    if (this.state !== 'CREATED') throw this.stateError('register a listener');
    if (this.concurrentListener !== undefined || this.orderlyListener !== undefined) {
      throw illegalArgument('a message listener is already registered');
    }
  }

  private stateError(what: string): MQClientError {
    return new MQClientError(`cannot ${what}: the consumer ${this.cfg.group} is ${this.state}`, ClientErrorCode.SERVICE_STATE);
  }

  // ---- lifecycle ----

  /** Resolves once routes are known, the brokers have our heartbeat and the first rebalance is done. */
  async start(): Promise<void> {
    if (this.state !== 'CREATED') throw this.stateError('start');
    if (this.concurrentListener === undefined && this.orderlyListener === undefined) {
      throw illegalArgument('messageListener is null: call registerMessageListener() or registerOrderlyListener() before start()');
    }
    if (this.rebalancer.subscriptions.size === 0) throw illegalArgument('no subscription: call subscribe(topic, expression) before start()');
    if (this.cfg.model === 'CLUSTERING') {
      const retry = C.RETRY_GROUP_TOPIC_PREFIX + this.cfg.group;
      this.rebalancer.subscriptions.set(retry, buildSubscriptionData(retry, '*'));
    }
    this.createConsumeService();
    await this.offsetStore.load();
    this.state = 'RUNNING';
    this.startTimestamp = Date.now();
    try {
      await this.startInstance();
    } catch (err) {
      await this.shutdown();
      throw err;
    }
  }

  private createConsumeService(): void {
    if (this.orderlyListener !== undefined) {
      this.orderly = new ConsumeOrderlyService(this.core, this.orderlyListener, this.cfg.consumeThreadMax, this.cfg.batchMaxSize, this.cfg.suspendMs);
    } else {
      this.concurrently = new ConsumeConcurrentlyService(this.core, this.concurrentListener!, this.cfg.consumeThreadMax, this.cfg.batchMaxSize);
    }
  }

  private async startInstance(): Promise<void> {
    this.instance.start({
      topicsInUse: () => this.rebalancer.subscriptions.keys(),
      heartbeatData: () => ({ producerDataSet: [], consumerDataSet: [this.consumerData()] }),
      onRouteChanged: (topic, route) => this.onRouteChanged(topic, route),
      handleRequest: (request) => this.handleRequest(request),
    });
    await this.instance.updateAllRoutes();
    await this.instance.sendHeartbeat();
    await this.rebalancer.rebalance();
    this.instance.every(this.cfg.rebalanceInterval, () => this.rebalancer.rebalance());
    this.instance.every(this.cfg.persistInterval, () => this.persistOffsets(false));
    if (this.orderly !== undefined && this.cfg.model === 'CLUSTERING') {
      this.instance.every(LOCK_RENEW_INTERVAL_MS, () => this.orderly?.lockAll(this.rebalancer.entries()));
    }
  }

  /**
   * Stops pulling, waits (up to awaitTerminationMillisWhenShutdown) for running listener calls, commits offsets,
   * releases orderly locks, unregisters from the brokers and closes the connections.
   */
  async shutdown(): Promise<void> {
    if (this.state === 'CREATED') this.state = 'SHUTDOWN';
    if (this.state !== 'RUNNING') return;
    this.state = 'STOPPING';
    this.cancelSleeps();
    await this.concurrently?.awaitInflight(this.cfg.awaitTermination);
    await this.orderly?.awaitInflight(this.cfg.awaitTermination);
    const entries = this.rebalancer.entries();
    for (const e of entries) e.pq.drop();
    await this.persistOffsets(true);
    if (this.orderly !== undefined && this.cfg.model === 'CLUSTERING') await this.unlockAll(entries);
    await this.instance.unregister({ consumerGroup: this.cfg.group });
    await this.instance.shutdown();
    await this.innerProducer?.shutdown();
    this.state = 'SHUTDOWN';
  }

  private isRunning(): boolean {
    return this.state === 'RUNNING';
  }

  private async afterSubscriptionChange(topic: string | undefined): Promise<void> {
    try {
      if (topic !== undefined) await this.instance.updateRoute(topic);
      await this.instance.sendHeartbeat();
      await this.rebalancer.rebalance();
    } catch (err) {
      this.instance.logger.warn(`${this.cfg.group}: applying the subscription change failed: ${String(err)}`);
    }
  }

  // ---- the view the consume services use ----

  private makeCore(): ConsumerCore {
    const self = this;
    return {
      instance: this.instance,
      group: this.cfg.group,
      messageModel: this.cfg.model,
      get offsetStore() {
        return self.offsetStore;
      },
      logger: this.instance.logger,
      get maxReconsumeTimes() {
        return self.maxReconsumeTimes();
      },
      consumeTimeoutMs: this.cfg.consumeTimeout,
      isRunning: () => this.isRunning(),
      sendMessageBack: (msg, delayLevel) => this.sendMessageBack(msg, delayLevel),
      sleep: (ms) => this.sleep(ms),
    };
  }

  private maxReconsumeTimes(): number {
    return this.cfg.maxReconsumeTimes ?? (this.orderlyListener !== undefined ? 2147483647 : 16);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (!this.isRunning()) {
        resolve();
        return;
      }
      const sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
        resolve,
      };
      this.sleepers.add(sleeper);
    });
  }

  private cancelSleeps(): void {
    for (const s of this.sleepers) {
      clearTimeout(s.timer);
      s.resolve();
    }
    this.sleepers.clear();
  }

  // ---- heartbeat and routes ----

  private consumerData(): ConsumerData {
    return {
      groupName: this.cfg.group,
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: this.cfg.model,
      consumeFromWhere: this.cfg.consumeFromWhere,
      subscriptionDataSet: [...this.rebalancer.subscriptions.values()],
      unitMode: false,
    };
  }

  private onRouteChanged(topic: string, route: TopicRouteData): void {
    if (!this.rebalancer.subscriptions.has(topic)) return;
    const before = this.rebalancer.topicQueues.get(topic);
    const after = toSubscribeQueues(topic, route);
    this.rebalancer.topicQueues.set(topic, after);
    const changed = before === undefined || before.map(mqKey).sort().join() !== after.map(mqKey).sort().join();
    if (changed && this.isRunning()) this.instance.background(this.rebalancer.rebalance(), 'rebalance');
  }

  // ---- queue hand-over ----

  private async addQueue(mq: MessageQueue): Promise<QueueEntry | undefined> {
    const pq = new ProcessQueue();
    const orderlyClustering = this.orderly !== undefined && this.cfg.model === 'CLUSTERING';
    if (orderlyClustering && !(await this.orderly!.lockOne(mq, pq))) {
      this.instance.logger.info(`${this.cfg.group}: ${mq.topic}/${mq.brokerName}/${mq.queueId} is locked by another consumer; not taken this round`);
      return undefined;
    }
    this.offsetStore.removeOffset(mq);
    const offset = await this.computePullFromWhere(mq);
    if (offset < 0) {
      if (orderlyClustering) await this.unlockQuietly(mq);
      return undefined;
    }
    return { mq: { ...mq }, pq, nextOffset: offset, previouslyLocked: orderlyClustering };
  }

  private async removeQueue(entry: QueueEntry): Promise<void> {
    const { mq, pq } = entry;
    pq.drain();
    await pq.whenIdle(HANDOVER_WAIT_MS);
    pq.drop();
    this.pullApi.forget(mq);
    if (this.cfg.model === 'CLUSTERING') {
      await this.offsetStore.persist(mq, true);
      this.offsetStore.removeOffset(mq);
      if (this.orderly !== undefined && pq.locked) await this.unlockQuietly(mq);
    }
  }

  private async unlockQuietly(mq: MessageQueue): Promise<void> {
    try {
      await unlockBatchMQ(this.instance, mq.brokerName, this.cfg.group, [mq]);
    } catch (err) {
      this.instance.logger.warn(`${this.cfg.group}: unlock of ${mq.topic}/${mq.brokerName}/${mq.queueId} failed: ${String(err)}`);
    }
  }

  private async unlockAll(entries: QueueEntry[]): Promise<void> {
    const byBroker = new Map<string, MessageQueue[]>();
    for (const e of entries) byBroker.set(e.mq.brokerName, [...(byBroker.get(e.mq.brokerName) ?? []), e.mq]);
    await Promise.all([...byBroker].map(async ([brokerName, mqs]) => {
      try {
        await unlockBatchMQ(this.instance, brokerName, this.cfg.group, mqs);
      } catch (err) {
        this.instance.logger.warn(`${this.cfg.group}: unlock at ${brokerName} failed: ${String(err)}`);
      }
    }));
  }

  /** Java RebalancePushImpl.computePullFromWhere; -1 = not now (the store could not be asked). */
  private async computePullFromWhere(mq: MessageQueue): Promise<number> {
    const stored = await this.offsetStore.readOffset(mq, 'STORE');
    if (stored >= 0) return stored;
    if (stored !== OFFSET_NOT_FOUND) return -1;
    const isRetry = mq.topic.startsWith(C.RETRY_GROUP_TOPIC_PREFIX);
    try {
      switch (this.cfg.consumeFromWhere) {
        case 'CONSUME_FROM_FIRST_OFFSET':
          return 0;
        case 'CONSUME_FROM_TIMESTAMP':
          return isRetry ? await getMaxOffset(this.instance, mq) : await searchOffset(this.instance, mq, this.cfg.consumeTimestamp);
        default:
          return isRetry ? 0 : await getMaxOffset(this.instance, mq);
      }
    } catch (err) {
      this.instance.logger.warn(`${this.cfg.group}: start offset of ${mq.topic}/${mq.brokerName}/${mq.queueId}: ${String(err)}`);
      return -1;
    }
  }

  private async persistOffsets(sync: boolean): Promise<void> {
    await this.offsetStore.persistAll(this.rebalancer.entries().map((e) => e.mq), sync);
  }

  // ---- pulling ----

  private async pullLoop(entry: QueueEntry): Promise<void> {
    while (this.isRunning() && entry.pq.consumable) {
      const pq = entry.pq;
      await pq.waitForSpace(this.orderly ? { ...this.cfg.flow, maxSpan: Number.MAX_SAFE_INTEGER } : this.cfg.flow);
      if (!this.isRunning() || !pq.consumable) break;
      if (!(await this.readyToPull(entry))) continue;
      const sd = this.rebalancer.subscriptions.get(entry.mq.topic);
      if (sd === undefined) {
        await this.sleep(this.cfg.pullErrorDelay);
        continue;
      }
      const result = await this.pullOnce(entry, sd);
      if (result === undefined || !this.isRunning() || entry.pq !== pq || !pq.consumable) continue;
      await this.onPullResult(entry, result);
      if (this.cfg.pullInterval > 0) await this.sleep(this.cfg.pullInterval);
    }
  }

  /** Orderly clustering pulls only under a valid lock. */
  private async readyToPull(entry: QueueEntry): Promise<boolean> {
    if (this.orderly === undefined || this.cfg.model !== 'CLUSTERING' || lockValid(entry.pq)) return true;
    if (await this.orderly.lockOne(entry.mq, entry.pq)) return true;
    await this.sleep(this.cfg.pullErrorDelay);
    return false;
  }

  private async pullOnce(entry: QueueEntry, sd: SubscriptionData): Promise<PullResult | undefined> {
    const commitOffset = this.cfg.model === 'CLUSTERING' ? await this.offsetStore.readOffset(entry.mq, 'MEMORY') : 0;
    entry.pq.lastPullTimestamp = Date.now();
    try {
      return await this.pullApi.pull({
        group: this.cfg.group,
        mq: entry.mq,
        subscription: sd,
        offset: entry.nextOffset,
        maxNums: this.cfg.pullBatchSize,
        commitOffset,
        suspend: true,
        postSubscription: this.cfg.postSubscription,
        litePull: false,
        suspendTimeoutMillis: this.cfg.suspendTimeoutMillis,
        timeoutMs: this.cfg.pullTimeoutMs,
      });
    } catch (err) {
      if (!this.isRunning()) return undefined;
      await this.afterPullError(entry, err);
      return undefined;
    }
  }

  private async afterPullError(entry: QueueEntry, err: unknown): Promise<void> {
    const code = err instanceof MQBrokerError ? err.code : undefined;
    if (code === ResponseCode.SUBSCRIPTION_NOT_EXIST || code === ResponseCode.SUBSCRIPTION_NOT_LATEST) {
      // The broker has not seen (the latest of) our subscription yet: tell it again, then retry soon.
      await this.instance.sendHeartbeat();
      await this.sleep(SUBSCRIPTION_RETRY_MS);
      return;
    }
    const mq = entry.mq;
    this.instance.logger.warn(`${this.cfg.group}: pull ${mq.topic}/${mq.brokerName}/${mq.queueId} failed: ${String(err)}`);
    await this.sleep(this.cfg.pullErrorDelay);
  }

  private async onPullResult(entry: QueueEntry, r: PullResult): Promise<void> {
    switch (r.status) {
      case 'FOUND':
        entry.nextOffset = r.nextBeginOffset;
        this.dispatch(entry, r.msgs);
        return;
      case 'NO_NEW_MSG':
      case 'NO_MATCHED_MSG':
        entry.nextOffset = r.nextBeginOffset;
        // Nothing held: the skipped (filtered) range counts as consumed (Java correctTagsOffset).
        if (entry.pq.count === 0) this.offsetStore.updateOffset(entry.mq, entry.nextOffset, true);
        return;
      case 'OFFSET_ILLEGAL':
        await this.correctIllegalOffset(entry, r.nextBeginOffset);
    }
  }

  private dispatch(entry: QueueEntry, msgs: MessageExt[]): void {
    if (msgs.length === 0) {
      if (entry.pq.count === 0) this.offsetStore.updateOffset(entry.mq, entry.nextOffset, true);
      return;
    }
    const added = entry.pq.putMessages(msgs);
    if (added.length === 0) return;
    if (this.orderly !== undefined) this.orderly.submit(entry);
    else this.concurrently!.submit(added, entry);
  }

  /** PULL_OFFSET_MOVED: drop what is held, store the broker's offset and continue from there. */
  private async correctIllegalOffset(entry: QueueEntry, next: number): Promise<void> {
    const mq = entry.mq;
    this.instance.logger.warn(`${this.cfg.group}: offset ${entry.nextOffset} of ${mq.topic}/${mq.brokerName}/${mq.queueId} is illegal; moving to ${next}`);
    const old = entry.pq;
    old.drop();
    const fresh = new ProcessQueue();
    fresh.locked = old.locked;
    fresh.lastLockTimestamp = old.lastLockTimestamp;
    entry.pq = fresh;
    entry.nextOffset = next;
    this.offsetStore.updateOffset(mq, next, false);
    await this.offsetStore.persist(mq, true);
  }

  // ---- sending failed messages back ----

  private async sendMessageBack(msg: MessageExt, delayLevel: number): Promise<boolean> {
    try {
      await consumerSendMessageBack(this.instance, {
        brokerName: msg.brokerName,
        topic: msg.topic,
        group: this.cfg.group,
        commitLogOffset: msg.commitLogOffset,
        delayLevel,
        originMsgId: msg.msgId,
        maxReconsumeTimes: this.maxReconsumeTimes(),
      });
      return true;
    } catch (err) {
      this.instance.logger.warn(`${this.cfg.group}: send back of ${msg.msgId} failed (${String(err)}); sending it to the retry topic`);
      return this.sendToRetryTopic(msg);
    }
  }

  /** Java's fallback: a copy of the message sent to %RETRY%group by the client's inner producer. */
  private async sendToRetryTopic(msg: MessageExt): Promise<boolean> {
    try {
      const copy = new Message({ topic: C.RETRY_GROUP_TOPIC_PREFIX + this.cfg.group, body: msg.body, flag: msg.flag });
      copy.properties.clear();
      for (const [k, v] of msg.properties) copy.properties.set(k, v);
      copy.properties.set(C.PROPERTY_ORIGIN_MESSAGE_ID, msg.properties.get(C.PROPERTY_ORIGIN_MESSAGE_ID) ?? msg.msgId);
      copy.properties.set(C.PROPERTY_RETRY_TOPIC, msg.topic);
      copy.properties.set(C.PROPERTY_RECONSUME_TIME, String(msg.reconsumeTimes + 1));
      copy.properties.set(C.PROPERTY_MAX_RECONSUME_TIMES, String(this.maxReconsumeTimes()));
      copy.properties.delete(C.PROPERTY_TRANSACTION_PREPARED);
      copy.delayTimeLevel = Math.min(3 + msg.reconsumeTimes, 255);
      await (await this.getInnerProducer()).send(copy);
      return true;
    } catch (err) {
      this.instance.logger.warn(`${this.cfg.group}: sending ${msg.msgId} to the retry topic failed: ${String(err)}`);
      return false;
    }
  }

  private async getInnerProducer(): Promise<Producer> {
    if (this.innerProducer === undefined) {
      const producer = new Producer({
        producerGroup: CLIENT_INNER_PRODUCER_GROUP,
        namesrvAddr: this.clientConfig.namesrvAddrs.join(';'),
        instanceName: this.clientConfig.instanceName,
        clientIP: this.clientConfig.clientIP,
        requestTimeoutMs: this.clientConfig.requestTimeoutMs,
      });
      this.innerProducer = producer;
      await producer.start();
    }
    return this.innerProducer;
  }

  // ---- requests from brokers (spec §4.3) ----

  private handleRequest(request: RemotingCommand): Promise<RemotingCommand | null> | RemotingCommand | null | undefined {
    const group = request.extFields.consumerGroup ?? request.extFields.group;
    const known = [RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, RequestCode.GET_CONSUMER_RUNNING_INFO,
      RequestCode.CONSUME_MESSAGE_DIRECTLY, RequestCode.RESET_CONSUMER_CLIENT_OFFSET] as number[];
    if (!known.includes(request.code)) return undefined;
    if (group !== undefined && group !== this.cfg.group) {
      return createResponse(request, ResponseCode.SYSTEM_ERROR, `The Consumer Group <${group}> not exist in this consumer`);
    }
    switch (request.code) {
      case RequestCode.NOTIFY_CONSUMER_IDS_CHANGED:
        if (this.isRunning()) this.instance.background(this.rebalancer.rebalance(), 'rebalance');
        return null;
      case RequestCode.GET_CONSUMER_RUNNING_INFO:
        return createResponse(request, ResponseCode.SUCCESS, undefined, {}, this.runningInfo());
      case RequestCode.CONSUME_MESSAGE_DIRECTLY:
        return this.consumeDirectly(request);
      default:
        return this.resetOffset(request);
    }
  }

  private runningInfo(): Buffer {
    const commitOffsets = new Map(this.offsetStore.offsets().map(([mq, o]) => [mqKey(mq), o]));
    return encodeConsumerRunningInfo({
      properties: {
        PROP_NAMESERVER_ADDR: this.clientConfig.namesrvAddrs.join(';'),
        PROP_CONSUME_TYPE: 'CONSUME_PASSIVELY',
        PROP_CONSUMEORDERLY: String(this.orderly !== undefined),
        PROP_THREADPOOL_CORE_SIZE: String(this.cfg.consumeThreadMax),
        PROP_CONSUMER_START_TIMESTAMP: String(this.startTimestamp),
        PROP_CLIENT_VERSION: 'V4_9_8',
        consumerGroup: this.cfg.group,
        messageModel: this.cfg.model,
        consumeFromWhere: this.cfg.consumeFromWhere,
      },
      subscriptions: [...this.rebalancer.subscriptions.values()],
      entries: this.rebalancer.entries(),
      commitOffsets,
    });
  }

  /** CONSUME_MESSAGE_DIRECTLY (mqadmin consumeMessage): runs the listener on one stored message. */
  private async consumeDirectly(request: RemotingCommand): Promise<RemotingCommand> {
    const decoded = request.body === undefined ? [] : decodeMessages(request.body);
    if (decoded.length !== 1) return createResponse(request, ResponseCode.SYSTEM_ERROR, 'CONSUME_MESSAGE_DIRECTLY needs exactly one message');
    const d = decoded[0]!;
    const brokerName = request.extFields.brokerName ?? '';
    const msg = new MessageExt(d, brokerName, uncompressBody(d.body, d.sysFlag) ?? Buffer.from(d.body));
    const mq = { topic: msg.topic, brokerName, queueId: msg.queueId };
    const started = Date.now();
    let result: DirectConsumeResult;
    let remark = '';
    try {
      const status = this.orderlyListener !== undefined
        ? await this.orderlyListener([msg], { messageQueue: mq, suspendCurrentQueueTimeMillis: this.cfg.suspendMs })
        : await this.concurrentListener!([msg], { messageQueue: mq, delayLevelWhenNextConsume: 0, ackIndex: 0 });
      result = status === 'SUCCESS' || status === 'CONSUME_SUCCESS' ? 'CR_SUCCESS' : status === undefined ? 'CR_RETURN_NULL' : 'CR_LATER';
    } catch (err) {
      result = 'CR_THROW_EXCEPTION';
      remark = err instanceof Error ? err.stack ?? err.message : String(err);
    }
    const body = encodeConsumeMessageDirectlyResult({
      order: this.orderlyListener !== undefined, consumeResult: result, remark, spentTimeMills: Date.now() - started,
    });
    return createResponse(request, ResponseCode.SUCCESS, undefined, {}, body);
  }

  /** RESET_CONSUMER_CLIENT_OFFSET (mqadmin resetOffsetByTime): drop held messages, start from the given offsets. */
  private async resetOffset(request: RemotingCommand): Promise<RemotingCommand> {
    const topic = request.extFields.topic;
    if (topic === undefined || request.body === undefined) return createResponse(request, ResponseCode.SYSTEM_ERROR, 'topic and offsets are required');
    const table = decodeResetOffsetBody(request.body).offsetTable.filter(([mq]) => mq.topic === topic);
    const affected = this.rebalancer.entries().filter((e) => e.mq.topic === topic);
    for (const e of affected) e.pq.drop();
    await Promise.all(affected.map((e) => e.pq.whenIdle(HANDOVER_WAIT_MS)));
    for (const [mq, offset] of table) this.offsetStore.updateOffset(mq, offset, false);
    await this.offsetStore.persistAll(table.map(([mq]) => mq), true);
    for (const e of affected) {
      this.rebalancer.table.delete(mqKey(e.mq));
      this.pullApi.forget(e.mq);
      if (this.orderly !== undefined && this.cfg.model === 'CLUSTERING') await this.unlockQuietly(e.mq);
    }
    if (this.isRunning()) this.instance.background(this.rebalancer.rebalance(), 'rebalance');
    return createResponse(request, ResponseCode.SUCCESS);
  }
}
