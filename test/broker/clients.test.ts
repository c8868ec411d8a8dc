import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, createResponse, type RemotingCommand } from '../../src/protocol/command.js';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import { decodeCommand } from '../../src/protocol/frame.js';
import {
  decodeConsumerConnection,
  decodeGetConsumerListByGroupResponseBody,
  decodeLockBatchResponseBody,
  decodeProducerConnection,
  decodeTopicConfigSerializeWrapper,
  encodeLockBatchRequestBody,
  encodeUnlockBatchRequestBody,
} from '../../src/protocol/bodies.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { readFixture } from '../support/fixtures.js';
import { waitFor } from '../support/wait.js';
import { heartbeatBody, pull, send, startBroker, TIMEOUT_MS, type TestBroker } from './broker-harness.js';

let t: TestBroker;
const notified: RemotingCommand[] = [];

before(async () => {
  t = await startBroker({
    onRequest: (req) => {
      notified.push(req);
      return createResponse(req, ResponseCode.SUCCESS);
    },
  });
});

after(async () => {
  await t.stop();
});

async function consumerIds(group: string): Promise<string[]> {
  const res = await t.call(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: group });
  if (res.code !== ResponseCode.SUCCESS) return [];
  assert.ok(res.body);
  return decodeGetConsumerListByGroupResponseBody(res.body).consumerIdList.sort();
}

test('the captured consumer heartbeat registers the group, creates %RETRY%<group> (1 queue, RW) and lists the client', async () => {
  const captured = decodeCommand(readFixture('frames', '34-HEART_BEAT.consumer.request.bin'));
  const res = await t.call(RequestCode.HEART_BEAT, {}, captured.body);
  assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
  assert.deepEqual(await consumerIds('please_rename_unique_group_name_4'), ['192.0.2.2@19515#3662367437258']);
  const topics = await t.call(RequestCode.GET_ALL_TOPIC_CONFIG);
  assert.ok(topics.body);
  const retry = decodeTopicConfigSerializeWrapper(topics.body).topicConfigTable.get('%RETRY%please_rename_unique_group_name_4');
  assert.deepEqual([retry?.readQueueNums, retry?.writeQueueNums, retry?.perm], [1, 1, 6]);
  const conn = await t.call(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'please_rename_unique_group_name_4' });
  assert.equal(conn.code, ResponseCode.SUCCESS);
  assert.ok(conn.body);
  const cc = decodeConsumerConnection(conn.body);
  assert.equal(cc.consumeType, 'CONSUME_PASSIVELY');
  assert.deepEqual([...cc.subscriptionTable.keys()].sort(), ['%RETRY%please_rename_unique_group_name_4', 'TopicTest']);
  assert.equal(cc.connectionSet[0]?.clientId, '192.0.2.2@19515#3662367437258');
});

test('an unknown group: consumer list and connection list answer with 4.9.8 remarks', async () => {
  const list = await t.call(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'nobody' });
  assert.deepEqual([list.code, list.remark], [ResponseCode.SYSTEM_ERROR, 'no consumer for this group, nobody']);
  const conns = await t.call(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'please_rename_unique_group_name_3' });
  const expected = decodeCommand(readFixture('frames', '203-GET_CONSUMER_CONNECTION_LIST.response.bin'));
  assert.deepEqual([conns.code, conns.remark], [expected.code, expected.remark]);
});

test('a second consumer joining makes the broker NOTIFY_CONSUMER_IDS_CHANGED (oneway) to the first; leaving too', async () => {
  const other = new RemotingClient({ name: 'second-consumer' });
  try {
    const group = 'notify_group';
    const hb1 = await t.call(RequestCode.HEART_BEAT, {}, heartbeatBody('10.0.0.1@1', group, [{ topic: 'NotifyTopic' }]));
    assert.equal(hb1.code, ResponseCode.SUCCESS);
    notified.length = 0;
    const hb2 = await other.invoke(t.addr, createRequest(RequestCode.HEART_BEAT, {}, heartbeatBody('10.0.0.2@2', group, [{ topic: 'NotifyTopic' }])), TIMEOUT_MS);
    assert.equal(hb2.code, ResponseCode.SUCCESS);
    assert.deepEqual(await consumerIds(group), ['10.0.0.1@1', '10.0.0.2@2']);
    const note = await waitFor(() => notified.find((r) => r.code === RequestCode.NOTIFY_CONSUMER_IDS_CHANGED), { timeoutMs: 3000, what: 'NOTIFY_CONSUMER_IDS_CHANGED' });
    assert.equal(note.flag & 2, 2, 'oneway');
    assert.deepEqual(note.extFields, { consumerGroup: group });
    notified.length = 0;
    await other.shutdown();
    await waitFor(async () => (await consumerIds(group)).length === 1, { timeoutMs: 3000, what: 'the closed consumer to leave the group' });
    await waitFor(() => notified.some((r) => r.code === RequestCode.NOTIFY_CONSUMER_IDS_CHANGED), { timeoutMs: 3000, what: 'a notify after the leave' });
  } finally {
    await other.shutdown();
  }
});

