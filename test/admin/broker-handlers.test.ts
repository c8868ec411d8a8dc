// The admin requests added to the broker for mqadmin, driven directly (no CLI): what a Java DefaultMQAdminExt would
// get back from QUERY_CONSUME_TIME_SPAN (303), CLONE_GROUP_OFFSET (314), VIEW_BROKER_STATS_DATA (315), and the
// refusals of the requests relayed to consumers (307, 309) and of INVOKE_BROKER_TO_RESET_OFFSET (222).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cloneGroupOffsetAtBroker, viewBrokerStatsData } from '../../src/admin/index.js';
import { decodeQueryConsumeTimeSpanBody } from '../../src/protocol/admin-bodies.js';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import { AdminCluster, uniq, waitFor } from './harness.js';

let c: AdminCluster;

before(async () => {
  c = await AdminCluster.start();
});

after(async () => {
  await c.stop();
});

async function committed(group: string, topic: string, queueId: number): Promise<number> {
  const r = await c.admin().call(c.brokerAddr(), RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId: String(queueId) }, undefined, 'q');
  return r.code === ResponseCode.SUCCESS ? Number(r.extFields.offset) : -1;
}

async function consumedTopic(n: number): Promise<{ topic: string; group: string }> {
  const topic = uniq('BH');
  const group = uniq('bh_cg');
  await c.createTopic(topic, 2);
  await c.send(topic, n);
  const { consumer, seen } = await c.consumer(group, topic);
  await waitFor(() => seen.length >= n, { timeoutMs: 15_000, what: `${n} consumed` });
  await waitFor(async () => (await committed(group, topic, 0)) + (await committed(group, topic, 1)) === n, { timeoutMs: 15_000, what: 'offsets committed' });
  await consumer.shutdown();
  return { topic, group };
}

test('QUERY_CONSUME_TIME_SPAN: per queue the first/last store time and how far the group is behind', async () => {
  const { topic, group } = await consumedTopic(4);
  await c.send(topic, 2);
  const r = await c.admin().ok(c.brokerAddr(), RequestCode.QUERY_CONSUME_TIME_SPAN, { topic, group }, undefined, 'span');
  const spans = decodeQueryConsumeTimeSpanBody(r.body!);
  assert.deepEqual(spans.map((s) => s.messageQueue.queueId), [0, 1]);
  for (const s of spans) {
    assert.ok(s.minTimeStamp > 0 && s.maxTimeStamp >= s.minTimeStamp && s.consumeTimeStamp >= s.minTimeStamp);
  }
  assert.ok(spans.some((s) => s.delayTime > 0), 'the two new messages are not consumed yet');
  assert.match(r.body!.toString(), /"minTimeStampStr":"\d{4}-\d\d-\d\d#\d\d:\d\d:\d\d:\d{3}"/);
  const missing = await c.admin().call(c.brokerAddr(), RequestCode.QUERY_CONSUME_TIME_SPAN, { topic: 'NoSuchTopic', group }, undefined, 'span');
  assert.equal(missing.code, ResponseCode.TOPIC_NOT_EXIST);
});

test('CLONE_GROUP_OFFSET copies a group\'s committed offsets to another group', async () => {
  const { topic, group } = await consumedTopic(5);
  const dest = uniq('clone');
  await cloneGroupOffsetAtBroker(c.admin(), c.brokerAddr(), group, dest, topic, true);
  assert.deepEqual([await committed(dest, topic, 0), await committed(dest, topic, 1)], [await committed(group, topic, 0), await committed(group, topic, 1)]);
  const dest2 = uniq('clone_all');
  await cloneGroupOffsetAtBroker(c.admin(), c.brokerAddr(), group, dest2, undefined, true);
  assert.equal(await committed(dest2, topic, 1), await committed(group, topic, 1));
});

test('VIEW_BROKER_STATS_DATA: TOPIC_PUT_NUMS and GROUP_GET_NUMS count what was put and pulled; unknown keys are refused', async () => {
  const { topic, group } = await consumedTopic(3);
  const put = await viewBrokerStatsData(c.admin(), c.brokerAddr(), 'TOPIC_PUT_NUMS', topic);
  assert.equal(put.statsDay.sum, 3);
  assert.ok(put.statsMinute.tps > 0);
  const got = await viewBrokerStatsData(c.admin(), c.brokerAddr(), 'GROUP_GET_NUMS', `${topic}@${group}`);
  assert.equal(got.statsDay.sum, 3);
  const none = await c.admin().call(c.brokerAddr(), RequestCode.VIEW_BROKER_STATS_DATA, { statsName: 'TOPIC_PUT_NUMS', statsKey: 'nope' }, undefined, 'stats');
  assert.equal(none.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(none.remark, 'The stats <TOPIC_PUT_NUMS> <nope> not exist');
});

test('relayed requests and resets for a group that is not online are refused with RocketMQ\'s reasons', async () => {
  const { topic, group } = await consumedTopic(1);
  const info = await c.admin().call(c.brokerAddr(), RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: group, clientId: 'x@y', jstackEnable: 'false' }, undefined, 'info');
  assert.deepEqual([info.code, info.remark], [ResponseCode.SYSTEM_ERROR, `The Consumer <${group}> <x@y> not online`]);
  const direct = await c.admin().call(c.brokerAddr(), RequestCode.CONSUME_MESSAGE_DIRECTLY, { consumerGroup: group, clientId: 'x@y', msgId: 'zz' }, undefined, 'direct');
  assert.deepEqual([direct.code, direct.remark], [ResponseCode.SYSTEM_ERROR, 'can not find message by the msgId, zz']);
  const reset = await c.admin().call(c.brokerAddr(), RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic, group, timestamp: '0', isForce: 'true' }, undefined, 'reset');
  assert.equal(reset.code, ResponseCode.CONSUMER_NOT_ONLINE);
  assert.equal(reset.remark, `Consumer not online, so can not reset offset, Group: ${group} Topic: ${topic} Timestamp: 0`);
  const noGroup = await c.admin().call(c.brokerAddr(), RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic, group: uniq('never'), timestamp: '0', isForce: 'true' }, undefined, 'reset');
  assert.equal(noGroup.code, ResponseCode.SYSTEM_ERROR);
  assert.match(noGroup.remark ?? '', /THe consumer group <.*> not exist/);
  const status = await c.admin().call(c.brokerAddr(), RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, { topic, group }, undefined, 'status');
  assert.deepEqual([status.code, status.remark], [ResponseCode.SYSTEM_ERROR, `No Any Consumer online in the consumer group: [${group}]`]);
});
