// The producer (Java DefaultMQProducer): picks a queue from the topic's route, sends with SEND_MESSAGE_V2 or
// SEND_BATCH_MESSAGE and retries retriable failures on another queue/broker, benching brokers that failed
// or answered slowly. A topic without a route is sent through TBW102's brokers so the broker creates it.
import { createRequest } from '../protocol/command.js';
import type { TopicRouteData } from '../protocol/body-types.js';
import * as C from '../protocol/message-const.js';
import type { MessageQueue } from './allocate.js';
import { ClientInstance } from './client-instance.js';
import { checkBool, checkGroup, checkInt, resolveClientConfig, type ClientOptions } from './config.js';
import { ClientErrorCode, MQClientError, MQError, illegalArgument } from './errors.js';
import { Message, type MessageInit } from './message.js';
import { FaultStrategy, routeFromDefaultTopic, toPublishInfo, type TopicPublishInfo } from './route.js';
import {
  prepareBatch, prepareSingle, sendHeader, toSendResult, type PreparedSend, type SendResult, type SendSettings,
} from './send-request.js';

export { RETRY_RESPONSE_CODES, type SendResult, type SendStatus } from './send-request.js';

export interface ProducerOptions extends ClientOptions {
  producerGroup: string;
  /** Whole-send timeout including retries, ms. Default 3000. */
  sendMsgTimeout?: number;
  /** Extra attempts after a retriable failure (sync sends). Default 2. */
  retryTimesWhenSendFailed?: number;
  /** Bodies of at least this many bytes are zlib-compressed. Default 4096. */
  compressMsgBodyOverHowmuch?: number;
  /** Largest body (or batch body) accepted. Default 4 MiB. */
  maxMessageSize?: number;
  /** Queues per broker for a topic the broker auto-creates. Default 4. */
  defaultTopicQueueNums?: number;
  /** The topic whose route is used for unknown topics. Default TBW102. */
  createTopicKey?: string;
  /** Bench brokers that failed or were slow (MQFaultStrategy). Default true. */
  sendLatencyFaultEnable?: boolean;
  /** Retry on another broker when the store answer is not SEND_OK (e.g. FLUSH_DISK_TIMEOUT). Default false. */
  retryAnotherBrokerWhenNotStoreOK?: boolean;
}

export type MessageQueueSelector<A> = (queues: MessageQueue[], msg: Message, arg: A) => MessageQueue;

export const DEFAULT_PRODUCER_GROUP = 'DEFAULT_PRODUCER';
export const CLIENT_INNER_PRODUCER_GROUP = 'CLIENT_INNER_PRODUCER';
const MB = 1024 * 1024;

interface ProducerConfig extends SendSettings {
  sendMsgTimeout: number;
  retryTimesWhenSendFailed: number;
  retryAnotherBrokerWhenNotStoreOK: boolean;
}

type Mode = 'SYNC' | 'ONEWAY';

export function toMessage(m: Message | MessageInit): Message {
  if (m instanceof Message) return m;
  if (m === null || typeof m !== 'object') throw illegalArgument('a message must be a Message or a { topic, body, ... } object');
  return new Message(m);
}

function checkQueue(mq: unknown, what: string): MessageQueue {
  const q = mq as Partial<MessageQueue> | null | undefined;
  if (q === null || typeof q !== 'object' || typeof q.topic !== 'string' || typeof q.brokerName !== 'string'
    || !Number.isInteger(q.queueId) || (q.queueId as number) < 0) {
    throw illegalArgument(`${what} must be a MessageQueue { topic, brokerName, queueId }, got ${JSON.stringify(mq)}`);
  }
  return { topic: q.topic, brokerName: q.brokerName, queueId: q.queueId as number };
}

export class Producer {
  private readonly instance: ClientInstance;
  private readonly cfg: ProducerConfig;
  private readonly fault: FaultStrategy;
  private readonly publishInfos = new Map<string, TopicPublishInfo>();
  private readonly routeLookups = new Map<string, Promise<TopicPublishInfo | undefined>>();

