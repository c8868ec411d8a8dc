// mqadmin cluster and topic commands against a real NameServer and broker: the values they print.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AdminCluster, rows, uniq, waitFor } from './harness.js';

let c: AdminCluster;

before(async () => {
  c = await AdminCluster.start();
});

after(async () => {
  await c.stop();
});

test('clusterList: broker-a of DefaultCluster with its id, address and version; figures from the runtime info', async () => {
  const r = await c.run('clusterList');
  assert.equal(r.code, 0, r.err);
  const [head, ...lines] = r.out.trimEnd().split('\n');
  assert.match(head!, /^#Cluster Name\s+#Broker Name\s+#BID\s+#Addr\s+#Version\s+#InTPS\(LOAD\)\s+#OutTPS\(LOAD\)\s+#PCWait\(ms\)\s+#Hour\s+#SPACE$/);
  assert.equal(lines.length, 1);
  const cols = lines[0]!.trim().split(/\s+/);
  assert.deepEqual(cols.slice(0, 5), ['DefaultCluster', 'broker-a', '0', c.brokerAddr(), 'V4_9_8']);
  // "%9.2f(queueSize,headWaitms)": the send and pull pools, as RocketMQ prints them.
  assert.match(cols[5]!, /^\d+\.\d\d\(\d+,\d+ms\)$/);
  assert.match(cols[6]!, /^\d+\.\d\d\(\d+,\d+ms\)$/);
  // Columns keep RocketMQ's widths: the address column starts where its heading does.
  assert.equal(lines[0]!.indexOf(c.brokerAddr()), head!.indexOf('#Addr'));
});

test('clusterList -m: today\'s put and get totals are the messages sent and pulled', async () => {
  const topic = uniq('CL_M');
  await c.createTopic(topic);
  const before = (await c.run('clusterList', '-m')).out;
  const inBefore = Number(rows(before)[0]![4]);
  await c.send(topic, 5);
  const r = await c.run('clusterList', '-m');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out.split('\n')[0]!, /^#Cluster Name\s+#Broker Name\s+#InTotalYest\s+#OutTotalYest\s+#InTotalToday\s+#OutTotalToday$/);
  const [cluster, broker, inYest, outYest, inToday] = rows(r.out)[0]!;
  assert.deepEqual([cluster, broker, inYest, outYest], ['DefaultCluster', 'broker-a', '0', '0']);
  assert.equal(Number(inToday), inBefore + 5);
});

test('updateTopic -c creates the topic on the cluster\'s masters; topicList lists it; topicRoute shows its queues', async () => {
  const topic = uniq('UT');
  const r = await c.run('updateTopic', '-c', 'DefaultCluster', '-t', topic, '-r', '3', '-w', '5', '-p', '6');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, `create topic to ${c.brokerAddr()} success.\n`
    + `TopicConfig [topicName=${topic}, readQueueNums=3, writeQueueNums=5, perm=RW-, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=false]\n`);
  const list = await c.run('topicList');
  assert.ok(list.out.split('\n').includes(topic), list.out);
  const route = await c.run('topicRoute', '-t', topic);
  assert.equal(route.code, 0, route.err);
  // fastjson's pretty layout, with the Long-keyed broker address map unquoted, as 4.9.8 prints it.
  assert.equal(route.out, [
    '{',
    '\t"brokerDatas":[{',
    `\t\t"brokerAddrs":{0:"${c.brokerAddr()}"`,
    '\t\t},',
    '\t\t"brokerName":"broker-a",',
    '\t\t"cluster":"DefaultCluster"',
    '\t}],',
    '\t"filterServerTable":{},',
    '\t"queueDatas":[{',
    '\t\t"brokerName":"broker-a",',
    '\t\t"perm":6,',
    '\t\t"readQueueNums":3,',
    '\t\t"topicSysFlag":0,',
    '\t\t"writeQueueNums":5',
    '\t}]',
    '}',
    '',
  ].join('\n'));
  const table = await c.run('topicRoute', '-t', topic, '-l');
  const lines = table.out.split('\n');
  assert.match(lines[0]!, /^#ClusterName\s+#BrokerName\s+#BrokerAddrs\s+#ReadQueue\s+#WriteQueue\s+#Perm\s*$/);
  assert.deepEqual(lines[1]!.trim().split(/\s+/), ['DefaultCluster', 'broker-a', `{0=${c.brokerAddr()}}`, '3', '5', '6']);
  assert.equal(lines[2], '-'.repeat(158));
  assert.deepEqual(lines[3]!.trim().split(/\s+/), ['Total:', '1', '3', '5']);
});

test('updateTopic -b with -o true writes the order conf; updateOrderConf get/put/delete round-trips it', async () => {
  const topic = uniq('UT_ORDER');
  const r = await c.run('updateTopic', '-b', c.brokerAddr(), '-t', topic, '-w', '2', '-r', '2', '-o', 'true');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /set broker orderConf\. isOrder=true, orderConf=\[broker-a:2\]/);
  assert.match(r.out, /order=true\]/);
  assert.equal((await c.run('updateOrderConf', '-t', topic, '-m', 'get')).out, `get orderConf success. topic=[${topic}], orderConf=[broker-a:2]\n`);
  assert.equal((await c.run('updateOrderConf', '-t', topic, '-m', 'put', '-v', 'broker-a:8')).code, 0);
  assert.equal((await c.run('updateOrderConf', '-t', topic, '-m', 'get')).out, `get orderConf success. topic=[${topic}], orderConf=[broker-a:8]\n`);
  assert.equal((await c.run('updateOrderConf', '-t', topic, '-m', 'delete')).out, `delete orderConf success. topic=[${topic}]\n`);
  assert.equal((await c.run('updateOrderConf', '-t', topic, '-m', 'get')).out, `get orderConf success. topic=[${topic}], orderConf=[null]\n`);
  const bad = await c.run('updateOrderConf', '-t', topic, '-m', 'put');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /please set orderConf with option -v/);
});

