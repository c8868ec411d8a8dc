// Seed guide 000 on six hosts: four NameServers (node103..node106), broker-a's master on node103 and its slave
// on node105, broker-b's master on node104 and its slave on node106 (SYNC_MASTER, ASYNC_FLUSH), a producer
// on node107 and a consumer on node108; everyone finds the NameServers through NAMESRV_ADDR with the four
// addresses, as the guide's .bashrc sets it. Then one NameServer is killed, then a second: producer,
// consumer and brokers keep working with the other two.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clusterList } from '../../src/admin/index.js';
import { Producer } from '../../src/index.js';
import { NetLab } from '../support/netns.js';
import { waitFor } from '../support/wait.js';
import {
  createTopicOnCluster, startBroker, startConsumerAgent, startNamesrv, startProducerAgent, withAdmin,
  type Agent, type ConsumeEvent, type LabBroker, type LabNamesrv, type SendEvent,
} from './lab-cluster.js';

const NODE103 = 0;
const NODE104 = 1;
const NODE105 = 2;
const NODE106 = 3;
const NODE107 = 4;
const NODE108 = 5;
const TOPIC = 'TopicTest';
/** New SEND_OKs, all consumed, that count as "messages flow" in each phase. */
const PER_PHASE = 100;

let lab: NetLab | undefined;
after(async () => {
  await lab?.destroy();
});

describe('seed guide 000: 4 NameServers, 2 masters + 2 slaves SYNC_MASTER/ASYNC_FLUSH, clients on other hosts', () => {
  const namesrvs: LabNamesrv[] = [];
  const brokers: LabBroker[] = [];
  let namesrvAddr = '';
  let producer: Agent<SendEvent>;
  let consumer: Agent<ConsumeEvent>;

  before(async () => {
    lab = await NetLab.create('d000', 6);
    const l = lab;
    for (const h of [NODE103, NODE104, NODE105, NODE106]) namesrvs.push(await startNamesrv(l, h));
    namesrvAddr = namesrvs.map((n) => n.addr).join(';');
    const env = { NAMESRV_ADDR: namesrvAddr };
    const props = (brokerName: string, brokerId: number): Record<string, string | number> => ({
      brokerClusterName: 'DefaultCluster', brokerName, brokerId, deleteWhen: '04', fileReservedTime: 48,
      brokerRole: brokerId === 0 ? 'SYNC_MASTER' : 'SLAVE', flushDiskType: 'ASYNC_FLUSH', listenPort: 10911,
    });
    // The guide's order: NameServers, then masters, then slaves.
    brokers.push(await startBroker(l, NODE103, { label: 'broker-master1', props: props('broker-a', 0), env }));
    brokers.push(await startBroker(l, NODE104, { label: 'broker-master2', props: props('broker-b', 0), env }));
    brokers.push(await startBroker(l, NODE105, { label: 'broker-slave1', props: props('broker-a', 1), env }));
    brokers.push(await startBroker(l, NODE106, { label: 'broker-slave2', props: props('broker-b', 1), env }));
    await createTopicOnCluster(namesrvAddr, 'DefaultCluster', TOPIC, 4, [brokers[2]!.addr, brokers[3]!.addr]);
    consumer = await startConsumerAgent(l, NODE108, { topic: TOPIC, group: 'please_rename_unique_group_name_4', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' }, env);
    producer = await startProducerAgent(l, NODE107, { topic: TOPIC, group: 'please_rename_unique_group_name', keyPrefix: 'm', senders: 2, pauseMs: 50 }, env);
  });

  /** The four brokers as a live NameServer lists them in clusterList (name/id=address, all answering). */
  async function expectFourBrokers(ns: LabNamesrv): Promise<void> {
    const l = lab!;
    const expected = [
      `broker-a/0=${l.addr(NODE103)}:10911`, `broker-a/1=${l.addr(NODE105)}:10911`,
      `broker-b/0=${l.addr(NODE104)}:10911`, `broker-b/1=${l.addr(NODE106)}:10911`,
    ];
    let got: string[] = [];
    await waitFor(async () => {
      const rows = await withAdmin(ns.addr, (admin) => clusterList(admin));
      got = rows.map((r) => `${r.brokerName}/${r.brokerId}=${r.addr}${r.error ? ` (${r.error})` : ''}`);
      return JSON.stringify(got) === JSON.stringify(expected) && rows.every((r) => r.version === 'V4_9_8');
    }, { timeoutMs: 60_000, intervalMs: 500, what: () => `clusterList on ${ns.addr} to show ${expected.join(', ')} (got ${got.join(', ')})` });
  }

  /** PER_PHASE more SEND_OKs than now, and every SEND_OK so far consumed. */
  async function expectMessagesFlow(phase: string): Promise<void> {
    const start = producer.events.filter((e) => e.ev === 'ok').length;
    let state = '';
    await waitFor(() => {
      const acked = producer.events.filter((e) => e.ev === 'ok');
      const consumed = new Set(consumer.events.map((e) => e.key));
      const missing = acked.filter((e) => !consumed.has(e.key));
      state = `${acked.length - start} new SEND_OK, ${missing.length} of ${acked.length} not consumed yet, ${producer.events.filter((e) => e.ev === 'fail' || e.ev === 'notok').length} failed sends`;
      return acked.length >= start + PER_PHASE && missing.length === 0;
    }, { timeoutMs: 120_000, intervalMs: 250, what: () => `messages to flow ${phase}: ${state}` });
    const failed = producer.events.filter((e) => e.ev === 'fail' || e.ev === 'notok');
    assert.deepEqual(failed, [], `no send failed ${phase}`);
  }

  /** A producer started now, with the guide's four-address list, gets routes and sends. */
  async function expectFreshProducerSends(): Promise<void> {
    const p = new Producer({ producerGroup: 'fresh_producer', namesrvAddr, sendMsgTimeout: 10_000 });
    try {
      await p.start();
      for (let i = 0; i < 10; i++) assert.equal((await p.send({ topic: TOPIC, keys: `fresh-${i}`, body: `fresh ${i}` })).sendStatus, 'SEND_OK');
    } finally {
      await p.shutdown();
    }
  }

  it('all four NameServers list both masters and both slaves; messages flow from node107 to node108', async () => {
    for (const ns of namesrvs) await expectFourBrokers(ns);
    await expectMessagesFlow('with four NameServers');
  });

  it('one NameServer down: producer, consumer and brokers keep working with the other three', async () => {
    await namesrvs[0]!.proc.kill();
    await expectMessagesFlow('after node103\'s NameServer was killed');
    for (const ns of namesrvs.slice(1)) await expectFourBrokers(ns);
    await expectFreshProducerSends();
  });

  it('two NameServers down: they keep working with the other two', async () => {
    await namesrvs[1]!.proc.kill();
    await expectMessagesFlow('after node104\'s NameServer was killed too');
    for (const ns of namesrvs.slice(2)) await expectFourBrokers(ns);
    await expectFreshProducerSends();
    assert.ok(brokers.every((b) => b.proc.running), 'every broker still runs');
  });

  it('node103\'s NameServer started again (empty): the brokers register with it within their 30 s period', async () => {
    namesrvs[0] = await startNamesrv(lab!, NODE103);
    await expectFourBrokers(namesrvs[0]);
    await expectMessagesFlow('after node103\'s NameServer came back');
    await producer.stop();
    await consumer.stop();
  });
});
