// The NameServer's handlers fed with the captured 4.9.8 request frames; answers compared with the
// captured responses byte for byte where Java's output is deterministic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../src/common/logger.js';
import { defaultNamesrvConfig } from '../../src/config/namesrv-config.js';
import type { NamesrvContext } from '../../src/namesrv/context.js';
import { registerNamesrvHandlers, UnitRequestCode } from '../../src/namesrv/handlers.js';
import { KvConfig } from '../../src/namesrv/kv-config.js';
import { RouteInfo } from '../../src/namesrv/route-info.js';
import { decodeDataVersion, decodeKVTable, decodeTopicList, encodeDataVersion, encodeRegisterBrokerBody } from '../../src/protocol/bodies.js';
import { createRequest, type RemotingCommand } from '../../src/protocol/command.js';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import { bodyCrc32 } from '../../src/protocol/crc32.js';
import { decodeCommand, encodeCommand } from '../../src/protocol/frame.js';
import { Dispatcher } from '../../src/remoting/dispatcher.js';
import type { Connection } from '../../src/remoting/types.js';
import { readFixture } from '../support/fixtures.js';
import { FakeConnection, topicConfig, topicConfigOf, wrapper } from './helpers.js';

class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  debug(m: string): void { this.lines.push(`DEBUG ${m}`); }
  info(m: string): void { this.lines.push(`INFO ${m}`); }
  warn(m: string): void { this.lines.push(`WARN ${m}`); }
  error(m: string): void { this.lines.push(`ERROR ${m}`); }
}

interface Harness {
  ctx: NamesrvContext;
  logger: MemoryLogger;
  watched: Connection[];
  call(request: RemotingCommand, conn?: Connection): Promise<RemotingCommand>;
  callFixture(name: string, conn?: Connection): Promise<RemotingCommand>;
}

function harness(options: { orderMessageEnable?: boolean; now?: () => number } = {}): Harness {
  const orderMessageEnable = options.orderMessageEnable ?? false;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'namesrv-handlers-'));
  const config = {
    ...defaultNamesrvConfig(),
    kvConfigPath: path.join(dir, 'kvConfig.json'),
    configStorePath: path.join(dir, 'namesrv.properties'),
    orderMessageEnable,
  };
  const logger = new MemoryLogger();
  const watched: Connection[] = [];
  const ctx: NamesrvContext = {
    routes: new RouteInfo({ now: options.now }),
    kv: new KvConfig(config.kvConfigPath),
    config,
    logger,
    watchConnection: (conn) => { watched.push(conn); },
  };
  const dispatcher = new Dispatcher();
  registerNamesrvHandlers(dispatcher, ctx);
  const defaultConn = new FakeConnection();
  const call = async (request: RemotingCommand, conn: Connection = defaultConn): Promise<RemotingCommand> => {
    const response = await dispatcher.handle(request, conn);
    assert.ok(response, `code ${request.code} got no response`);
    return response;
  };
  return { ctx, logger, watched, call, callFixture: (name, conn) => call(decodeCommand(readFixture('frames', name)), conn) };
}

function fixture(name: string): RemotingCommand {
  return decodeCommand(readFixture('frames', name));
}

/** Byte-equal to the captured response frame. */
function assertSameFrame(response: RemotingCommand, name: string): void {
  const expected = readFixture('frames', name);
  const actual = encodeCommand(response);
  assert.equal(actual.toString('latin1'), expected.toString('latin1'), `response differs from ${name}`);
}

const MASTER = '103-REGISTER_BROKER.master.request.bin';
const SLAVE = '103-REGISTER_BROKER.slave.request.bin';

/** A REGISTER_BROKER like the captured master's, with its own body (crc computed as the broker does). */
function registerRequest(ext: Record<string, string>, topics: ReturnType<typeof wrapper>, compressed = false): RemotingCommand {
  const body = encodeRegisterBrokerBody({ topicConfigSerializeWrapper: topics, filterServerList: [] }, compressed);
  return createRequest(RequestCode.REGISTER_BROKER, {
    ...fixture(MASTER).extFields, ...ext, compressed: String(compressed), bodyCrc32: String(bodyCrc32(body)),
  }, body);
}