test('updateTopic refuses a bad topic name before asking the broker, and needs -b or -c', async () => {
  const bad = await c.run('updateTopic', '-c', 'DefaultCluster', '-t', 'bad/name');
  assert.equal(bad.code, 1);
  assert.equal(bad.err, 'updateTopic command failed: The specified topic[bad/name] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$\n');
  const none = await c.run('updateTopic', '-t', 'fine');
  assert.equal(none.code, 1);
  assert.match(none.err, /Missing required option: one of -b, -c/);
  const unknownCluster = await c.run('updateTopic', '-c', 'NoSuchCluster', '-t', 'fine');
  assert.equal(unknownCluster.code, 1);
  assert.match(unknownCluster.err, /cluster \[NoSuchCluster\] not found/);
});

test('topicStatus: min and max offset of each queue after N sends, last update time of the non-empty ones', async () => {
  const topic = uniq('TS');
  await c.createTopic(topic, 4);
  const sent = await c.send(topic, 10);
  const r = await c.run('topicStatus', '-t', topic);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out.split('\n')[0]!, /^#Broker Name\s+#QID\s+#Min Offset\s+#Max Offset\s+#Last Updated$/);
  const perQueue = new Map<number, number>();
  for (const s of sent) perQueue.set(s.messageQueue.queueId, (perQueue.get(s.messageQueue.queueId) ?? 0) + 1);
  const table = rows(r.out);
  assert.equal(table.length, 4);
  for (const [i, row] of table.entries()) {
    assert.equal(row[0], 'broker-a');
    assert.equal(Number(row[1]), i);
    assert.equal(Number(row[2]), 0);
    assert.equal(Number(row[3]), perQueue.get(i) ?? 0);
    if ((perQueue.get(i) ?? 0) > 0) assert.match(`${row[4]} ${row[5]}`, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}$/);
  }
  assert.equal(table.reduce((n, row) => n + Number(row[3]), 0), 10);
});

test('topicRoute / topicStatus of an unknown topic: exit 1 with the NameServer\'s reason on one line', async () => {
  for (const cmd of ['topicRoute', 'topicStatus']) {
    const r = await c.run(cmd, '-t', 'NoSuchTopic_x');
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.equal(r.err.split('\n').length, 2, r.err);
    assert.match(r.err, new RegExp(`^${cmd} command failed: .*CODE: 17 .*No topic route info in name server for the topic: NoSuchTopic_x`));
  }
});

