// Replays requests captured from real 4.9.8 clients and tools and compares our answers with the answers the
// real 4.9.8 broker gave (codes, header field order, body shapes), after seeding the data the request needs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, type RemotingCommand } from '../../src/protocol/command.js';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import { decodeCommand } from '../../src/protocol/frame.js';
import {
  decodeConsumeStats,
  decodeConsumerOffsetSerializeWrapper,
  decodeGroupList,
  decodeKVTable,
  decodeSubscriptionGroupWrapper,
  decodeTopicConfigSerializeWrapper,
  decodeTopicStatsTable,
} from '../../src/protocol/bodies.js';
import { readFixture } from '../support/fixtures.js';
import { decodeStoredMessage, decodeStoredMessages } from '../support/stored-message.js';
import { heartbeatBody, send, startBroker, TIMEOUT_MS, type TestBroker } from './broker-harness.js';

let t: TestBroker;
const commitLog = readFixture('store', 'commitlog', '00000000000000000000');

function frame(name: string): RemotingCommand {
  return decodeCommand(readFixture('frames', name));
}

/** Sends a captured request as it was (fields, body, serialization) and returns our answer. */
function replay(name: string): Promise<RemotingCommand> {
  const c = frame(name);
  return t.client.invoke(t.addr, createRequest(c.code, { ...c.extFields }, c.body, c.serializeType), TIMEOUT_MS);
}

before(async () => {
  t = await startBroker();
});

after(async () => {
  await t.stop();
});

test('310 sync send: same code and header fields in the same order; stored as 4.9.8 stored it (phy 0)', async () => {
  const ours = await replay('310-SEND_MESSAGE_V2.request.bin');
  const theirs = frame('310-SEND_MESSAGE_V2.response.bin');
  assert.equal(ours.code, theirs.code);
  assert.deepEqual(Object.keys(ours.extFields), Object.keys(theirs.extFields));
  for (const k of ['queueId', 'queueOffset', 'TRACE_ON', 'MSG_REGION']) assert.equal(ours.extFields[k], theirs.extFields[k], k);
  const view = await t.call(RequestCode.VIEW_MESSAGE_BY_ID, { offset: '0' });
  const mine = decodeStoredMessage(view.body ?? Buffer.alloc(0));
  const real = decodeStoredMessage(commitLog, 0);
  for (const k of ['topic', 'queueId', 'queueOffset', 'sysFlag', 'bornTimestamp', 'flag', 'reconsumeTimes', 'properties', 'body'] as const) {
    assert.deepEqual(mine[k], real[k], k);
  }
});

test('310 compressed send: sysFlag 769 and the zlib body are stored unchanged (phy 256)', async () => {
  const ours = await replay('310-SEND_MESSAGE_V2.compressed.request.bin');
  assert.equal(ours.code, ResponseCode.SUCCESS);
  const view = await t.call(RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(Number.parseInt((ours.extFields.msgId ?? '').slice(16), 16)) });
  const mine = decodeStoredMessage(view.body ?? Buffer.alloc(0));
  const real = decodeStoredMessage(commitLog, 256);
  assert.deepEqual([mine.sysFlag, mine.bodyCrc, mine.properties], [real.sysFlag, real.bodyCrc, real.properties]);
  assert.ok(mine.body.equals(real.body));
});

test('310 oneway send is stored and not answered; 15 oneway offset update is applied; 14 answers as captured', async () => {
  const oneway = frame('310-SEND_MESSAGE_V2.oneway.request.bin');
  await t.client.invokeOneway(t.addr, createRequest(oneway.code, { ...oneway.extFields }, oneway.body));
  const update = frame('15-UPDATE_CONSUMER_OFFSET.request.oneway.bin');
  await t.client.invokeOneway(t.addr, createRequest(update.code, { ...update.extFields }));
  await t.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'please_rename_unique_group_name_4', topic: 'TopicTest', queueId: '3', commitOffset: '1251' });
  const ours = await replay('14-QUERY_CONSUMER_OFFSET.request.bin');
  const theirs = frame('14-QUERY_CONSUMER_OFFSET.response.bin');
  assert.deepEqual([ours.code, ours.extFields], [theirs.code, theirs.extFields]);
  const q2 = await t.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'please_rename_unique_group_name_4', topic: 'TopicTest', queueId: '2' });
  assert.equal(q2.extFields.offset, '1251', 'the oneway update of queue 2');
  const view = await t.call(RequestCode.QUERY_MESSAGE, { topic: 'TopicTest', key: 'FIXTURE_ONEWAY', maxNum: '1', beginTimestamp: '0', endTimestamp: String(Date.now() + 1000) });
  assert.equal(decodeStoredMessages(view.body)[0]?.properties.TAGS, 'TagE');
});