test('REGISTER_BROKER from the captured master: SUCCESS, no masterAddr, connection watched', async () => {
  const h = harness();
  const conn = new FakeConnection();
  const response = await h.callFixture(MASTER, conn);
  const expected = fixture('103-REGISTER_BROKER.master.response.bin');
  // Java writes "extFields":{} here, our encoder omits an empty map: compare the decoded values.
  assert.deepEqual(
    { code: response.code, flag: response.flag, opaque: response.opaque, remark: response.remark, extFields: response.extFields, body: response.body },
    { code: expected.code, flag: expected.flag, opaque: expected.opaque, remark: expected.remark, extFields: expected.extFields, body: expected.body },
  );
  assert.deepEqual(h.watched, [conn]);
  assert.ok(h.logger.lines.some((l) => l.startsWith('INFO new broker registered, 127.0.0.2:10911 HAServer: 127.0.0.2:10912')));
  assert.equal(h.ctx.routes.topicRoute('TBW102')?.queueDatas[0]?.perm, 7);
});

test('REGISTER_BROKER from the captured slave answers exactly the captured masterAddr/haServerAddr', async () => {
  const h = harness();
  await h.callFixture(MASTER);
  assertSameFrame(await h.callFixture(SLAVE), '103-REGISTER_BROKER.slave.response.bin');
});

test('REGISTER_BROKER with a wrong bodyCrc32 is refused with "crc32 not match" and changes nothing', async () => {
  const h = harness();
  const request = fixture(MASTER);
  request.extFields.bodyCrc32 = String(Number(request.extFields.bodyCrc32) + 1);
  const response = await h.call(request);
  assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(response.remark, 'crc32 not match');
  assert.equal(h.ctx.routes.liveBrokers().length, 0);
  assert.ok(h.logger.lines.some((l) => l.startsWith('WARN') && l.includes('crc32 not match')));

  request.extFields.bodyCrc32 = '0'; // 0 = unchecked
  assert.equal((await h.call(request)).code, ResponseCode.SUCCESS);
});

test('REGISTER_BROKER with a compressed body', async () => {
  const h = harness();
  const response = await h.call(registerRequest({}, wrapper([topicConfig('Zipped', 3)], 1, 2), true));
  assert.equal(response.code, ResponseCode.SUCCESS);
  assert.equal(h.ctx.routes.topicRoute('Zipped')?.queueDatas[0]?.writeQueueNums, 3);
});

test('REGISTER_BROKER without a body registers the address with data version 0', async () => {
  const h = harness();
  const request = fixture(MASTER);
  delete request.body;
  request.extFields.bodyCrc32 = '0';
  assert.equal((await h.call(request)).code, ResponseCode.SUCCESS);
  assert.deepEqual(h.ctx.routes.brokerDataVersion('127.0.0.2:10911'), { timestamp: 0, counter: 0 });
  assert.equal(h.ctx.routes.allTopics().topicList.length, 0);
});

test('REGISTER_BROKER answers the ORDER_TOPIC_CONFIG namespace as a KVTable body', async () => {
  const h = harness();
  h.ctx.kv.put('ORDER_TOPIC_CONFIG', 'TopicTestjjj', 'broker-a:4');
  const response = await h.callFixture(MASTER);
  assert.ok(response.body);
  assert.deepEqual(decodeKVTable(response.body), { table: { TopicTestjjj: 'broker-a:4' } });
});

