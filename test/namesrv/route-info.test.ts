import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RouteInfo, RouteLimitError } from '../../src/namesrv/route-info.js';
import { FakeConnection, masterRegistration, slaveRegistration, topicConfig, wrapper } from './helpers.js';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

test('a master registration gives every topic of its config a route to the master', () => {
  const routes = new RouteInfo();
  const result = routes.registerBroker(masterRegistration());
  assert.deepEqual(result, { newBroker: true, topicsApplied: true });

  // The captured TBW102 route (105 rocketmq-serialize response): one queue data 8/8 perm 7, one broker.
  const route = routes.topicRoute('TBW102');
  assert.ok(route);
  assert.deepEqual(route.queueDatas, [{ brokerName: 'broker-a', readQueueNums: 8, writeQueueNums: 8, perm: 7, topicSysFlag: 0 }]);
  assert.equal(route.brokerDatas.length, 1);
  assert.equal(route.brokerDatas[0]?.cluster, 'DefaultCluster');
  assert.deepEqual([...(route.brokerDatas[0]?.brokerAddrs ?? [])], [[0, '127.0.0.2:10911']]);
  assert.deepEqual(route.filterServerTable, {});
  assert.equal(routes.topicRoute('TopicTest'), undefined);
});

test('a slave joins its master: addresses by id, masterAddr/haServerAddr returned, topics not taken from it', () => {
  const routes = new RouteInfo();
  routes.registerBroker(masterRegistration());
  const result = routes.registerBroker({
    ...slaveRegistration(),
    topicConfig: wrapper([topicConfig('OnlyOnSlave')], 5, 5),
  });
  // Values of the captured slave response (103 slave response extFields).
  assert.equal(result.masterAddr, '127.0.0.2:10911');
  assert.equal(result.haServerAddr, '127.0.0.2:10912');
  assert.equal(result.topicsApplied, false);
  assert.equal(routes.topicRoute('OnlyOnSlave'), undefined);
  const route = routes.topicRoute('TBW102');
  assert.deepEqual([...(route?.brokerDatas[0]?.brokerAddrs ?? [])], [[0, '127.0.0.2:10911'], [1, '127.0.0.1:11911']]);
});

test('a slave without a master: no masterAddr, and its topics give routes until the master comes', () => {
  const routes = new RouteInfo();
  const result = routes.registerBroker(slaveRegistration());
  assert.equal(result.masterAddr, undefined);
  assert.equal(result.haServerAddr, undefined);
  const route = routes.topicRoute('TBW102');
  assert.deepEqual([...(route?.brokerDatas[0]?.brokerAddrs ?? [])], [[1, '127.0.0.1:11911']]);
  // The master's registration then replaces the queue datas with its own.
  routes.registerBroker({ ...masterRegistration(), topicConfig: wrapper([topicConfig('TBW102', 2, 6)]) });
  assert.equal(routes.topicRoute('TBW102')?.queueDatas[0]?.readQueueNums, 2);
});

test('a re-registration with the same data version keeps the queue datas; a new version updates them', () => {
  const routes = new RouteInfo();
  routes.registerBroker({ ...masterRegistration(), topicConfig: wrapper([topicConfig('T', 4)], 1, 100) });
  routes.wipeWritePerm('broker-a');
  const same = routes.registerBroker({ ...masterRegistration(), topicConfig: wrapper([topicConfig('T', 8)], 1, 100) });
  assert.equal(same.topicsApplied, false);
  assert.equal(same.newBroker, false);
  assert.equal(routes.topicRoute('T')?.queueDatas[0]?.perm, 4, 'wiped perm survives an unchanged re-registration');
  const changed = routes.registerBroker({ ...masterRegistration(), topicConfig: wrapper([topicConfig('T', 8)], 2, 100) });
  assert.equal(changed.topicsApplied, true);
  assert.equal(routes.topicRoute('T')?.queueDatas[0]?.readQueueNums, 8);
  assert.equal(routes.isTopicConfigChanged('127.0.0.2:10911', { counter: 2, timestamp: 100 }), false);
  assert.equal(routes.isTopicConfigChanged('127.0.0.2:10911', { counter: 3, timestamp: 100 }), true);
  assert.equal(routes.isTopicConfigChanged('10.0.0.9:10911', { counter: 2, timestamp: 100 }), true);
});

