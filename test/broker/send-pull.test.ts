import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, SerializeType } from '../../src/protocol/command.js';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import { decodeCommand } from '../../src/protocol/frame.js';
import { encodeProperties } from '../support/stored-message.js';
import { decodeStoredMessages } from '../support/stored-message.js';
import { readFixture } from '../support/fixtures.js';
import { pull, send, startBroker, TIMEOUT_MS, type TestBroker } from './broker-harness.js';

let t: TestBroker;

before(async () => {
  t = await startBroker();
});

after(async () => {
  await t.stop();
});

test('a send answers like 4.9.8 and the message pulls back with every field intact', async () => {
  const props = encodeProperties({ KEYS: 'k1', TAGS: 'TagA', WAIT: 'true', p: 'v' });
  const res = await send(t, { topic: 'SendPull', queueId: 1, body: 'hello pull', properties: props, defaultTopicQueueNums: 4 });
  assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
  assert.deepEqual(Object.keys(res.extFields), ['queueId', 'TRACE_ON', 'MSG_REGION', 'msgId', 'queueOffset']);
  assert.equal(res.extFields.queueId, '1');
  assert.equal(res.extFields.queueOffset, '0');
  assert.equal(res.extFields.MSG_REGION, 'DefaultRegion');
  assert.equal(res.extFields.TRACE_ON, 'true');
  assert.match(res.extFields.msgId ?? '', /^7F000001[0-9A-F]{24}$/);

  const pulled = await pull(t, { group: 'g1', topic: 'SendPull', queueId: 1 });
  assert.equal(pulled.code, ResponseCode.SUCCESS, pulled.remark);
  assert.equal(pulled.remark, 'FOUND');
  assert.deepEqual(Object.keys(pulled.extFields), ['suggestWhichBrokerId', 'nextBeginOffset', 'maxOffset', 'minOffset']);
  assert.equal(pulled.extFields.nextBeginOffset, '1');
  const [m] = decodeStoredMessages(pulled.body);
  assert.ok(m);
  assert.equal(m.body.toString(), 'hello pull');
  assert.equal(m.topic, 'SendPull');
  assert.equal(m.offsetMsgId, res.extFields.msgId);
  assert.deepEqual(m.properties, { KEYS: 'k1', TAGS: 'TagA', p: 'v', CLUSTER: 'DefaultCluster' });
  assert.match(m.bornHost, /^127\.0\.0\.1:\d+$/);
  assert.equal(m.storeHost, t.addr);
});

test('the captured ROCKETMQ-serialized send is answered in ROCKETMQ serialization', async () => {
  const captured = decodeCommand(readFixture('frames', '310-SEND_MESSAGE_V2.rocketmq-serialize.request.bin'));
  assert.equal(captured.serializeType, SerializeType.ROCKETMQ);
  const req = createRequest(captured.code, captured.extFields, captured.body, SerializeType.ROCKETMQ);
  const res = await t.client.invoke(t.addr, req, TIMEOUT_MS);
  assert.equal(res.serializeType, SerializeType.ROCKETMQ);
  assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
  assert.deepEqual(Object.keys(res.extFields), ['msgId', 'queueId', 'queueOffset', 'TRACE_ON', 'MSG_REGION']);
  assert.equal(res.extFields.queueId, '2');
  const pulled = await pull(t, { group: 'g1', topic: 'TopicTest', queueId: 2 });
  const [m] = decodeStoredMessages(pulled.body);
  assert.equal(m?.body.toString(), 'Hello ROCKETMQ-serialized fixture');
  assert.equal(m?.properties.KEYS, 'FIXTURE_RMQ_SER');
});

test('the captured batch is stored as three messages with inner + batch-level properties', async () => {
  const captured = decodeCommand(readFixture('frames', '320-SEND_BATCH_MESSAGE.request.bin'));
  const res = await t.client.invoke(t.addr, createRequest(captured.code, captured.extFields, captured.body), TIMEOUT_MS);
  assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
  const ids = (res.extFields.msgId ?? '').split(',');
  assert.equal(ids.length, 3);
  assert.equal(res.extFields.queueOffset, '0');
  const pulled = await pull(t, { group: 'g1', topic: 'BatchTest', queueId: 0 });
  const msgs = decodeStoredMessages(pulled.body);
  assert.deepEqual(msgs.map((m) => m.body.toString()), ['Hello batch 0', 'Hello batch 1', 'Hello batch 2']);
  assert.deepEqual(msgs.map((m) => m.offsetMsgId), ids);
  assert.deepEqual(msgs.map((m) => m.queueOffset), [0, 1, 2]);
  for (const [i, m] of msgs.entries()) {
    assert.equal(m.properties.KEYS, `BATCH_KEY_${i}`);
    assert.equal(m.properties.TAGS, 'TagA');
    assert.equal(m.properties.CLUSTER, 'DefaultCluster');
    assert.equal(m.properties.WAIT, 'true');
  }
});

