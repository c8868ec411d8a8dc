// Seed guide 004 on three hosts: a NameServer on each; worker2 runs broker-a's master (10911, store) and
// broker-b's slave (11011, storeSlave), worker3 the other way round; 2m-2s-async, ASYNC_FLUSH, the guide's
// keys and ports. Two instances sharing one store: the second exits with "Lock failed,MQ already started".
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Producer, PushConsumer, type MessageExt } from '../../src/index.js';
import type { Props } from '../support/cluster.js';
import { NetLab } from '../support/netns.js';
import { deferred, waitFor, withTimeout } from '../support/wait.js';
import { brokerTable, createTopicOnCluster, routeOn, startBroker, startNamesrv, type LabBroker } from './lab-cluster.js';

const WORKER1 = 0;
const WORKER2 = 1;
const WORKER3 = 2;
const CLUSTER = 'rocketmq-cluster';
const TOPIC = 'TopicTest';
const MESSAGES = 40;

let lab: NetLab | undefined;
after(async () => {
  await lab?.destroy();
});

/** The guide's broker file for one instance; store paths as the guide's, below the host's folder in the lab. */
function guideProps(l: NetLab, host: number, o: { brokerName: string; brokerId: number; listenPort: number; storeRoot: string }): Props {
  const store = path.join(l.dir(`worker${host + 1}`), o.storeRoot);
  return {
    brokerClusterName: CLUSTER,
    brokerName: o.brokerName,
    brokerId: o.brokerId,
    namesrvAddr: [WORKER1, WORKER2, WORKER3].map((h) => `${l.addr(h)}:9876`).join(';'),
    defaultTopicQueueNums: 4,
    autoCreateTopicEnable: true,
    autoCreateSubscriptionGroup: true,
    listenPort: o.listenPort,
    deleteWhen: '04',
    fileReservedTime: 120,
    mapedFileSizeCommitLog: 8 * 1024 * 1024,
    mapedFileSizeConsumeQueue: 300000,
    diskMaxUsedSpaceRatio: 88,
    storePathRootDir: store,
    storePathCommitLog: path.join(store, 'commitlog'),
    storePathConsumeQueue: path.join(store, 'consumequeue'),
    storePathIndex: path.join(store, 'index'),
    storeCheckpoint: path.join(store, 'checkpoint'),
    abortFile: path.join(store, 'abort'),
    maxMessageSize: 65536,
    brokerRole: o.brokerId === 0 ? 'ASYNC_MASTER' : 'SLAVE',
    flushDiskType: 'ASYNC_FLUSH',
  };
}

