// Interop with the unmodified npm client ali-ons 3.12 through a real NameServer and broker in this process:
// what ali-ons sends our PushConsumer receives, and what our Producer sends an ali-ons consumer receives.
// (ali-ons needs the topic routed before it sends and keeps a process-wide inner producer to close at the end.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Consumer as OnsConsumer, Message as OnsMessage, Producer as OnsProducer, type AliOnsLogger, type HttpClientLike } from 'ali-ons';
import { Producer, PushConsumer } from '../../src/index.js';
import { waitFor, withTimeout } from '../support/wait.js';
import { TestCluster, uniq } from './cluster.js';
import { Inbox } from './inbox.js';

const httpclient: HttpClientLike = {
  request: () => Promise.reject(new Error('ali-ons asked for the Aliyun address server; nameSrv should have been used')),
};
const onsLog: string[] = [];
const logger: AliOnsLogger = {
  info: () => undefined,
  debug: () => undefined,
  warn: (...args: unknown[]) => void onsLog.push(`WARN ${args.map(String).join(' ')}`),
  error: (...args: unknown[]) => void onsLog.push(`ERROR ${args.map(String).join(' ')}`),
};
const ONS_TIMERS = { pollNameServerInteval: 1000, heartbeatBrokerInterval: 1000, rebalanceInterval: 1000, persistConsumerOffsetInterval: 1000 } as const;
const BIG = 'ali-ons big body;'.repeat(400);

describe('interop with ali-ons 3.12', () => {
  let cluster: TestCluster;
  let onsProducer: OnsProducer;
  let producer: Producer;
  const onsConsumers: OnsConsumer[] = [];

  before(async () => {
    cluster = await TestCluster.start();
    onsProducer = new OnsProducer({
      nameSrv: cluster.namesrvAddr, httpclient, logger, instanceName: uniq('ons-producer'), producerGroup: uniq('PID_interop'), ...ONS_TIMERS,
    });
    await withTimeout(onsProducer.ready(), 15_000, () => `the ali-ons producer\n${onsLog.join('\n')}`);
    producer = new Producer({ producerGroup: uniq('pg_interop'), namesrvAddr: cluster.namesrvAddr });
    await producer.start();
  });

  after(async () => {
    for (const c of onsConsumers) await withTimeout(c.close(), 10_000, 'an ali-ons consumer to close').catch(() => undefined);
    await withTimeout(onsProducer.close(), 10_000, 'the ali-ons producer to close').catch(() => undefined);
    const inner = OnsProducer.defaultProducer;
    if (inner) await withTimeout(inner.close(), 10_000, 'the ali-ons inner producer to close').catch(() => undefined);
    await producer.shutdown();
    await cluster.stop();
  });

  it('messages sent by ali-ons (tags, keys, a compressed body) are consumed by our PushConsumer', async () => {
    const topic = uniq('OnsToUs');
    await cluster.createTopic(topic, 2);
    const received = new Inbox();
    const keysSeen = new Map<string, string[]>();
    const consumer = new PushConsumer({
      consumerGroup: uniq('cg_from_ons'), namesrvAddr: cluster.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      rebalanceInterval: 500, persistConsumerOffsetInterval: 200,
    });
    consumer.subscribe(topic, 'TagA || TagB');
    consumer.registerMessageListener(async (msgs) => {
      received.add(msgs);
      for (const m of msgs) keysSeen.set(m.body.toString(), m.keys);
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    try {
      const sent: string[] = [];
      for (let i = 0; i < 6; i++) {
        const tag = ['TagA', 'TagB', 'TagC'][i % 3]!;
        const msg = new OnsMessage(topic, tag, `ons-${i}`);
        msg.keys = [`key-${i}`];
        const r = await onsProducer.send(msg);
        assert.equal(r.sendStatus, 'SEND_OK');
        if (tag !== 'TagC') sent.push(`ons-${i}`);
      }
      await onsProducer.send(new OnsMessage(topic, 'TagA', BIG));
      sent.push(BIG);
      await received.count(sent.length);
      assert.deepEqual(received.bodies().sort(), [...sent].sort());
      assert.ok(!received.items.some((r) => r.tags === 'TagC'));
      assert.deepEqual(keysSeen.get('ons-1'), ['key-1']);
      // ali-ons sets no UNIQ_KEY: our msgId falls back to the broker's offsetMsgId.
      assert.ok(received.items.every((r) => /^[0-9A-F]{32}$/.test(r.msgId)));
    } finally {
      await consumer.shutdown();
    }
  });

  it('messages sent by our Producer (tags, keys, properties, a compressed body) are consumed by an ali-ons consumer', async () => {
    const topic = uniq('UsToOns');
    await cluster.createTopic(topic, 2);
    const got: OnsMessage[] = [];
    const consumer = new OnsConsumer({
      nameSrv: cluster.namesrvAddr, httpclient, logger, instanceName: uniq('ons-consumer'), consumerGroup: uniq('GID_from_us'),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', brokerSuspendMaxTimeMillis: 2000, consumerTimeoutMillisWhenSuspend: 10_000, ...ONS_TIMERS,
    });
    onsConsumers.push(consumer);
    consumer.subscribe(topic, '*', async (msg) => {
      got.push(msg);
    });
    await withTimeout(consumer.ready(), 15_000, () => `the ali-ons consumer\n${onsLog.join('\n')}`);
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push(await producer.send({ topic, body: `ours-${i}`, tags: 'TagX', keys: [`k${i}`], properties: { origin: 'rocketmq-ts' } }));
    }
    results.push(await producer.send({ topic, body: BIG, tags: 'TagBig' }));
    await waitFor(() => got.length >= 6, {
      timeoutMs: 30_000, what: () => `ali-ons to receive 6 messages (has ${got.length})\n${onsLog.slice(-10).join('\n')}`,
    });
    const bodies = got.map((m) => m.body.toString());
    assert.deepEqual([...bodies].sort(), [...Array.from({ length: 5 }, (_, i) => `ours-${i}`), BIG].sort());
    const first = got.find((m) => m.body.toString() === 'ours-0')!;
    assert.equal(first.tags, 'TagX');
    assert.equal(first.keys, 'k0');
    assert.equal(first.properties.origin, 'rocketmq-ts');
    assert.equal(first.properties.UNIQ_KEY, results[0]!.msgId);
    assert.equal(first.msgId, results[0]!.offsetMsgId);
  });
});
