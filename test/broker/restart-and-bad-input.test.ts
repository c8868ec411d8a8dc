import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequest } from '../../src/protocol/command.js';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import { decodeConsumerOffsetSerializeWrapper } from '../../src/protocol/bodies.js';
import { decodeStoredMessages, encodeProperties } from '../support/stored-message.js';
import { pull, send, sendV2Fields, startBroker, tempStoreDir, TIMEOUT_MS } from './broker-harness.js';

test('offsets, topics, groups and messages survive a restart; config files are written pretty with .bak copies', async () => {
  const dir = tempStoreDir();
  const first = await startBroker({ dir });
  assert.equal((await send(first, { topic: 'Durable', body: 'kept' })).code, ResponseCode.SUCCESS);
  assert.equal((await first.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'dg', topic: 'Durable', queueId: '0', commitOffset: '1' })).code, ResponseCode.SUCCESS);
  await first.stop();

  const config = path.join(dir, 'config');
  const offsets = fs.readFileSync(path.join(config, 'consumerOffset.json'), 'utf8');
  assert.equal(decodeConsumerOffsetSerializeWrapper(offsets).offsetTable.get('Durable@dg')?.get(0), 1);
  assert.match(offsets, /^\{\n\t"offsetTable":\{/);
  assert.ok(fs.existsSync(path.join(config, 'topics.json.bak')));
  assert.equal(fs.readFileSync(path.join(config, 'consumerFilter.json'), 'utf8'), '{\n\t"filterDataByTopic":{}\n}');
  assert.ok(fs.existsSync(path.join(config, 'delayOffset.json')));
  assert.ok(fs.existsSync(path.join(config, 'subscriptionGroup.json')));

  const second = await startBroker({ dir });
  try {
    const q = await second.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'dg', topic: 'Durable', queueId: '0' });
    assert.deepEqual([q.code, q.extFields.offset], [ResponseCode.SUCCESS, '1']);
    const res = await pull(second, { group: 'dg', topic: 'Durable' });
    assert.deepEqual(decodeStoredMessages(res.body).map((m) => m.body.toString()), ['kept']);
  } finally {
    await second.stop();
  }
});

