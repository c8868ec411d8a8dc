// The Producer against a real NameServer and broker(s) in this process. What the broker stored is read from its
// store directly, so these checks do not depend on our consumer code.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { ClientErrorCode, Message, MQBrokerError, MQClientError, Producer, type MessageQueue, type SendResult } from '../../src/index.js';
import { decodeOffsetMsgId } from '../../src/protocol/message-id.js';
import { waitFor } from '../support/wait.js';
import { clusterWithProducer, TestCluster, uniq } from './cluster.js';

describe('Producer against a real NameServer and broker', () => {
  const env = clusterWithProducer();

  it('sends to a topic nobody created (TBW102 route): SEND_OK, UNIQ_KEY msgId, offsetMsgId of the broker, stored as sent', async () => {
    const topic = uniq('AutoTopic');
    const r = await env.producer.send(new Message({ topic, body: 'hello', tags: 'TagA', keys: ['k1', 'k2'], properties: { color: 'red' } }));
    assert.equal(r.sendStatus, 'SEND_OK');
    assert.match(r.msgId, /^[0-9A-F]{32}$/);
    const where = decodeOffsetMsgId(r.offsetMsgId);
    assert.equal(`${where.host.host}:${where.host.port}`, env.cluster.brokerAddr());
    assert.equal(r.messageQueue.topic, topic);
    assert.equal(r.messageQueue.brokerName, 'broker-a');
    assert.equal(r.queueOffset, 0);
    const stored = env.cluster.storedMessages(topic, r.messageQueue.queueId);
    assert.equal(stored.length, 1);
    const s = stored[0]!;
    assert.equal(s.body.toString(), 'hello');
    assert.equal(s.msgId, r.offsetMsgId);
    assert.equal(s.properties.get('UNIQ_KEY'), r.msgId);
    assert.equal(s.properties.get('TAGS'), 'TagA');
    assert.equal(s.properties.get('KEYS'), 'k1 k2');
    assert.equal(s.properties.get('color'), 'red');
    // The broker auto-created the topic with defaultTopicQueueNums (4) queues and registered it.
    await waitFor(async () => (await env.cluster.routeQueueCount(topic)) === 4, { timeoutMs: 5000, what: 'the auto-created route' });
  });

  it('many sends at once (async): every promise resolves, offsets are distinct and dense per queue', async () => {
    const topic = uniq('AsyncTopic');
    await env.cluster.createTopic(topic, 4);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => env.producer.send({ topic, body: `m${i}` })));
    assert.ok(results.every((r) => r.sendStatus === 'SEND_OK'));
    const byQueue = new Map<number, number[]>();
    for (const r of results) byQueue.set(r.messageQueue.queueId, [...(byQueue.get(r.messageQueue.queueId) ?? []), r.queueOffset]);
    assert.ok(byQueue.size > 1, 'round-robin over queues');
    for (const offsets of byQueue.values()) assert.deepEqual([...offsets].sort((a, b) => a - b), offsets.map((_, i) => i));
    const bodies = env.cluster.allStored(topic, 4).map((m) => m.body.toString()).sort();
    assert.deepEqual(bodies, Array.from({ length: 60 }, (_, i) => `m${i}`).sort());
  });

  it('oneway: resolves without a result and the message arrives', async () => {
    const topic = uniq('OnewayTopic');
    await env.cluster.createTopic(topic, 2);
    const nothing: unknown = await env.producer.sendOneway({ topic, body: 'fire and forget', keys: 'ow' });
    assert.equal(nothing, undefined);
    const stored = await waitFor(() => {
      const all = env.cluster.allStored(topic, 2);
      return all.length === 1 ? all : undefined;
    }, { timeoutMs: 5000, what: 'the oneway message in the store' });
    assert.equal(stored[0]!.body.toString(), 'fire and forget');
  });

  it('batch: one request, consecutive offsets in one queue, msgId = the joined UNIQ_KEYs', async () => {
    const topic = uniq('BatchTopic');
    await env.cluster.createTopic(topic, 2);
    const msgs = [0, 1, 2, 3].map((i) => new Message({ topic, body: `batch ${i}`, tags: 'TagB', keys: [`bk${i}`] }));
    const r = await env.producer.sendBatch(msgs);
    assert.equal(r.sendStatus, 'SEND_OK');
    const ids = r.msgId.split(',');
    assert.equal(ids.length, 4);
    assert.equal(r.offsetMsgId.split(',').length, 4);
    const stored = env.cluster.storedMessages(topic, r.messageQueue.queueId);
    assert.deepEqual(stored.map((m) => m.queueOffset), [0, 1, 2, 3]);
    assert.deepEqual(stored.map((m) => m.body.toString()), ['batch 0', 'batch 1', 'batch 2', 'batch 3']);
    assert.deepEqual(stored.map((m) => m.properties.get('UNIQ_KEY')), ids);
    assert.deepEqual(stored.map((m) => m.properties.get('KEYS')), ['bk0', 'bk1', 'bk2', 'bk3']);
    // To a chosen queue as well.
    const target = { topic, brokerName: 'broker-a', queueId: 1 - r.messageQueue.queueId };
    const r2 = await env.producer.sendBatch([new Message({ topic, body: 'x' }), new Message({ topic, body: 'y' })], target);
    assert.equal(r2.messageQueue.queueId, target.queueId);
  });

  it('a big body is compressed on the wire and in the store (sysFlag 769) and is the same after inflating', async () => {
    const topic = uniq('BigTopic');
    await env.cluster.createTopic(topic, 1);
    const body = Buffer.from(Array.from({ length: 2000 }, (_, i) => `line ${i};`).join(''));
    const r = await env.producer.send({ topic, body });
    const stored = env.cluster.storedMessages(topic, r.messageQueue.queueId)[0]!;
    assert.equal(stored.sysFlag & 0x701, 0x301);
    assert.ok(stored.body.length < body.length / 2);
    assert.deepEqual(zlib.inflateSync(stored.body), body);
  });

  it('a delayed message goes through SCHEDULE_TOPIC_XXXX and appears in its topic about a second later', async () => {
    const topic = uniq('DelayTopic');
    await env.cluster.createTopic(topic, 1);
    const sent = Date.now();
    const r = await env.producer.send({ topic, body: 'later', delayTimeLevel: 1 });
    assert.equal(r.sendStatus, 'SEND_OK');
    assert.equal(env.cluster.storedMessages(topic, 0).length, 0, 'not in the topic right away');
    const stored = await waitFor(() => env.cluster.storedMessages(topic, 0)[0], { timeoutMs: 10_000, what: 'the delayed message' });
    assert.ok(stored.storeTimestamp - sent >= 900, `delivered after ${stored.storeTimestamp - sent} ms`);
    assert.equal(stored.properties.get('UNIQ_KEY'), r.msgId);
    assert.equal(stored.properties.get('DELAY'), '1');
  });

  it('ordered sends: a selector picks the queue from the topic\'s queues; a chosen queue is used as is', async () => {
    const topic = uniq('OrderTopic');
    await env.cluster.createTopic(topic, 4);
    const seen: MessageQueue[][] = [];
    const selector = (mqs: MessageQueue[], _msg: Message, orderId: number): MessageQueue => {
      seen.push(mqs);
      return mqs[orderId % mqs.length]!;
    };
    const results: SendResult[] = [];
    for (let i = 0; i < 6; i++) results.push(await env.producer.send({ topic, body: `order-7 step ${i}` }, selector, 7));
    assert.ok(results.every((r) => r.messageQueue.queueId === 7 % 4));
    assert.equal(seen[0]!.length, 4);
    assert.deepEqual(env.cluster.storedMessages(topic, 3).map((m) => m.body.toString()), Array.from({ length: 6 }, (_, i) => `order-7 step ${i}`));
    const fixed = await env.producer.send({ topic, body: 'to q0' }, { topic, brokerName: 'broker-a', queueId: 0 });
    assert.equal(fixed.messageQueue.queueId, 0);
    await assert.rejects(env.producer.send({ topic, body: 'x' }, { topic: 'other', brokerName: 'broker-a', queueId: 0 }), /not equal mq's topic/);
    await assert.rejects(env.producer.send({ topic, body: 'x' }, () => { throw new Error('boom'); }, 0), /selector threw: boom/);
    const queues = await env.producer.fetchPublishMessageQueues(topic);
    assert.equal(queues.length, 4);
  });

  it('broker refusals are MQBrokerError with the code and the broker address; bad input never leaves the client', async () => {
    const topic = uniq('IllegalTopic');
    await env.cluster.createTopic(topic, 1);
    // The broker's maxMessageSize is 4 MiB; this producer allows more and does not compress.
    const loose = new Producer({
      producerGroup: uniq('pg_loose'), namesrvAddr: env.cluster.namesrvAddr, maxMessageSize: 8 * 1024 * 1024, compressMsgBodyOverHowmuch: 64 * 1024 * 1024,
    });
    await loose.start();
    try {
      await assert.rejects(loose.send({ topic, body: Buffer.alloc(4 * 1024 * 1024 + 10, 1) }), (e: unknown) => {
        assert.ok(e instanceof MQBrokerError, String(e));
        assert.equal(e.code, 13);
        assert.equal(e.retriable, false);
        assert.equal(e.brokerAddr, env.cluster.brokerAddr());
        assert.match(e.message, /MESSAGE_ILLEGAL/);
        return true;
      });
    } finally {
      await loose.shutdown();
    }
    await assert.rejects(env.producer.send({ topic, body: '' }), (e: unknown) => e instanceof MQClientError && e.code === ClientErrorCode.ILLEGAL_ARGUMENT);
    await assert.rejects(env.producer.send({ topic: 'no spaces allowed', body: 'x' }), /illegal characters/);
  });

  it('no route and no TBW102 route: NOT_FOUND_TOPIC error; not started / shut down: SERVICE_STATE error', async () => {
    const p = new Producer({ producerGroup: uniq('pg_noroute'), namesrvAddr: env.cluster.namesrvAddr, createTopicKey: 'NoSuchDefaultTopic' });
    await assert.rejects(p.send({ topic: 'T', body: 'x' }), (e: unknown) => e instanceof MQClientError && e.code === ClientErrorCode.SERVICE_STATE);
    await p.start();
    await assert.rejects(p.send({ topic: uniq('NowhereTopic'), body: 'x' }),
      (e: unknown) => e instanceof MQClientError && e.code === ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION && /No route info/.test(e.message));
    await p.shutdown();
    await assert.rejects(p.send({ topic: 'T', body: 'x' }), /shut down/);
    assert.throws(() => new Producer({ producerGroup: 'DEFAULT_PRODUCER', namesrvAddr: env.cluster.namesrvAddr }), /DEFAULT_PRODUCER/);
    assert.throws(() => new Producer({ producerGroup: 'g', namesrvAddr: env.cluster.namesrvAddr, retryTimesWhenSendFailed: -1 }), /retryTimesWhenSendFailed/);
  });

  it('a dead NameServer first in namesrvAddr: the client moves on to the next one', async () => {
    const net = await import('node:net');
    const dead = await new Promise<number>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => {
        const port = (server.address() as { port: number }).port;
        server.close(() => resolve(port));
      });
    });
    const p = new Producer({ producerGroup: uniq('pg_failover'), namesrvAddr: `127.0.0.1:${dead};${env.cluster.namesrvAddr}` });
    await p.start();
    try {
      const topic = uniq('FailoverTopic');
      await env.cluster.createTopic(topic, 1);
      assert.equal((await p.send({ topic, body: 'via the second NameServer' })).sendStatus, 'SEND_OK');
    } finally {
      await p.shutdown();
    }
  });

  it('the producer is known to the broker while it runs (heartbeat) and gone after shutdown (UNREGISTER_CLIENT)', async () => {
    const group = uniq('pg_hb');
    const p = new Producer({ producerGroup: group, namesrvAddr: env.cluster.namesrvAddr });
    await p.start();
    const topic = uniq('HbTopic');
    await env.cluster.createTopic(topic, 1);
    await p.send({ topic, body: 'x' });
    const connections = async (): Promise<number> => {
      const { createRequest } = await import('../../src/protocol/command.js');
      const { decodeProducerConnection } = await import('../../src/protocol/bodies.js');
      const r = await env.cluster.admin.invoke(env.cluster.brokerAddr(), createRequest(204, { producerGroup: group }), 3000);
      return r.code === 0 && r.body ? decodeProducerConnection(r.body).connectionSet.length : 0;
    };
    await waitFor(async () => (await connections()) === 1, { timeoutMs: 5000, what: 'the producer connection at the broker' });
    await p.shutdown();
    await waitFor(async () => (await connections()) === 0, { timeoutMs: 5000, what: 'the producer to be unregistered' });
  });
});