test('topicList -c: the topic\'s cluster and the groups consuming it', async () => {
  const topic = uniq('TLC');
  const group = uniq('tlc_cg');
  await c.createTopic(topic);
  await c.send(topic, 2);
  const { seen } = await c.consumer(group, topic);
  await waitFor(() => seen.length >= 2, { timeoutMs: 15_000, what: 'the consumer to get both messages' });
  const r = await c.run('topicList', '-c');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out.split('\n')[0]!, /^#Cluster Name\s+#Topic\s+#Consumer Group\s*$/);
  assert.ok(rows(r.out).some((row) => row[0] === 'DefaultCluster' && row[1] === topic && row[2] === group), r.out);
  assert.ok(!r.out.includes('%RETRY%'), 'retry topics are left out');
});

test('topicClusterList and allocateMQ', async () => {
  const topic = uniq('TCL');
  await c.createTopic(topic, 5);
  assert.equal((await c.run('topicClusterList', '-t', topic)).out, 'DefaultCluster\n');
  const r = await c.run('allocateMQ', '-t', topic, '-i', '10.0.0.1,10.0.0.2');
  assert.equal(r.code, 0, r.err);
  const parsed = JSON.parse(r.out) as { result: Record<string, Array<{ brokerName: string; queueId: number; topic: string }>> };
  assert.deepEqual(parsed.result['10.0.0.1']!.map((q) => q.queueId), [0, 1, 2]);
  assert.deepEqual(parsed.result['10.0.0.2']!.map((q) => q.queueId), [3, 4]);
  assert.ok(parsed.result['10.0.0.1']!.every((q) => q.topic === topic && q.brokerName === 'broker-a'));
});

test('updateTopicPerm -b changes the route\'s permission; the same permission again changes nothing', async () => {
  const topic = uniq('UTP');
  await c.createTopic(topic);
  const r = await c.run('updateTopicPerm', '-t', topic, '-p', '4', '-b', c.brokerAddr());
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`^update topic perm from 6 to 4 in ${c.brokerAddr()} success\\.\n`));
  await waitFor(async () => (await c.run('topicRoute', '-t', topic)).out.includes('"perm":4'), { timeoutMs: 5000, what: 'perm 4 in the route' });
  assert.equal((await c.run('updateTopicPerm', '-t', topic, '-p', '4', '-b', c.brokerAddr())).out, 'new perm equals to the old one!\n');
  const back = await c.run('updateTopicPerm', '-t', topic, '-p', '6', '-c', 'DefaultCluster');
  assert.equal(back.out, `update topic perm from 4 to 6 in ${c.brokerAddr()} success.\n`);
  assert.equal((await c.run('updateTopicPerm', '-t', topic, '-p', '5', '-c', 'DefaultCluster')).code, 1);
});

test('deleteTopic removes the topic from the broker and the NameServer', async () => {
  const topic = uniq('DT');
  await c.createTopic(topic);
  const r = await c.run('deleteTopic', '-t', topic, '-c', 'DefaultCluster');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, `delete topic [${topic}] from cluster [DefaultCluster] success.\ndelete topic [${topic}] from NameServer success.\n`);
  assert.ok(!(await c.run('topicList')).out.split('\n').includes(topic));
  assert.equal((await c.run('topicRoute', '-t', topic)).code, 1);
});

test('statsAll: a topic\'s 24-hour in/out counts and backlog per consuming group; -a leaves idle topics out', async () => {
  const topic = uniq('SA');
  const group = uniq('sa_cg');
  await c.createTopic(topic);
  await c.send(topic, 6);
  const { consumer, seen } = await c.consumer(group, topic);
  await waitFor(() => seen.length >= 6, { timeoutMs: 15_000, what: 'six messages consumed' });
  await consumer.shutdown();
  await c.send(topic, 3);
  const r = await c.run('statsAll', '-t', topic);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out.split('\n')[0]!, /^#Topic\s+#Consumer Group\s+#Accumulation\s+#InTPS\s+#OutTPS\s+#InMsg24Hour\s+#OutMsg24Hour$/);
  const [row] = rows(r.out);
  assert.deepEqual([row![0], row![1], row![2], row![5], row![6]], [topic, group, '3', '9', '6']);
  const idle = uniq('SA_IDLE');
  await c.createTopic(idle);
  assert.match((await c.run('statsAll', '-t', idle)).out, new RegExp(`${idle}\\s+0\\s+0\\.00\\s+0\\s+NO_CONSUMER`));
  assert.ok(!(await c.run('statsAll', '-a', '-t', idle)).out.includes(idle));
});
