// mqadmin broker and NameServer commands against real servers: runtime figures, configs and their persistence,
// write permissions, KV and NameServer config, cleaning, probes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { clusterRT, getKvConfig, monitorRound, sendMsgStatus } from '../../src/admin/index.js';
import { BrokerController } from '../../src/broker/broker-controller.js';
import { overrideFileOf } from '../../src/broker/broker-config-store.js';
import { decodeKVTable } from '../../src/protocol/bodies.js';
import { TestCluster as ProcessCluster } from '../support/cluster.js';
import { readFixture } from '../support/fixtures.js';
import { AdminCluster, rows, runProcess, uniq, waitFor } from './harness.js';

let c: AdminCluster;

before(async () => {
  c = await AdminCluster.start({ overrides: { brokerTopicEnable: true } });
});

after(async () => {
  await c.stop();
});

function table(out: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of out.split('\n')) {
    const at = line.indexOf(': ');
    if (at > 0) m.set(line.slice(0, at).trim(), line.slice(at + 2));
  }
  return m;
}

test('brokerStatus -b: the runtime table sorted by key, with the message totals of the sends', async () => {
  const topic = uniq('BS');
  await c.createTopic(topic);
  const before = Number(table((await c.run('brokerStatus', '-b', c.brokerAddr())).out).get('msgPutTotalTodayNow'));
  await c.send(topic, 7);
  const r = await c.run('brokerStatus', '-b', c.brokerAddr());
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  const keys = lines.map((l) => l.slice(0, l.indexOf(':')).trim());
  assert.deepEqual(keys, [...keys].sort());
  assert.match(lines[0]!, /^\S+\s*: /);
  assert.equal(lines.find((l) => l.startsWith('brokerVersionDesc'))!, `${'brokerVersionDesc'.padEnd(32)}: V4_9_8`);
  const t = table(r.out);
  assert.equal(Number(t.get('msgPutTotalTodayNow')), before + 7);
  assert.ok(Number(t.get('putMessageTimesTotal')) >= 7);
  // The first message still in the commit log was stored during this test run: clusterList's #Hour is that age.
  const earliest = Number(t.get('earliestMessageTimeStamp'));
  assert.ok(earliest > Date.now() - 600_000 && earliest <= Date.now(), `earliestMessageTimeStamp ${earliest}`);
  const hour = Number(rows((await c.run('clusterList')).out)[0]![8]);
  assert.ok(hour >= 0 && hour < 0.2, `#Hour ${hour}`);
  // The TPS strings keep StoreStatsService's "10s 1min 10min" layout (windows not yet filled stay empty).
  assert.match(t.get('putTps')!, /^(\d+\.\d+(E-?\d+)?)? ?(\d+\.\d+(E-?\d+)?)? ?(\d+\.\d+(E-?\d+)?)?$/);
  assert.match(t.get('getTotalTps')!, /^\d+\.\d+(E-?\d+)? \d+\.\d+(E-?\d+)? \d+\.\d+(E-?\d+)?$/);
  assert.match(t.get('putMessageDistributeTime')!, /^\[<=0ms\]:\d+ \[0~10ms\]:\d+ .* \[10s~\]:\d+ $/);
  // Every key is one a 4.9.8 broker reports (captured 28-GET_BROKER_RUNTIME_INFO answer).
  const frame = readFixture('frames', '28-GET_BROKER_RUNTIME_INFO.response.bin');
  const theirs = decodeKVTable(frame.subarray(8 + (frame.readInt32BE(4) & 0xffffff))).table;
  const invented = [...t.keys()].filter((k) => !(k in theirs) && !k.startsWith('scheduleMessageOffset_'));
  assert.deepEqual(invented, []);
  const byCluster = await c.run('brokerStatus', '-c', 'DefaultCluster');
  assert.match(byCluster.out, new RegExp(`^${c.brokerAddr().replace(/\./g, '\\.')}\\s+msgPutTotalTodayNow\\s+: ${before + 7}$`, 'm'));
});