test('bad REGISTER_BROKER requests: SYSTEM_ERROR naming the field or body part, logged, nothing registered', async () => {
  const h = harness();
  const cases: Array<[(r: RemotingCommand) => void, RegExp]> = [
    [(r) => { delete r.extFields.brokerName; }, /the custom field <brokerName> is null/],
    [(r) => { r.extFields.brokerId = 'x'; }, /<brokerId> is not an integer: "x"/],
    [(r) => { r.extFields.brokerId = '-1'; }, /<brokerId> is negative/],
    [(r) => { r.extFields.brokerAddr = '127.0.0.2'; }, /<brokerAddr> is not a host:port address: "127.0.0.2"/],
    [(r) => { r.extFields.haServerAddr = 'h:99999'; }, /<haServerAddr> is not a host:port address/],
    [(r) => { r.extFields.clusterName = ''; }, /<clusterName> is empty/],
    [(r) => { r.extFields.brokerName = 'b'.repeat(2000); }, /<brokerName> is 2000 characters, the limit is 1024/],
    [(r) => { r.body = Buffer.from('{"topicConfigSerializeWrapper":'); r.extFields.bodyCrc32 = '0'; }, /RegisterBrokerBody/],
    [(r) => { r.extFields.compressed = 'true'; r.extFields.bodyCrc32 = '0'; }, /compressed body does not inflate/],
  ];
  for (const [mutate, expected] of cases) {
    const request = fixture(MASTER);
    mutate(request);
    const response = await h.call(request);
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR, String(expected));
    assert.match(response.remark ?? '', expected);
    assert.match(h.logger.lines.at(-1) ?? '', /^WARN bad REGISTER_BROKER request \(code 103\) from 127\.0\.0\.1:\d+: /);
  }
  assert.equal(h.ctx.routes.liveBrokers().length, 0);
});

test('header values sent as JSON numbers and booleans (ali-ons style) are accepted', async () => {
  const h = harness();
  await h.callFixture(MASTER);
  const header = JSON.stringify({ code: 322, extFields: { brokerName: 'broker-a', brokerAddr: '127.0.0.2:10911',
    clusterName: 'DefaultCluster', brokerId: 0 }, flag: 0, language: 'JAVASCRIPT', opaque: 5, version: 121 });
  const body = encodeDataVersion({ counter: 0, timestamp: 1795272761504 });
  const frame = Buffer.alloc(8 + Buffer.byteLength(header) + body.length);
  frame.writeInt32BE(frame.length - 4, 0);
  frame.writeInt32BE(Buffer.byteLength(header), 4);
  frame.write(header, 8);
  body.copy(frame, 8 + Buffer.byteLength(header));
  const response = await h.call(decodeCommand(frame));
  assert.equal(response.code, ResponseCode.SUCCESS);
  assert.equal(response.extFields.changed, 'false');
});

test('QUERY_DATA_VERSION: changed or not, the namesrv\'s version in the body, liveness refreshed', async () => {
  let now = 1000;
  const h = harness({ now: () => now });
  await h.callFixture(MASTER);
  const ask = (counter: number) => createRequest(RequestCode.QUERY_DATA_VERSION, {
    brokerName: 'broker-a', brokerAddr: '127.0.0.2:10911', clusterName: 'DefaultCluster', brokerId: '0',
  }, encodeDataVersion({ counter, timestamp: 1795272761504 }));

  now = 50_000;
  const same = await h.call(ask(0));
  assert.equal(same?.extFields.changed, 'false');
  assert.deepEqual(decodeDataVersion(same?.body ?? Buffer.alloc(0)), { counter: 0, timestamp: 1795272761504 });
  assert.equal(h.ctx.routes.liveBroker('127.0.0.2:10911')?.lastUpdateTimestamp, 50_000);

  now = 60_000;
  const changed = await h.call(ask(1));
  assert.equal(changed?.extFields.changed, 'true');
  assert.equal(h.ctx.routes.liveBroker('127.0.0.2:10911')?.lastUpdateTimestamp, 50_000, 'not refreshed: it must re-register');

  const noBody = ask(0);
  delete noBody.body;
  const refused = await h.call(noBody);
  assert.equal(refused?.code, ResponseCode.SYSTEM_ERROR);
  assert.match(refused?.remark ?? '', /needs a DataVersion body/);
});