test('a promoted slave keeps one id per address', () => {
  const routes = new RouteInfo();
  routes.registerBroker(slaveRegistration());
  routes.registerBroker({ ...slaveRegistration(), brokerId: 0 });
  const info = routes.clusterInfo();
  assert.deepEqual([...(info.brokerAddrTable.get('broker-a')?.brokerAddrs ?? [])], [[0, '127.0.0.1:11911']]);
});

test('brokers not heard from for 120 s expire; a touch keeps them alive', () => {
  const c = clock();
  const routes = new RouteInfo({ now: c.now });
  const masterConn = new FakeConnection();
  routes.registerBroker(masterRegistration(masterConn));
  routes.registerBroker(slaveRegistration());
  c.advance(60_000);
  routes.touchBroker('127.0.0.1:11911');
  c.advance(60_000);
  assert.deepEqual(routes.scanExpiredBrokers(), [], 'exactly 120 s is not yet expired');
  c.advance(1);
  const expired = routes.scanExpiredBrokers();
  assert.equal(expired.length, 1);
  assert.equal(expired[0]?.brokerAddr, '127.0.0.2:10911');
  assert.equal(expired[0]?.connection, masterConn, 'the caller gets the connection to close');
  assert.equal(expired[0]?.brokerNameRemoved, false, 'the slave still serves broker-a');
  assert.deepEqual([...(routes.topicRoute('TBW102')?.brokerDatas[0]?.brokerAddrs ?? [])], [[1, '127.0.0.1:11911']]);
  c.advance(60_000);
  const last = routes.scanExpiredBrokers();
  assert.equal(last[0]?.brokerNameRemoved, true);
  assert.equal(routes.topicRoute('TBW102'), undefined);
  assert.equal(routes.clusterInfo().clusterAddrTable.size, 0);
  assert.equal(routes.topicCount, 0);
});

test('closing the registration connection drops that broker only', () => {
  const routes = new RouteInfo();
  const a = new FakeConnection();
  const b = new FakeConnection();
  routes.registerBroker(masterRegistration(a));
  routes.registerBroker({
    clusterName: 'DefaultCluster', brokerAddr: '127.0.0.3:10911', brokerName: 'broker-b', brokerId: 0,
    haServerAddr: '127.0.0.3:10912', topicConfig: wrapper([topicConfig('TBW102', 8, 7), topicConfig('OnB')]), connection: b,
  });
  assert.equal(routes.topicRoute('TBW102')?.brokerDatas.length, 2);
  const removed = routes.onConnectionClosed(a);
  assert.deepEqual(removed.map((r) => [r.brokerAddr, r.brokerNameRemoved]), [['127.0.0.2:10911', true]]);
  const route = routes.topicRoute('TBW102');
  assert.deepEqual(route?.brokerDatas.map((d) => d.brokerName), ['broker-b']);
  assert.deepEqual(route?.queueDatas.map((q) => q.brokerName), ['broker-b']);
  assert.deepEqual(routes.clusterInfo().clusterAddrTable.get('DefaultCluster'), ['broker-b']);
  assert.deepEqual(routes.onConnectionClosed(new FakeConnection()), []);
});

test('a broker that re-registered on a new connection survives the close of the old one', () => {
  const routes = new RouteInfo();
  const oldConn = new FakeConnection();
  routes.registerBroker(masterRegistration(oldConn));
  routes.registerBroker(masterRegistration(new FakeConnection()));
  assert.deepEqual(routes.onConnectionClosed(oldConn), []);
  assert.ok(routes.topicRoute('TBW102'));
});

