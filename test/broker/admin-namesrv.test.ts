import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { NamesrvController } from '../../src/namesrv/namesrv-controller.js';
import { defaultNamesrvConfig } from '../../src/config/namesrv-config.js';
import { createRequest } from '../../src/protocol/command.js';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import {
  decodeConsumeStats,
  decodeGroupList,
  decodeKVTable,
  decodeSubscriptionGroupWrapper,
  decodeTopicConfigSerializeWrapper,
  decodeTopicList,
  decodeTopicRouteData,
  decodeTopicStatsTable,
  encodeSubscriptionGroupConfig,
} from '../../src/protocol/bodies.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { newSubscriptionGroupConfig } from '../../src/broker/subscription-group-manager.js';
import { waitFor } from '../support/wait.js';
import { pull, send, startBroker, TIMEOUT_MS, type TestBroker } from './broker-harness.js';

let namesrv: NamesrvController;
let namesrvAddr: string;
let deadAddr: string;
let t: TestBroker;
const ns = new RemotingClient({ name: 'test-namesrv-client' });

/** An address where a server accepts and never answers: a NameServer that hangs. */
async function silentServer(): Promise<net.Server> {
  const server = net.createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

let silent: net.Server;

before(async () => {
  namesrv = new NamesrvController({ ...defaultNamesrvConfig(), listenPort: 0, kvConfigPath: path.join(os.tmpdir(), `kv-${process.pid}-${Date.now()}.json`) });
  await namesrv.start();
  namesrvAddr = `127.0.0.1:${namesrv.port}`;
  silent = await silentServer();
  const port = (silent.address() as net.AddressInfo).port;
  deadAddr = `127.0.0.1:${port}`;
  // A hanging NameServer first: registration with the good one must not wait for it.
  t = await startBroker({ overrides: { namesrvAddr: `${deadAddr};${namesrvAddr}`, registerBrokerTimeoutMills: 3000 } });
});

after(async () => {
  await t.stop();
  await ns.shutdown();
  await namesrv.shutdown();
  silent.close();
});

async function route(topic: string) {
  const res = await ns.invoke(namesrvAddr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), TIMEOUT_MS);
  return res.code === ResponseCode.SUCCESS && res.body ? decodeTopicRouteData(res.body) : undefined;
}

test('the broker registered at start with the live NameServer although another one hangs', async () => {
  const r = await route('TBW102');
  assert.ok(r, 'TBW102 route');
  assert.equal(r.brokerDatas[0]?.brokerAddrs.get(0), t.addr);
  assert.equal(r.queueDatas[0]?.perm, 7);
  assert.match(t.broker.bootMessage(), new RegExp(`^The broker\\[broker-a, ${t.addr}\\] boot success\\. serializeType=JSON and name server is `));
});

test('an auto-created topic and a heartbeat-created %RETRY% topic get routes at once (oneway registration)', async () => {
  assert.equal((await send(t, { topic: 'AutoRouted' })).code, ResponseCode.SUCCESS);
  await waitFor(() => route('AutoRouted'), { timeoutMs: 3000, what: 'a route for AutoRouted' });
  const hb = { clientID: 'c@1', producerDataSet: [], consumerDataSet: [{ groupName: 'routed_group', subscriptionDataSet: [] }] };
  assert.equal((await t.call(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(hb)))).code, ResponseCode.SUCCESS);
  const r = await waitFor(() => route('%RETRY%routed_group'), { timeoutMs: 3000, what: 'a route for the retry topic' });
  assert.deepEqual([r.queueDatas[0]?.readQueueNums, r.queueDatas[0]?.perm], [1, 6]);
});

test('UPDATE_AND_CREATE_TOPIC answers once the NameServers know the topic; DELETE_TOPIC_IN_BROKER drops queues and offsets', async () => {
  const res = await t.call(RequestCode.UPDATE_AND_CREATE_TOPIC, {
    topic: 'AdminTopic', defaultTopic: 'TBW102', readQueueNums: '3', writeQueueNums: '2', perm: '6', topicFilterType: 'SINGLE_TAG', topicSysFlag: '0', order: 'false',
  });
  assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
  const r = await route('AdminTopic');
  assert.deepEqual([r?.queueDatas[0]?.readQueueNums, r?.queueDatas[0]?.writeQueueNums], [3, 2]);
  const all = await t.call(RequestCode.GET_ALL_TOPIC_CONFIG);
  assert.ok(all.body);
  assert.equal(decodeTopicConfigSerializeWrapper(all.body).topicConfigTable.get('AdminTopic')?.readQueueNums, 3);
  const names = await t.call(RequestCode.GET_TOPIC_NAME_LIST);
  assert.ok(names.body && decodeTopicList(names.body).topicList.includes('AdminTopic'));

  assert.equal((await send(t, { topic: 'AdminTopic' })).code, ResponseCode.SUCCESS);
  await t.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'ag', topic: 'AdminTopic', queueId: '0', commitOffset: '1' });
  const del = await t.call(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'AdminTopic' });
  assert.equal(del.code, ResponseCode.SUCCESS);
  assert.equal((await pull(t, { group: 'ag', topic: 'AdminTopic' })).code, ResponseCode.TOPIC_NOT_EXIST);
  const q = await t.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'ag', topic: 'AdminTopic', queueId: '0' });
  assert.equal(q.extFields.offset, '0', 'the committed offset is gone (young-queue rule answers 0)');
});