test('12 mqadmin queryMsgByKey (Long.MAX_VALUE end time, AccessKey/Signature fields) finds the key with the captured header fields', async () => {
  const ours = await replay('12-QUERY_MESSAGE.request.bin');
  const theirs = frame('12-QUERY_MESSAGE.response.bin');
  assert.equal(ours.code, theirs.code, ours.remark);
  assert.deepEqual(Object.keys(ours.extFields), Object.keys(theirs.extFields));
  const theirMsgs = decodeStoredMessages(theirs.body);
  assert.deepEqual(decodeStoredMessages(ours.body).map((m) => m.properties.KEYS), theirMsgs.map((m) => m.properties.KEYS));
});

test('34 producer heartbeat, 34 consumer heartbeat, 38 consumer list (body byte for byte), 35 unregister', async () => {
  assert.equal((await replay('34-HEART_BEAT.producer.request.bin')).code, frame('34-HEART_BEAT.producer.response.bin').code);
  assert.equal((await replay('34-HEART_BEAT.consumer.request.bin')).code, frame('34-HEART_BEAT.consumer.response.bin').code);
  const ours = await replay('38-GET_CONSUMER_LIST_BY_GROUP.request.bin');
  const theirs = frame('38-GET_CONSUMER_LIST_BY_GROUP.response.bin');
  assert.equal(ours.code, theirs.code);
  assert.ok(ours.body && theirs.body);
  assert.ok(ours.body.equals(theirs.body), `${ours.body.toString()} != ${theirs.body.toString()}`);
  assert.equal((await replay('35-UNREGISTER_CLIENT.request.bin')).code, frame('35-UNREGISTER_CLIENT.response.bin').code);
});

test('11 orderly pull (commit + suspend, heartbeat subscription) stops at the consume-queue file end like 4.9.8: 11 messages, next 300', async () => {
  const pullReq = frame('11-PULL_MESSAGE.request.bin');
  const group = pullReq.extFields.consumerGroup ?? '';
  const subVersion = Number(pullReq.extFields.subVersion);
  const hb = await t.call(RequestCode.HEART_BEAT, {}, heartbeatBody('order@1', group, [{ topic: 'TopicTest', subVersion }]));
  assert.equal(hb.code, ResponseCode.SUCCESS);
  // Fill queue 1 to 310 messages; the test store has 300-unit consume-queue files like the captured one.
  const have = Number((await t.call(RequestCode.GET_MAX_OFFSET, { topic: 'TopicTest', queueId: '1' })).extFields.offset);
  for (let i = have; i < 310; i++) assert.equal((await send(t, { topic: 'TopicTest', queueId: 1 })).code, ResponseCode.SUCCESS);
  const ours = await replay('11-PULL_MESSAGE.request.bin');
  const theirs = frame('11-PULL_MESSAGE.response.found.bin');
  assert.deepEqual([ours.code, ours.remark], [theirs.code, theirs.remark]);
  assert.deepEqual(Object.keys(ours.extFields), Object.keys(theirs.extFields));
  assert.equal(ours.extFields.nextBeginOffset, theirs.extFields.nextBeginOffset);
  assert.deepEqual(decodeStoredMessages(ours.body).map((m) => m.queueOffset), decodeStoredMessages(theirs.body).map((m) => m.queueOffset));
  const committed = await t.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: group, topic: 'TopicTest', queueId: '1' });
  assert.equal(committed.extFields.offset, pullReq.extFields.commitOffset, 'the piggy-backed commit');
});