test('unregistering the slave keeps the route; unregistering the master too drops it', () => {
  const routes = new RouteInfo();
  routes.registerBroker(masterRegistration());
  routes.registerBroker(slaveRegistration());
  // The captured 104 request: the slave leaving.
  const slave = routes.unregisterBroker('DefaultCluster', '127.0.0.1:11911', 'broker-a', 1);
  assert.equal(slave?.brokerNameRemoved, false);
  assert.deepEqual([...(routes.topicRoute('TBW102')?.brokerDatas[0]?.brokerAddrs ?? [])], [[0, '127.0.0.2:10911']]);
  assert.equal(routes.unregisterBroker('DefaultCluster', '127.0.0.1:11911', 'broker-a', 1), undefined, 'twice is a no-op');
  const master = routes.unregisterBroker('DefaultCluster', '127.0.0.2:10911', 'broker-a', 0);
  assert.equal(master?.brokerNameRemoved, true);
  assert.equal(routes.topicRoute('TBW102'), undefined);
  assert.equal(routes.liveBrokers().length, 0);
});

test('wipe and add write perm count the topics of the broker and change bit 2', () => {
  const routes = new RouteInfo();
  routes.registerBroker(masterRegistration());
  assert.equal(routes.wipeWritePerm('broker-a'), 8);
  assert.equal(routes.topicRoute('TBW102')?.queueDatas[0]?.perm, 5, '7 without write');
  assert.equal(routes.topicRoute('BenchmarkTest')?.queueDatas[0]?.perm, 4, '6 without write');
  assert.equal(routes.addWritePerm('broker-a'), 8);
  assert.equal(routes.topicRoute('TBW102')?.queueDatas[0]?.perm, 6, 'RocketMQ sets read+write, dropping inherit');
  assert.equal(routes.wipeWritePerm('no-such-broker'), 0);
});

test('route lookups hand out copies', () => {
  const routes = new RouteInfo();
  routes.registerBroker(masterRegistration());
  const route = routes.topicRoute('TBW102');
  assert.ok(route?.queueDatas[0] && route.brokerDatas[0]);
  route.queueDatas[0].perm = 0;
  route.brokerDatas[0].brokerAddrs.clear();
  assert.equal(routes.topicRoute('TBW102')?.queueDatas[0]?.perm, 7);
  assert.equal(routes.topicRoute('TBW102')?.brokerDatas[0]?.brokerAddrs.size, 1);
});

test('delete topic: everywhere, or only on the brokers of one cluster', () => {
  const routes = new RouteInfo();
  routes.registerBroker({ ...masterRegistration(), topicConfig: wrapper([topicConfig('T'), topicConfig('U')]) });
  routes.registerBroker({
    clusterName: 'OtherCluster', brokerAddr: '127.0.0.3:10911', brokerName: 'broker-b', brokerId: 0,
    haServerAddr: '127.0.0.3:10912', topicConfig: wrapper([topicConfig('T'), topicConfig('U')]),
  });
  assert.equal(routes.deleteTopic('T', 'OtherCluster'), 1);
  assert.deepEqual(routes.topicRoute('T')?.queueDatas.map((q) => q.brokerName), ['broker-a']);
  assert.equal(routes.deleteTopic('T', 'NoSuchCluster'), 0);
  assert.equal(routes.deleteTopic('T', 'DefaultCluster'), 1);
  assert.equal(routes.topicRoute('T'), undefined);
  assert.equal(routes.deleteTopic('U'), 2);
  assert.equal(routes.topicRoute('U'), undefined);
  assert.equal(routes.deleteTopic('U'), 0);
});

