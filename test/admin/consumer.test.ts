// mqadmin consumer, group and connection commands against a real NameServer, broker and client SDK consumers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { RequestCode } from '../../src/protocol/codes.js';
import { decodeSubscriptionGroupWrapper } from '../../src/protocol/bodies.js';
import { AdminCluster, rows, runProcess, uniq, waitFor } from './harness.js';

let c: AdminCluster;

before(async () => {
  c = await AdminCluster.start();
});

after(async () => {
  await c.stop();
});

interface Progress {
  rows: Array<{ topic: string; queueId: number; brokerOffset: number; consumerOffset: number; diff: number; clientIP?: string }>;
  tps: number;
  diffTotal: number;
}

async function progress(group: string, showIP = false): Promise<Progress> {
  const r = await c.run('consumerProgress', '-g', group, ...(showIP ? ['-s', 'true'] : []));
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  const table = rows(lines.slice(0, -2).join('\n'));
  return {
    rows: table.map((row) => showIP
      ? { topic: row[0]!, queueId: Number(row[2]), brokerOffset: Number(row[3]), consumerOffset: Number(row[4]), clientIP: row[5]!, diff: Number(row[6]) }
      : { topic: row[0]!, queueId: Number(row[2]), brokerOffset: Number(row[3]), consumerOffset: Number(row[4]), diff: Number(row[5]) }),
    tps: Number(/^Consume TPS: (\d+\.\d\d)$/m.exec(r.out)?.[1]),
    diffTotal: Number(/^Diff Total: (-?\d+)$/m.exec(r.out)?.[1]),
  };
}

function sum(p: Progress, topic: string, field: 'brokerOffset' | 'consumerOffset' | 'diff'): number {
  return p.rows.filter((r) => r.topic === topic).reduce((n, r) => n + r[field], 0);
}

/** Consumes `n` messages of a fresh topic with a fresh group and waits until the broker has all offsets committed. */
async function consumedGroup(n: number): Promise<{ topic: string; group: string; consumer: Awaited<ReturnType<AdminCluster['consumer']>> }> {
  const topic = uniq('CP');
  const group = uniq('cp_cg');
  await c.createTopic(topic, 4);
  await c.send(topic, n);
  const consumer = await c.consumer(group, topic);
  await waitFor(() => consumer.seen.length >= n, { timeoutMs: 15_000, what: `${n} messages consumed` });
  await waitFor(async () => sum(await progress(group), topic, 'consumerOffset') === n, { timeoutMs: 15_000, what: 'offsets committed' });
  return { topic, group, consumer };
}

