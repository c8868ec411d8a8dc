// The lite pull consumer (Java DefaultLitePullConsumer in assign mode): the caller picks queues, background
// long-polls fill a bounded buffer per queue, poll() hands out one pulled batch at a time, and offsets of polled
// batches are committed to the broker (on commit() and every autoCommitIntervalMillis).
import type { ConsumerData, SubscriptionData } from '../protocol/body-types.js';
import { RETRY_GROUP_TOPIC_PREFIX } from '../protocol/message-const.js';
import { mqKey, type MessageQueue } from './allocate.js';
import { getMaxOffset, getMinOffset, queryConsumerOffset, searchOffset, updateConsumerOffset } from './broker-api.js';
import { ClientInstance } from './client-instance.js';
import { checkBool, checkEnum, checkGroup, checkInt, checkTopic, resolveClientConfig, type ClientOptions } from './config.js';
import type { ConsumeFromWhere } from './consumer-types.js';
import { ClientErrorCode, MQClientError, illegalArgument } from './errors.js';
import type { MessageExt } from './message.js';
import { PullApi } from './pull-api.js';
import { parseConsumeTimestamp } from './push-consumer.js';
import { toSubscribeQueues } from './route.js';
import { buildSubscriptionData } from './subscription.js';

export interface PullConsumerOptions extends ClientOptions {
  consumerGroup: string;
  /** Messages per pull. Default 10 (Java lite pull). */
  pullBatchSize?: number;
  /** Pulling of a queue pauses while this many of its messages wait to be polled. Default 1000. */
  pullThresholdForQueue?: number;
  /** Commit polled offsets every autoCommitIntervalMillis. Default true. */
  autoCommit?: boolean;
  autoCommitIntervalMillis?: number;
  /** Start of a queue the group never committed. Default CONSUME_FROM_LAST_OFFSET. */
  consumeFromWhere?: ConsumeFromWhere;
  consumeTimestamp?: number | string;
  /** poll() without an argument waits this long, ms. Default 5000. */
  pollTimeoutMillis?: number;
  brokerSuspendMaxTimeMillis?: number;
  consumerTimeoutMillisWhenSuspend?: number;
  pullTimeDelayMillsWhenException?: number;
}

interface LiteQueue {
  mq: MessageQueue;
  subscription: SubscriptionData;
  /** Next pull position; undefined until the start offset is known. */
  nextPullOffset: number | undefined;
  /** Offset after the last polled batch; what commit() stores. */
  consumedOffset: number | undefined;
  /** The offset last written to the broker. */
  committedOffset: number | undefined;
  buffered: number;
  /** Bumped by seek/unassign: pulls started for an older generation are discarded. */
  generation: number;
  spaceWaiters: Array<() => void>;
}

interface Batch {
  q: LiteQueue;
  generation: number;
  msgs: MessageExt[];
  nextOffset: number;
}

type State = 'CREATED' | 'RUNNING' | 'SHUTDOWN';

/** Each assigned queue has its own long poll; more than this is surely a mistake. */
const MAX_ASSIGNED_QUEUES = 10_000;

export class PullConsumer implements AsyncIterable<MessageExt> {
  private readonly instance: ClientInstance;
  private readonly pullApi: PullApi;
  private readonly group: string;
  private readonly opts: Required<Omit<PullConsumerOptions, keyof ClientOptions | 'consumerGroup' | 'consumeTimestamp'>> & { consumeTimestamp: number };
  private readonly queues = new Map<string, LiteQueue>();
  private batches: Batch[] = [];
  private pollWaiters: Array<() => void> = [];
  private state: State = 'CREATED';