describe('Producer retries and fault avoidance with two brokers', () => {
  it('a broker that goes away while the route still lists it: every send retries onto the other broker and succeeds', async () => {
    const cluster = await TestCluster.start({ brokers: 2 });
    const producer = new Producer({ producerGroup: uniq('pg_retry'), namesrvAddr: cluster.namesrvAddr, sendMsgTimeout: 5000 });
    try {
      await producer.start();
      const topic = uniq('RetryTopic');
      await cluster.createTopic(topic, 2);
      const warm = await Promise.all(Array.from({ length: 8 }, (_, i) => producer.send({ topic, body: `warm ${i}` })));
      assert.deepEqual(new Set(warm.map((r) => r.messageQueue.brokerName)), new Set(['broker-a', 'broker-b']));
      // broker-b stops; the producer's cached route still lists it.
      await cluster.brokers[1]!.shutdown();
      const results: SendResult[] = [];
      for (let i = 0; i < 10; i++) results.push(await producer.send({ topic, body: `after ${i}` }));
      assert.ok(results.every((r) => r.sendStatus === 'SEND_OK' && r.messageQueue.brokerName === 'broker-a'));
      const stored = cluster.storedMessages(topic, 0).concat(cluster.storedMessages(topic, 1)).map((m) => m.body.toString());
      for (let i = 0; i < 10; i++) assert.ok(stored.includes(`after ${i}`));
    } finally {
      await producer.shutdown();
      cluster.brokers.splice(1, 1);
      await cluster.stop();
    }
  });
});