test('21, 201, 43, 45: config tables in the shapes the slave sync reads', async () => {
  const topics = await replay('21-GET_ALL_TOPIC_CONFIG.vip-port.request.bin');
  const theirTopics = decodeTopicConfigSerializeWrapper(frame('21-GET_ALL_TOPIC_CONFIG.vip-port.response.bin').body ?? '').topicConfigTable;
  const ourTopics = decodeTopicConfigSerializeWrapper(topics.body ?? '').topicConfigTable;
  for (const name of ['SCHEDULE_TOPIC_XXXX', 'SELF_TEST_TOPIC', 'DefaultCluster', 'broker-a', 'TBW102', 'BenchmarkTest', 'OFFSET_MOVED_EVENT', '%RETRY%please_rename_unique_group_name_4']) {
    assert.deepEqual(ourTopics.get(name), theirTopics.get(name), name);
  }
  const groups = decodeSubscriptionGroupWrapper((await replay('201-GET_ALL_SUBSCRIPTIONGROUP_CONFIG.request.bin')).body ?? '');
  const theirGroups = decodeSubscriptionGroupWrapper(frame('201-GET_ALL_SUBSCRIPTIONGROUP_CONFIG.response.bin').body ?? '');
  assert.deepEqual(groups.subscriptionGroupTable.get('please_rename_unique_group_name_4'), theirGroups.subscriptionGroupTable.get('please_rename_unique_group_name_4'));
  const offsets = decodeConsumerOffsetSerializeWrapper((await replay('43-GET_ALL_CONSUMER_OFFSET.request.bin')).body ?? '');
  assert.equal(offsets.offsetTable.get('TopicTest@please_rename_unique_group_name_4')?.get(3), 1251);
  const delay = await replay('45-GET_ALL_DELAY_OFFSET.request.bin');
  assert.equal(delay.code, frame('45-GET_ALL_DELAY_OFFSET.response.bin').code);
  assert.match(delay.body?.toString() ?? '', /^\{"offsetTable":\{.*\}\}$/);
});

test('202, 208, 300, 28 (mqadmin, with AccessKey/Signature fields): bodies decode into the captured shapes', async () => {
  const stats = decodeTopicStatsTable((await replay('202-GET_TOPIC_STATS_INFO.request.bin')).body ?? '');
  const theirStats = decodeTopicStatsTable(frame('202-GET_TOPIC_STATS_INFO.response.bin').body ?? '');
  assert.deepEqual(stats.offsetTable.map(([mq]) => mq).sort((a, b) => a.queueId - b.queueId), theirStats.offsetTable.map(([mq]) => mq).sort((a, b) => a.queueId - b.queueId));
  const consume = decodeConsumeStats((await replay('208-GET_CONSUME_STATS.request.bin')).body ?? '');
  const theirConsume = decodeConsumeStats(frame('208-GET_CONSUME_STATS.response.bin').body ?? '');
  const queuesOf = (s: typeof consume) => s.offsetTable.map(([mq]) => `${mq.topic}/${mq.queueId}`).sort();
  assert.deepEqual(queuesOf(consume).filter((q) => q.startsWith('TopicTest')), queuesOf(theirConsume).filter((q) => q.startsWith('TopicTest')));
  const who = decodeGroupList((await replay('300-QUERY_TOPIC_CONSUME_BY_WHO.request.bin')).body ?? '');
  assert.ok(who.groupList.includes('please_rename_unique_group_name_4'));
  const info = decodeKVTable((await replay('28-GET_BROKER_RUNTIME_INFO.request.bin')).body ?? '').table;
  const theirInfo = decodeKVTable(frame('28-GET_BROKER_RUNTIME_INFO.response.bin').body ?? '').table;
  const invented = Object.keys(info).filter((k) => !(k in theirInfo) && !k.startsWith('scheduleMessageOffset_'));
  assert.deepEqual(invented, [], 'every runtime key is one 4.9.8 reports');
  assert.equal(info.brokerVersion, theirInfo.brokerVersion);
});