  constructor(options: ProducerOptions) {
    if (options === null || typeof options !== 'object') throw illegalArgument('Producer needs an options object');
    const group = checkGroup('producerGroup', options.producerGroup);
    if (group === DEFAULT_PRODUCER_GROUP) throw illegalArgument(`producerGroup can not equal ${DEFAULT_PRODUCER_GROUP}, please specify another one`);
    this.cfg = {
      producerGroup: group,
      sendMsgTimeout: checkInt('sendMsgTimeout', options.sendMsgTimeout, 3000, 1, 10 * 60_000),
      retryTimesWhenSendFailed: checkInt('retryTimesWhenSendFailed', options.retryTimesWhenSendFailed, 2, 0, 100),
      compressOver: checkInt('compressMsgBodyOverHowmuch', options.compressMsgBodyOverHowmuch, 4096, 0, 1024 * MB),
      maxMessageSize: checkInt('maxMessageSize', options.maxMessageSize, 4 * MB, 1, 64 * MB),
      defaultTopicQueueNums: checkInt('defaultTopicQueueNums', options.defaultTopicQueueNums, 4, 1, 1024),
      createTopicKey: checkGroup('createTopicKey', options.createTopicKey ?? C.TOPIC_AUTO_CREATE),
      retryAnotherBrokerWhenNotStoreOK: checkBool('retryAnotherBrokerWhenNotStoreOK', options.retryAnotherBrokerWhenNotStoreOK, false),
    };
    this.fault = new FaultStrategy(checkBool('sendLatencyFaultEnable', options.sendLatencyFaultEnable, true));
    this.instance = new ClientInstance(resolveClientConfig(options), `producer ${group}`);
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  get producerGroup(): string {
    return this.cfg.producerGroup;
  }

  async start(): Promise<void> {
    this.instance.start({
      topicsInUse: () => this.publishInfos.keys(),
      heartbeatData: () => ({ producerDataSet: [{ groupName: this.cfg.producerGroup }], consumerDataSet: [] }),
      onRouteChanged: (topic, route) => this.onRouteChanged(topic, route),
    });
    await this.instance.sendHeartbeat();
  }

  /** Says goodbye to every broker (UNREGISTER_CLIENT) and closes all connections. Pending sends fail. */
  async shutdown(): Promise<void> {
    if (this.instance.state !== 'RUNNING') {
      await this.instance.shutdown();
      return;
    }
    await this.instance.unregister({ producerGroup: this.cfg.producerGroup });
    await this.instance.shutdown();
  }

  /** Sends and waits for the store answer; retries elsewhere on retriable failures. */
  send(msg: Message | MessageInit): Promise<SendResult>;
  /** Sends to exactly this queue (no retry elsewhere). */
  send(msg: Message | MessageInit, mq: MessageQueue): Promise<SendResult>;
  /** Sends to the queue `selector` picks from the topic's queues, e.g. by order id (no retry elsewhere). */
  send<A>(msg: Message | MessageInit, selector: MessageQueueSelector<A>, arg: A): Promise<SendResult>;
  async send<A>(msg: Message | MessageInit, target?: MessageQueue | MessageQueueSelector<A>, arg?: A): Promise<SendResult> {
    const result = await this.dispatch(toMessage(msg), target, arg, 'SYNC');
    return result!;
  }

  /** Fire and forget: resolves once the request is written; no retries, no result. */
  sendOneway(msg: Message | MessageInit): Promise<void>;
  sendOneway(msg: Message | MessageInit, mq: MessageQueue): Promise<void>;
  sendOneway<A>(msg: Message | MessageInit, selector: MessageQueueSelector<A>, arg: A): Promise<void>;
  async sendOneway<A>(msg: Message | MessageInit, target?: MessageQueue | MessageQueueSelector<A>, arg?: A): Promise<void> {
    await this.dispatch(toMessage(msg), target, arg, 'ONEWAY');
  }

  /** SEND_BATCH_MESSAGE: all messages to one queue of one topic, stored as consecutive offsets. */
  async sendBatch(msgs: ReadonlyArray<Message | MessageInit>, mq?: MessageQueue): Promise<SendResult> {
    if (!Array.isArray(msgs)) throw illegalArgument('sendBatch needs an array of messages');
    const prepared = prepareBatch(msgs.map(toMessage), this.cfg);
    const result = mq === undefined
      ? await this.sendWithRetries(prepared, 'SYNC')
      : await this.sendToQueue(prepared, checkQueue(mq, 'the batch target queue'), 'SYNC');
    return result!;
  }

  /** The queues a send to `topic` may go to (after a route lookup), e.g. to pick one for ordered sends. */
  async fetchPublishMessageQueues(topic: string): Promise<MessageQueue[]> {
    this.instance.checkRunning('fetchPublishMessageQueues');
    const info = await this.findPublishInfo(topic);
    return info === undefined ? [] : info.queues.map((q) => ({ ...q }));
  }

  // ---- dispatch ----

  private async dispatch<A>(
    msg: Message,
    target: MessageQueue | MessageQueueSelector<A> | undefined,
    arg: A | undefined,
    mode: Mode,
  ): Promise<SendResult | undefined> {
    const prepared = prepareSingle(msg, this.cfg);
    if (target === undefined) return this.sendWithRetries(prepared, mode);
    if (typeof target === 'function') return this.sendToQueue(prepared, await this.select(msg, target, arg as A), mode);
    const mq = checkQueue(target, 'the target queue');
    if (mq.topic !== msg.topic) throw illegalArgument(`message's topic "${msg.topic}" not equal mq's topic "${mq.topic}"`);
    return this.sendToQueue(prepared, mq, mode);
  }

  private async select<A>(msg: Message, selector: MessageQueueSelector<A>, arg: A): Promise<MessageQueue> {
    this.instance.checkRunning('send');
    const info = await this.findPublishInfo(msg.topic);
    if (info === undefined || info.queues.length === 0) throw this.noRoute(msg.topic);
    let chosen: MessageQueue;
    try {
      chosen = selector(info.queues.map((q) => ({ ...q })), msg, arg);
    } catch (err) {
      throw new MQClientError(`the message queue selector threw: ${err instanceof Error ? err.message : String(err)}`,
        ClientErrorCode.ILLEGAL_ARGUMENT, { cause: err });
    }
    return checkQueue(chosen, 'the queue returned by the selector');
  }

  private async sendToQueue(p: PreparedSend, mq: MessageQueue, mode: Mode): Promise<SendResult | undefined> {
    this.instance.checkRunning('send');
    const begin = Date.now();
    try {
      const result = await this.sendKernel(p, mq, mode, this.cfg.sendMsgTimeout);
      this.fault.update(mq.brokerName, Date.now() - begin, false);
      return result;
    } catch (err) {
      this.fault.update(mq.brokerName, Date.now() - begin, true);
      throw err;
    }
  }

  /** Java sendDefaultImpl: up to 1 + retryTimesWhenSendFailed attempts (1 for oneway) within sendMsgTimeout. */
  private async sendWithRetries(p: PreparedSend, mode: Mode): Promise<SendResult | undefined> {
    this.instance.checkRunning('send');
    const first = Date.now();
    const info = await this.findPublishInfo(p.topic);
    if (info === undefined || info.queues.length === 0) throw this.noRoute(p.topic);
    const attempts = mode === 'ONEWAY' ? 1 : 1 + this.cfg.retryTimesWhenSendFailed;
    const brokersSent: string[] = [];
    let lastError: MQError | undefined;
    let lastBroker: string | undefined;
    for (let i = 0; i < attempts; i++) {
      const left = this.cfg.sendMsgTimeout - (Date.now() - first);
      if (left <= 0) break;
      const mq = this.fault.selectQueue(this.publishInfos.get(p.topic) ?? info, lastBroker);
      if (mq === undefined) break;
      lastBroker = mq.brokerName;
      brokersSent.push(mq.brokerName);
      const begin = Date.now();
      try {
        const result = await this.sendKernel(p, mq, mode, left);
        this.fault.update(mq.brokerName, Date.now() - begin, false);
        if (result !== undefined && result.sendStatus !== 'SEND_OK' && this.cfg.retryAnotherBrokerWhenNotStoreOK && i + 1 < attempts) continue;
        return result;
      } catch (err) {
        this.fault.update(mq.brokerName, Date.now() - begin, true);
        if (!(err instanceof MQError) || !err.retriable) throw err;
        lastError = err;
        this.instance.logger.info(`${this.clientId}: send to ${mq.brokerName} q${mq.queueId} failed, ${attempts - i - 1} attempts left: ${err.message}`);
      }
    }
    const cost = Date.now() - first;
    throw new MQClientError(
      `Send [${brokersSent.length}] times, still failed, cost [${cost}]ms, Topic: ${p.topic}, BrokersSent: [${brokersSent.join(', ')}]`
        + (lastError ? `; last error: ${lastError.message}` : '; the send timeout elapsed'),
      lastError?.code ?? ClientErrorCode.REQUEST_TIMEOUT_EXCEPTION,
      { brokerAddr: lastError?.brokerAddr, retriable: true, cause: lastError },
    );
  }

  private noRoute(topic: string): MQClientError {
    return new MQClientError(`No route info of this topic: ${topic} (and none for ${this.cfg.createTopicKey} to auto-create it)`,
      ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION, { retriable: true });
  }

  // ---- one attempt ----

  private async sendKernel(p: PreparedSend, mq: MessageQueue, mode: Mode, timeoutMs: number): Promise<SendResult | undefined> {
    let addr = this.instance.findBrokerAddrInPublish(mq.brokerName);
    if (addr === undefined) {
      await this.findPublishInfo(mq.topic);
      addr = this.instance.findBrokerAddrInPublish(mq.brokerName);
    }
    if (addr === undefined) {
      throw new MQClientError(`The broker[${mq.brokerName}] not exist`, ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, { retriable: true });
    }
    const request = createRequest(p.code, sendHeader(p, mq, this.cfg), p.body);
    if (mode === 'ONEWAY') {
      await this.instance.invokeOneway(addr, request, 'send message');
      return undefined;
    }
    const response = await this.instance.invoke(addr, request, timeoutMs, 'send message');
    return toSendResult(response, p, mq, addr);
  }

  // ---- routes ----

  private onRouteChanged(topic: string, route: TopicRouteData): void {
    if (!this.publishInfos.has(topic)) return;
    const info = toPublishInfo(topic, route);
    const old = this.publishInfos.get(topic);
    if (old !== undefined) info.sendWhichQueue = old.sendWhichQueue;
    this.publishInfos.set(topic, info);
  }

  /** Java tryToFindTopicPublishInfo, with concurrent first sends sharing one lookup. */
  private findPublishInfo(topic: string): Promise<TopicPublishInfo | undefined> {
    const known = this.publishInfos.get(topic);
    if (known !== undefined && known.queues.length > 0) return Promise.resolve(known);
    let lookup = this.routeLookups.get(topic);
    if (lookup === undefined) {
      lookup = this.lookupPublishInfo(topic).finally(() => this.routeLookups.delete(topic));
      this.routeLookups.set(topic, lookup);
    }
    return lookup;
  }

  private async lookupPublishInfo(topic: string): Promise<TopicPublishInfo | undefined> {
    const placeholder = !this.publishInfos.has(topic);
    if (placeholder) this.publishInfos.set(topic, { topic, queues: [], orderTopic: false, sendWhichQueue: 0 });
    try {
      await this.instance.updateRoute(topic);
      const info = this.publishInfos.get(topic);
      if (info !== undefined && info.queues.length > 0) return info;
      const defaultRoute = await this.instance.fetchRoute(this.cfg.createTopicKey);
      if (defaultRoute !== undefined) this.instance.storeRoute(topic, routeFromDefaultTopic(defaultRoute, this.cfg.defaultTopicQueueNums));
    } finally {
      // A topic that led nowhere is not kept (and refreshed forever): a typo must not grow the route table.
      const info = this.publishInfos.get(topic);
      if (placeholder && (info === undefined || info.queues.length === 0) && !this.instance.routes.has(topic)) this.publishInfos.delete(topic);
    }
    return this.publishInfos.get(topic);
  }
}