test('admin refusals: system topics, illegal names, bad filter type', async () => {
  const sys = await t.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'TBW102', defaultTopic: 'TBW102', readQueueNums: '1', writeQueueNums: '1', perm: '6', topicFilterType: 'SINGLE_TAG', order: 'false' });
  assert.deepEqual([sys.code, sys.remark], [ResponseCode.SYSTEM_ERROR, 'The topic[TBW102] is conflict with system topic.']);
  const cluster = await t.call(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'DefaultCluster' });
  assert.equal(cluster.code, ResponseCode.SYSTEM_ERROR);
  const bad = await t.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'a b', defaultTopic: 'TBW102', readQueueNums: '1', writeQueueNums: '1', perm: '6', topicFilterType: 'SINGLE_TAG', order: 'false' });
  assert.match(bad.remark ?? '', /illegal characters/);
  const filter = await t.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'F', defaultTopic: 'TBW102', readQueueNums: '1', writeQueueNums: '1', perm: '6', topicFilterType: 'NOPE', order: 'false' });
  assert.deepEqual([filter.code, filter.remark], [ResponseCode.SYSTEM_ERROR, 'the custom field <topicFilterType> must be SINGLE_TAG or MULTI_TAG: "NOPE"']);
});

test('subscription groups: create, list, delete with its offsets', async () => {
  const config = { ...newSubscriptionGroupConfig('admin_group'), retryMaxTimes: 3 };
  assert.equal((await t.call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, encodeSubscriptionGroupConfig(config))).code, ResponseCode.SUCCESS);
  const all = await t.call(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
  assert.ok(all.body);
  assert.equal(decodeSubscriptionGroupWrapper(all.body).subscriptionGroupTable.get('admin_group')?.retryMaxTimes, 3);
  await t.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'admin_group', topic: 'SELF_TEST_TOPIC', queueId: '0', commitOffset: '5' });
  assert.equal((await t.call(RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: 'admin_group', removeOffset: 'true' })).code, ResponseCode.SUCCESS);
  const after = await t.call(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
  assert.ok(after.body);
  assert.equal(decodeSubscriptionGroupWrapper(after.body).subscriptionGroupTable.has('admin_group'), false);
  const q = await t.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'admin_group', topic: 'SELF_TEST_TOPIC', queueId: '0' });
  assert.equal(q.extFields.offset, '0');
});

test('topic stats, consume stats and who consumes a topic', async () => {
  for (let i = 0; i < 3; i++) await send(t, { topic: 'Stats', queueId: 1 });
  await t.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'stats_group', topic: 'Stats', queueId: '1', commitOffset: '2' });
  const ts = await t.call(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'Stats' });
  assert.ok(ts.body);
  const q1 = decodeTopicStatsTable(ts.body).offsetTable.find(([mq]) => mq.queueId === 1);
  assert.deepEqual([q1?.[0].brokerName, q1?.[1].minOffset, q1?.[1].maxOffset], ['broker-a', 0, 3]);
  assert.ok((q1?.[1].lastUpdateTimestamp ?? 0) > 0);
  const cs = await t.call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'stats_group' });
  assert.ok(cs.body);
  const row = decodeConsumeStats(cs.body).offsetTable.find(([mq]) => mq.topic === 'Stats' && mq.queueId === 1);
  assert.deepEqual([row?.[1].brokerOffset, row?.[1].consumerOffset], [3, 2]);
  const who = await t.call(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic: 'Stats' });
  assert.ok(who.body);
  assert.deepEqual(decodeGroupList(who.body).groupList, ['stats_group']);
  const none = await t.call(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'NoStats' });
  assert.deepEqual([none.code, none.remark], [ResponseCode.TOPIC_NOT_EXIST, 'topic[NoStats] not exist']);
});

test('runtime info counts puts; broker config reads and updates, black-listed keys are refused', async () => {
  const info = await t.call(RequestCode.GET_BROKER_RUNTIME_INFO);
  assert.ok(info.body);
  const table = decodeKVTable(info.body).table;
  assert.equal(table.brokerVersionDesc, 'V4_9_8');
  assert.ok(Number(table.putMessageTimesTotal) > 0);
  assert.ok(Number(table.commitLogMaxOffset) > 0);
  const cfg = await t.call(RequestCode.GET_BROKER_CONFIG);
  assert.match(cfg.body?.toString() ?? '', /^brokerName=broker-a$/m);
  assert.match(cfg.extFields.version ?? '', /^\{"counter":0,"timestamp":\d+\}$/);
  const up = await t.call(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from('defaultQueryMaxNum=16\n'));
  assert.equal(up.code, ResponseCode.SUCCESS, up.remark);
  const cfg2 = await t.call(RequestCode.GET_BROKER_CONFIG);
  assert.match(cfg2.body?.toString() ?? '', /^defaultQueryMaxNum=16$/m);
  assert.match(cfg2.extFields.version ?? '', /"counter":1/);
  const black = await t.call(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from('brokerConfigPath=/tmp/x\n'));
  assert.deepEqual([black.code, black.remark], [ResponseCode.NO_PERMISSION, 'Can not update config in black list.']);
});

test('the VIP port serves the same handlers', async () => {
  const vip = new RemotingClient({ name: 'vip' });
  try {
    const res = await vip.invoke(`127.0.0.1:${t.broker.vipPort}`, createRequest(RequestCode.GET_ALL_TOPIC_CONFIG), TIMEOUT_MS);
    assert.equal(res.code, ResponseCode.SUCCESS);
    assert.notEqual(t.broker.vipPort, t.broker.listenPort);
  } finally {
    await vip.shutdown();
  }
});

test('shutdown unregisters from the NameServer', async () => {
  const other = await startBroker({ overrides: { namesrvAddr, brokerName: 'broker-b' } });
  assert.equal((await send(other, { topic: 'OnlyOnB' })).code, ResponseCode.SUCCESS);
  await waitFor(() => route('OnlyOnB'), { timeoutMs: 3000, what: 'the route of broker-b' });
  await other.stop();
  assert.equal(await route('OnlyOnB'), undefined);
});
