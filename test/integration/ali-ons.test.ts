// The unmodified npm client `ali-ons` 3.12 against a real NameServer and broker process.
// ali-ons quirks that shape these tests (see node_modules/ali-ons/lib):
// - it needs `nameSrv` plus an `httpclient` object (only used to look NameServer addresses up at Aliyun);
// - clients with the same `instanceName` share one connection set, so every instance gets its own;
// - it does not fall back to TBW102 when a topic has no route: topics are created first;
// - it ignores NOTIFY_CONSUMER_IDS_CHANGED and rebalances on a timer, so the timers are shortened and tests
//   wait until the queues are assigned before they send;
// - it keeps one process-wide inner producer (Producer.defaultProducer) that must be closed at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { format } from 'node:util';
import { Consumer, Message, Producer, type AliOnsLogger, type ConsumerOptions, type HttpClientLike, type MessageHandler, type SendResult } from 'ali-ons';
import { TestCluster, type BrokerHandle, type NamesrvHandle } from '../support/cluster.js';
import {
  WireClient, createSubscriptionGroup, createTopic, describeResponse, getMaxOffset, getRoute, pullAll, pullMessage, queryConsumerOffset, queryMessage, Resp,
} from '../support/wire.js';
import { decodeStoredMessages, type StoredMessage } from '../support/stored-message.js';
import { deferred, waitFor, withTimeout } from '../support/wait.js';

const FAST_DELAY_LEVELS = Array.from({ length: 18 }, () => '1s').join(' ');

/** Client timers shortened from ali-ons' 10-30 s so that rebalancing and offset commits happen within a second. */
const FAST_TIMERS = {
  pollNameServerInteval: 1000,
  heartbeatBrokerInterval: 1000,
  rebalanceInterval: 1000,
  persistConsumerOffsetInterval: 1000,
} as const;

/** ali-ons only calls this when nameSrv is not given; it must exist as an option, it is not a broker stand-in. */
const httpclient: HttpClientLike = {
  request: () => Promise.reject(new Error('ali-ons asked for the Aliyun address server; nameSrv should have been used')),
};

const clientLog: string[] = [];
const logger: AliOnsLogger = {
  info: () => undefined,
  debug: () => undefined,
  warn: (...args: unknown[]) => void clientLog.push(`WARN ${format(...args)}`),
  error: (...args: unknown[]) => void clientLog.push(`ERROR ${format(...args)}`),
};

function recentClientLog(): string {
  return clientLog.slice(-15).join('\n');
}

let seq = 0;
function uniq(prefix: string): string {
  return `${prefix}_${process.pid}_${++seq}`;
}

