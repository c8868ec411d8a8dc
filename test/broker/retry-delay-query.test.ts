import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import { decodeOffsetMsgId } from '../../src/protocol/message-id.js';
import { decodeStoredMessages, encodeProperties, type StoredMessage } from '../support/stored-message.js';
import { waitFor } from '../support/wait.js';
import { pull, send, startBroker, type TestBroker } from './broker-harness.js';

let t: TestBroker;

before(async () => {
  t = await startBroker();
});

after(async () => {
  await t.stop();
});

async function pullAll(topic: string, queueId = 0): Promise<StoredMessage[]> {
  const res = await pull(t, { group: 'reader', topic, queueId, maxMsgNums: 32 });
  return res.code === ResponseCode.SUCCESS ? decodeStoredMessages(res.body) : [];
}

async function sendBack(offset: number, group: string, delayLevel: number, maxReconsumeTimes?: number) {
  const ext: Record<string, string> = { offset: String(offset), group, delayLevel: String(delayLevel), originMsgId: '', originTopic: '' };
  if (maxReconsumeTimes !== undefined) ext.maxReconsumeTimes = String(maxReconsumeTimes);
  return t.call(RequestCode.CONSUMER_SEND_MSG_BACK, ext);
}

test('a delayed send waits in SCHEDULE_TOPIC_XXXX, then arrives in its real topic with the same properties', async () => {
  const res = await send(t, { topic: 'Delayed', queueId: 0, body: 'later', properties: encodeProperties({ KEYS: 'dk', DELAY: '2', TAGS: 'T', WAIT: 'true' }) });
  assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
  assert.equal(res.extFields.queueId, '0');
  const [parked] = await pullAll('SCHEDULE_TOPIC_XXXX', 1);
  assert.ok(parked, 'parked in queue level-1');
  assert.deepEqual(parked.properties, { KEYS: 'dk', DELAY: '2', TAGS: 'T', WAIT: 'true', CLUSTER: 'DefaultCluster', REAL_TOPIC: 'Delayed', REAL_QID: '0' });
  assert.deepEqual(await pullAll('Delayed'), [], 'not delivered at once');
  const [delivered] = await waitFor(async () => {
    const msgs = await pullAll('Delayed');
    return msgs.length > 0 ? msgs : undefined;
  }, { timeoutMs: 5000, what: 'the delayed message in its real topic' });
  assert.ok(delivered);
  assert.equal(delivered.body.toString(), 'later');
  assert.deepEqual(delivered.properties, parked.properties, '4.9.8 re-puts the properties unchanged');
  assert.ok(delivered.storeTimestamp - parked.storeTimestamp >= 900, 'after the 1 s of level 2 in this test config');
  const delay = await t.call(RequestCode.GET_ALL_DELAY_OFFSET);
  assert.match(delay.body?.toString() ?? '', /\{"offsetTable":\{2:1\}\}/);
});

test('send-back goes to %RETRY%<group> through the delay levels with RETRY_TOPIC, ORIGIN_MESSAGE_ID and reconsumeTimes+1', async () => {
  const sent = await send(t, { topic: 'Retried', body: 'fail me', properties: encodeProperties({ KEYS: 'rk', TAGS: 'A' }) });
  const [original] = await pullAll('Retried');
  assert.ok(original);
  const back = await sendBack(original.physicalOffset, 'retry_group', 0);
  assert.equal(back.code, ResponseCode.SUCCESS, back.remark);
  const [parked] = await pullAll('SCHEDULE_TOPIC_XXXX', 2);
  assert.equal(parked?.properties.DELAY, '3', 'delayLevel 0 means 3 + reconsumeTimes');
  const [retry] = await waitFor(async () => {
    const msgs = await pullAll('%RETRY%retry_group');
    return msgs.length > 0 ? msgs : undefined;
  }, { timeoutMs: 5000, what: 'the retry message' });
  assert.ok(retry);
  assert.equal(retry.body.toString(), 'fail me');
  assert.equal(retry.reconsumeTimes, 1);
  assert.equal(retry.properties.RETRY_TOPIC, 'Retried');
  assert.equal(retry.properties.ORIGIN_MESSAGE_ID, sent.extFields.msgId);
  assert.equal(retry.properties.WAIT, 'false');
  assert.equal(retry.properties.REAL_TOPIC, '%RETRY%retry_group');
});

