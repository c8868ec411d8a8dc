// Types for the parts of ali-ons 3.12 (untyped CommonJS) that the integration tests use.
// Read from node_modules/ali-ons/lib: client_config.js, producer/mq_producer.js, consumer/mq_push_consumer.js,
// message/message.js, mq_client_api.js.
declare module 'ali-ons' {
  import { EventEmitter } from 'node:events';

  /** Only used to fetch NameServer addresses from Aliyun when `nameSrv` is not given. */
  export interface HttpClientLike {
    request(url: string, options: { timeout: number }): Promise<{ status: number; data: Buffer }>;
  }

  export interface AliOnsLogger {
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    debug(...args: unknown[]): void;
  }

  export interface ClientOptions {
    /** "host:port" (or a list). */
    nameSrv: string | string[];
    httpclient: HttpClientLike;
    /** Part of the client id (ip@instanceName); clients with the same id share one connection set. */
    instanceName?: string;
    accessKey?: string;
    secretKey?: string;
    logger?: AliOnsLogger;
    pollNameServerInteval?: number;
    heartbeatBrokerInterval?: number;
    persistConsumerOffsetInterval?: number;
    rebalanceInterval?: number;
    responseTimeout?: number;
    /** Address put in the client id; defaults to the host's first non-loopback IPv4. */
    clientIP?: string;
  }

  export interface ProducerOptions extends ClientOptions {
    producerGroup?: string;
    sendMsgTimeout?: number;
    retryTimesWhenSendFailed?: number;
  }

  export type ConsumeFromWhere =
    | 'CONSUME_FROM_LAST_OFFSET'
    | 'CONSUME_FROM_FIRST_OFFSET'
    | 'CONSUME_FROM_TIMESTAMP'
    | 'CONSUME_FROM_MIN_OFFSET'
    | 'CONSUME_FROM_MAX_OFFSET'
    | 'CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST';

  export interface ConsumerOptions extends ClientOptions {
    consumerGroup: string;
    isBroadcast?: boolean;
    consumeFromWhere?: ConsumeFromWhere;
    maxReconsumeTimes?: number;
    pullBatchSize?: number;
    parallelConsumeLimit?: number;
    brokerSuspendMaxTimeMillis?: number;
    consumerTimeoutMillisWhenSuspend?: number;
    pullTimeDelayMillsWhenException?: number;
    /** Broadcasting only: keep offsets in a local file. */
    persistent?: boolean;
  }

  export class Message {
    constructor(topic: string, tags: string | null, body: string | Buffer);
    topic: string;
    body: Buffer;
    flag: number;
    properties: Record<string, string>;
    msgId: string | null;
    queueId: number | null;
    queueOffset: number | null;
    commitLogOffset: number | null;
    bornTimestamp: number | null;
    storeTimestamp: number | null;
    bornHost: string | null;
    storeHost: string | null;
    storeSize: number | null;
    bodyCRC: number | null;
    reconsumeTimes: number;
    get tags(): string | undefined;
    set tags(value: string);
    /** Reads the KEYS property (space separated); assigning takes an array of keys. */
    get keys(): string | undefined;
    set keys(value: string[]);
    get originMessageId(): string | undefined;
    get retryTopic(): string | undefined;
    get delayTimeLevel(): number;
    set delayTimeLevel(level: number);
  }

  export interface MessageQueue {
    topic: string;
    brokerName: string;
    queueId: number;
    key: string;
  }

  export type SendStatus = 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

  export interface SendResult {
    sendStatus: SendStatus;
    /** The broker's offsetMsgId (ali-ons shows the response header value). */
    msgId: string;
    messageQueue: MessageQueue;
    queueOffset: number;
  }

  export class Producer extends EventEmitter {
    constructor(options: ProducerOptions);
    /** The process-wide inner producer ali-ons creates for consumers (send-back fallback); never closed by it. */
    static defaultProducer: Producer | undefined;
    ready(): Promise<void>;
    send(msg: Message): Promise<SendResult>;
    close(): Promise<void>;
  }

  export type MessageHandler = (msg: Message, mq: MessageQueue) => Promise<unknown>;

  export class Consumer extends EventEmitter {
    constructor(options: ConsumerOptions);
    static readonly ACTION_RETRY: unique symbol;
    ready(): Promise<void>;
    /** `handler` must be an async function (ali-ons asserts it). */
    subscribe(topic: string, subExpression: string, handler: MessageHandler): void;
    close(): Promise<void>;
    /** Queues currently assigned to this instance by rebalancing, keyed by MessageQueue.key. */
    readonly processQueueTable: Map<string, { messageQueue: MessageQueue }>;
  }
}