function bodyOf(msg: Message): string {
  return msg.body.toString('utf8');
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

describe('ali-ons 3.12 against rocketmq-ts NameServer + broker', () => {
  let cluster: TestCluster | undefined;
  let namesrv: NamesrvHandle;
  let broker: BrokerHandle;
  let admin: WireClient;
  let nsAdmin: WireClient;
  let producer: Producer | undefined;
  const consumers = new Set<Consumer>();

  before(async () => {
    cluster = TestCluster.create('alions');
    namesrv = await cluster.startNamesrv();
    broker = await cluster.startBroker({ name: 'broker-a', props: { messageDelayLevel: FAST_DELAY_LEVELS } });
    admin = await WireClient.connect(broker.addr);
    nsAdmin = await WireClient.connect(namesrv.addr);
    producer = new Producer({
      nameSrv: namesrv.addr,
      httpclient,
      logger,
      instanceName: `alions-producer-${process.pid}`,
      producerGroup: 'PID_alions_test',
      ...FAST_TIMERS,
    });
    await withTimeout(producer.ready(), 15_000, () => `the ali-ons producer to start\n${recentClientLog()}`);
  });

  after(async () => {
    const closeQuietly = async (what: string, close: () => Promise<void>): Promise<void> => {
      await withTimeout(close(), 10_000, what).catch((err: Error) => clientLog.push(`close: ${err.message}`));
    };
    for (const c of consumers) await closeQuietly('a consumer to close', () => c.close());
    if (producer) await closeQuietly('the producer to close', () => producer!.close());
    const inner = Producer.defaultProducer;
    if (inner) await closeQuietly('the inner producer to close', () => inner.close());
    admin?.close();
    nsAdmin?.close();
    await cluster?.shutdown();
  });

  /** Creates the topic on the broker and waits until the NameServer routes it (ali-ons needs the route). */
  async function createTopicWithRoute(topic: string, queues = 4): Promise<void> {
    await createTopic(admin, topic, { readQueueNums: queues, writeQueueNums: queues });
    await waitFor(async () => {
      const route = await getRoute(nsAdmin, topic);
      return route?.queueDatas.some((q) => q.brokerName === broker.name && q.writeQueueNums === queues);
    }, { timeoutMs: 10_000, what: `the NameServer to route topic ${topic} to ${broker.name} with ${queues} queues` });
  }

  async function startConsumer(
    instance: string,
    options: Omit<ConsumerOptions, 'nameSrv' | 'httpclient'>,
    topic: string,
    subExpression: string,
    handler: MessageHandler,
  ): Promise<Consumer> {
    const consumer = new Consumer({
      nameSrv: namesrv.addr,
      httpclient,
      logger,
      instanceName: `${instance}-${process.pid}`,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      // Long polls of 2 s (instead of 15 s) let ali-ons move its offset past filtered messages quickly.
      brokerSuspendMaxTimeMillis: 2000,
      consumerTimeoutMillisWhenSuspend: 10_000,
      ...FAST_TIMERS,
      ...options,
    });
    consumer.on('error', (err: Error) => void clientLog.push(`consumer ${instance} error: ${err.message}`));
    consumers.add(consumer);
    consumer.subscribe(topic, subExpression, handler);
    await withTimeout(consumer.ready(), 15_000, () => `consumer ${instance} to start\n${recentClientLog()}`);
    return consumer;
  }

  function queuesOf(consumer: Consumer, topic: string): number {
    return [...consumer.processQueueTable.values()].filter((v) => v.messageQueue.topic === topic).length;
  }

  /** Clustering: the group's instances together hold all `total` queues, each at least one. */
  async function waitForAllocation(group: Consumer[], topic: string, total: number): Promise<void> {
    await waitFor(() => {
      const counts = group.map((c) => queuesOf(c, topic));
      return counts.reduce((a, b) => a + b, 0) === total && counts.every((n) => n > 0);
    }, {
      timeoutMs: 20_000,
      what: () => `the ${total} queues of ${topic} to be shared by ${group.length} consumer(s); now ${group.map((c) => queuesOf(c, topic)).join('+')}\n${recentClientLog()}`,
    });
  }

  /** The group's committed offset equals the queue's max offset on every non-empty queue of the topic. */
  async function waitForCommitted(group: string, topic: string, queues: number, timeoutMs = 20_000): Promise<void> {
    let state = '';
    await waitFor(async () => {
      const parts: string[] = [];
      let done = true;
      for (let q = 0; q < queues; q++) {
        const max = await getMaxOffset(admin, topic, q);
        const committed = max === 0 ? 0 : await queryConsumerOffset(admin, group, topic, q);
        parts.push(`q${q}: committed ${committed} / max ${max}`);
        if (max > 0 && committed !== max) done = false;
      }
      state = parts.join(', ');
      return done;
    }, { timeoutMs, what: () => `group ${group} to commit every offset of ${topic} (${state})\n${recentClientLog()}` });
  }

  function expectedMsgIdPrefix(): string {
    // offsetMsgId = store host 127.0.0.1 + listenPort + 8-byte commit-log offset (message-format.md §8.1)
    return `7F000001${broker.port.toString(16).toUpperCase().padStart(8, '0')}`;
  }

  function checkSendResult(result: SendResult, topic: string, queues: number): void {
    assert.equal(result.sendStatus, 'SEND_OK');
    assert.match(result.msgId, /^[0-9A-F]{32}$/, `msgId ${result.msgId} is not 32 uppercase hex digits`);
    assert.equal(result.msgId.slice(0, 16), expectedMsgIdPrefix(), `msgId ${result.msgId} does not name the broker's store host`);
    assert.equal(result.messageQueue.topic, topic);
    assert.equal(result.messageQueue.brokerName, broker.name);
    assert.ok(Number.isInteger(Number(result.messageQueue.queueId)), `queueId ${result.messageQueue.queueId}`);
    assert.ok(Number(result.messageQueue.queueId) >= 0 && Number(result.messageQueue.queueId) < queues, `queueId ${result.messageQueue.queueId}`);
    assert.ok(Number.isInteger(result.queueOffset) && result.queueOffset >= 0, `queueOffset ${result.queueOffset}`);
  }

  async function send(topic: string, tag: string, body: string, key?: string): Promise<SendResult> {
    const msg = new Message(topic, tag, body);
    if (key) msg.keys = [key];
    return producer!.send(msg);
  }

  it('a. sends with tags and keys (SEND_OK, msgId, queue) and a "TagA || TagB" consumer never gets TagC', async () => {
    const topic = uniq('TopicTags');
    const group = uniq('GID_tags');
    await createTopicWithRoute(topic, 4);
    const received: Message[] = [];
    const consumer = await startConsumer('tags', { consumerGroup: group }, topic, 'TagA || TagB', async (msg) => {
      received.push(msg);
    });
    await waitForAllocation([consumer], topic, 4);

    const tags = ['TagA', 'TagB', 'TagC'];
    const sent: Array<{ tag: string; key: string; body: string; result: SendResult }> = [];
    for (let i = 0; i < 12; i++) {
      const tag = tags[i % 3]!;
      const key = `key-${topic}-${i}`;
      const body = `message ${i} with ${tag}`;
      sent.push({ tag, key, body, result: await send(topic, tag, body, key) });
    }
    for (const s of sent) checkSendResult(s.result, topic, 4);
    assert.equal(new Set(sent.map((s) => s.result.msgId)).size, sent.length, 'msgIds are not unique');
    // Queue offsets: per queue, 0..n-1 without gaps or repeats (the round robin covers all 4 queues).
    const perQueue = new Map<number, number[]>();
    for (const s of sent) {
      const q = Number(s.result.messageQueue.queueId);
      perQueue.set(q, [...(perQueue.get(q) ?? []), s.result.queueOffset]);
    }
    assert.equal(perQueue.size, 4, `ali-ons round robin should have used all 4 queues, used ${[...perQueue.keys()]}`);
    for (const [q, offsets] of perQueue) assert.deepEqual(offsets, offsets.map((_, i) => i), `queue ${q} offsets ${offsets}`);

    const wanted = sent.filter((s) => s.tag !== 'TagC');
    await waitFor(() => received.length >= wanted.length, {
      timeoutMs: 20_000,
      what: () => `${wanted.length} TagA/TagB messages (got ${received.length})\n${recentClientLog()}`,
    });
    // Once every offset is committed, the consumer has gone past every TagC message too.
    await waitForCommitted(group, topic, 4);
    assert.deepEqual(sorted(received.map(bodyOf)), sorted(wanted.map((s) => s.body)));
    for (const msg of received) {
      const s = wanted.find((w) => w.body === bodyOf(msg))!;
      assert.equal(msg.tags, s.tag);
      assert.equal(msg.keys, s.key);
      assert.equal(msg.topic, topic);
      assert.equal(msg.msgId, s.result.msgId, 'the consumed msgId (store host + offset) differs from the SEND response msgId');
      assert.equal(msg.queueId, Number(s.result.messageQueue.queueId));
      assert.equal(msg.queueOffset, s.result.queueOffset);
      assert.equal(msg.reconsumeTimes, 0);
    }

    // The broker itself filters by tag hash: a raw pull with the same subscription serves no TagC record.
    const served: StoredMessage[] = [];
    for (let q = 0; q < 4; q++) {
      const max = await getMaxOffset(admin, topic, q);
      let offset = 0;
      while (offset < max) {
        const res = await pullMessage(admin, { group: `${group}_raw`, topic, queueId: q, offset, subscription: 'TagA || TagB' });
        if (res.code === Resp.SUCCESS) served.push(...decodeStoredMessages(res.body));
        else assert.equal(res.code, Resp.PULL_RETRY_IMMEDIATELY, `filtered pull ${topic}/${q}@${offset}: ${describeResponse(res)}`);
        const next = Number(res.extFields.nextBeginOffset);
        assert.ok(next > offset, `filtered pull ${topic}/${q}@${offset} did not advance: ${describeResponse(res)}`);
        offset = next;
      }
    }
    assert.deepEqual(sorted(served.map((m) => m.body.toString('utf8'))), sorted(wanted.map((s) => s.body)));
    assert.ok(served.every((m) => m.properties.TAGS === 'TagA' || m.properties.TAGS === 'TagB'));
  });

  it('b. clustering: two instances of one group share the queues and consume every message exactly once', async () => {
    const topic = uniq('TopicCluster');
    const group = uniq('GID_cluster');
    await createTopicWithRoute(topic, 4);
    const got = { one: [] as string[], two: [] as string[] };
    const c1 = await startConsumer('cluster-1', { consumerGroup: group }, topic, '*', async (msg) => void got.one.push(bodyOf(msg)));
    const c2 = await startConsumer('cluster-2', { consumerGroup: group }, topic, '*', async (msg) => void got.two.push(bodyOf(msg)));
    await waitForAllocation([c1, c2], topic, 4);

    const bodies = Array.from({ length: 24 }, (_, i) => `clustered ${i}`);
    for (const b of bodies) checkSendResult(await send(topic, 'TagA', b), topic, 4);
    await waitFor(() => new Set([...got.one, ...got.two]).size === bodies.length, {
      timeoutMs: 20_000,
      what: () => `all ${bodies.length} messages across both instances (one: ${got.one.length}, two: ${got.two.length})\n${recentClientLog()}`,
    });
    await waitForCommitted(group, topic, 4);
    assert.deepEqual(sorted([...got.one, ...got.two]), sorted(bodies), 'some message was consumed twice or not at all');
    assert.ok(got.one.length > 0, 'instance one consumed nothing');
    assert.ok(got.two.length > 0, 'instance two consumed nothing');
  });

  it('c. broadcasting: two instances each get every message', async () => {
    const topic = uniq('TopicBroadcast');
    const group = uniq('GID_broadcast');
    await createTopicWithRoute(topic, 4);
    const got = { one: [] as string[], two: [] as string[] };
    const c1 = await startConsumer('bcast-1', { consumerGroup: group, isBroadcast: true }, topic, '*', async (msg) => void got.one.push(bodyOf(msg)));
    const c2 = await startConsumer('bcast-2', { consumerGroup: group, isBroadcast: true }, topic, '*', async (msg) => void got.two.push(bodyOf(msg)));
    await waitFor(() => queuesOf(c1, topic) === 4 && queuesOf(c2, topic) === 4, {
      timeoutMs: 20_000,
      what: () => `both broadcasting instances to hold all 4 queues (${queuesOf(c1, topic)}, ${queuesOf(c2, topic)})`,
    });

    const bodies = Array.from({ length: 12 }, (_, i) => `broadcast ${i}`);
    for (const b of bodies) checkSendResult(await send(topic, 'TagA', b), topic, 4);
    await waitFor(() => new Set(got.one).size === bodies.length && new Set(got.two).size === bodies.length, {
      timeoutMs: 20_000,
      what: () => `every message at both instances (one: ${got.one.length}, two: ${got.two.length})\n${recentClientLog()}`,
    });
    assert.deepEqual(sorted(got.one), sorted(bodies));
    assert.deepEqual(sorted(got.two), sorted(bodies));
  });

  it('d. restart: a new instance continues from the committed offsets (duplicates only what was in flight)', async () => {
    const topic = uniq('TopicRestart');
    const group = uniq('GID_restart');
    const total = 40;
    await createTopicWithRoute(topic, 4);
    const bodies = Array.from({ length: total }, (_, i) => `restart ${i}`);
    for (const b of bodies) checkSendResult(await send(topic, 'TagA', b), topic, 4);

    const seenA: string[] = [];
    const lateA: string[] = [];
    let closing = false;
    const half = deferred<void>();
    const a = await startConsumer(
      'restart-a',
      // A 5 s commit timer: A commits on close (and with its pulls), not from a timer racing its close.
      { consumerGroup: group, persistConsumerOffsetInterval: 5000 },
      topic,
      '*',
      async (msg) => {
        seenA.push(bodyOf(msg));
        if (closing) lateA.push(bodyOf(msg));
        if (seenA.length === total / 2) half.resolve();
      },
    );
    await withTimeout(half.promise, 20_000, () => `instance A to consume ${total / 2} messages (got ${seenA.length})\n${recentClientLog()}`);
    closing = true;
    const handledBeforeClose = seenA.length;
    await withTimeout(a.close(), 10_000, 'instance A to close');
    consumers.delete(a);

    const seenB: string[] = [];
    await startConsumer('restart-b', { consumerGroup: group }, topic, '*', async (msg) => void seenB.push(bodyOf(msg)));
    await waitFor(() => new Set([...seenA, ...seenB]).size === total, {
      timeoutMs: 20_000,
      what: () => `the new instance to consume the rest (A: ${seenA.length}, B: ${seenB.length}, union ${new Set([...seenA, ...seenB]).size}/${total})\n${recentClientLog()}`,
    });
    await waitForCommitted(group, topic, 4);

    assert.equal(new Set(seenA).size, seenA.length, 'instance A got a message twice');
    assert.equal(new Set(seenB).size, seenB.length, 'instance B got a message twice');
    assert.deepEqual(sorted(new Set([...seenA, ...seenB])), sorted(bodies));
    // In flight at close: the last message A finished just before close (its offset may not have been
    // recorded yet) and whatever A handled after close was called (parallelConsumeLimit is 1).
    const inFlight = new Set(seenA.slice(Math.max(0, handledBeforeClose - 1)));
    const duplicates = seenB.filter((b) => seenA.includes(b));
    assert.ok(
      duplicates.every((d) => inFlight.has(d)),
      `B re-consumed messages A had finished and committed: ${duplicates.filter((d) => !inFlight.has(d)).join(', ')} (in flight: ${[...inFlight].join(', ')})`,
    );
    assert.ok(duplicates.length <= 1 + lateA.length, `${duplicates.length} duplicates, bound ${1 + lateA.length}`);
    assert.ok(seenB.length >= total - seenA.length);
  });

  it('e. a failing listener gets the message back via %RETRY% with increasing reconsumeTimes, then it lands in %DLQ%', async () => {
    const topic = uniq('TopicRetry');
    const group = uniq('GID_retry');
    const maxReconsumeTimes = 3;
    const retryTopic = `%RETRY%${group}`;
    const dlqTopic = `%DLQ%${group}`;
    await createTopicWithRoute(topic, 4);
    // ali-ons announces protocol version 121, below V3_4_9 (165), so RocketMQ ignores the maxReconsumeTimes it
    // sends with CONSUMER_SEND_MSG_BACK and applies the group's retryMaxTimes (default 16). As with the real
    // broker, the limit is set on the subscription group (mqadmin updateSubGroup -r 3); ali-ons gets the same
    // number so that it does not drop the message on its side first.
    await createSubscriptionGroup(admin, group, maxReconsumeTimes);
    const deliveries: Array<{ reconsumeTimes: number; topic: string; body: string; keys: string | undefined }> = [];
    const consumer = await startConsumer('retry', { consumerGroup: group, maxReconsumeTimes }, topic, '*', async (msg) => {
      deliveries.push({ reconsumeTimes: msg.reconsumeTimes, topic: msg.topic, body: bodyOf(msg), keys: msg.keys });
      throw new Error(`listener refuses delivery #${deliveries.length}`);
    });
    await waitForAllocation([consumer], topic, 4);

    const key = `retry-key-${topic}`;
    const body = `poison message for ${group}`;
    const result = await send(topic, 'TagA', body, key);
    checkSendResult(result, topic, 4);

    await waitFor(async () => (await getMaxOffset(admin, dlqTopic, 0)) >= 1, {
      timeoutMs: 40_000,
      what: () => `a message in ${dlqTopic} (deliveries so far: ${JSON.stringify(deliveries.map((d) => d.reconsumeTimes))})\n${recentClientLog()}`,
    });
    // Every retry copy has been consumed (offset committed) before we count deliveries.
    await waitForCommitted(group, retryTopic, 1);

    assert.deepEqual(deliveries.map((d) => d.reconsumeTimes), [0, 1, 2, 3], 'reconsumeTimes of the deliveries');
    for (const d of deliveries) {
      assert.equal(d.body, body);
      assert.equal(d.keys, key);
      assert.equal(d.topic, topic, 'a retried message is handed to the listener under its original topic');
    }
    assert.equal(await getMaxOffset(admin, retryTopic, 0), maxReconsumeTimes, `${retryTopic} holds one copy per retry`);

    const dlq = await pullAll(admin, `${group}_dlq_reader`, dlqTopic, 0);
    assert.equal(dlq.length, 1, `${dlqTopic} holds exactly the one poison message`);
    const dead = dlq[0]!;
    assert.equal(dead.body.toString('utf8'), body);
    assert.equal(dead.properties.KEYS, key);
    assert.equal(dead.properties.RETRY_TOPIC, topic);
    assert.equal(dead.reconsumeTimes, maxReconsumeTimes + 1, 'RocketMQ increments reconsumeTimes when it moves the message to the DLQ');
  });

  it('f. QUERY_MESSAGE by key finds the message ali-ons sent with that key', async () => {
    const topic = uniq('TopicQuery');
    await createTopicWithRoute(topic, 4);
    const key = `order-${process.pid}-${Date.now()}`;
    const body = JSON.stringify({ order: key, amount: 42 });
    const result = await send(topic, 'TagQ', body, key);
    checkSendResult(result, topic, 4);
    await send(topic, 'TagQ', 'another message, another key', `${key}-other`);

    let found: StoredMessage[] = [];
    await waitFor(async () => {
      const res = await queryMessage(admin, topic, key);
      if (res.code !== Resp.SUCCESS) return false;
      found = decodeStoredMessages(res.body);
      return found.length > 0;
    }, { timeoutMs: 10_000, what: `QUERY_MESSAGE ${topic} key ${key} to find the message` });
    assert.equal(found.length, 1, `QUERY_MESSAGE returned ${found.length} messages`);
    const m = found[0]!;
    assert.equal(m.body.toString('utf8'), body);
    assert.equal(m.properties.KEYS, key);
    assert.equal(m.properties.TAGS, 'TagQ');
    assert.equal(m.topic, topic);
    assert.equal(m.offsetMsgId, result.msgId);
    assert.equal(m.queueId, Number(result.messageQueue.queueId));
    assert.equal(m.queueOffset, result.queueOffset);

    const none = await queryMessage(admin, topic, `${key}-never-sent`);
    assert.equal(none.code, Resp.QUERY_NOT_FOUND, `query for an unknown key: ${describeResponse(none)}`);
  });

  it('g. a body over 4 KiB is compressed by ali-ons, stored compressed, and consumed intact', async () => {
    const topic = uniq('TopicBig');
    const group = uniq('GID_big');
    await createTopicWithRoute(topic, 4);
    const received: Message[] = [];
    const consumer = await startConsumer('big', { consumerGroup: group }, topic, '*', async (msg) => void received.push(msg));
    await waitForAllocation([consumer], topic, 4);
    const body = Array.from({ length: 600 }, (_, i) => `line ${i.toString().padStart(4, '0')}`).join('\n'); // ~6 KiB
    const result = await send(topic, 'TagBig', body, `big-${topic}`);
    checkSendResult(result, topic, 4);
    await waitFor(() => received.length >= 1, { timeoutMs: 20_000, what: () => `the 6 KiB message\n${recentClientLog()}` });
    assert.equal(received.length, 1);
    assert.equal(bodyOf(received[0]!), body);
    const stored = await pullAll(admin, `${group}_raw`, topic, Number(result.messageQueue.queueId));
    const record = stored.find((m) => m.queueOffset === result.queueOffset)!;
    assert.equal(record.sysFlag & 1, 1, 'the stored record should carry the COMPRESSED flag ali-ons set');
    assert.ok(record.body.length < Buffer.byteLength(body), 'the stored body should be the compressed bytes');
  });

  it('h. delayTimeLevel: the message is held back for its level (1 s here), then delivered', async () => {
    const topic = uniq('TopicDelay');
    const group = uniq('GID_delay');
    await createTopicWithRoute(topic, 4);
    const arrivals: Array<{ at: number; msg: Message }> = [];
    const consumer = await startConsumer('delay', { consumerGroup: group }, topic, '*', async (msg) => void arrivals.push({ at: Date.now(), msg }));
    await waitForAllocation([consumer], topic, 4);
    const msg = new Message(topic, 'TagDelay', 'delayed by level 2');
    msg.delayTimeLevel = 2;
    const sentAt = Date.now();
    const result = await producer!.send(msg);
    assert.equal(result.sendStatus, 'SEND_OK');
    await waitFor(() => arrivals.length >= 1, { timeoutMs: 20_000, what: () => `the delayed message\n${recentClientLog()}` });
    const { at, msg: got } = arrivals[0]!;
    assert.equal(bodyOf(got), 'delayed by level 2');
    assert.equal(got.topic, topic);
    assert.ok(at - sentAt >= 900, `delivered ${at - sentAt} ms after the send, before its 1 s delay level`);
    assert.equal(arrivals.length, 1);
  });
});