  constructor(options: PullConsumerOptions) {
    if (options === null || typeof options !== 'object') throw illegalArgument('PullConsumer needs an options object');
    this.group = checkGroup('consumerGroup', options.consumerGroup);
    this.opts = {
      pullBatchSize: checkInt('pullBatchSize', options.pullBatchSize, 10, 1, 1024),
      pullThresholdForQueue: checkInt('pullThresholdForQueue', options.pullThresholdForQueue, 1000, 1, 65535),
      autoCommit: checkBool('autoCommit', options.autoCommit, true),
      autoCommitIntervalMillis: checkInt('autoCommitIntervalMillis', options.autoCommitIntervalMillis, 5000, 10, 86_400_000),
      consumeFromWhere: checkEnum<ConsumeFromWhere>('consumeFromWhere', options.consumeFromWhere,
        ['CONSUME_FROM_LAST_OFFSET', 'CONSUME_FROM_FIRST_OFFSET', 'CONSUME_FROM_TIMESTAMP'], 'CONSUME_FROM_LAST_OFFSET'),
      consumeTimestamp: parseConsumeTimestamp(options.consumeTimestamp),
      pollTimeoutMillis: checkInt('pollTimeoutMillis', options.pollTimeoutMillis, 5000, 0, 86_400_000),
      brokerSuspendMaxTimeMillis: checkInt('brokerSuspendMaxTimeMillis', options.brokerSuspendMaxTimeMillis, 15_000, 0, 60_000),
      consumerTimeoutMillisWhenSuspend: checkInt('consumerTimeoutMillisWhenSuspend', options.consumerTimeoutMillisWhenSuspend, 30_000, 1, 120_000),
      pullTimeDelayMillsWhenException: checkInt('pullTimeDelayMillsWhenException', options.pullTimeDelayMillsWhenException, 1000, 0, 60_000),
    };
    this.instance = new ClientInstance(resolveClientConfig(options), `pull-consumer ${this.group}`);
    this.pullApi = new PullApi(this.instance, this.instance.logger);
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  async start(): Promise<void> {
    if (this.state !== 'CREATED') throw this.stateError('start');
    this.state = 'RUNNING';
    this.instance.start({
      topicsInUse: () => new Set([...this.queues.values()].map((q) => q.mq.topic)),
      heartbeatData: () => ({ producerDataSet: [], consumerDataSet: [this.consumerData()] }),
      onRouteChanged: () => undefined,
    });
    await this.instance.updateAllRoutes();
    await this.instance.sendHeartbeat();
    if (this.opts.autoCommit) this.instance.every(this.opts.autoCommitIntervalMillis, () => this.commitOffsets(false));
    for (const q of this.queues.values()) this.startPulling(q);
  }

  /** Commits polled offsets, unregisters and closes the connections. Buffered, unpolled messages are not committed. */
  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') {
      this.state = 'SHUTDOWN';
      return;
    }
    try {
      await this.commitOffsets(true);
    } catch (err) {
      this.instance.logger.warn(`${this.group}: final offset commit failed: ${String(err)}`);
    }
    this.state = 'SHUTDOWN';
    this.wakePollers();
    for (const q of this.queues.values()) this.wakeSpace(q);
    await this.instance.unregister({ consumerGroup: this.group });
    await this.instance.shutdown();
  }

  /** The readable queues of `topic` (looked up at a NameServer). */
  async fetchMessageQueues(topic: string): Promise<MessageQueue[]> {
    checkTopic(topic);
    this.checkRunning('fetchMessageQueues');
    const route = await this.instance.updateRoute(topic);
    if (route === undefined) {
      throw new MQClientError(`No route info of this topic: ${topic}`, ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION, { retriable: true });
    }
    return toSubscribeQueues(topic, route);
  }

  /** Replaces the assigned queues; `expression` ("*" or "TagA || TagB") filters all of them. */
  assign(queues: readonly MessageQueue[], expression = '*'): void {
    if (this.state === 'SHUTDOWN') throw this.stateError('assign');
    if (!Array.isArray(queues)) throw illegalArgument('assign needs an array of MessageQueue');
    if (queues.length > MAX_ASSIGNED_QUEUES) throw illegalArgument(`assign takes at most ${MAX_ASSIGNED_QUEUES} queues, got ${queues.length}`);
    const wanted = new Map<string, MessageQueue>();
    for (const mq of queues) {
      if (mq === null || typeof mq !== 'object' || typeof mq.brokerName !== 'string' || !Number.isInteger(mq.queueId) || mq.queueId < 0) {
        throw illegalArgument(`assign: ${JSON.stringify(mq)} is not a MessageQueue`);
      }
      checkTopic(mq.topic);
      wanted.set(mqKey(mq), { topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId });
    }
    for (const [key, q] of this.queues) {
      if (!wanted.has(key)) this.unassign(key, q);
    }
    for (const [key, mq] of wanted) {
      const existing = this.queues.get(key);
      const subscription = buildSubscriptionData(mq.topic, expression);
      if (existing !== undefined) {
        existing.subscription = subscription;
        continue;
      }
      const q: LiteQueue = {
        mq, subscription, nextPullOffset: undefined, consumedOffset: undefined, committedOffset: undefined,
        buffered: 0, generation: 0, spaceWaiters: [],
      };
      this.queues.set(key, q);
      if (this.state === 'RUNNING') this.startPulling(q);
    }
    if (this.state === 'RUNNING') this.instance.background(this.instance.sendHeartbeat(), 'heartbeat');
  }

  assignment(): MessageQueue[] {
    return [...this.queues.values()].map((q) => ({ ...q.mq }));
  }

  /** The next poll of `mq` starts at `offset` (must lie within the queue's min..max offsets). */
  async seek(mq: MessageQueue, offset: number): Promise<void> {
    const q = this.assigned(mq, 'seek');
    if (!Number.isSafeInteger(offset) || offset < 0) throw illegalArgument(`seek offset must be a non-negative integer, got ${offset}`);
    const [min, max] = await Promise.all([getMinOffset(this.instance, q.mq), getMaxOffset(this.instance, q.mq)]);
    if (offset < min || offset > max) throw illegalArgument(`seek offset ${offset} is outside ${min}..${max} of ${mqKey(q.mq)}`);
    this.reposition(q, offset);
  }

  async seekToBegin(mq: MessageQueue): Promise<void> {
    const q = this.assigned(mq, 'seekToBegin');
    this.reposition(q, await getMinOffset(this.instance, q.mq));
  }

  async seekToEnd(mq: MessageQueue): Promise<void> {
    const q = this.assigned(mq, 'seekToEnd');
    this.reposition(q, await getMaxOffset(this.instance, q.mq));
  }

  /** The group's committed offset of `mq` at the broker (-1 if none). */
  async committed(mq: MessageQueue): Promise<number> {
    this.checkRunning('committed');
    return (await queryConsumerOffset(this.instance, this.group, mq)) ?? -1;
  }

  /** The next pulled batch (of one queue), or [] when none arrives within `timeoutMs`. */
  async poll(timeoutMs = this.opts.pollTimeoutMillis): Promise<MessageExt[]> {
    this.checkRunning('poll');
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0) throw illegalArgument(`poll timeout must be a non-negative integer, got ${timeoutMs}`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const batch = this.takeBatch();
      if (batch !== undefined) return batch;
      const left = deadline - Date.now();
      if (left <= 0 || this.state !== 'RUNNING') return [];
      await this.waitForBatch(left);
    }
  }

  /** Writes the offsets of everything polled so far to the broker and waits for the answers. */
  async commit(): Promise<void> {
    this.checkRunning('commit');
    await this.commitOffsets(true);
  }

  /** Yields messages one by one until the consumer is shut down (poll() underneath). */
  async *[Symbol.asyncIterator](): AsyncIterator<MessageExt> {
    while (this.state === 'RUNNING') {
      const msgs = await this.poll();
      for (const m of msgs) yield m;
    }
  }

  // ---- internals ----

  private stateError(what: string): MQClientError {
    return new MQClientError(`cannot ${what}: the pull consumer ${this.group} is ${this.state}`, ClientErrorCode.SERVICE_STATE);
  }

  private checkRunning(what: string): void {
    if (this.state !== 'RUNNING') throw this.stateError(what);
  }

  private assigned(mq: MessageQueue, what: string): LiteQueue {
    this.checkRunning(what);
    const q = mq === null || typeof mq !== 'object' ? undefined : this.queues.get(mqKey(mq));
    if (q === undefined) throw illegalArgument(`${what}: the queue ${JSON.stringify(mq)} is not assigned to this consumer`);
    return q;
  }

  private consumerData(): ConsumerData {
    const subs = new Map<string, SubscriptionData>();
    for (const q of this.queues.values()) subs.set(q.mq.topic, q.subscription);
    return {
      groupName: this.group,
      consumeType: 'CONSUME_ACTIVELY',
      messageModel: 'CLUSTERING',
      consumeFromWhere: this.opts.consumeFromWhere,
      subscriptionDataSet: [...subs.values()],
      unitMode: false,
    };
  }

  private unassign(key: string, q: LiteQueue): void {
    q.generation++;
    this.queues.delete(key);
    this.batches = this.batches.filter((b) => b.q !== q);
    this.pullApi.forget(q.mq);
    this.wakeSpace(q);
  }

  private reposition(q: LiteQueue, offset: number): void {
    q.generation++;
    this.batches = this.batches.filter((b) => b.q !== q);
    q.buffered = 0;
    q.nextPullOffset = offset;
    q.consumedOffset = offset;
    this.wakeSpace(q);
    this.startPulling(q);
  }

  private startPulling(q: LiteQueue): void {
    this.instance.background(this.pullLoop(q, q.generation), `pulling ${mqKey(q.mq)}`);
  }

  private current(q: LiteQueue, generation: number): boolean {
    return this.state === 'RUNNING' && q.generation === generation && this.queues.get(mqKey(q.mq)) === q;
  }

  private async pullLoop(q: LiteQueue, generation: number): Promise<void> {
    while (this.current(q, generation)) {
      if (q.buffered >= this.opts.pullThresholdForQueue) {
        await new Promise<void>((resolve) => q.spaceWaiters.push(resolve));
        continue;
      }
      if (q.nextPullOffset === undefined) {
        const start = await this.startOffset(q.mq);
        if (!this.current(q, generation)) return;
        if (start === undefined) {
          await this.delay(this.opts.pullTimeDelayMillsWhenException);
          continue;
        }
        q.nextPullOffset = start;
        q.consumedOffset ??= start;
      }
      await this.pullOne(q, generation, q.nextPullOffset);
    }
  }

  private async pullOne(q: LiteQueue, generation: number, offset: number): Promise<void> {
    try {
      const r = await this.pullApi.pull({
        group: this.group, mq: q.mq, subscription: q.subscription, offset, maxNums: this.opts.pullBatchSize,
        commitOffset: 0, suspend: true, postSubscription: true, litePull: true,
        suspendTimeoutMillis: this.opts.brokerSuspendMaxTimeMillis, timeoutMs: this.opts.consumerTimeoutMillisWhenSuspend,
      });
      if (!this.current(q, generation)) return;
      q.nextPullOffset = r.nextBeginOffset;
      if (r.status === 'FOUND' && r.msgs.length > 0) {
        this.resetRetryTopics(r.msgs);
        this.batches.push({ q, generation, msgs: r.msgs, nextOffset: r.nextBeginOffset });
        q.buffered += r.msgs.length;
        this.wakePollers();
      } else if (r.status === 'OFFSET_ILLEGAL') {
        this.instance.logger.warn(`${this.group}: offset ${offset} of ${mqKey(q.mq)} is illegal; moving to ${r.nextBeginOffset}`);
        q.consumedOffset = r.nextBeginOffset;
      }
    } catch (err) {
      if (!this.current(q, generation)) return;
      this.instance.logger.warn(`${this.group}: pull of ${mqKey(q.mq)} failed: ${String(err)}`);
      await this.delay(this.opts.pullTimeDelayMillsWhenException);
    }
  }

  private resetRetryTopics(msgs: MessageExt[]): void {
    const retry = RETRY_GROUP_TOPIC_PREFIX + this.group;
    for (const m of msgs) {
      const original = m.properties.get('RETRY_TOPIC');
      if (original !== undefined && m.topic === retry) m.topic = original;
    }
  }

  /** The group's committed offset, else the consumeFromWhere rule; undefined when the broker could not tell. */
  private async startOffset(mq: MessageQueue): Promise<number | undefined> {
    try {
      const committed = await queryConsumerOffset(this.instance, this.group, mq);
      if (committed !== undefined) return committed;
      switch (this.opts.consumeFromWhere) {
        case 'CONSUME_FROM_FIRST_OFFSET':
          return await getMinOffset(this.instance, mq);
        case 'CONSUME_FROM_TIMESTAMP':
          return await searchOffset(this.instance, mq, this.opts.consumeTimestamp);
        default:
          return await getMaxOffset(this.instance, mq);
      }
    } catch (err) {
      this.instance.logger.warn(`${this.group}: start offset of ${mqKey(mq)}: ${String(err)}`);
      return undefined;
    }
  }

  private takeBatch(): MessageExt[] | undefined {
    while (this.batches.length > 0) {
      const b = this.batches.shift()!;
      if (b.generation !== b.q.generation) continue;
      b.q.buffered -= b.msgs.length;
      b.q.consumedOffset = b.nextOffset;
      this.wakeSpace(b.q);
      return b.msgs;
    }
    return undefined;
  }

  private waitForBatch(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.pollWaiters.push(done);
    });
  }

  private wakePollers(): void {
    const waiters = this.pollWaiters;
    this.pollWaiters = [];
    for (const w of waiters) w();
  }

  private wakeSpace(q: LiteQueue): void {
    const waiters = q.spaceWaiters;
    q.spaceWaiters = [];
    for (const w of waiters) w();
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.instance.later(ms, resolve));
  }

  private async commitOffsets(sync: boolean): Promise<void> {
    await Promise.all([...this.queues.values()].map(async (q) => {
      const offset = q.consumedOffset;
      if (offset === undefined || offset === q.committedOffset) return;
      try {
        await updateConsumerOffset(this.instance, this.group, q.mq, offset, !sync);
        q.committedOffset = offset;
      } catch (err) {
        if (sync) throw err;
        this.instance.logger.warn(`${this.group}: commit of ${mqKey(q.mq)} failed: ${String(err)}`);
      }
    }));
  }
}