test('tag filtering: only subscribed tags come back; a batch of nothing matching answers PULL_RETRY_IMMEDIATELY past it', async () => {
  for (const tag of ['TagA', 'TagB', 'TagA', 'TagC']) {
    const r = await send(t, { topic: 'Tags', properties: encodeProperties({ TAGS: tag }) });
    assert.equal(r.code, ResponseCode.SUCCESS);
  }
  const a = await pull(t, { group: 'g1', topic: 'Tags', subscription: 'TagA || TagC' });
  assert.deepEqual(decodeStoredMessages(a.body).map((m) => m.properties.TAGS), ['TagA', 'TagA', 'TagC']);
  const none = await pull(t, { group: 'g1', topic: 'Tags', subscription: 'TagZ' });
  assert.equal(none.code, ResponseCode.PULL_RETRY_IMMEDIATELY);
  assert.equal(none.remark, 'NO_MATCHED_MESSAGE');
  assert.equal(none.extFields.nextBeginOffset, '4');
});

test('every pull status: not found, offset moved (too small, overflow badly, empty queue), overflow one', async () => {
  await send(t, { topic: 'Statuses' });
  await send(t, { topic: 'Statuses' });
  const atEnd = await pull(t, { group: 'g1', topic: 'Statuses', offset: 2 });
  assert.deepEqual([atEnd.code, atEnd.remark], [ResponseCode.PULL_NOT_FOUND, 'OFFSET_OVERFLOW_ONE']);
  const badly = await pull(t, { group: 'g1', topic: 'Statuses', offset: 10 });
  assert.deepEqual([badly.code, badly.remark, badly.extFields.nextBeginOffset], [ResponseCode.PULL_OFFSET_MOVED, 'OFFSET_OVERFLOW_BADLY', '2']);
  const emptyAt0 = await pull(t, { group: 'g1', topic: 'TBW102', offset: 0 });
  assert.deepEqual([emptyAt0.code, emptyAt0.remark], [ResponseCode.PULL_NOT_FOUND, 'NO_MESSAGE_IN_QUEUE']);
  const emptyAt5 = await pull(t, { group: 'g1', topic: 'TBW102', offset: 5 });
  assert.equal(emptyAt5.code, ResponseCode.PULL_OFFSET_MOVED);
  const negative = await pull(t, { group: 'g1', topic: 'Statuses', offset: -1 });
  assert.deepEqual([negative.code, negative.remark, negative.extFields.nextBeginOffset], [ResponseCode.PULL_OFFSET_MOVED, 'OFFSET_TOO_SMALL', '0']);
});

test('pull refusals: unknown topic, bad queue, unparsable subscription, SQL92, no heartbeat subscription', async () => {
  const unknown = await pull(t, { group: 'g1', topic: 'NoSuchTopic' });
  assert.equal(unknown.code, ResponseCode.TOPIC_NOT_EXIST);
  assert.match(unknown.remark ?? '', /^topic\[NoSuchTopic\] not exist, apply first please!/);
  const badQueue = await pull(t, { group: 'g1', topic: 'SELF_TEST_TOPIC', queueId: 5 });
  assert.equal(badQueue.code, ResponseCode.SYSTEM_ERROR);
  assert.match(badQueue.remark ?? '', /queueId\[5\] is illegal, topic:\[SELF_TEST_TOPIC\] topicConfig.readQueueNums:\[1\]/);
  const sql = await t.call(RequestCode.PULL_MESSAGE, {
    consumerGroup: 'g1', topic: 'SELF_TEST_TOPIC', queueId: '0', queueOffset: '0', maxMsgNums: '1', sysFlag: '4',
    commitOffset: '0', suspendTimeoutMillis: '0', subVersion: '0', subscription: 'a > 1', expressionType: 'SQL92',
  });
  assert.deepEqual([sql.code, sql.remark], [ResponseCode.SYSTEM_ERROR, 'The broker does not support consumer to filter message by SQL92']);
  const emptySql = await t.call(RequestCode.PULL_MESSAGE, {
    consumerGroup: 'g1', topic: 'SELF_TEST_TOPIC', queueId: '0', queueOffset: '0', maxMsgNums: '1', sysFlag: '4',
    commitOffset: '0', suspendTimeoutMillis: '0', subVersion: '0', expressionType: 'SQL92',
  });
  assert.deepEqual([emptySql.code, emptySql.remark], [ResponseCode.SUBSCRIPTION_PARSE_FAILED, "parse the consumer's subscription failed"]);
  const noHeartbeat = await pull(t, { group: 'never_heartbeat', topic: 'SELF_TEST_TOPIC', sysFlag: 0 });
  assert.equal(noHeartbeat.code, ResponseCode.SUBSCRIPTION_NOT_EXIST);
  assert.match(noHeartbeat.remark ?? '', /^the consumer's group info not exist/);
});

test('a pull with the commit flag stores the group offset', async () => {
  await send(t, { topic: 'Commit' });
  const res = await pull(t, { group: 'committer', topic: 'Commit', sysFlag: 4 | 1, commitOffset: 1 });
  assert.equal(res.code, ResponseCode.SUCCESS);
  const q = await t.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'committer', topic: 'Commit', queueId: '0' });
  assert.deepEqual([q.code, q.extFields.offset], [ResponseCode.SUCCESS, '1']);
});
