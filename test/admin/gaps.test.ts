// The options 4.9.8's mqadmin acts on that were once accepted and ignored: updateTopic -u/-s (topicSysFlag in the
// route), sendMessage -m true (a Pub trace record in RMQ_SYS_TRACE_TOPIC, found by the msgId), resetOffsetByTime -c
// (request language CPP; the consumers get ResetOffsetBodyForC).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { queryMsgByKey, topicRoute } from '../../src/admin/index.js';
import { createRequest, type RemotingCommand } from '../../src/protocol/command.js';
import { RequestCode } from '../../src/protocol/codes.js';
import { TOPIC_TRACE } from '../../src/protocol/message-const.js';
import { heartbeatBody } from '../broker/broker-harness.js';
import { Resp, WireClient } from '../support/wire.js';
import { AdminCluster, uniq, waitFor } from './harness.js';

let c: AdminCluster;
before(async () => {
  c = await AdminCluster.start();
});
after(async () => {
  await c.stop();
});

test('updateTopic -u true -s true: the topic carries topicSysFlag 3 (unit | unitSub) into its route; -u alone gives 1', async () => {
  const both = uniq('Unit');
  const r = await c.run('updateTopic', '-c', 'DefaultCluster', '-t', both, '-u', 'true', '-s', 'true');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /topicSysFlag=3,/);
  assert.deepEqual((await topicRoute(c.admin(), both)).queueDatas.map((q) => q.topicSysFlag), [3]);
  const unitOnly = uniq('UnitOnly');
  assert.equal((await c.run('updateTopic', '-b', c.brokerAddr(), '-t', unitOnly, '-u', 'true', '-s', 'false')).code, 0);
  await waitFor(async () => (await topicRoute(c.admin(), unitOnly)).queueDatas[0]?.topicSysFlag === 1, { timeoutMs: 30_000, what: 'the route of the -u topic' });
  const route = await c.run('topicRoute', '-t', unitOnly);
  assert.match(route.out, /"topicSysFlag":1/);
});

test('sendMessage -m true: a Pub trace record goes to RMQ_SYS_TRACE_TOPIC, keyed by the msgId and the keys', async () => {
  const topic = uniq('Traced');
  await c.createTopic(topic, 1);
  const r = await c.run('sendMessage', '-t', topic, '-p', 'hello trace', '-k', 'ORDER_9 ORDER_10', '-c', 'TagT', '-m', 'true');
  assert.equal(r.code, 0, r.err);
  const row = r.out.trimEnd().split('\n')[1]!.trim().split(/\s+/);
  assert.deepEqual(row.slice(0, 3), ['broker-a', '0', 'SEND_OK']);
  const msgId = row[3]!;
  const [trace] = await waitFor(async () => queryMsgByKey(c.admin(), TOPIC_TRACE, msgId), { timeoutMs: 30_000, what: 'the trace record of the send' });
  assert.deepEqual(trace!.keys, [msgId, 'ORDER_9', 'ORDER_10']);
  const body = trace!.body.toString('utf8');
  assert.ok(body.endsWith('\u0002'), 'one record, ended by FIELD_SPLITOR');
  const f = body.slice(0, -1).split('\u0001');
  assert.equal(f.length, 14);
  const [type, stamp, region, group, tTopic, tMsgId, tags, keys, storeHost, bodyLength, cost, msgType, offsetMsgId, success] = f;
  assert.deepEqual([type, region, tTopic, tMsgId, tags, keys, storeHost, bodyLength, msgType, success],
    ['Pub', 'DefaultRegion', topic, msgId, 'TagT', 'ORDER_9 ORDER_10', c.brokerAddr(), '11', '0', 'true']);
  assert.match(group!, /^\d+$/, 'the producer group sendMessage uses: the time in ms');
  assert.ok(Number(stamp) > 0 && Number(cost) >= 0);
  assert.match(offsetMsgId!, /^[0-9A-F]{32}$/);
  // Without -m nothing more is traced.
  const plain = await c.run('sendMessage', '-t', topic, '-p', 'untraced');
  const plainId = plain.out.trimEnd().split('\n')[1]!.trim().split(/\s+/)[3]!;
  await assert.rejects(queryMsgByKey(c.admin(), TOPIC_TRACE, plainId), /no message/);
});

/** A consumer of `group` on its own connection that records what the broker sends it. */
async function rawConsumer(group: string, topic: string): Promise<WireClient> {
  const conn = await WireClient.connect(c.brokerAddr());
  const hb = await conn.invoke(createRequest(RequestCode.HEART_BEAT, {}, heartbeatBody(`127.0.0.1@${group}`, group, [{ topic }])));
  assert.equal(hb.code, Resp.SUCCESS);
  for (const queueId of [0, 1]) {
    const up = await conn.invoke(createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId: String(queueId), commitOffset: '1' }));
    assert.equal(up.code, Resp.SUCCESS);
  }
  return conn;
}

function resetRequest(conn: WireClient): Promise<RemotingCommand> {
  return waitFor(() => conn.serverRequests.find((r) => r.code === RequestCode.RESET_CONSUMER_CLIENT_OFFSET), { timeoutMs: 30_000, what: 'RESET_CONSUMER_CLIENT_OFFSET' });
}

test('resetOffsetByTime -c: the broker sends the consumers the C++ list form; without -c the map form', async () => {
  const topic = uniq('Reset');
  await c.createTopic(topic, 2);
  await c.send(topic, 6);
  const cppGroup = uniq('cpp');
  const javaGroup = uniq('java');
  const cpp = await rawConsumer(cppGroup, topic);
  const java = await rawConsumer(javaGroup, topic);
  try {
    const r = await c.run('resetOffsetByTime', '-g', cppGroup, '-t', topic, '-s', 'now', '-c');
    assert.equal(r.code, 0, r.err);
    const forC = await resetRequest(cpp);
    assert.deepEqual([forC.extFields.topic, forC.extFields.group], [topic, cppGroup]);
    const list = /^\{"offsetTable":\[(.*)\]\}$/.exec(forC.body?.toString('utf8') ?? '')?.[1];
    assert.ok(list !== undefined, `list form: ${forC.body?.toString('utf8')}`);
    const entry = (q: number): RegExp => new RegExp(`\\{"brokerName":"broker-a","offset":\\d+,"queueId":${q},"topic":"${topic}"\\}`);
    assert.match(list, entry(0));
    assert.match(list, entry(1));

    assert.equal((await c.run('resetOffsetByTime', '-g', javaGroup, '-t', topic, '-s', 'now')).code, 0);
    const forJava = await resetRequest(java);
    const text = forJava.body!.toString('utf8');
    assert.ok(text.startsWith('{"offsetTable":{{"brokerName":"broker-a","queueId":0,'), `map form: ${text}`);
    assert.match(text, /"queueId":1,"topic":"[^"]+"\}:\d+\}\}$/);
  } finally {
    cpp.close();
    java.close();
  }
});
