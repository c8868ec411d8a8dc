// Two BrokerControllers (master and slave, same brokerName, separate stores) and a NameServer in this process:
// the slave learns its master from the registration answer, catches up, serves reads, refuses writes, copies
// the master's metadata; a SYNC_MASTER answers by the slave's acks.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { vipChannelAddr } from '../../src/broker/slave-synchronize.js';
import { decodeSubscriptionGroupWrapper, decodeTopicConfigSerializeWrapper } from '../../src/protocol/bodies.js';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import { decodeMessages } from '../../src/protocol/message.js';
import { HaCluster } from './ha-cluster.js';

const TOPIC = 'HaTopic';
const GROUP = 'ha_group';

async function sendMany(c: HaCluster, count: number, tag: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    const r = await c.send(c.masterAddr, TOPIC, `${tag}-${i}-${'z'.repeat(i % 900)}`, i % 4);
    assert.ok(r.code === ResponseCode.SUCCESS || r.code === ResponseCode.SLAVE_NOT_AVAILABLE, `send ${i}: ${r.code} ${r.remark}`);
  }
}

async function assertSameQueues(c: HaCluster): Promise<void> {
  const slaveAddr = c.slave!.brokerAddr;
  for (let q = 0; q < 4; q++) {
    const m = await c.maxOffset(c.masterAddr, TOPIC, q);
    assert.ok(m > 0);
    assert.equal(await c.maxOffset(slaveAddr, TOPIC, q), m, `GET_MAX_OFFSET of queue ${q}`);
    assert.deepEqual(await c.pulledBodies(slaveAddr, GROUP, TOPIC, q), await c.pulledBodies(c.masterAddr, GROUP, TOPIC, q), `bodies of queue ${q}`);
  }
}