test('after maxReconsumeTimes a send-back goes to %DLQ%<group>, created with one queue', async () => {
  await send(t, { topic: 'Dead', body: 'poison' });
  const [original] = await pullAll('Dead');
  assert.ok(original);
  let offset = original.physicalOffset;
  // maxReconsumeTimes 1 (header, honoured for clients >= V3_4_9): first back → retry, second → DLQ.
  assert.equal((await sendBack(offset, 'dlq_group', 1, 1)).code, ResponseCode.SUCCESS);
  const [retry] = await waitFor(async () => {
    const msgs = await pullAll('%RETRY%dlq_group');
    return msgs.length > 0 ? msgs : undefined;
  }, { timeoutMs: 5000, what: 'the retry message' });
  assert.ok(retry);
  offset = retry.physicalOffset;
  assert.equal((await sendBack(offset, 'dlq_group', 1, 1)).code, ResponseCode.SUCCESS);
  const [dead] = await pullAll('%DLQ%dlq_group');
  assert.ok(dead, 'in the DLQ at once');
  assert.equal(dead.body.toString(), 'poison');
  assert.equal(dead.reconsumeTimes, 2);
  assert.equal(dead.properties.ORIGIN_MESSAGE_ID, original.offsetMsgId);
  assert.equal(dead.properties.RETRY_TOPIC, 'Dead');
  const negative = await sendBack(original.physicalOffset, 'dlq_group2', -1);
  assert.equal(negative.code, ResponseCode.SUCCESS);
  assert.equal((await pullAll('%DLQ%dlq_group2')).length, 1, 'delayLevel < 0 goes straight to the DLQ');
});

test('send-back of an offset with no message is refused naming the offset', async () => {
  const res = await sendBack(987654321, 'g', 0);
  assert.deepEqual([res.code, res.remark], [ResponseCode.SYSTEM_ERROR, 'look message by offset failed, 987654321']);
});

test('a retry-topic send past its max reconsume times lands in the DLQ', async () => {
  const res = await send(t, { topic: '%RETRY%sendgroup', queueId: -1, reconsumeTimes: 16 });
  assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
  assert.equal((await pullAll('%DLQ%sendgroup')).length, 1);
});

test('QUERY_MESSAGE by key and by UNIQ_KEY; QUERY_NOT_FOUND otherwise; VIEW_MESSAGE_BY_ID by the offset in the msgId', async () => {
  const uniq = '7F0000010BC518B4AAC20A1B2C3D0007';
  const res = await send(t, { topic: 'Queried', body: 'find me', properties: encodeProperties({ KEYS: 'key1 key2', UNIQ_KEY: uniq }) });
  const msgId = res.extFields.msgId ?? '';
  const byKey = await waitFor(async () => {
    const r = await t.call(RequestCode.QUERY_MESSAGE, { topic: 'Queried', key: 'key2', maxNum: '32', beginTimestamp: '0', endTimestamp: '9223372036854775807' });
    return r.code === ResponseCode.SUCCESS ? r : undefined;
  }, { timeoutMs: 3000, what: 'the index to find key2' });
  assert.deepEqual(decodeStoredMessages(byKey.body).map((m) => m.offsetMsgId), [msgId]);
  assert.ok(Number(byKey.extFields.indexLastUpdateTimestamp) > 0);
  const byUniq = await t.call(RequestCode.QUERY_MESSAGE, { topic: 'Queried', key: uniq, maxNum: '1', beginTimestamp: '0', endTimestamp: String(Date.now() + 1000), _UNIQUE_KEY_QUERY: 'true' });
  assert.equal(byUniq.code, ResponseCode.SUCCESS);
  const missing = await t.call(RequestCode.QUERY_MESSAGE, { topic: 'Queried', key: 'nope', maxNum: '32', beginTimestamp: '0', endTimestamp: '9223372036854775807' });
  assert.deepEqual([missing.code, missing.remark], [ResponseCode.QUERY_NOT_FOUND, 'can not find message, maybe time range not correct']);
  const view = await t.call(RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(decodeOffsetMsgId(msgId).commitLogOffset) });
  assert.equal(view.code, ResponseCode.SUCCESS);
  assert.equal(decodeStoredMessages(view.body)[0]?.body.toString(), 'find me');
  const nothing = await t.call(RequestCode.VIEW_MESSAGE_BY_ID, { offset: '99999999' });
  assert.deepEqual([nothing.code, nothing.remark], [ResponseCode.SYSTEM_ERROR, 'can not find message by the offset, 99999999']);
});