test('getBrokerConfig -b / -c prints the broker\'s settings; updateBrokerConfig changes one', async () => {
  const r = await c.run('getBrokerConfig', '-b', c.brokerAddr());
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.split('\n')[0], `============${c.brokerAddr()}============`);
  assert.match(r.out, /^brokerName {40}=  broker-a$/m);
  const cluster = await c.run('getBrokerConfig', '-c', 'DefaultCluster');
  assert.equal(cluster.out.split('\n')[0], `============Master: ${c.brokerAddr()}============`);
  const up = await c.run('updateBrokerConfig', '-b', c.brokerAddr(), '-k', 'maxMessageSize', '-v', '1048576');
  assert.equal(up.code, 0, up.err);
  assert.equal(up.out, `update broker config success, ${c.brokerAddr()}\n`);
  assert.match((await c.run('getBrokerConfig', '-b', c.brokerAddr())).out, /^maxMessageSize {36}=  1048576$/m);
  const bad = await c.run('updateBrokerConfig', '-b', c.brokerAddr(), '-k', 'maxMessageSize', '-v', 'lots');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^updateBrokerConfig command failed: .*maxMessageSize/);
  const refused = await c.run('updateBrokerConfig', '-c', 'DefaultCluster', '-k', 'brokerConfigPath', '-v', '/tmp/x');
  assert.equal(refused.code, 1);
  assert.match(refused.err, /Can not update config in black list/);
});

test('updateBrokerConfig survives a restart: kept in <store>/config/broker.properties when the broker has no config file', async () => {
  const cluster = await AdminCluster.start();
  try {
    const addr = cluster.brokerAddr();
    assert.equal((await cluster.run('updateBrokerConfig', '-b', addr, '-k', 'fileReservedTime', '-v', '7')).code, 0);
    const file = overrideFileOf(cluster.storeDir('a'));
    assert.equal(fs.readFileSync(file, 'utf8'), 'fileReservedTime=7\n');
    await cluster.brokers[0]!.shutdown();
    const again = new BrokerController(cluster.brokerConfig('a'));
    await again.start();
    cluster.brokers[0] = again;
    const r = await cluster.run('getBrokerConfig', '-b', again.brokerAddr);
    assert.match(r.out, /^fileReservedTime {34}=  7$/m);
  } finally {
    await cluster.stop();
  }
});

test('updateBrokerConfig rewrites the file of `mqbroker -c FILE` (comments and other lines kept) and survives a restart', async () => {
  const procs = ProcessCluster.create('mqadmin-ubc');
  try {
    const ns = await procs.startNamesrv();
    const broker = await procs.startBroker({ name: 'broker-p' });
    fs.appendFileSync(broker.configFile, '# keep me\ndeleteWhen=04\n');
    const env = { NAMESRV_ADDR: ns.addr };
    const r = await runProcess(['updateBrokerConfig', '-b', broker.addr, '-k', 'deleteWhen', '-v', '02'], env);
    assert.equal(r.code, 0, r.err);
    const text = fs.readFileSync(broker.configFile, 'utf8');
    assert.match(text, /^# keep me\ndeleteWhen=02\n$/m);
    assert.match(text, /^brokerName=broker-p$/m);
    assert.equal(fs.existsSync(`${broker.configFile}.bak`), true);
    await broker.stop();
    await broker.restart();
    const cfg = await runProcess(['getBrokerConfig', '-b', broker.addr], env);
    assert.match(cfg.out, /^deleteWhen {40}=  02$/m);
    assert.equal(fs.existsSync(path.join(broker.storeDir, 'config', 'broker.properties')), false);
  } finally {
    await procs.shutdown();
  }
});

test('wipeWritePerm / addWritePerm: the NameServer route of the broker\'s topics loses and regains the write permission', async () => {
  const topic = uniq('WP');
  await c.createTopic(topic);
  const wipe = await c.run('wipeWritePerm', '-b', 'broker-a');
  assert.equal(wipe.code, 0, wipe.err);
  assert.match(wipe.out, new RegExp(`^wipe write perm of broker\\[broker-a\\] in name server\\[${c.namesrvAddr}\\] OK, \\d+\n$`));
  assert.ok(Number(/OK, (\d+)/.exec(wipe.out)![1]) > 0);
  assert.match((await c.run('topicRoute', '-t', topic)).out, /"perm":4/);
  const add = await c.run('addWritePerm', '-b', 'broker-a');
  assert.match(add.out, new RegExp(`^add write perm of broker\\[broker-a\\] in name server\\[${c.namesrvAddr}\\] OK, \\d+\n$`));
  assert.match((await c.run('topicRoute', '-t', topic)).out, /"perm":6/);
});

test('updateKvConfig / deleteKvConfig at the NameServer', async () => {
  const ns = uniq('NS');
  const r = await c.run('updateKvConfig', '-s', ns, '-k', 'k1', '-v', 'v1');
  assert.equal(r.out, 'create or update kv config to namespace success.\n');
  assert.equal(await getKvConfig(c.admin(), ns, 'k1'), 'v1');
  assert.equal((await c.run('deleteKvConfig', '-s', ns, '-k', 'k1')).out, 'delete kv config from namespace success.\n');
  assert.equal(await getKvConfig(c.admin(), ns, 'k1'), undefined);
  assert.equal((await c.run('updateKvConfig', '-s', ns, '-k', 'k1')).code, 1);
});

test('getNamesrvConfig / updateNamesrvConfig', async () => {
  const r = await c.run('getNamesrvConfig');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.split('\n')[0], `============${c.namesrvAddr}============`);
  assert.match(r.out, /^orderMessageEnable {32}=  false$/m);
  const up = await c.run('updateNamesrvConfig', '-k', 'orderMessageEnable', '-v', 'true');
  assert.equal(up.out, 'update name server config success!\norderMessageEnable : true\n');
  assert.match((await c.run('getNamesrvConfig')).out, /^orderMessageEnable {32}=  true$/m);
  const withN = await c.run('updateNamesrvConfig', '-n', c.namesrvAddr, '-k', 'orderMessageEnable', '-v', 'false');
  assert.equal(withN.out, `update name server config success![${c.namesrvAddr}]\norderMessageEnable : false\n`);
  assert.equal((await c.run('updateNamesrvConfig', '-k', 'kvConfigPath', '-v', '/x')).code, 1);
});