test('consumerProgress -g: per queue broker offset, consumer offset and diff; Diff Total = sent - consumed', async () => {
  const { topic, group, consumer } = await consumedGroup(8);
  await consumer.consumer.shutdown();
  await c.send(topic, 5);
  const r = await c.run('consumerProgress', '-g', group);
  assert.match(r.out.split('\n')[0]!, /^#Topic\s+#Broker Name\s+#QID\s+#Broker Offset\s+#Consumer Offset\s+#Diff\s+#LastTime$/);
  const p = await progress(group);
  assert.equal(sum(p, topic, 'brokerOffset'), 13);
  assert.equal(sum(p, topic, 'consumerOffset'), 8);
  assert.equal(p.diffTotal, 13 - 8);
  for (const row of p.rows) assert.equal(row.diff, row.brokerOffset - row.consumerOffset);
  assert.deepEqual(p.rows.filter((row) => row.topic === topic).map((row) => row.queueId), [0, 1, 2, 3]);
  assert.ok(p.rows.some((row) => row.topic === `%RETRY%${group}`), 'the retry topic is listed too');
  assert.match(r.out, /^Consume TPS: \d+\.\d\d$/m);
  // Without -g: one summary line per group; this one is offline now.
  const all = await c.run('consumerProgress');
  assert.match(all.out.split('\n')[0]!, /^#Group\s+#Count\s+#Version\s+#Type\s+#Model\s+#TPS\s+#Diff Total$/);
  assert.deepEqual(rows(all.out).find((row) => row[0] === group), [group, '0', 'OFFLINE', '0', '5']);
});

test('consumerProgress (all groups) and -s true while the consumer is online: count, version, type, model, client IP', async () => {
  const { topic, group, consumer } = await consumedGroup(4);
  const all = await c.run('consumerProgress');
  assert.deepEqual(rows(all.out).find((row) => row[0] === group)?.slice(1, 5), ['1', 'V4_9_8', 'PUSH', 'CLUSTERING']);
  const ip = consumer.consumer.clientId.split('@')[0]!;
  const p = await progress(group, true);
  assert.ok(p.rows.filter((row) => row.topic === topic).every((row) => row.clientIP === ip), JSON.stringify(p.rows));
  assert.equal(p.diffTotal, 0);
});

test('consumerConnection: the client, its address, language and version, and its subscriptions', async () => {
  const { topic, group, consumer } = await consumedGroup(1);
  const r = await c.run('consumerConnection', '-g', group);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.match(lines[0]!, /^#ClientId\s+#ClientAddr\s+#Language\s+#Version$/);
  const [clientId, addr, language, version] = lines[1]!.trim().split(/\s+/);
  assert.equal(clientId, consumer.consumer.clientId);
  assert.match(addr!, /^127\.0\.0\.1:\d+$/);
  assert.deepEqual([language, version], ['JAVA', 'V4_9_8']);
  assert.ok(r.out.includes('\nBelow is subscription:\n'));
  assert.match(r.out, new RegExp(`^${topic}\\s+\\*$`, 'm'));
  assert.match(r.out, new RegExp(`^%RETRY%${group}\\s+\\*$`, 'm'));
  assert.match(r.out, /^ConsumeType: CONSUME_PASSIVELY\nMessageModel: CLUSTERING\nConsumeFromWhere: CONSUME_FROM_FIRST_OFFSET\n$/m);
  const offline = await c.run('consumerConnection', '-g', uniq('nobody'));
  assert.equal(offline.code, 1);
});

test('producerConnection: the producer group\'s client with its version', async () => {
  const topic = uniq('PC');
  const pg = uniq('pc_pg');
  await c.createTopic(topic);
  const producer = await c.producer(pg);
  await c.send(topic, 1, producer);
  const r = await c.run('producerConnection', '-g', pg, '-t', topic);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`^0001  ${producer.clientId.replace(/[#.]/g, '\\$&')}\\s+127\\.0\\.0\\.1:\\d+\\s+JAVA\\s+V4_9_8\n$`));
  assert.equal((await c.run('producerConnection', '-g', uniq('nobody'), '-t', topic)).code, 1);
});

test('consumerStatus: each client\'s running info written to a file, subscriptions compared; -i prints one in full', async () => {
  const { topic, group, consumer } = await consumedGroup(2);
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mqadmin-cs-'));
  try {
    const r = await runProcess(['consumerStatus', '-g', group], { NAMESRV_ADDR: c.namesrvAddr }, cwd);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out.split('\n')[0]!, /^#Index\s+#ClientId\s+#Version\s+#ConsumerRunningInfoFile$/);
    const [index, clientId, version, file] = r.out.split('\n')[1]!.trim().split(/\s+/);
    assert.deepEqual([index, clientId, version], ['1', consumer.consumer.clientId, 'V4_9_8']);
    const text = fs.readFileSync(path.join(cwd, file!), 'utf8');
    assert.match(text, /^#Consumer Properties#\n/);
    assert.match(text, new RegExp(`^consumerGroup\\s+: ${group}$`, 'm'));
    assert.match(r.out, /Same subscription in the same group of consumer\n\nRebalance OK\n/);
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
  const one = await c.run('consumerStatus', '-g', group, '-i', consumer.consumer.clientId);
  assert.equal(one.code, 0, one.err);
  assert.match(one.out, new RegExp(`^001 Topic: ${topic}\\s+ClassFilter: false\\s+SubExpression: \\*$`, 'm'));
  const offsets = one.out.slice(one.out.indexOf('#Consumer Offset#'), one.out.indexOf('#Consumer MQ Detail#'));
  assert.equal(rows(offsets).filter((row) => row[0] === topic).reduce((n, row) => n + Number(row[3]), 0), 2);
});

test('getConsumerStatus: the offsets the client itself holds for the topic', async () => {
  const { topic, group, consumer } = await consumedGroup(6);
  const r = await c.run('getConsumerStatus', '-g', group, '-t', topic);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.split('\n')[0], `get consumer status from client. group=${group}, topic=${topic}, originClientId=`);
  const table = rows(r.out.split('\n').slice(1).join('\n'));
  assert.equal(table.length, 4);
  assert.ok(table.every((row) => row[0] === consumer.consumer.clientId && row[1] === 'broker-a'));
  assert.equal(table.reduce((n, row) => n + Number(row[3]), 0), 6);
});

test('updateSubGroup with every option: the broker keeps exactly those settings; deleteSubGroup removes the group', async () => {
  const group = uniq('usg');
  const r = await c.run('updateSubGroup', '-b', c.brokerAddr(), '-g', group, '-s', 'false', '-m', 'true', '-d', 'true', '-q', '3', '-r', '5',
    '-i', '1', '-w', '2', '-a', 'false');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, `create subscription group to ${c.brokerAddr()} success.\n`
    + `SubscriptionGroupConfig [groupName=${group}, consumeEnable=false, consumeFromMinEnable=true, consumeBroadcastEnable=true, retryQueueNums=3, `
    + 'retryMaxTimes=5, brokerId=1, whichBrokerWhenConsumeSlowly=2, notifyConsumerIdsChangedEnable=false]\n');
  const groups = async (): Promise<ReturnType<typeof decodeSubscriptionGroupWrapper>['subscriptionGroupTable']> => {
    const resp = await c.admin().ok(c.brokerAddr(), RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, {}, undefined, 'groups');
    return decodeSubscriptionGroupWrapper(resp.body!).subscriptionGroupTable;
  };
  assert.deepEqual((await groups()).get(group), {
    groupName: group, consumeEnable: false, consumeFromMinEnable: true, consumeBroadcastEnable: true, retryQueueNums: 3, retryMaxTimes: 5,
    brokerId: 1, whichBrokerWhenConsumeSlowly: 2, notifyConsumerIdsChangedEnable: false,
  });
  // The tool's own defaults for what is not given (consumeFromMinEnable and consumeBroadcastEnable false).
  const group2 = uniq('usg_c');
  assert.equal((await c.run('updateSubGroup', '-c', 'DefaultCluster', '-g', group2)).code, 0);
  assert.deepEqual((await groups()).get(group2), {
    groupName: group2, consumeEnable: true, consumeFromMinEnable: false, consumeBroadcastEnable: false, retryQueueNums: 1, retryMaxTimes: 16,
    brokerId: 0, whichBrokerWhenConsumeSlowly: 1, notifyConsumerIdsChangedEnable: true,
  });
  const del = await c.run('deleteSubGroup', '-b', c.brokerAddr(), '-g', group);
  assert.equal(del.out, `delete subscription group [${group}] from broker [${c.brokerAddr()}] success.\n`);
  assert.equal((await groups()).has(group), false);
  assert.equal((await c.run('updateSubGroup', '-b', c.brokerAddr(), '-g', group, '-q', 'x')).code, 1);
});

test('deleteSubGroup -c also deletes the group\'s retry topic', async () => {
  const { group, consumer } = await consumedGroup(1);
  await consumer.consumer.shutdown();
  assert.ok((await c.run('topicList')).out.split('\n').includes(`%RETRY%${group}`));
  const r = await c.run('deleteSubGroup', '-c', 'DefaultCluster', '-g', group, '-r', 'true');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`^delete subscription group \\[${group}\\] from broker \\[${c.brokerAddr()}\\] in cluster \\[DefaultCluster\\] success\\.$`, 'm'));
  assert.match(r.out, new RegExp(`^delete topic \\[%RETRY%${group}\\] from NameServer success\\.$`, 'm'));
  assert.ok(!(await c.run('topicList')).out.split('\n').includes(`%RETRY%${group}`));
});

