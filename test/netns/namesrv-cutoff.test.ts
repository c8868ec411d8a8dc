// A broker cut off from both NameServers (every packet between its host and theirs dropped; its clients
// still reach it): after the NameServers' 120 s expiry (BROKER_CHANNEL_EXPIRED_TIME, not configurable in
// 4.9.8 either) it leaves the routes, and producers stop sending to it once they refresh their routes.
// When the cut heals it registers again and gets traffic again. The producer runs in the test process
// (the root namespace, over the bridge), so only the broker-to-NameServer traffic is cut.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Producer } from '../../src/index.js';
import { NetLab } from '../support/netns.js';
import { waitFor } from '../support/wait.js';
import { brokerTable, createTopicOnCluster, routeOn, startBroker, startNamesrv, type LabBroker } from './lab-cluster.js';

const NS1 = 0;
const NS2 = 1;
const BROKER_A_HOST = 2;
const BROKER_B_HOST = 3;
const TOPIC = 'CutoffTopic';
/** The client's route refresh (Java pollNameServerInterval; 30 s by default, shorter keeps the test short). */
const POLL_NAMESRV_MS = 5000;
/** Expiry 120 s + one 10 s scan + the last registration up to 10 s before the cut, with room for two busy cores. */
const EXPIRY_WAIT_MS = 240_000;

let lab: NetLab | undefined;
let producer: Producer | undefined;
let sending: Promise<void> | undefined;
let stopSending = false;
after(async () => {
  stopSending = true;
  await sending?.catch(() => undefined);
  await producer?.shutdown().catch(() => undefined);
  await lab?.destroy();
});

describe('a broker cut off from the NameServers', () => {
  let brokerA: LabBroker;
  let brokerB: LabBroker;
  let namesrvs: string[] = [];
  /** Broker name of every SEND_OK of the long-running producer, in order. */
  const acked: string[] = [];
  const failures: string[] = [];

  before(async () => {
    lab = await NetLab.create('cutoff', 4);
    const l = lab;
    namesrvs = [(await startNamesrv(l, NS1)).addr, (await startNamesrv(l, NS2)).addr];
    const props = (brokerName: string): Record<string, string | number> => ({
      brokerClusterName: 'DefaultCluster', brokerName, brokerId: 0, brokerRole: 'ASYNC_MASTER', listenPort: 10911,
      namesrvAddr: namesrvs.join(';'),
      // 4.9.8's key (10..60 s): the last registration before the cut is at most 10 s old.
      registerNameServerPeriod: 10_000,
    });
    brokerA = await startBroker(l, BROKER_A_HOST, { label: 'broker-a', props: props('broker-a') });
    brokerB = await startBroker(l, BROKER_B_HOST, { label: 'broker-b', props: props('broker-b') });
    await createTopicOnCluster(namesrvs.join(';'), 'DefaultCluster', TOPIC, 4, []);
    const p = new Producer({ producerGroup: 'cutoff_producer', namesrvAddr: namesrvs.join(';'), pollNameServerInterval: POLL_NAMESRV_MS });
    producer = p;
    await p.start();
    sending = (async () => {
      for (let n = 0; !stopSending; n++) {
        try {
          const r = await p.send({ topic: TOPIC, keys: `c${n}`, body: `cutoff ${n}` });
          if (r.sendStatus === 'SEND_OK') acked.push(r.messageQueue.brokerName);
        } catch (err) {
          failures.push((err as Error).message);
        }
        await new Promise((resolve) => setTimeout(resolve, 20)); // a steady trickle, not a load
      }
    })();
  });

  async function listed(ns: string): Promise<string[]> {
    return (await brokerTable(ns)).map((e) => e.split('=')[0]!);
  }

  it('before the cut both brokers are routed and get messages', async () => {
    for (const ns of namesrvs) {
      await waitFor(async () => JSON.stringify(await listed(ns)) === '["broker-a/0","broker-b/0"]', { timeoutMs: 60_000, intervalMs: 500, what: `${ns} to list both brokers` });
    }
    await waitFor(() => acked.includes('broker-a') && acked.includes('broker-b'), {
      timeoutMs: 60_000, intervalMs: 200, what: () => `SEND_OK from both brokers (${acked.length} so far, failures: ${failures.slice(-2).join(' | ')})`,
    });
  });

  it('cut: after the expiry it leaves the routes, and sends after a route refresh go only to broker-b', async (t) => {
    const l = lab!;
    await l.cut(BROKER_A_HOST, [l.addr(NS1), l.addr(NS2)]);
    const tCut = Date.now();
    for (const ns of namesrvs) {
      await waitFor(async () => JSON.stringify(await listed(ns)) === '["broker-b/0"]', {
        timeoutMs: EXPIRY_WAIT_MS, intervalMs: 2000, what: `${ns} to drop broker-a after the broker expiry`,
      });
      const route = await routeOn(ns, TOPIC);
      assert.deepEqual(route.brokerDatas.map((b) => b.brokerName), ['broker-b'], `route of ${TOPIC} on ${ns}`);
      assert.deepEqual(route.queueDatas.map((q) => q.brokerName), ['broker-b'], `queues of ${TOPIC} on ${ns}`);
    }
    t.diagnostic(`broker-a out of both NameServers' routes ${Date.now() - tCut} ms after the cut`);
    assert.ok(brokerA.proc.running, 'broker-a itself keeps running');

    // The running producer: once its route refresh drops broker-a, a long run of sends all go to broker-b.
    let lastA = -1;
    await waitFor(() => {
      lastA = acked.lastIndexOf('broker-a');
      return acked.length - lastA > 100;
    }, { timeoutMs: 60_000, intervalMs: 200, what: () => `100 SEND_OK in a row from broker-b (last broker-a at #${lastA} of ${acked.length})` });
    const fromA = acked.filter((b) => b === 'broker-a').length;

    // A producer started now gets the route without broker-a at once.
    const fresh = new Producer({ producerGroup: 'cutoff_fresh_producer', namesrvAddr: namesrvs.join(';') });
    await fresh.start();
    try {
      for (let i = 0; i < 40; i++) {
        const r = await fresh.send({ topic: TOPIC, keys: `fresh${i}`, body: `fresh ${i}` });
        assert.equal(r.sendStatus, 'SEND_OK');
        assert.equal(r.messageQueue.brokerName, 'broker-b', 'a producer started after the expiry never picks broker-a');
      }
    } finally {
      await fresh.shutdown();
    }
    assert.equal(acked.filter((b) => b === 'broker-a').length, fromA, 'no more sends to broker-a while it is out of the routes');
  });

  it('heal: it registers again and gets messages again', async (t) => {
    const l = lab!;
    const before = acked.length;
    await l.heal(BROKER_A_HOST);
    const tHeal = Date.now();
    for (const ns of namesrvs) {
      await waitFor(async () => JSON.stringify(await listed(ns)) === '["broker-a/0","broker-b/0"]', {
        timeoutMs: 120_000, intervalMs: 1000, what: `${ns} to list broker-a again after the cut healed`,
      });
    }
    t.diagnostic(`broker-a listed by both NameServers again ${Date.now() - tHeal} ms after the heal`);
    await waitFor(() => acked.slice(before).includes('broker-a'), {
      timeoutMs: 60_000, intervalMs: 200, what: () => `a SEND_OK from broker-a after the heal (${acked.length - before} since)`,
    });
    assert.ok(brokerB.proc.running);
  });
});
