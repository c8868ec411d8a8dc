import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeCommand } from '../../src/protocol/frame.js';
import { decodeConsumerOffsetSerializeWrapper, decodeSubscriptionGroupWrapper } from '../../src/protocol/bodies.js';
import { ConsumerOffsetManager } from '../../src/broker/consumer-offset-manager.js';
import { SubscriptionGroupManager } from '../../src/broker/subscription-group-manager.js';
import { RebalanceLockManager } from '../../src/broker/rebalance-lock-manager.js';
import { buildSubscriptionData, splitTags, tagsCodeFilterOf, SubscriptionParseError } from '../../src/broker/subscription-filter.js';
import { checkNotSystemTopic, checkSendAllowed, checkTopicName } from '../../src/broker/topic-validator.js';
import { javaHashCode } from '../../src/protocol/message.js';
import { readFixture } from '../support/fixtures.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'broker-managers-'));
}

test('consumer offsets: commit, query (-1 when never committed), persist in the fixture format, reload', () => {
  const dir = tempDir();
  const m = new ConsumerOffsetManager(dir);
  assert.equal(m.query('g', 'T', 0), -1);
  m.commit('1.2.3.4:5', 'g', 'T', 0, 1252);
  m.commit('1.2.3.4:5', 'g', 'T', 1, 7);
  m.commit('1.2.3.4:5', 'h', 'U', 0, 3);
  assert.equal(m.query('g', 'T', 1), 7);
  assert.deepEqual(m.topicsOfGroup('g'), ['T']);
  assert.deepEqual(m.groupsOfTopic('U'), ['h']);
  m.persistSync();
  const text = fs.readFileSync(path.join(dir, 'consumerOffset.json'), 'utf8');
  // Same shape as the captured file: pretty, "topic@group" keys, unquoted queue ids.
  assert.match(text, /"T@g":\{0:1252,1:7/);
  assert.deepEqual(
    [...decodeConsumerOffsetSerializeWrapper(readFixture('store', 'config', 'consumerOffset.json')).offsetTable.keys()].every((k) => k.includes('@')),
    true,
  );
  const again = new ConsumerOffsetManager(dir);
  again.load();
  assert.equal(again.query('g', 'T', 0), 1252);
  again.removeGroup('g');
  again.removeTopic('U');
  assert.equal(again.query('g', 'T', 0), -1);
  assert.equal(again.query('h', 'U', 0), -1);
});

test('consumer offsets: a bad queue id is refused naming it', () => {
  const m = new ConsumerOffsetManager(tempDir());
  assert.throws(() => m.commit('a', 'g', 'T', -1, 0), /queueId\[-1\] is illegal/);
});

test('subscription groups: the built-in groups of 4.9.8, auto-create, and off when autoCreateSubscriptionGroup=false', () => {
  const captured = decodeSubscriptionGroupWrapper(readFixture('store', 'config', 'subscriptionGroup.json')).subscriptionGroupTable;
  const on = new SubscriptionGroupManager(tempDir(), { autoCreateSubscriptionGroup: true });
  for (const name of ['SELF_TEST_C_GROUP', 'CID_ONSAPI_OWNER', 'CID_ONSAPI_PERMISSION', 'TOOLS_CONSUMER', 'CID_ONS-HTTP-PROXY', 'FILTERSRV_CONSUMER', 'CID_ONSAPI_PULL']) {
    assert.deepEqual(on.get(name), captured.get(name), name);
  }
  assert.deepEqual(on.find('please_rename_unique_group_name_4'), captured.get('please_rename_unique_group_name_4'));
  const off = new SubscriptionGroupManager(tempDir(), { autoCreateSubscriptionGroup: false });
  assert.equal(off.find('g'), undefined);
  assert.ok(off.find('CID_RMQ_SYS_TRANS'), 'system groups are created anyway');
});

test('queue locks: one holder per group and queue, renewals, expiry after the live time, unlock by holder only', () => {
  let now = 1000;
  const locks = new RebalanceLockManager(() => now, 60_000);
  const q0 = { topic: 'T', brokerName: 'b', queueId: 0 };
  const q1 = { topic: 'T', brokerName: 'b', queueId: 1 };
  assert.deepEqual(locks.tryLockBatch('g', [q0, q1], 'A'), [q0, q1]);
  assert.deepEqual(locks.tryLockBatch('g', [q0, q1], 'B'), []);
  assert.deepEqual(locks.tryLockBatch('other', [q0], 'B'), [q0], 'locks are per group');
  now += 30_000;
  assert.deepEqual(locks.tryLockBatch('g', [q0], 'A'), [q0], 'renewal');
  now += 40_000;
  assert.deepEqual(locks.tryLockBatch('g', [q0, q1], 'B'), [q1], 'q1 expired, q0 was renewed');
  locks.unlockBatch('g', [q0], 'B');
  assert.ok(locks.isLocked('g', q0, 'A'));
  locks.unlockBatch('g', [q0], 'A');
  assert.deepEqual(locks.tryLockBatch('g', [q0], 'B'), [q0]);
});

test('subscriptions: "*" matches everything, "A || B" matches by tag hash, heartbeat codes without tags still work', () => {
  assert.equal(tagsCodeFilterOf(buildSubscriptionData('T', '*', 'TAG')), null);
  assert.equal(tagsCodeFilterOf(buildSubscriptionData('T', undefined, undefined)), null);
  const f = tagsCodeFilterOf(buildSubscriptionData('T', ' TagA || TagB ||', 'TAG'));
  assert.ok(f);
  assert.equal(f(javaHashCode('TagA')), true);
  assert.equal(f(javaHashCode('TagB')), true);
  assert.equal(f(javaHashCode('TagC')), false);
  // A stored tagsCode is a sign-extended int64; the filter compares its int value like Java's intValue().
  assert.equal(f(javaHashCode('TagA') + 2 ** 32), true);
  const fromTagsOnly = tagsCodeFilterOf({ ...buildSubscriptionData('T', 'TagC', 'TAG'), codeSet: [] });
  assert.equal(fromTagsOnly?.(javaHashCode('TagC')), true);
  assert.deepEqual(splitTags('a||b'), ['a', 'b']);
  assert.throws(() => buildSubscriptionData('T', '', 'SQL92'), SubscriptionParseError);
  assert.equal(buildSubscriptionData('T', 'a > 1', 'SQL92').expressionType, 'SQL92');
});

test('topic names: 4.9.8 remarks for blank, illegal, too long, forbidden and system topics', () => {
  assert.equal(checkTopicName(' ')?.remark, 'The specified topic is blank.');
  assert.match(checkTopicName('a b')?.remark ?? '', /illegal characters/);
  assert.equal(checkTopicName('x'.repeat(128))?.remark, 'The specified topic is longer than topic max length.');
  assert.equal(checkTopicName('%RETRY%g|x-y_z'), undefined);
  assert.equal(checkSendAllowed('SCHEDULE_TOPIC_XXXX')?.remark, 'Sending message to topic[SCHEDULE_TOPIC_XXXX] is forbidden.');
  assert.equal(checkSendAllowed('TBW102'), undefined);
  assert.equal(checkNotSystemTopic('TBW102', new Set())?.code, 1);
  assert.equal(checkNotSystemTopic('rmq_sys_x', new Set())?.code, 1);
  assert.equal(checkNotSystemTopic('DefaultCluster', new Set(['DefaultCluster']))?.remark, 'The topic[DefaultCluster] is conflict with system topic.');
});

test('the captured lock request decodes into what the lock manager takes', () => {
  const frame = decodeCommand(readFixture('frames', '41-LOCK_BATCH_MQ.request.bin'));
  assert.ok(frame.body);
  const locks = new RebalanceLockManager();
  const body = JSON.parse(frame.body.toString()) as { consumerGroup: string; clientId: string; mqSet: Array<{ topic: string; brokerName: string; queueId: number }> };
  assert.deepEqual(locks.tryLockBatch(body.consumerGroup, body.mqSet, body.clientId), body.mqSet);
});