test('cloneGroupOffset: the destination group gets the source group\'s committed offsets', async () => {
  const { topic, group } = await consumedGroup(7);
  const dest = uniq('clone_dest');
  const r = await c.run('cloneGroupOffset', '-s', group, '-d', dest, '-t', topic);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, `clone group offset success. srcGroup[${group}], destGroup=[${dest}], topic[${topic}]\n`);
  const src = await progress(group);
  const offsetsOf = async (g: string): Promise<number[]> => {
    const resp = await c.admin().call(c.brokerAddr(), RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: g, topic, queueId: '0' }, undefined, 'q');
    return [Number(resp.extFields.offset)];
  };
  assert.deepEqual(await offsetsOf(dest), [src.rows.find((row) => row.topic === topic && row.queueId === 0)!.consumerOffset]);
});

test('resetOffsetByTime with the group online: the broker pushes the offsets, the consumer consumes again', async () => {
  const { topic, group, consumer } = await consumedGroup(4);
  const r = await c.run('resetOffsetByTime', '-g', group, '-t', topic, '-s', '0');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.split('\n')[0], `rollback consumer offset by specified group[${group}], topic[${topic}], force[true], timestamp(string)[0], timestamp(long)[0]`);
  assert.match(r.out.split('\n')[1]!, /^#brokerName\s+#queueId\s+#offset\s*$/);
  assert.deepEqual(rows(r.out.split('\n').slice(1).join('\n')).map((row) => row.join(' ')), ['broker-a 0 0', 'broker-a 1 0', 'broker-a 2 0', 'broker-a 3 0']);
  await waitFor(() => consumer.seen.length >= 8, { timeoutMs: 20_000, what: 'the four messages consumed a second time' });
});