test('GET_ROUTEINFO_BY_TOPIC answers exactly the captured route (standard JSON for version 409)', async () => {
  const h = harness();
  await h.callFixture(MASTER);
  // The broker later registered TopicTest (4 queues) with a new data version.
  const topics = topicConfigOf(MASTER);
  topics.topicConfigTable.set('TopicTest', topicConfig('TopicTest', 4, 6));
  topics.dataVersion = { counter: 1, timestamp: 1795272761504 };
  assert.equal((await h.call(registerRequest({}, topics))).code, ResponseCode.SUCCESS);
  assertSameFrame(await h.callFixture('105-GET_ROUTEINFO_BY_TOPIC.request.bin'), '105-GET_ROUTEINFO_BY_TOPIC.response.bin');
});

test('GET_ROUTEINFO_BY_TOPIC in ROCKETMQ serialization answers in ROCKETMQ serialization, as captured', async () => {
  const h = harness();
  await h.callFixture(MASTER);
  assertSameFrame(
    await h.callFixture('105-GET_ROUTEINFO_BY_TOPIC.rocketmq-serialize.request.bin'),
    '105-GET_ROUTEINFO_BY_TOPIC.rocketmq-serialize.response.bin',
  );
});

test('GET_ROUTEINFO_BY_TOPIC for an unknown topic: TOPIC_NOT_EXIST with the captured remark', async () => {
  const h = harness();
  await h.callFixture(MASTER);
  assertSameFrame(
    await h.callFixture('105-GET_ROUTEINFO_BY_TOPIC.topic_not_exist.request.bin'),
    '105-GET_ROUTEINFO_BY_TOPIC.topic_not_exist.response.bin',
  );
});

test('GET_ROUTEINFO_BY_TOPIC: fastjson bare keys for old clients unless they accept standard JSON only', async () => {
  const h = harness();
  await h.callFixture(MASTER);
  const old = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' });
  old.version = 0;
  // spec §8: the capture of a version-0 request, with this broker's address.
  assert.equal((await h.call(old)).body?.toString(),
    '{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.2:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],' +
    '"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":7,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}]}');
  old.extFields.acceptStandardJsonOnly = 'true';
  assert.match((await h.call(old)).body?.toString() ?? '', /"brokerAddrs":\{"0":"127\.0\.0\.2:10911"\}/);
});