test('bad requests get clear errors and the connection stays usable', async () => {
  const t = await startBroker({ overrides: { maxMessageSize: 1024 } });
  try {
    const missing = sendV2Fields({ topic: 'Bad' });
    delete missing.b;
    const noTopic = await t.call(RequestCode.SEND_MESSAGE_V2, missing, Buffer.from('x'));
    assert.deepEqual([noTopic.code, noTopic.remark], [ResponseCode.SYSTEM_ERROR, 'the custom field <b> is null']);

    const badInt = await t.call(RequestCode.SEND_MESSAGE_V2, { ...sendV2Fields({ topic: 'Bad' }), e: 'one' }, Buffer.from('x'));
    assert.deepEqual([badInt.code, badInt.remark], [ResponseCode.SYSTEM_ERROR, 'the custom field <e> is not an integer: "one"']);

    const badName = await send(t, { topic: 'bad topic!' });
    assert.deepEqual([badName.code, badName.remark], [ResponseCode.SYSTEM_ERROR, 'The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$']);
    assert.equal(badName.extFields.MSG_REGION, 'DefaultRegion', 'send errors carry MSG_REGION and TRACE_ON like 4.9.8');

    const tooBig = await send(t, { topic: 'Bad', body: Buffer.alloc(1025) });
    assert.equal(tooBig.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.match(tooBig.remark ?? '', /body size 1025 bytes is over the limit 1024/);

    const forbidden = await send(t, { topic: 'SCHEDULE_TOPIC_XXXX' });
    assert.deepEqual([forbidden.code, forbidden.remark], [ResponseCode.NO_PERMISSION, 'Sending message to topic[SCHEDULE_TOPIC_XXXX] is forbidden.']);

    assert.equal((await send(t, { topic: 'OneQueue', defaultTopicQueueNums: 1 })).code, ResponseCode.SUCCESS);
    const badQueue = await send(t, { topic: 'OneQueue', queueId: 3 });
    assert.equal(badQueue.code, ResponseCode.SYSTEM_ERROR);
    assert.match(badQueue.remark ?? '', /^request queueId\[3\] is illegal, TopicConfig \[topicName=OneQueue, readQueueNums=1, writeQueueNums=1, perm=RW-/);

    const hugeProps = await send(t, { topic: 'Bad', properties: encodeProperties({ big: 'x'.repeat(40_000) }) });
    assert.equal(hugeProps.code, ResponseCode.MESSAGE_ILLEGAL);

    const txn = await send(t, { topic: 'Bad', properties: encodeProperties({ TRAN_MSG: 'true' }) });
    assert.equal(txn.code, ResponseCode.NO_PERMISSION);

    const badBatch = await t.call(RequestCode.SEND_BATCH_MESSAGE, { ...sendV2Fields({ topic: 'Bad' }), m: 'true' }, Buffer.from([0, 0, 0, 9, 1, 2]));
    assert.equal(badBatch.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.match(badBatch.remark ?? '', /^the batch body is malformed: batch record 0 at offset 0/);

    const unknown = await t.call(9999);
    assert.deepEqual([unknown.code, unknown.remark], [ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ' request type 9999 not supported']);

    const pullMissing = await t.call(RequestCode.PULL_MESSAGE, { consumerGroup: 'g', topic: 'T' });
    assert.deepEqual([pullMissing.code, pullMissing.remark], [ResponseCode.SYSTEM_ERROR, 'the custom field <queueId> is null']);

    const ok = await send(t, { topic: 'Bad' });
    assert.equal(ok.code, ResponseCode.SUCCESS, 'still usable after all that');
  } finally {
    await t.stop();
  }
});

test('without autoCreateTopicEnable an unknown topic is TOPIC_NOT_EXIST, and a slave refuses writes', async () => {
  const t = await startBroker({ overrides: { autoCreateTopicEnable: false } });
  try {
    const res = await send(t, { topic: 'NotThere' });
    assert.equal(res.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal(res.remark, 'topic[NotThere] not exist, apply first please!\nSee http://rocketmq.apache.org/docs/faq/ for further details.');
  } finally {
    await t.stop();
  }
  const slave = await startBroker({ overrides: { brokerRole: 'SLAVE', brokerId: 1 } });
  try {
    const res = await slave.client.invoke(slave.addr, createRequest(RequestCode.SEND_MESSAGE_V2, sendV2Fields({ topic: 'S' }), Buffer.from('x')), TIMEOUT_MS);
    assert.equal(res.code, ResponseCode.SERVICE_NOT_AVAILABLE);
  } finally {
    await slave.stop();
  }
});

test('a second broker on the same store fails to start with the store lock error and releases its ports', async () => {
  const dir = tempStoreDir();
  const first = await startBroker({ dir });
  try {
    await assert.rejects(startBroker({ dir }), /Lock failed,MQ already started/);
  } finally {
    await first.stop();
  }
});

test('unreadable config files (file and .bak) stop the start with both names, and leave the store unlocked', async () => {
  const dir = tempStoreDir();
  fs.mkdirSync(path.join(dir, 'config'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'config', 'topics.json'), '{"topicConfigTable":');
  fs.writeFileSync(path.join(dir, 'config', 'topics.json.bak'), 'not json');
  await assert.rejects(startBroker({ dir }), (err: unknown) => {
    assert.ok(err instanceof Error);
    assert.match(err.message, /topics\.json: /);
    assert.match(err.message, /topics\.json\.bak: /);
    return true;
  });
  fs.rmSync(path.join(dir, 'config', 'topics.json'));
  fs.rmSync(path.join(dir, 'config', 'topics.json.bak'));
  const t = await startBroker({ dir });
  await t.stop();
});