test('resetOffsetByTime with the group offline: the tool rolls the offsets back at the broker itself', async () => {
  const { topic, group, consumer } = await consumedGroup(5);
  await consumer.consumer.shutdown();
  const r = await c.run('resetOffsetByTime', '-g', group, '-t', topic, '-s', '0', '-f', 'true');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.split('\n')[0], `rollback consumer offset by specified consumerGroup[${group}], topic[${topic}], force[true], timestamp(string)[0], timestamp(long)[0]`);
  assert.match(r.out.split('\n')[1]!, /^#brokerName\s+#queueId\s+#brokerOffset\s+#consumerOffset\s+#timestampOffset\s+#rollbackOffset\s*$/);
  const table = rows(r.out.split('\n').slice(1).join('\n'));
  assert.equal(table.reduce((n, row) => n + Number(row[3]), 0), 5, 'consumer offsets before');
  assert.ok(table.every((row) => row[5] === '0'), 'rolled back to the first message');
  assert.equal(sum(await progress(group), topic, 'consumerOffset'), 0);
  // -s now moves forward to the end again.
  const now = await c.run('resetOffsetByTime', '-g', group, '-t', topic, '-s', 'now');
  assert.equal(now.code, 0, now.err);
  assert.equal(sum(await progress(group), topic, 'consumerOffset'), 5);
  assert.equal((await c.run('resetOffsetByTime', '-g', group, '-t', topic, '-s', 'yesterday')).code, 1);
});

test('brokerConsumeStats: every group\'s lag on the broker\'s queues and the broker\'s total', async () => {
  const { topic, group, consumer } = await consumedGroup(3);
  await consumer.consumer.shutdown();
  await c.send(topic, 4);
  const r = await c.run('brokerConsumeStats', '-b', c.brokerAddr());
  assert.equal(r.code, 0, r.err);
  assert.match(r.out.split('\n')[0]!, /^#Topic\s+#Group\s+#Broker Name\s+#QID\s+#Broker Offset\s+#Consumer Offset\s+#Diff\s+#LastTime$/);
  const mine = rows(r.out).filter((row) => row[0] === topic && row[1] === group);
  assert.ok(mine.length > 0 && mine.length <= 4, r.out);
  const total = Number(/^Diff Total: (\d+)$/m.exec(r.out)?.[1]);
  assert.ok(total >= 4, `total ${total}`);
  const filtered = await c.run('brokerConsumeStats', '-b', c.brokerAddr(), '-l', '1000000');
  assert.equal(rows(filtered.out).filter((row) => row[0] !== 'Diff').length, 0);
});