test('GET_ROUTEINFO_BY_TOPIC carries orderTopicConf from the KV config when orderMessageEnable', async () => {
  for (const enabled of [false, true]) {
    const h = harness({ orderMessageEnable: enabled });
    await h.callFixture(MASTER);
    h.ctx.kv.put('ORDER_TOPIC_CONFIG', 'TBW102', 'broker-a:8');
    const body = (await h.call(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' }))).body?.toString() ?? '';
    assert.equal(body.includes('"orderTopicConf":"broker-a:8"'), enabled);
  }
});

test('GET_BROKER_CLUSTER_INFO answers exactly the captured cluster info', async () => {
  const h = harness();
  await h.callFixture(MASTER);
  assertSameFrame(await h.callFixture('106-GET_BROKER_CLUSTER_INFO.request.bin'), '106-GET_BROKER_CLUSTER_INFO.response.bin');
});

test('GET_ALL_TOPIC_LIST_FROM_NAMESERVER answers exactly the captured list (Java HashSet order)', async () => {
  const h = harness();
  const topics = topicConfigOf(MASTER);
  for (const t of ['TopicTestjjj', '%RETRY%please_rename_unique_group_name_4', 'RMQ_SYS_TRANS_HALF_TOPIC', 'BatchTest',
    '%RETRY%please_rename_unique_group_name_3', 'TopicTest']) {
    topics.topicConfigTable.set(t, topicConfig(t));
  }
  await h.call(registerRequest({}, topics));
  assertSameFrame(
    await h.callFixture('206-GET_ALL_TOPIC_LIST_FROM_NAMESERVER.request.bin'),
    '206-GET_ALL_TOPIC_LIST_FROM_NAMESERVER.response.bin',
  );
});

test('UNREGISTER_BROKER of the captured slave answers as captured and leaves the master', async () => {
  const h = harness();
  await h.callFixture(MASTER);
  await h.callFixture(SLAVE);
  assertSameFrame(await h.callFixture('104-UNREGISTER_BROKER.request.bin'), '104-UNREGISTER_BROKER.response.bin');
  assert.deepEqual(h.ctx.routes.liveBrokers().map((b) => b.brokerAddr), ['127.0.0.2:10911']);
  assert.ok(h.logger.lines.some((l) => l.startsWith('INFO unregisterBroker OK, 127.0.0.1:11911')));
});

test('topic lists by cluster, system topics, unit topics', async () => {
  const h = harness();
  await h.callFixture(MASTER);
  const byCluster = await h.call(createRequest(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'DefaultCluster' }));
  assert.equal(decodeTopicList(byCluster.body ?? Buffer.alloc(0)).topicList.length, 8);
  const unknown = await h.call(createRequest(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'Nope' }));
  assert.equal(unknown.body?.toString(), '{"topicList":[]}');
  const missing = await h.call(createRequest(RequestCode.GET_TOPICS_BY_CLUSTER));
  assert.equal(missing.code, ResponseCode.SYSTEM_ERROR);
  assert.match(missing.remark ?? '', /<cluster> is null/);
  const system = await h.call(createRequest(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS));
  assert.equal(system.body?.toString(), '{"brokerAddr":"127.0.0.2:10911","topicList":["broker-a","DefaultCluster"]}');
  for (const code of Object.values(UnitRequestCode)) {
    const r = await h.call(createRequest(code));
    assert.equal(r.code, ResponseCode.SUCCESS);
    assert.equal(r.body?.toString(), '{"topicList":[]}');
  }
});

test('DELETE_TOPIC_IN_NAMESRV, everywhere or per cluster (empty clusterName = everywhere)', async () => {
  const h = harness();
  await h.callFixture(MASTER);
  const del = (ext: Record<string, string>) => h.call(createRequest(RequestCode.DELETE_TOPIC_IN_NAMESRV, ext));
  assert.equal((await del({ topic: 'TBW102', clusterName: 'Other' })).code, ResponseCode.SUCCESS);
  assert.ok(h.ctx.routes.topicRoute('TBW102'));
  await del({ topic: 'TBW102', clusterName: 'DefaultCluster' });
  assert.equal(h.ctx.routes.topicRoute('TBW102'), undefined);
  await del({ topic: 'BenchmarkTest', clusterName: '' });
  assert.equal(h.ctx.routes.topicRoute('BenchmarkTest'), undefined);
  assert.ok(h.logger.lines.some((l) => l.startsWith('INFO deleteTopic BenchmarkTest: 1 queue data(s) removed')));
});

