// PushConsumer against a real NameServer and broker in this process: filtering, compression, clustering and
// broadcasting, retries into the dead-letter queue, offsets on shutdown, and the start-offset rules.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MQClientError, Producer, PushConsumer, type PushConsumerOptions } from '../../src/index.js';
import { decodeResetOffsetBody } from '../../src/protocol/bodies.js';
import { waitFor } from '../support/wait.js';
import { TestCluster, uniq } from './cluster.js';
import { Inbox } from './inbox.js';

/** Client timers shortened from 20-30 s so that tests see rebalances and commits within a second. */
const FAST = { pollNameServerInterval: 500, heartbeatBrokerInterval: 500, rebalanceInterval: 500, persistConsumerOffsetInterval: 200 } as const;

describe('PushConsumer against a real NameServer and broker', () => {
  let cluster: TestCluster;
  let producer: Producer;
  const running: PushConsumer[] = [];

  before(async () => {
    cluster = await TestCluster.start();
    producer = new Producer({ producerGroup: uniq('pg'), namesrvAddr: cluster.namesrvAddr });
    await producer.start();
  });

  after(async () => {
    for (const c of running) await c.shutdown();
    await producer.shutdown();
    await cluster.stop();
  });

  function consumer(options: Omit<PushConsumerOptions, 'namesrvAddr'>): PushConsumer {
    const c = new PushConsumer({ namesrvAddr: cluster.namesrvAddr, ...FAST, ...options });
    running.push(c);
    return c;
  }

  it('tag filter: only subscribed tags arrive (the broker filters by hash, the client by exact tag)', async () => {
    const topic = uniq('TagTopic');
    await cluster.createTopic(topic, 1);
    const inbox = new Inbox();
    const c = consumer({ consumerGroup: uniq('cg_tag'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    c.subscribe(topic, 'TagA || Aa');
    c.registerMessageListener(async (msgs) => {
      inbox.add(msgs);
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    // "BB" has the same Java hash code as "Aa": only the client-side check can drop it.
    for (const [body, tags] of [['a1', 'TagA'], ['b1', 'TagB'], ['untagged', undefined], ['bb', 'BB'], ['aa', 'Aa'], ['end', 'TagA']] as const) {
      await producer.send({ topic, body, tags });
    }
    await inbox.until((items) => items.some((r) => r.body === 'end'), 'the last message');
    assert.deepEqual(inbox.bodies(), ['a1', 'aa', 'end']);
    assert.deepEqual(inbox.items.map((r) => r.tags), ['TagA', 'Aa', 'TagA']);
  });

  it('compressed bodies arrive inflated; MIN_OFFSET/MAX_OFFSET and ids are set on received messages', async () => {
    const topic = uniq('ZipTopic');
    await cluster.createTopic(topic, 1);
    const big = 'x'.repeat(3000) + 'y'.repeat(3000);
    let received: { body: string; props: Map<string, string>; msgId: string; offsetMsgId: string } | undefined;
    const c = consumer({ consumerGroup: uniq('cg_zip'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    c.subscribe(topic);
    c.registerMessageListener(async ([m]) => {
      received = { body: m!.body.toString(), props: new Map(m!.properties), msgId: m!.msgId, offsetMsgId: m!.offsetMsgId };
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    const sent = await producer.send({ topic, body: big });
    const got = await waitFor(() => received, { timeoutMs: 20_000, what: 'the compressed message' });
    assert.equal(got.body, big);
    assert.equal(got.msgId, sent.msgId);
    assert.equal(got.offsetMsgId, sent.offsetMsgId);
    assert.equal(got.props.get('MIN_OFFSET'), '0');
    assert.equal(got.props.get('MAX_OFFSET'), '1');
  });

  it('clustering: two consumers of one group split the queues and get every message exactly once', async () => {
    const topic = uniq('ClusterTopic');
    const group = uniq('cg_cluster');
    await cluster.createTopic(topic, 4);
    const inbox = new Inbox();
    const [c1, c2] = ['c1', 'c2'].map((name) => {
      const c = consumer({ consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
      c.subscribe(topic);
      c.registerMessageListener(async (msgs) => {
        inbox.add(msgs, name);
        return 'CONSUME_SUCCESS';
      });
      return c;
    }) as [PushConsumer, PushConsumer];
    await c1.start();
    await c2.start();
    const mine = (c: PushConsumer) => c.assignedQueues().filter((q) => q.topic === topic).map((q) => q.queueId);
    await waitFor(() => mine(c1).length === 2 && mine(c2).length === 2, {
      timeoutMs: 10_000, what: () => `a 2/2 split, have ${JSON.stringify([mine(c1), mine(c2)])}`,
    });
    assert.deepEqual([...mine(c1), ...mine(c2)].sort(), [0, 1, 2, 3]);
    const bodies = Array.from({ length: 40 }, (_, i) => `m${i}`);
    for (const body of bodies) await producer.send({ topic, body });
    await inbox.count(40);
    assert.deepEqual([...inbox.bodies()].sort(), [...bodies].sort());
    assert.ok(inbox.bodies('c1').length > 0 && inbox.bodies('c2').length > 0);
    for (const r of inbox.items) assert.ok((r.consumer === 'c1' ? mine(c1) : mine(c2)).includes(r.queueId));
    await c1.shutdown();
    await c2.shutdown();
    assert.deepEqual(inbox.duplicates(), []);
    // Shutdown committed everything to the broker.
    let committed = 0;
    for (let q = 0; q < 4; q++) committed += await cluster.queryOffset(group, topic, q);
    assert.equal(committed, 40);
  });

  it('broadcasting: every consumer gets every message; offsets go to the local offsets.json', async () => {
    const topic = uniq('BroadcastTopic');
    const group = uniq('cg_bc');
    await cluster.createTopic(topic, 2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-offsets-'));
    const inbox = new Inbox();
    const cs = ['b1', 'b2'].map((name) => {
      const c = consumer({ consumerGroup: group, messageModel: 'BROADCASTING', offsetStoreDir: dir });
      c.subscribe(topic);
      c.registerMessageListener(async (msgs) => {
        inbox.add(msgs, name);
        return 'CONSUME_SUCCESS';
      });
      return c;
    });
    for (const c of cs) await c.start();
    assert.ok(cs.every((c) => c.assignedQueues().length === 2), 'each has all queues, no retry topic');
    const bodies = Array.from({ length: 10 }, (_, i) => `b${i}`);
    for (const body of bodies) await producer.send({ topic, body });
    await inbox.count(20);
    assert.deepEqual(inbox.bodies('b1').sort(), [...bodies].sort());
    assert.deepEqual(inbox.bodies('b2').sort(), [...bodies].sort());
    const file = cs[0]!.offsetFile!;
    assert.equal(file, path.join(dir, cs[0]!.clientId, group, 'offsets.json'));
    for (const c of cs) await c.shutdown();
    const table = decodeResetOffsetBody(fs.readFileSync(file)).offsetTable;
    assert.equal(table.reduce((n, [, o]) => n + o, 0), 10);
  });

  it('failures are redelivered through %RETRY%group with the original topic, then land in %DLQ%group', async () => {
    const topic = uniq('RetryTopic');
    const group = uniq('cg_retry');
    await cluster.createTopic(topic, 1);
    const inbox = new Inbox();
    const c = consumer({ consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', maxReconsumeTimes: 2 });
    c.subscribe(topic);
    c.registerMessageListener(async (msgs) => {
      inbox.add(msgs);
      if (msgs[0]!.body.toString() === 'poison') throw new Error('cannot handle this one');
      return msgs[0]!.body.toString() === 'later' && msgs[0]!.reconsumeTimes === 0 ? 'RECONSUME_LATER' : 'CONSUME_SUCCESS';
    });
    await c.start();
    const poison = await producer.send({ topic, body: 'poison', keys: 'poison-key' });
    await producer.send({ topic, body: 'later' });
    await producer.send({ topic, body: 'fine' });
    await inbox.until((items) => items.filter((r) => r.body === 'later').length === 2, '"later" to be redelivered once');
    const dlq = `%DLQ%${group}`;
    const inDlq = await waitFor(() => cluster.storedMessages(dlq, 0)[0], { timeoutMs: 20_000, what: 'the poison message in the DLQ' });
    assert.equal(inDlq.body.toString(), 'poison');
    assert.equal(inDlq.properties.get('UNIQ_KEY'), poison.msgId);
    const poisonDeliveries = inbox.items.filter((r) => r.body === 'poison');
    assert.deepEqual(poisonDeliveries.map((r) => r.reconsumeTimes), [0, 1, 2], '1 + maxReconsumeTimes deliveries');
    assert.ok(poisonDeliveries.every((r) => r.topic === topic && r.msgId === poison.msgId), 'redeliveries show the original topic and msgId');
    assert.deepEqual(inbox.items.filter((r) => r.body === 'later').map((r) => r.reconsumeTimes), [0, 1]);
    assert.equal(inbox.items.filter((r) => r.body === 'fine').length, 1);
  });

  it('a consumer restarted in the same group continues after the committed offset', async () => {
    const topic = uniq('ResumeTopic');
    const group = uniq('cg_resume');
    await cluster.createTopic(topic, 2);
    const inbox = new Inbox();
    const make = (name: string) => {
      const c = consumer({ consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
      c.subscribe(topic);
      c.registerMessageListener(async (msgs) => {
        inbox.add(msgs, name);
        return 'CONSUME_SUCCESS';
      });
      return c;
    };
    const first = make('first');
    await first.start();
    for (let i = 0; i < 10; i++) await producer.send({ topic, body: `r${i}` });
    await inbox.count(10);
    await first.shutdown();
    for (let i = 10; i < 20; i++) await producer.send({ topic, body: `r${i}` });
    const second = make('second');
    await second.start();
    await inbox.count(20);
    assert.deepEqual(inbox.bodies('second').sort(), Array.from({ length: 10 }, (_, i) => `r${i + 10}`).sort());
    assert.deepEqual(inbox.duplicates(), []);
  });

  it('bounded concurrency: never more than consumeThreadMax listener calls at once', async () => {
    const topic = uniq('ConcTopic');
    await cluster.createTopic(topic, 4);
    let active = 0;
    let peak = 0;
    const inbox = new Inbox();
    const c = consumer({ consumerGroup: uniq('cg_conc'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', consumeThreadMax: 3 });
    c.subscribe(topic);
    c.registerMessageListener(async (msgs) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      inbox.add(msgs);
      active--;
      return 'CONSUME_SUCCESS';
    });
    await Promise.all(Array.from({ length: 40 }, (_, i) => producer.send({ topic, body: `c${i}` })));
    await c.start();
    await inbox.count(40);
    assert.equal(peak, 3);
  });

  it('a committed offset beyond the queue end (PULL_OFFSET_MOVED) is corrected to the broker\'s offset', async () => {
    const topic = uniq('MovedTopic');
    const group = uniq('cg_moved');
    await cluster.createTopic(topic, 1);
    for (let i = 0; i < 3; i++) await producer.send({ topic, body: `old${i}` });
    // Somebody committed an offset far past the end (e.g. after the store was wiped).
    const { createRequest } = await import('../../src/protocol/command.js');
    const r = await cluster.admin.invoke(cluster.brokerAddr(), createRequest(15, { consumerGroup: group, topic, queueId: '0', commitOffset: '1000' }), 3000);
    assert.equal(r.code, 0);
    assert.equal(await cluster.queryOffset(group, topic, 0), 1000);
    const inbox = new Inbox();
    const c = consumer({ consumerGroup: group });
    c.subscribe(topic);
    c.registerMessageListener(async (msgs) => {
      inbox.add(msgs);
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    await waitFor(async () => (await cluster.queryOffset(group, topic, 0)) === 3, { timeoutMs: 10_000, what: 'the corrected offset 3 at the broker' });
    await producer.send({ topic, body: 'new' });
    await inbox.count(1);
    assert.deepEqual(inbox.bodies(), ['new']);
  });

  it('when the broker refuses the send-back and the retry topic is not writable, the message is consumed again locally', async () => {
    const topic = uniq('LocalRetryTopic');
    const group = uniq('cg_local');
    await cluster.createTopic(topic, 1);
    await producer.send({ topic, body: 'flaky' });
    const { createRequest } = await import('../../src/protocol/command.js');
    const setPerm = async (perm: number) => {
      const r = await cluster.admin.invoke(cluster.brokerAddr(), createRequest(25, {}, Buffer.from(`brokerPermission=${perm}\n`)), 3000);
      assert.equal(r.code, 0, r.remark);
    };
    // Read-only broker: CONSUMER_SEND_MSG_BACK answers NO_PERMISSION and no route offers a writable queue.
    await setPerm(4);
    try {
      const inbox = new Inbox();
      const c = consumer({ consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
      c.subscribe(topic);
      c.registerMessageListener(async (msgs) => {
        inbox.add(msgs);
        return msgs[0]!.reconsumeTimes === 0 ? 'RECONSUME_LATER' : 'CONSUME_SUCCESS';
      });
      await c.start();
      await inbox.count(2, 20_000);
      const [first, second] = inbox.items;
      assert.deepEqual([first!.body, second!.body], ['flaky', 'flaky']);
      assert.deepEqual([first!.reconsumeTimes, second!.reconsumeTimes], [0, 1]);
      assert.equal(second!.queueOffset, first!.queueOffset, 'the same stored message, not a copy from %RETRY%');
      assert.ok(second!.at - first!.at >= 4500, `consumed again after ${second!.at - first!.at} ms (Java waits 5 s)`);
      assert.equal(cluster.storedMessages(`%RETRY%${group}`, 0).length, 0);
      await c.shutdown();
      assert.equal(await cluster.queryOffset(group, topic, 0), 1);
    } finally {
      await setPerm(6);
    }
  });

  it('subscribe and unsubscribe while running take effect at once', async () => {
    const [t1, t2] = [uniq('SubTopic'), uniq('SubTopic')];
    await cluster.createTopic(t1, 1);
    await cluster.createTopic(t2, 1);
    const inbox = new Inbox();
    const c = consumer({ consumerGroup: uniq('cg_sub') });
    c.subscribe(t1);
    c.registerMessageListener(async (msgs) => {
      inbox.add(msgs);
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    c.subscribe(t2, 'TagZ');
    await waitFor(() => c.assignedQueues().some((q) => q.topic === t2), { timeoutMs: 10_000, what: `a queue of ${t2}` });
    await producer.send({ topic: t2, body: 'on t2', tags: 'TagZ' });
    await inbox.until((items) => items.some((r) => r.body === 'on t2'), 'the message of the new subscription');
    c.unsubscribe(t1);
    await waitFor(() => !c.assignedQueues().some((q) => q.topic === t1), { timeoutMs: 10_000, what: `${t1} to be released` });
  });

  it('wrong use is refused with clear errors', async () => {
    const c = new PushConsumer({ consumerGroup: uniq('cg_bad'), namesrvAddr: cluster.namesrvAddr });
    await assert.rejects(c.start(), /messageListener is null/);
    c.registerMessageListener(async () => 'CONSUME_SUCCESS');
    assert.throws(() => c.registerOrderlyListener(async () => 'SUCCESS'), /already registered/);
    await assert.rejects(c.start(), /no subscription/);
    assert.throws(() => c.subscribe('bad topic'), (e: unknown) => e instanceof MQClientError && /illegal characters/.test(e.message));
    assert.throws(() => c.subscribe('T', '||'), /names no tag/);
    assert.throws(() => new PushConsumer({ consumerGroup: 'g', namesrvAddr: cluster.namesrvAddr, consumeThreadMax: 0 }), /consumeThreadMax/);
    assert.throws(() => new PushConsumer({ consumerGroup: 'g', namesrvAddr: cluster.namesrvAddr, messageModel: 'BOTH' as 'CLUSTERING' }), /messageModel/);
    await c.shutdown();
  });
});

describe('PushConsumer start offsets for a group that never committed (consumeFromWhere)', () => {
  // With accessMessageInMemoryMaxRatio=0 the broker reports QUERY_NOT_FOUND for new groups even on young queues,
  // so the client's own rules decide (otherwise a 4.9.8 broker answers 0 for a young in-memory queue).
  let cluster: TestCluster;
  let producer: Producer;
  let topic: string;
  let middle = 0;

  before(async () => {
    cluster = await TestCluster.start({ overrides: { accessMessageInMemoryMaxRatio: 0 } });
    producer = new Producer({ producerGroup: uniq('pg_from'), namesrvAddr: cluster.namesrvAddr });
    await producer.start();
    topic = uniq('FromTopic');
    await cluster.createTopic(topic, 1);
    for (let i = 0; i < 5; i++) await producer.send({ topic, body: `old${i}` });
    const lastOld = cluster.storedMessages(topic, 0).at(-1)!.storeTimestamp;
    // The broker answers the offset of the message stored nearest to the timestamp (4.9.8
    // getOffsetInQueueByTime), so the timestamp is placed much closer to the next message than to the last one.
    await waitFor(() => Date.now() > lastOld + 100, { timeoutMs: 2000, what: 'the clock to move on', intervalMs: 10 });
    middle = Date.now();
    for (let i = 0; i < 5; i++) await producer.send({ topic, body: `mid${i}` });
  });

  after(async () => {
    await producer.shutdown();
    await cluster.stop();
  });

  async function consumeWith(from: PushConsumerOptions['consumeFromWhere'], consumeTimestamp?: number): Promise<string[]> {
    const inbox = new Inbox();
    const group = uniq('cg_from');
    const c = new PushConsumer({ consumerGroup: group, namesrvAddr: cluster.namesrvAddr, consumeFromWhere: from, consumeTimestamp, ...FAST });
    c.subscribe(topic);
    c.registerMessageListener(async (msgs) => {
      inbox.add(msgs);
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    try {
      const marker = `new-${group}`;
      await producer.send({ topic, body: marker });
      await inbox.until((items) => items.some((r) => r.body === marker), 'the marker');
      return inbox.bodies().filter((b) => !b.startsWith('new-'));
    } finally {
      await c.shutdown();
    }
  }

  it('CONSUME_FROM_LAST_OFFSET starts at the end', async () => {
    assert.deepEqual(await consumeWith('CONSUME_FROM_LAST_OFFSET'), []);
  });

  it('CONSUME_FROM_FIRST_OFFSET starts at the beginning', async () => {
    const got = await consumeWith('CONSUME_FROM_FIRST_OFFSET');
    assert.deepEqual(got.slice(0, 10), [0, 1, 2, 3, 4].map((i) => `old${i}`).concat([0, 1, 2, 3, 4].map((i) => `mid${i}`)));
  });

  it('CONSUME_FROM_TIMESTAMP starts at the message the broker finds for the timestamp', async () => {
    const got = await consumeWith('CONSUME_FROM_TIMESTAMP', middle);
    assert.deepEqual(got.slice(0, 5), [0, 1, 2, 3, 4].map((i) => `mid${i}`));
    assert.ok(!got.some((b) => b.startsWith('old')));
  });
});
