import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeCommand } from '../../src/protocol/frame.js';
import { decodeRegisterBrokerBody, decodeTopicConfigSerializeWrapper } from '../../src/protocol/bodies.js';
import { TopicConfigManager, type TopicTableSettings } from '../../src/broker/topic-config-manager.js';
import { topicsForRegistration } from '../../src/broker/namesrv-registrar.js';
import { BrokerError } from '../../src/broker/broker-error.js';
import { readFixture } from '../support/fixtures.js';

const settings: TopicTableSettings = {
  brokerClusterName: 'DefaultCluster',
  brokerName: 'broker-a',
  autoCreateTopicEnable: true,
  defaultTopicQueueNums: 8,
  clusterTopicEnable: true,
  brokerTopicEnable: true,
  traceTopicEnable: false,
  msgTraceTopicName: 'RMQ_SYS_TRACE_TOPIC',
};

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'broker-topics-'));
}

test('a fresh broker holds exactly the topics a fresh 4.9.8 broker registered (fixture 103 master)', () => {
  const frame = decodeCommand(readFixture('frames', '103-REGISTER_BROKER.master.request.bin'));
  assert.ok(frame.body);
  const captured = decodeRegisterBrokerBody(frame.body, false).topicConfigSerializeWrapper.topicConfigTable;
  const ours = new TopicConfigManager(tempDir(), settings).wrapper().topicConfigTable;
  assert.deepEqual(new Map([...ours].sort()), new Map([...captured].sort()));
});

test('auto-create on send follows TBW102: min(client queues, TBW102 queues), perm without INHERIT, one callback', () => {
  const created: string[] = [];
  const m = new TopicConfigManager(tempDir(), settings, (tc) => created.push(tc.topicName));
  const before = m.dataVersion.counter;
  const tc = m.createOnSend('NewTopic', 'TBW102', '127.0.0.1:1', 4, 0);
  assert.deepEqual([tc?.readQueueNums, tc?.writeQueueNums, tc?.perm], [4, 4, 6]);
  assert.equal(m.createOnSend('Big', 'TBW102', 'p', 100, 0)?.writeQueueNums, 8);
  assert.deepEqual(created, ['NewTopic', 'Big']);
  assert.equal(m.dataVersion.counter, before + 2);
  assert.equal(m.createOnSend('X', 'NoSuchDefault', 'p', 4, 0), undefined);
  assert.equal(m.createOnSend('Y', 'SELF_TEST_TOPIC', 'p', 4, 0), undefined, 'a default topic without INHERIT creates nothing');
});

test('without autoCreateTopicEnable there is no TBW102 and nothing is created from it', () => {
  const m = new TopicConfigManager(tempDir(), { ...settings, autoCreateTopicEnable: false });
  assert.equal(m.get('TBW102'), undefined);
  assert.equal(m.createOnSend('T', 'TBW102', 'p', 4, 0), undefined);
});

test('topics.json is written pretty with a .bak, and loaded back with its data version', async () => {
  const dir = tempDir();
  const m = new TopicConfigManager(dir, settings);
  m.createOnSendBack('%RETRY%g', 1, 6, 0);
  m.update({ ...m.get('%RETRY%g')!, topicName: 'Admin', readQueueNums: 2, writeQueueNums: 3 });
  await m.persist();
  const text = fs.readFileSync(path.join(dir, 'topics.json'), 'utf8');
  assert.match(text, /^\{\n\t"dataVersion":\{/);
  assert.ok(fs.existsSync(path.join(dir, 'topics.json.bak')));
  assert.equal(decodeTopicConfigSerializeWrapper(text).topicConfigTable.get('Admin')?.writeQueueNums, 3);
  const again = new TopicConfigManager(dir, settings);
  again.load();
  assert.equal(again.get('Admin')?.readQueueNums, 2);
  assert.deepEqual(again.dataVersion, m.dataVersion);
});

test('a corrupt topics.json falls back to the .bak copy', async () => {
  const dir = tempDir();
  const m = new TopicConfigManager(dir, settings);
  m.createOnSendBack('Kept', 1, 6, 0);
  await m.persist();
  await m.persist();
  fs.writeFileSync(path.join(dir, 'topics.json'), '{"dataVersion":');
  const again = new TopicConfigManager(dir, settings);
  again.load();
  assert.ok(again.get('Kept'));
});

test('queue counts out of range are refused with a remark naming them', () => {
  const m = new TopicConfigManager(tempDir(), settings);
  assert.throws(
    () => m.update({ ...m.get('SELF_TEST_TOPIC')!, topicName: 'T', writeQueueNums: 100_000 }),
    (e: unknown) => e instanceof BrokerError && /0\.\.65536, got read 1 write 100000/.test(e.message),
  );
});

test('a broker that is not read-write registers every topic with its own permission', () => {
  const m = new TopicConfigManager(tempDir(), settings);
  const registered = topicsForRegistration(m.wrapper(), 4);
  for (const tc of registered.topicConfigTable.values()) assert.equal(tc.perm, 4);
  assert.equal(registered.topicConfigTable.get('BenchmarkTest')?.writeQueueNums, 1024);
  assert.equal(topicsForRegistration(m.wrapper(), 6).topicConfigTable.get('TBW102')?.perm, 7);
});