describe('seed guide 004: three hosts, a master and the other group\'s slave on each broker host', () => {
  let brokerA: LabBroker;
  let brokerASlave: LabBroker;
  let brokerB: LabBroker;
  let brokerBSlave: LabBroker;
  let namesrvAddr = '';

  before(async () => {
    lab = await NetLab.create('d004', 3);
    const l = lab;
    for (const h of [WORKER1, WORKER2, WORKER3]) await startNamesrv(l, h);
    namesrvAddr = [WORKER1, WORKER2, WORKER3].map((h) => `${l.addr(h)}:9876`).join(';');
    // The guide's start order: on worker2 broker-a then broker-b-s, on worker3 broker-b then broker-a-s.
    brokerA = await startBroker(l, WORKER2, { label: 'broker-a', props: guideProps(l, WORKER2, { brokerName: 'broker-a', brokerId: 0, listenPort: 10911, storeRoot: 'app/rocketmq/store' }) });
    brokerBSlave = await startBroker(l, WORKER2, { label: 'broker-b-s', props: guideProps(l, WORKER2, { brokerName: 'broker-b', brokerId: 1, listenPort: 11011, storeRoot: 'app/rocketmq/storeSlave' }) });
    brokerB = await startBroker(l, WORKER3, { label: 'broker-b', props: guideProps(l, WORKER3, { brokerName: 'broker-b', brokerId: 0, listenPort: 10911, storeRoot: 'app/rocketmq/store' }) });
    brokerASlave = await startBroker(l, WORKER3, { label: 'broker-a-s', props: guideProps(l, WORKER3, { brokerName: 'broker-a', brokerId: 1, listenPort: 11011, storeRoot: 'app/rocketmq/storeSlave' }) });
  });

  it('every NameServer lists both masters and both slaves at their hosts\' addresses', async () => {
    const l = lab!;
    const expected = [
      `broker-a/0=${l.addr(WORKER2)}:10911`,
      `broker-a/1=${l.addr(WORKER3)}:11011`,
      `broker-b/0=${l.addr(WORKER3)}:10911`,
      `broker-b/1=${l.addr(WORKER2)}:11011`,
    ];
    assert.deepEqual([brokerA.addr, brokerASlave.addr, brokerB.addr, brokerBSlave.addr].sort(), expected.map((e) => e.split('=')[1]).sort());
    for (const h of [WORKER1, WORKER2, WORKER3]) {
      const ns = `${l.addr(h)}:9876`;
      // Slaves register right after their boot line; wait for the last one.
      await waitFor(async () => JSON.stringify(await brokerTable(ns)) === JSON.stringify(expected), {
        timeoutMs: 60_000, what: `NameServer ${ns} to list ${expected.join(', ')}`, intervalMs: 500,
      });
    }
  });

  it('a topic\'s route names both groups with master and slave addresses, and messages flow through them', async () => {
    const l = lab!;
    await createTopicOnCluster(namesrvAddr, CLUSTER, TOPIC, 4, [brokerASlave.addr, brokerBSlave.addr]);
    for (const h of [WORKER1, WORKER2, WORKER3]) {
      const route = await routeOn(`${l.addr(h)}:9876`, TOPIC);
      const addrs = Object.fromEntries(route.brokerDatas.map((bd) => [bd.brokerName, Object.fromEntries(bd.brokerAddrs)]));
      assert.deepEqual(addrs, {
        'broker-a': { 0: brokerA.addr, 1: brokerASlave.addr },
        'broker-b': { 0: brokerB.addr, 1: brokerBSlave.addr },
      }, `route of ${TOPIC} on NameServer ${l.addr(h)}`);
      assert.deepEqual(route.queueDatas.map((q) => `${q.brokerName}:${q.writeQueueNums}`).sort(), ['broker-a:4', 'broker-b:4']);
    }

    // The guide's quickstart: clients find everything through NAMESRV_ADDR.
    const producer = new Producer({ producerGroup: 'please_rename_unique_group_name', namesrvAddr });
    const consumer = new PushConsumer({ consumerGroup: 'please_rename_unique_group_name_4', namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    const sent = new Map<string, string>();
    const consumed = new Map<string, string>();
    const allConsumed = deferred<void>();
    try {
      await producer.start();
      for (let i = 0; i < MESSAGES; i++) {
        const r = await producer.send({ topic: TOPIC, tags: 'TagA', keys: `k${i}`, body: `Hello RocketMQ ${i}` });
        assert.equal(r.sendStatus, 'SEND_OK');
        sent.set(r.msgId, r.messageQueue.brokerName);
      }
      assert.deepEqual(new Set(sent.values()), new Set(['broker-a', 'broker-b']), 'the producer spreads messages over both masters');
      consumer.subscribe(TOPIC, '*');
      consumer.registerMessageListener(async (msgs: MessageExt[]) => {
        for (const m of msgs) consumed.set(m.msgId, m.brokerName);
        if ([...sent.keys()].every((id) => consumed.has(id))) allConsumed.resolve();
        return 'CONSUME_SUCCESS';
      });
      await consumer.start();
      await withTimeout(allConsumed.promise, 90_000, () => `all ${sent.size} messages consumed (got ${consumed.size})`);
      for (const [id, broker] of sent) assert.equal(consumed.get(id), broker, `message ${id} consumed from the broker it was sent to`);
    } finally {
      await consumer.shutdown();
      await producer.shutdown();
    }
  });

  it('a second instance on a store already in use exits with "Lock failed,MQ already started"', async () => {
    const l = lab!;
    // The guide's mistake: broker-b-s's file with broker-a's store on the same host (another port, so only the lock clashes).
    const props: Props = { ...brokerBSlave.props, listenPort: 11111, storePathRootDir: brokerA.storeDir };
    for (const k of ['storePathCommitLog', 'storePathConsumeQueue', 'storePathIndex', 'storeCheckpoint', 'abortFile']) {
      props[k] = String(brokerA.props[k]);
    }
    const intruder = await startBroker(l, WORKER2, { label: 'broker-b-s-same-store', props, noWait: true });
    const exit = await intruder.proc.waitForExit(60_000);
    const output = intruder.proc.stdout + intruder.proc.stderr;
    assert.match(output, /Lock failed,MQ already started/, intruder.proc.describe());
    assert.notEqual(exit.code, 0, `the second instance exits with a failure status: ${intruder.proc.describe()}`);
    assert.ok(brokerA.proc.running, 'the broker owning the store keeps running');
    assert.ok(brokerBSlave.proc.running, 'the slave on the same host keeps running');
  });
});
