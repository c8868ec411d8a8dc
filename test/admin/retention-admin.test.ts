// mqadmin against a broker whose retention really deleted commit-log segments: updateBrokerConfig of the retention
// keys takes effect on the running store, and cleanExpiredCQ destroys exactly the consume queues that only point
// into deleted segments (per queue, as 4.9.8's cleanExpiredConsumerQueue), whatever topic they belong to.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeOffsetMsgId } from '../../src/protocol/message-id.js';
import { AdminCluster, uniq, waitFor } from './harness.js';
import { addRetentionBroker, age, segments, sendBig } from './retention-broker.js';

const SEGMENT = 64 * 1024;
let c: AdminCluster | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

async function configValue(cluster: AdminCluster, key: string): Promise<string | undefined> {
  const out = (await cluster.run('getBrokerConfig', '-b', cluster.brokerAddr())).out;
  return new RegExp(`^${key}\\s+=\\s+(\\S*)$`, 'm').exec(out)?.[1];
}

test('updateBrokerConfig fileReservedTime / deleteWhen / cleanResourceInterval: the next clean-up run uses the new value', async () => {
  c = await AdminCluster.start({ brokers: 0 });
  const rb = await addRetentionBroker(c, 'a');
  const topic = uniq('Live');
  await c.createTopic(topic, 1);
  await sendBig(await c.producer(), topic, 'broker-a', 300);
  const before = segments(rb.commitLogDir);
  assert.ok(before.length >= 5, 'three to delete, and the newest stays');
  age(rb.commitLogDir, 2, 10);
  rb.world.hour = 4;
  assert.equal((await rb.store.cleanExpiredFiles()).commitLogFiles, 0, '10 hours old is not expired under the default 72');

  const up = await c.run('updateBrokerConfig', '-b', c.brokerAddr(), '-k', 'fileReservedTime', '-v', '5');
  assert.equal(up.code, 0, up.err);
  assert.equal((await rb.store.cleanExpiredFiles()).commitLogFiles, 2, 'the next run keeps files 5 hours');
  assert.deepEqual(segments(rb.commitLogDir), before.slice(2));

  // deleteWhen: at 03:00 nothing goes while it says 04, the oldest expired file goes once it says 03.
  age(rb.commitLogDir, 1, 10);
  rb.world.hour = 3;
  assert.equal((await rb.store.cleanExpiredFiles()).commitLogFiles, 0);
  assert.equal((await c.run('updateBrokerConfig', '-b', c.brokerAddr(), '-k', 'deleteWhen', '-v', '03')).code, 0);
  assert.equal((await rb.store.cleanExpiredFiles()).commitLogFiles, 1);

  // A bad value is refused naming the key, and nothing changes.
  const bad = await c.run('updateBrokerConfig', '-b', c.brokerAddr(), '-k', 'deleteWhen', '-v', '25');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /deleteWhen="25"/);
  assert.equal(await configValue(c, 'deleteWhen'), '03');

  // cleanResourceInterval re-arms the timer: the broker cleans on its own, no call from the test.
  age(rb.commitLogDir, 1, 10);
  const left = segments(rb.commitLogDir).length;
  assert.equal((await c.run('updateBrokerConfig', '-b', c.brokerAddr(), '-k', 'cleanResourceInterval', '-v', '200')).code, 0);
  await waitFor(() => segments(rb.commitLogDir).length === left - 1, { timeoutMs: 30_000, what: 'a timed clean-up run deleting the aged segment' });
  assert.equal(await configValue(c, 'cleanResourceInterval'), '200');
});

test('cleanExpiredCQ destroys the queues that only point into deleted segments, per queue; a destroyed queue starts again at 0', async () => {
  c = await AdminCluster.start({ brokers: 0 });
  const rb = await addRetentionBroker(c, 'a');
  const a = uniq('TwoQueues');
  const b = uniq('Old');
  const fill = uniq('Fill');
  for (const [t, n] of [[a, 2], [b, 1], [fill, 1]] as const) await c.createTopic(t, n);
  const p = await c.producer();
  await sendBig(p, a, 'broker-a', 100, [0]);
  await sendBig(p, b, 'broker-a', 20);
  // More than a segment of filler: the first message of a/1 lies in a later segment than every a/0 and b message.
  await sendBig(p, fill, 'broker-a', 70);
  const first = await p.send({ topic: a, body: 'a1-first' }, { topic: a, brokerName: 'broker-a', queueId: 1 });
  await sendBig(p, a, 'broker-a', 99, [1]);
  const keep = Math.floor(decodeOffsetMsgId(first.offsetMsgId).commitLogOffset / SEGMENT);
  assert.ok(keep >= 2 && keep < 10, `a/1 starts in segment ${keep}`);
  age(rb.commitLogDir, keep, 100);
  rb.world.hour = 4;
  assert.equal((await rb.store.cleanExpiredFiles()).commitLogFiles, keep);
  assert.equal(rb.store.getMinOffsetInQueue(a, 0), 100, 'retention left a/0 with nothing readable');
  assert.equal(rb.store.getMaxOffsetInQueue(a, 0), 100);

  const r = await c.run('cleanExpiredCQ', '-b', c.brokerAddr());
  assert.equal(r.out, 'success\n');
  const cqDir = path.join(c.storeDir('a'), 'consumequeue');
  assert.equal(rb.store.getMaxOffsetInQueue(a, 0), 0, 'a/0 destroyed');
  assert.equal(fs.existsSync(path.join(cqDir, a, '0')), false);
  assert.equal(rb.store.getMaxOffsetInQueue(b, 0), 0, 'b/0 destroyed');
  assert.equal(rb.store.getMaxOffsetInQueue(a, 1), 100, 'a/1 kept');
  assert.equal(rb.store.getMinOffsetInQueue(a, 1), 0);
  assert.ok(fs.existsSync(path.join(cqDir, a, '1')));
  assert.ok(rb.store.getMaxOffsetInQueue(fill, 0) === 70, 'the filler still has messages in kept segments');

  // As 4.9.8 (the queue also left the commit log's topic-queue table): the next message is offset 0 again.
  const again = await p.send({ topic: a, body: 'a0-again' }, { topic: a, brokerName: 'broker-a', queueId: 0 });
  assert.equal(again.queueOffset, 0);
  const status = await c.run('topicStatus', '-t', a);
  assert.match(status.out, /^broker-a\s+0\s+0\s+1\s/m);
  assert.match(status.out, /^broker-a\s+1\s+0\s+100\s/m);
});
