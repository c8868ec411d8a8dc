// `mqtools producer` and `mqtools consumer`: RocketMQ's quickstart Producer and Consumer as commands, so a
// cluster can be tried without writing code. The producer sends numbered messages one at a time and prints
// every SendResult in Java's layout; the consumer prints every message it receives.
import { Message, Producer, PushConsumer, type MessageExt } from '../client/index.js';
import { formatMessage, formatSendResult } from './format.js';
import { consumeFromWhere, makeBody, type StartPoint } from './options.js';

/** Where the tools write: stdout and stderr in the CLI, arrays in tests. */
export interface Output {
  line(text: string): void;
  error(text: string): void;
}

export const stdOutput: Output = {
  line: (text) => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
};

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export interface QuickProducerOptions {
  namesrvAddr: string;
  topic: string;
  count: number;
  group: string;
  tag?: string;
  keys?: string;
  /** Body text for every message (default "Hello RocketMQ <n>"). */
  body?: string;
  /** Body of this many bytes instead of text. */
  bodySize?: number;
  delayLevel?: number;
  sendTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface QuickProducerSummary {
  sent: number;
  failed: number;
}

export async function runQuickProducer(o: QuickProducerOptions, out: Output): Promise<QuickProducerSummary> {
  const producer = new Producer({ producerGroup: o.group, namesrvAddr: o.namesrvAddr, sendMsgTimeout: o.sendTimeoutMs });
  await producer.start();
  const sized = o.bodySize === undefined ? undefined : makeBody(o.bodySize);
  const summary = { sent: 0, failed: 0 };
  try {
    for (let i = 0; i < o.count && !o.signal?.aborted; i++) {
      const msg = new Message({
        topic: o.topic,
        tags: o.tag,
        keys: o.keys === undefined ? undefined : o.keys.split(/\s+/).filter((k) => k !== ''),
        body: sized ?? o.body ?? `Hello RocketMQ ${i}`,
        delayTimeLevel: o.delayLevel,
      });
      try {
        out.line(formatSendResult(await producer.send(msg)));
        summary.sent++;
      } catch (err) {
        summary.failed++;
        out.error(`send #${i} failed: ${errorMessage(err)}`);
      }
    }
  } finally {
    await producer.shutdown();
  }
  return summary;
}

export interface QuickConsumerOptions {
  namesrvAddr: string;
  group: string;
  topic: string;
  expression: string;
  broadcast: boolean;
  from: StartPoint;
  /** For --from timestamp: epoch ms or yyyyMMddHHmmss. */
  timestamp?: number | string;
  /** Stop after this many messages (0 = until stopped). */
  count: number;
  offsetStoreDir?: string;
  signal?: AbortSignal;
  /** Called once the consumer has started (routes known, first rebalance done). */
  onStarted?: () => void;
}

export interface QuickConsumerSummary {
  received: number;
}

/**
 * Prints messages until `count` were printed or `signal` aborts; then shuts the consumer down (offsets committed).
 * With a count, messages pulled beyond it are not acknowledged: the group gets them again next time.
 */
export async function runQuickConsumer(o: QuickConsumerOptions, out: Output): Promise<QuickConsumerSummary> {
  const limited = o.count > 0;
  const consumer = new PushConsumer({
    consumerGroup: o.group,
    namesrvAddr: o.namesrvAddr,
    messageModel: o.broadcast ? 'BROADCASTING' : 'CLUSTERING',
    consumeFromWhere: consumeFromWhere(o.from),
    consumeTimestamp: o.timestamp,
    offsetStoreDir: o.offsetStoreDir,
    // Listener calls holding surplus messages never finish before the queues are dropped (see below).
    awaitTerminationMillisWhenShutdown: limited ? 0 : undefined,
  });
  consumer.subscribe(o.topic, o.expression);
  let received = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  consumer.registerMessageListener(async (msgs: MessageExt[]) => {
    if (limited && received >= o.count) {
      // Surplus: held unacknowledged until the consumer has dropped its queues, so the answer is ignored.
      await released;
      return 'RECONSUME_LATER';
    }
    for (const m of msgs) {
      received++;
      out.line(formatMessage(m));
      if (limited && received === o.count) finish();
    }
    return 'CONSUME_SUCCESS';
  });
  const onAbort = (): void => finish();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) finish();
  try {
    await consumer.start();
    o.onStarted?.();
    await finished;
    // Let the acknowledgement of the last printed batch (a chain of microtasks) complete before the shutdown.
    await new Promise<void>((resolve) => setImmediate(resolve));
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await consumer.shutdown();
    release();
  }
  return { received };
}
