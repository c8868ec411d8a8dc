// kill -9 of a SYNC_MASTER under a send load from the client SDK: every message the master answered SEND_OK
// is held by the slave, and a consumer (client SDK) reads all of them from the slave once the master is gone.
// Real mqnamesrv and mqbroker processes on loopback.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Producer, PushConsumer, type MessageExt } from '../../src/client/index.js';
import { decodeTopicConfigSerializeWrapper } from '../../src/protocol/bodies.js';
import { createRequest } from '../../src/protocol/command.js';
import { RequestCode } from '../../src/protocol/codes.js';
import { TestCluster } from '../support/cluster.js';
import { deferred, waitFor, withTimeout } from '../support/wait.js';
import { createTopic, Resp, WireClient } from '../support/wire.js';

const TOPIC = 'HaFailoverTopic';
const SENDERS = 8;
const KILL_AFTER_OK = 3000;
const KILL_AFTER_MS = 20_000;

const cluster = TestCluster.create('ha-failover');
after(() => cluster.shutdown());

describe('SYNC_MASTER killed under load', () => {
  it('every SEND_OK message is consumable from the slave', async (t) => {
    await cluster.startNamesrv();
    const master = await cluster.startBroker({ name: 'broker-ha', props: { brokerRole: 'SYNC_MASTER', brokerId: 0, brokerIP2: '127.0.0.1' } });
    const admin = await WireClient.connect(master.addr);
    await createTopic(admin, TOPIC);
    admin.close();
    const slave = await cluster.startBroker({ name: 'broker-ha', props: { brokerRole: 'SLAVE', brokerId: 1, brokerIP2: '127.0.0.1' } });
    // The slave copies the topic table 3 s after its start (then every 10 s).
    const slaveAdmin = await WireClient.connect(slave.addr);
    await waitFor(async () => {
      const r = await slaveAdmin.invoke(createRequest(RequestCode.GET_ALL_TOPIC_CONFIG, {}));
      return r.code === Resp.SUCCESS && r.body !== undefined && decodeTopicConfigSerializeWrapper(r.body).topicConfigTable.has(TOPIC);
    }, { timeoutMs: 30_000, what: `the slave to copy ${TOPIC} from its master`, intervalMs: 200 });
    slaveAdmin.close();

    const producer = new Producer({ producerGroup: 'ha_failover_producer', namesrvAddr: cluster.namesrv!.addr, sendMsgTimeout: 5000 });
    await producer.start();
    // The slave is connected once a send comes back SEND_OK (before that: SLAVE_NOT_AVAILABLE).
    await waitFor(async () => (await producer.send({ topic: TOPIC, body: 'probe' })).sendStatus === 'SEND_OK', {
      timeoutMs: 30_000, what: 'a SEND_OK (the slave connected)', intervalMs: 100,
    });

    const ok = new Set<string>();
    const statuses = new Map<string, number>();
    const killNow = deferred<void>();
    let killed = false;
    const killTimer = setTimeout(() => killNow.resolve(), KILL_AFTER_MS);
    const senders = Array.from({ length: SENDERS }, async (_, s) => {
      for (let n = 0; ; n++) {
        const body = `s${s}-n${n}-${'p'.repeat((s * 131 + n * 17) % 1500)}`;
        try {
          const r = await producer.send({ topic: TOPIC, body, keys: `s${s}-n${n}` });
          statuses.set(r.sendStatus, (statuses.get(r.sendStatus) ?? 0) + 1);
          if (r.sendStatus === 'SEND_OK') ok.add(body);
          if (ok.size >= KILL_AFTER_OK) killNow.resolve();
        } catch (err) {
          if (killed) return;
          throw err;
        }
      }
    });
    const sending = Promise.all(senders);
    await Promise.race([killNow.promise, sending]);
    clearTimeout(killTimer);
    killed = true;
    await master.kill();
    await withTimeout(sending, 60_000, 'the senders to notice the dead master');
    await producer.shutdown();
    assert.ok(ok.size >= 100, `enough SEND_OK before the kill: ${ok.size} (${JSON.stringify([...statuses])})`);

    // A consumer started now finds only the slave in the route and reads from it.
    const seen = new Set<string>();
    const allSeen = deferred<void>();
    const consumer = new PushConsumer({
      consumerGroup: 'ha_failover_consumer',
      namesrvAddr: cluster.namesrv!.addr,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    consumer.subscribe(TOPIC, '*');
    consumer.registerMessageListener(async (msgs: MessageExt[]) => {
      for (const m of msgs) seen.add(m.body.toString());
      if ([...ok].every((b) => seen.has(b))) allSeen.resolve();
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    try {
      await withTimeout(allSeen.promise, 90_000, () => {
        const missing = [...ok].filter((b) => !seen.has(b));
        return `all ${ok.size} SEND_OK messages from the slave (${missing.length} missing, e.g. ${missing.slice(0, 3).map((b) => b.slice(0, 12)).join(', ')})`;
      });
    } finally {
      await consumer.shutdown();
    }
    assert.ok(slave.proc.running, 'the slave lived through it');
    t.diagnostic(`${ok.size} SEND_OK before the kill, statuses ${JSON.stringify([...statuses])}, ${seen.size} distinct bodies consumed from the slave`);
  });
});