test('topic lists: all topics in Java HashSet order, by cluster, system topics, unit topics', () => {
  const routes = new RouteInfo();
  const extra = ['TopicTestjjj', '%RETRY%please_rename_unique_group_name_4', 'RMQ_SYS_TRANS_HALF_TOPIC', 'BatchTest',
    '%RETRY%please_rename_unique_group_name_3', 'TopicTest'].map((t) => topicConfig(t));
  const reg = masterRegistration();
  const table = new Map(reg.topicConfig?.topicConfigTable);
  for (const c of extra) table.set(c.topicName, c);
  routes.registerBroker({ ...reg, topicConfig: { topicConfigTable: table, dataVersion: { counter: 6, timestamp: 1 } } });
  // The order of the captured 206 response.
  assert.deepEqual(routes.allTopics().topicList, [
    'RMQ_SYS_TRANS_HALF_TOPIC', 'TopicTestjjj', '%RETRY%please_rename_unique_group_name_4', 'BenchmarkTest',
    'OFFSET_MOVED_EVENT', 'TBW102', 'SELF_TEST_TOPIC', 'DefaultCluster', 'SCHEDULE_TOPIC_XXXX',
    'DefaultCluster_REPLY_TOPIC', 'BatchTest', '%RETRY%please_rename_unique_group_name_3', 'TopicTest', 'broker-a',
  ]);
  assert.deepEqual(new Set(routes.topicsByCluster('DefaultCluster').topicList), new Set(routes.allTopics().topicList));
  assert.deepEqual(routes.topicsByCluster('NoSuchCluster').topicList, []);
  // Java HashSet order for two names in a 16-bucket table.
  assert.deepEqual(routes.systemTopics(), { topicList: ['broker-a', 'DefaultCluster'], brokerAddr: '127.0.0.2:10911' });
  assert.deepEqual(routes.unitTopics().topicList, []);

  routes.registerBroker({
    ...masterRegistration(),
    topicConfig: wrapper([{ ...topicConfig('Unit'), topicSysFlag: 1 }, { ...topicConfig('UnitSub'), topicSysFlag: 2 },
      { ...topicConfig('Both'), topicSysFlag: 3 }], 7, 1),
  });
  assert.deepEqual(new Set(routes.unitTopics().topicList), new Set(['Unit', 'Both']));
  assert.deepEqual(new Set(routes.hasUnitSubTopics().topicList), new Set(['UnitSub', 'Both']));
  assert.deepEqual(routes.hasUnitSubUnUnitTopics().topicList, ['UnitSub']);
});

test('limits: too many topics or brokers is refused and changes nothing', () => {
  const routes = new RouteInfo({ limits: { maxTopics: 9, maxBrokers: 1, maxFilterServers: 1 } });
  assert.throws(
    () => routes.registerBroker({ ...masterRegistration(), topicConfig: wrapper(Array.from({ length: 10 }, (_, i) => topicConfig(`T${i}`))) }),
    (err: unknown) => err instanceof RouteLimitError && /too many topics.*limit of 9/.test(err.message),
  );
  assert.equal(routes.liveBrokers().length, 0);
  assert.equal(routes.clusterInfo().brokerAddrTable.size, 0);
  routes.registerBroker(masterRegistration());
  assert.throws(() => routes.registerBroker(slaveRegistration()), /too many brokers/);
  assert.throws(
    () => routes.registerBroker({ ...masterRegistration(), filterServerList: ['a:1', 'b:2'] }),
    /too many filter servers: 2 > 1/,
  );
  assert.equal(routes.liveBrokers().length, 1);
});

test('filter servers show in the route of the broker that announced them', () => {
  const routes = new RouteInfo();
  routes.registerBroker({ ...masterRegistration(), filterServerList: ['127.0.0.2:30000'] });
  assert.deepEqual(routes.topicRoute('TBW102')?.filterServerTable, { '127.0.0.2:10911': ['127.0.0.2:30000'] });
  routes.registerBroker({ ...masterRegistration(), filterServerList: [] });
  assert.deepEqual(routes.topicRoute('TBW102')?.filterServerTable, {});
});
