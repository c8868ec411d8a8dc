// The lite PullConsumer against a real NameServer and broker in this process: assign, poll, seek, commit and the
// async iterator.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MQClientError, PullConsumer, type MessageExt } from '../../src/index.js';
import { clusterWithProducer, uniq } from './cluster.js';

describe('PullConsumer (lite, assign mode)', () => {
  const env = clusterWithProducer();

  async function pollUntil(c: PullConsumer, n: number, deadlineMs = 10_000): Promise<MessageExt[]> {
    const out: MessageExt[] = [];
    const deadline = Date.now() + deadlineMs;
    while (out.length < n) {
      if (Date.now() > deadline) throw new Error(`only ${out.length} of ${n} messages within ${deadlineMs} ms`);
      out.push(...(await c.poll(1000)));
    }
    return out;
  }

  it('assign + poll from the start, commit, and a new consumer of the group continues after the commit', async () => {
    const topic = uniq('PullTopic');
    const group = uniq('cg_pull');
    await env.cluster.createTopic(topic, 2);
    for (let i = 0; i < 10; i++) await env.producer.send({ topic, body: `p${i}` });
    const c = new PullConsumer({ consumerGroup: group, namesrvAddr: env.cluster.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', autoCommit: false });
    await c.start();
    const queues = await c.fetchMessageQueues(topic);
    assert.equal(queues.length, 2);
    c.assign(queues);
    const got = await pollUntil(c, 10);
    assert.deepEqual(got.map((m) => m.body.toString()).sort(), Array.from({ length: 10 }, (_, i) => `p${i}`).sort());
    await c.commit();
    const committed = await Promise.all(queues.map((q) => c.committed(q)));
    assert.equal(committed.reduce((a, b) => a + b, 0), 10);
    await c.shutdown();

    for (let i = 10; i < 14; i++) await env.producer.send({ topic, body: `p${i}` });
    const c2 = new PullConsumer({ consumerGroup: group, namesrvAddr: env.cluster.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    await c2.start();
    c2.assign(queues);
    const rest = await pollUntil(c2, 4);
    assert.deepEqual(rest.map((m) => m.body.toString()).sort(), ['p10', 'p11', 'p12', 'p13']);
    assert.deepEqual(await c2.poll(200), []);
    await c2.shutdown();
  });

  it('seek moves the next poll of a queue; out-of-range offsets are refused', async () => {
    const topic = uniq('SeekTopic');
    await env.cluster.createTopic(topic, 1);
    for (let i = 0; i < 6; i++) await env.producer.send({ topic, body: `s${i}` });
    const c = new PullConsumer({ consumerGroup: uniq('cg_seek'), namesrvAddr: env.cluster.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    await c.start();
    try {
      const [q] = await c.fetchMessageQueues(topic);
      c.assign([q!]);
      await pollUntil(c, 6);
      await c.seek(q!, 4);
      const again = await pollUntil(c, 2);
      assert.deepEqual(again.map((m) => m.body.toString()), ['s4', 's5']);
      assert.deepEqual(again.map((m) => m.queueOffset), [4, 5]);
      await c.seekToBegin(q!);
      assert.equal((await pollUntil(c, 6))[0]!.body.toString(), 's0');
      await assert.rejects(c.seek(q!, 99), /outside 0\.\.6/);
      await assert.rejects(c.seek({ topic, brokerName: 'broker-a', queueId: 7 }, 0), /not assigned/);
    } finally {
      await c.shutdown();
    }
  });

  it('for await yields messages one by one with tag filtering; shutdown ends the loop', async () => {
    const topic = uniq('IterTopic');
    await env.cluster.createTopic(topic, 1);
    const c = new PullConsumer({ consumerGroup: uniq('cg_iter'), namesrvAddr: env.cluster.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', pollTimeoutMillis: 200 });
    await c.start();
    c.assign(await c.fetchMessageQueues(topic), 'TagA');
    for (const [body, tags] of [['a0', 'TagA'], ['b0', 'TagB'], ['a1', 'TagA'], ['a2', 'TagA']] as const) await env.producer.send({ topic, body, tags });
    const seen: string[] = [];
    for await (const msg of c) {
      seen.push(msg.body.toString());
      if (seen.length === 3) void c.shutdown();
    }
    assert.deepEqual(seen, ['a0', 'a1', 'a2']);
  });

  it('refuses use before start and bad arguments', async () => {
    const c = new PullConsumer({ consumerGroup: uniq('cg_bad'), namesrvAddr: env.cluster.namesrvAddr });
    await assert.rejects(c.poll(10), (e: unknown) => e instanceof MQClientError && /not|CREATED/.test(e.message));
    await c.start();
    assert.throws(() => c.assign([{ topic: 'T', brokerName: 'b', queueId: -1 }]), /not a MessageQueue/);
    await assert.rejects(c.poll(-1), /non-negative/);
    await assert.rejects(c.fetchMessageQueues(uniq('NoSuchTopic')), /No route info/);
    await c.shutdown();
    assert.throws(() => new PullConsumer({ consumerGroup: 'g', namesrvAddr: env.cluster.namesrvAddr, pullBatchSize: 0 }), /pullBatchSize/);
  });
});