test('UNREGISTER_CLIENT removes the consumer and the producer', async () => {
  const hb = {
    clientID: 'me@1',
    producerDataSet: [{ groupName: 'pg' }],
    consumerDataSet: [],
  };
  assert.equal((await t.call(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(hb)))).code, ResponseCode.SUCCESS);
  const producers = await t.call(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'pg' });
  assert.ok(producers.body);
  assert.equal(decodeProducerConnection(producers.body).connectionSet[0]?.clientId, 'me@1');
  await t.call(RequestCode.HEART_BEAT, {}, heartbeatBody('me@1', 'leaving', [{ topic: 'T' }]));
  const res = await t.call(RequestCode.UNREGISTER_CLIENT, { clientID: 'me@1', producerGroup: 'pg', consumerGroup: 'leaving' });
  assert.equal(res.code, ResponseCode.SUCCESS);
  assert.deepEqual(await consumerIds('leaving'), []);
  const gone = await t.call(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'pg' });
  assert.deepEqual([gone.code, gone.remark], [ResponseCode.SYSTEM_ERROR, 'the producer group[pg] not exist']);
});

test('a pull without its own subscription uses the heartbeat one; an older heartbeat is SUBSCRIPTION_NOT_LATEST', async () => {
  await send(t, { topic: 'HbSub' });
  await t.call(RequestCode.HEART_BEAT, {}, heartbeatBody('hb@1', 'hb_group', [{ topic: 'HbSub', subString: '*', subVersion: 100 }]));
  const ok = await pull(t, { group: 'hb_group', topic: 'HbSub', sysFlag: 0, subVersion: 100 });
  assert.equal(ok.code, ResponseCode.SUCCESS);
  const stale = await pull(t, { group: 'hb_group', topic: 'HbSub', sysFlag: 0, subVersion: 200 });
  const expected = decodeCommand(readFixture('frames', '11-PULL_MESSAGE.response.subscription_not_latest.bin'));
  assert.deepEqual([stale.code, stale.remark], [expected.code, expected.remark]);
  const otherTopic = await pull(t, { group: 'hb_group', topic: 'SELF_TEST_TOPIC', sysFlag: 0 });
  assert.equal(otherTopic.code, ResponseCode.SUBSCRIPTION_NOT_EXIST);
});

test('queue locks over the wire: the captured request locks, another client is refused, unlock frees it', async () => {
  const captured = decodeCommand(readFixture('frames', '41-LOCK_BATCH_MQ.request.bin'));
  const expected = decodeCommand(readFixture('frames', '41-LOCK_BATCH_MQ.response.bin'));
  const first = await t.call(RequestCode.LOCK_BATCH_MQ, {}, captured.body);
  assert.equal(first.code, ResponseCode.SUCCESS);
  assert.ok(first.body && expected.body);
  assert.deepEqual(decodeLockBatchResponseBody(first.body), decodeLockBatchResponseBody(expected.body));
  const mq = { topic: 'TopicTest', brokerName: 'broker-a', queueId: 3 };
  const group = 'please_rename_unique_group_name_3';
  const refused = await t.call(RequestCode.LOCK_BATCH_MQ, {}, encodeLockBatchRequestBody({ consumerGroup: group, clientId: 'other', mqSet: [mq] }));
  assert.ok(refused.body);
  assert.deepEqual(decodeLockBatchResponseBody(refused.body).lockOKMQSet, []);
  const holder = '192.0.2.2@19685#3675411795823';
  const unlock = await t.call(RequestCode.UNLOCK_BATCH_MQ, {}, encodeUnlockBatchRequestBody({ consumerGroup: group, clientId: holder, mqSet: [mq], onlyThisBroker: false }));
  assert.equal(unlock.code, ResponseCode.SUCCESS);
  const now = await t.call(RequestCode.LOCK_BATCH_MQ, {}, encodeLockBatchRequestBody({ consumerGroup: group, clientId: 'other', mqSet: [mq] }));
  assert.ok(now.body);
  assert.deepEqual(decodeLockBatchResponseBody(now.body).lockOKMQSet, [mq]);
});

test('a heartbeat without a body or with a broken one is refused naming the problem, and the connection stays usable', async () => {
  const none = await t.call(RequestCode.HEART_BEAT);
  assert.deepEqual([none.code, none.remark], [ResponseCode.SYSTEM_ERROR, 'the HEART_BEAT request has no body']);
  const broken = await t.call(RequestCode.HEART_BEAT, {}, Buffer.from('{"clientID":'));
  assert.equal(broken.code, ResponseCode.SYSTEM_ERROR);
  assert.match(broken.remark ?? '', /^the HEART_BEAT body is malformed: /);
  assert.equal((await t.call(RequestCode.GET_BROKER_RUNTIME_INFO)).code, ResponseCode.SUCCESS);
});