test('cleanUnusedTopic drops consume queues of topics the broker has no config for; cleanExpiredCQ keeps live ones', async () => {
  const broker = c.brokers[0]!;
  const orphan = uniq('ORPHAN');
  await broker.store.putMessage({
    topic: orphan, queueId: 0, flag: 0, sysFlag: 0, bornTimestamp: Date.now(), bornHost: { host: '127.0.0.1', port: 1 },
    body: Buffer.from('x'), properties: '', reconsumeTimes: 0, preparedTransactionOffset: 0,
  });
  await waitFor(() => broker.store.topicsWithQueues().includes(orphan), { timeoutMs: 5000, what: 'the orphan consume queue' });
  const live = uniq('LIVE');
  await c.createTopic(live);
  await c.send(live, 2);
  const expired = await c.run('cleanExpiredCQ', '-b', c.brokerAddr());
  assert.equal(expired.out, 'success\n');
  assert.ok(broker.store.topicsWithQueues().includes(live), 'nothing has expired yet');
  const r = await c.run('cleanUnusedTopic', '-c', 'DefaultCluster');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, 'success\n');
  assert.equal(broker.store.topicsWithQueues().includes(orphan), false);
  assert.ok(broker.store.topicsWithQueues().includes(live));
  assert.equal(rows((await c.run('topicStatus', '-t', live)).out).reduce((n, row) => n + Number(row[3]), 0), 2);
});

test('sendMsgStatus and clusterRT send to the broker\'s own topic (brokerTopicEnable=true)', async () => {
  const r = await c.run('sendMsgStatus', '-b', 'broker-a', '-c', '3', '-s', '20');
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  for (const l of lines) {
    assert.match(l, /^rt=\d+ms, SendResult=SendResult \[sendStatus=SEND_OK, msgId=[0-9A-F]+, offsetMsgId=[0-9A-F]{32}, messageQueue=MessageQueue \[topic=broker-a, brokerName=broker-a, queueId=0\], queueOffset=\d+\]$/);
  }
  const sent = await sendMsgStatus(c.admin(), { brokerName: 'broker-a', size: 22, count: 1 });
  assert.equal(sent[0]!.result.sendStatus, 'SEND_OK');
  const rt = await clusterRT(c.admin(), { amount: 3, size: 10 });
  assert.deepEqual(rt.map((x) => [x.clusterName, x.brokerName, x.successCount, x.failCount]), [['DefaultCluster', 'broker-a', 3, 0]]);
  assert.ok(rt[0]!.rt >= 0);
});

test('startMonitoring\'s round: a group\'s backlog per topic (UndoneMsgs)', async () => {
  const topic = uniq('MON');
  const group = uniq('mon_cg');
  await c.createTopic(topic);
  await c.send(topic, 2);
  const { consumer, seen } = await c.consumer(group, topic);
  await waitFor(() => seen.length >= 2, { timeoutMs: 15_000, what: 'two messages consumed' });
  await waitFor(async () => (await monitorRound(c.admin())).undone.some((u) => u.consumerGroup === group && u.topic === topic && u.undoneMsgsTotal === 0), {
    timeoutMs: 15_000, what: 'no backlog reported',
  });
  await consumer.shutdown();
  await c.send(topic, 3);
  // Offline groups are skipped by MonitorService (it needs their connections).
  const round = await monitorRound(c.admin());
  assert.equal(round.undone.some((u) => u.consumerGroup === group), false);
  assert.ok(round.spentTimeMills >= 0);
});