test('WIPE/ADD_WRITE_PERM_OF_BROKER answer the topic counts', async () => {
  const h = harness();
  await h.callFixture(MASTER);
  const wipe = await h.call(createRequest(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' }));
  assert.deepEqual(wipe.extFields, { wipeTopicCount: '8' });
  assert.equal(h.ctx.routes.topicRoute('TBW102')?.queueDatas[0]?.perm, 5);
  const add = await h.call(createRequest(RequestCode.ADD_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' }));
  assert.deepEqual(add.extFields, { addTopicCount: '8' });
  const none = await h.call(createRequest(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'nobody' }));
  assert.deepEqual(none.extFields, { wipeTopicCount: '0' });
});

test('KV config requests: put, get, miss, list, delete', async () => {
  const h = harness();
  const put = (key: string, value: string) =>
    h.call(createRequest(RequestCode.PUT_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key, value }));
  assert.equal((await put('T1', 'broker-a:4')).code, ResponseCode.SUCCESS);
  await put('T2', 'broker-b:2');
  const get = await h.call(createRequest(RequestCode.GET_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T1' }));
  assert.deepEqual([get.code, get.extFields], [ResponseCode.SUCCESS, { value: 'broker-a:4' }]);
  const miss = await h.call(createRequest(RequestCode.GET_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'x' }));
  // spec §8: the captured miss.
  assert.deepEqual([miss.code, miss.remark], [ResponseCode.QUERY_NOT_FOUND, 'No config item, Namespace: ORDER_TOPIC_CONFIG Key: x']);
  const list = await h.call(createRequest(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'ORDER_TOPIC_CONFIG' }));
  assert.deepEqual(decodeKVTable(list.body ?? Buffer.alloc(0)), { table: { T1: 'broker-a:4', T2: 'broker-b:2' } });
  const noNs = await h.call(createRequest(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'nope' }));
  assert.deepEqual([noNs.code, noNs.remark], [ResponseCode.QUERY_NOT_FOUND, 'No config item, Namespace: nope']);
  await h.call(createRequest(RequestCode.DELETE_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T1' }));
  assert.equal(h.ctx.kv.get('ORDER_TOPIC_CONFIG', 'T1'), undefined);
  assert.deepEqual(JSON.parse(fs.readFileSync(h.ctx.config.kvConfigPath, 'utf8')), { configTable: { ORDER_TOPIC_CONFIG: { T2: 'broker-b:2' } } });
  const noValue = await h.call(createRequest(RequestCode.PUT_KV_CONFIG, { namespace: 'ns', key: 'k' }));
  assert.deepEqual([noValue.code, noValue.remark], [ResponseCode.SYSTEM_ERROR, 'the custom field <value> is null']);
  const tooBig = await h.call(createRequest(RequestCode.PUT_KV_CONFIG, { namespace: 'ns', key: 'k', value: 'v'.repeat(70_000) }));
  assert.equal(tooBig.code, ResponseCode.SYSTEM_ERROR);
  assert.match(tooBig.remark ?? '', /KV value of ns\/k is 70000 characters/);
});

test('GET/UPDATE_NAMESRV_CONFIG: properties text, black list, bad values change nothing', async () => {
  const h = harness();
  const update = (text: string) => h.call(createRequest(RequestCode.UPDATE_NAMESRV_CONFIG, {}, Buffer.from(text)));
  const get = await h.call(createRequest(RequestCode.GET_NAMESRV_CONFIG));
  assert.match(get.body?.toString() ?? '', /^orderMessageEnable=false$/m);
  assert.match(get.body?.toString() ?? '', /^listenPort=9876$/m);

  assert.equal((await update('orderMessageEnable=true\n')).code, ResponseCode.SUCCESS);
  assert.equal(h.ctx.config.orderMessageEnable, true);
  assert.match(fs.readFileSync(h.ctx.config.configStorePath, 'utf8'), /^orderMessageEnable=true$/m, 'persisted like RocketMQ');
  assert.ok(h.logger.lines.some((l) => /^INFO updateConfig called by 127\.0\.0\.1:\d+: orderMessageEnable=true$/.test(l)));

  for (const key of ['kvConfigPath', 'configStorePath', 'configBlackList', 'rocketmqHome']) {
    const refused = await update(`clusterTest=true\n${key}=/tmp/x\n`);
    assert.deepEqual([refused.code, refused.remark], [ResponseCode.NO_PERMISSION, 'Can not update config in black list.']);
  }
  assert.equal(h.ctx.config.clusterTest, false, 'a refused update changes nothing');

  const bad = await update('clusterTest=true\nlistenPort=abc\n');
  assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
  assert.match(bad.remark ?? '', /listenPort: "abc" is not an integer/);
  assert.equal(h.ctx.config.clusterTest, false);
  assert.equal((await h.call(createRequest(RequestCode.UPDATE_NAMESRV_CONFIG))).code, ResponseCode.SUCCESS, 'no body: nothing to do');
});