describe('master and slave brokers', () => {
  it('the slave catches up from empty, after its own restart and after a master restart; it serves pulls and refuses writes', async () => {
    const c = await HaCluster.create();
    try {
      await c.startMaster({ brokerRole: 'ASYNC_MASTER' });
      await c.createTopic(TOPIC);
      await sendMany(c, 200, 'before-slave');
      const keyed = await c.send(c.masterAddr, TOPIC, 'keyed message', 1, 'WAIT\u0001true\u0002KEYS\u0001ha-key-1');
      assert.equal(keyed.code, ResponseCode.SUCCESS);
      const slave = await c.startSlave();
      assert.equal(slave.replication.haClient?.masterAddress, `127.0.0.1:${c.masterPort + 1}`, 'learned from the registration answer');
      await c.caughtUp();
      // Topics come with the metadata copy (normally 3 s after start, every 10 s).
      await slave.replication.slaveSynchronize!.syncAll();
      await assertSameQueues(c);

      // Queries are served by the slave from its own index and commit log.
      const byId = await c.call(slave.brokerAddr, RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(parseInt(keyed.extFields.msgId!.slice(16), 16)) });
      assert.equal(byId.code, ResponseCode.SUCCESS);
      assert.equal(decodeMessages(byId.body!)[0]!.body.toString(), 'keyed message');
      const byKey = await c.call(slave.brokerAddr, RequestCode.QUERY_MESSAGE, {
        topic: TOPIC, key: 'ha-key-1', maxNum: '32', beginTimestamp: '0', endTimestamp: String(Number.MAX_SAFE_INTEGER),
      });
      assert.equal(byKey.code, ResponseCode.SUCCESS);
      assert.deepEqual(decodeMessages(byKey.body!).map((m) => m.body.toString()), ['keyed message']);

      // A slave pull: served, steers to the master (suggestWhichBrokerId 0), never commits an offset.
      const r = await c.pull(slave.brokerAddr, GROUP, TOPIC, 1, 0, 4 | 1, 3);
      assert.equal(r.code, ResponseCode.SUCCESS);
      assert.equal(r.extFields.suggestWhichBrokerId, '0');
      const q = await c.call(slave.brokerAddr, RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: GROUP, topic: TOPIC, queueId: '1' });
      assert.notEqual(q.extFields.offset, '3');
      // Writes to a slave are refused with RocketMQ's remark.
      const w = await c.send(slave.brokerAddr, TOPIC, 'to the slave', 0);
      assert.equal(w.code, ResponseCode.SERVICE_NOT_AVAILABLE);
      assert.match(w.remark ?? '', /messages are put to the slave/);

      // The slave goes away; the master takes more; the slave comes back on its store and asks from its offset.
      await slave.shutdown();
      await sendMany(c, 150, 'while-slave-down');
      const slave2 = await c.startSlave();
      await c.caughtUp();
      assert.equal(slave2.store.getMinPhyOffset(), 0, 'the restarted slave kept its old data and continued');
      await assertSameQueues(c);

      // The master restarts on its port; the slave reconnects by itself.
      await c.master!.shutdown();
      await c.startMaster({ brokerRole: 'ASYNC_MASTER' });
      await sendMany(c, 50, 'after-master-restart');
      await c.caughtUp();
      await assertSameQueues(c);
    } finally {
      await c.stop();
    }
  });

  it('SYNC_MASTER: SEND_OK once the slave holds it, SLAVE_NOT_AVAILABLE without a slave, FLUSH_SLAVE_TIMEOUT when it stalls, WAIT=false skips the wait', async () => {
    const c = await HaCluster.create();
    try {
      await c.startMaster({ brokerRole: 'SYNC_MASTER', slaveTimeout: 800 });
      await c.createTopic(TOPIC);
      const alone = await c.send(c.masterAddr, TOPIC, 'no slave yet', 2);
      assert.equal(alone.code, ResponseCode.SLAVE_NOT_AVAILABLE);
      assert.match(alone.extFields.msgId ?? '', /^[0-9A-F]{32}$/);
      assert.equal(alone.extFields.queueId, '2');
      assert.equal(alone.extFields.queueOffset, '0');
      const noWait = await c.send(c.masterAddr, TOPIC, 'no wait', 2, 'WAIT\u0001false');
      assert.equal(noWait.code, ResponseCode.SUCCESS);
      assert.equal(noWait.extFields.queueOffset, '1');

      const slave = await c.startSlave();
      await c.caughtUp();
      const ok = await c.send(c.masterAddr, TOPIC, 'with a slave', 2);
      assert.equal(ok.code, ResponseCode.SUCCESS, ok.remark);
      // Many at once: one ack releases them all.
      const many = await Promise.all(Array.from({ length: 200 }, (_, i) => c.send(c.masterAddr, TOPIC, `burst-${i}`, i % 4)));
      assert.deepEqual([...new Set(many.map((x) => x.code))], [ResponseCode.SUCCESS]);

      slave.replication.haClient!.stall(true);
      const stalled = await c.send(c.masterAddr, TOPIC, 'slave stalled', 3);
      assert.equal(stalled.code, ResponseCode.FLUSH_SLAVE_TIMEOUT);
      assert.match(stalled.extFields.msgId ?? '', /^[0-9A-F]{32}$/);
      assert.equal(stalled.extFields.queueId, '3');
      assert.ok(Number(stalled.extFields.queueOffset) >= 0);
      slave.replication.haClient!.stall(false);
      const again = await c.send(c.masterAddr, TOPIC, 'slave back', 3);
      assert.equal(again.code, ResponseCode.SUCCESS);
      await c.caughtUp();
      await slave.replication.slaveSynchronize!.syncAll();
      await assertSameQueues(c);
    } finally {
      await c.stop();
    }
  });

  it('the slave copies topics, consumer offsets, delay offsets and subscription groups from its master', async () => {
    const c = await HaCluster.create();
    try {
      await c.startMaster();
      await c.createTopic('MetaTopic', 6);
      await c.createGroup('meta_group');
      const commit = await c.call(c.masterAddr, RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'meta_group', topic: 'MetaTopic', queueId: '2', commitOffset: '7' });
      assert.equal(commit.code, ResponseCode.SUCCESS);
      await c.send(c.masterAddr, 'MetaTopic', 'delayed', 0, 'WAIT\u0001false\u0002DELAY\u00013');
      const slave = await c.startSlave();
      assert.equal(slave.replication.slaveSynchronize!.masterAddr, c.masterAddr, 'learned from the registration answer');
      assert.notEqual((await c.call(slave.brokerAddr, RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'meta_group', topic: 'MetaTopic', queueId: '2' })).extFields.offset, '7');
      await slave.replication.slaveSynchronize!.syncAll();

      const masterTopics = decodeTopicConfigSerializeWrapper((await c.call(c.masterAddr, RequestCode.GET_ALL_TOPIC_CONFIG)).body!);
      const slaveTopics = decodeTopicConfigSerializeWrapper((await c.call(slave.brokerAddr, RequestCode.GET_ALL_TOPIC_CONFIG)).body!);
      assert.equal(slaveTopics.topicConfigTable.get('MetaTopic')?.readQueueNums, 6);
      assert.deepEqual(slaveTopics.dataVersion, masterTopics.dataVersion);
      assert.deepEqual([...slaveTopics.topicConfigTable.keys()].sort(), [...masterTopics.topicConfigTable.keys()].sort());
      const offset = await c.call(slave.brokerAddr, RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'meta_group', topic: 'MetaTopic', queueId: '2' });
      assert.equal(offset.extFields.offset, '7');
      const groups = decodeSubscriptionGroupWrapper((await c.call(slave.brokerAddr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG)).body!);
      assert.ok(groups.subscriptionGroupTable.has('meta_group'));
      const masterDelay = (await c.call(c.masterAddr, RequestCode.GET_ALL_DELAY_OFFSET)).body!.toString();
      assert.equal(fs.readFileSync(path.join(c.slaveDir, 'config', 'delayOffset.json'), 'utf8'), masterDelay);
      // Persisted: a restarted slave has them before its first sync.
      await slave.shutdown();
      const again = await c.startSlave();
      const after = await c.call(again.brokerAddr, RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'meta_group', topic: 'MetaTopic', queueId: '2' });
      assert.equal(after.extFields.offset, '7');
      assert.ok(decodeTopicConfigSerializeWrapper((await c.call(again.brokerAddr, RequestCode.GET_ALL_TOPIC_CONFIG)).body!).topicConfigTable.has('MetaTopic'));
    } finally {
      await c.stop();
    }
  });

  it('a slave with haMasterAddress replicates without a NameServer', async () => {
    const c = await HaCluster.create();
    try {
      await c.startMaster({ brokerRole: 'ASYNC_MASTER' });
      await c.createTopic(TOPIC);
      await sendMany(c, 30, 'static');
      const slave = await c.startSlave({ namesrvAddr: '', haMasterAddress: `127.0.0.1:${c.masterPort + 1}` });
      await c.caughtUp();
      assert.equal(slave.store.getMaxPhyOffset(), c.master!.store.getMaxPhyOffset());
      assert.equal(slave.replication.slaveSynchronize!.masterAddr, undefined, 'no NameServer named the master: no metadata copy');
    } finally {
      await c.stop();
    }
  });

  it('GET_ALL_TOPIC_CONFIG goes to the VIP channel (port - 2)', () => {
    assert.equal(vipChannelAddr('127.0.0.2:10911'), '127.0.0.2:10909');
    assert.equal(vipChannelAddr('[::1]:10911'), '[::1]:10909');
  });
});
