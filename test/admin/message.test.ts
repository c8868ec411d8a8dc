// mqadmin message commands against a real NameServer and broker: the messages they find and what they print.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { BODY_DIR } from '../../src/cli/mqadmin/commands-message.js';
import { AdminCluster, rows, uniq, waitFor } from './harness.js';

let c: AdminCluster;

before(async () => {
  c = await AdminCluster.start();
});

after(async () => {
  await c.stop();
});

/** "Label:   value" lines of the message view. */
function field(out: string, label: string): string | undefined {
  return new RegExp(`^${label}:\\s+(.*)$`, 'm').exec(out)?.[1];
}

test('queryMsgByKey finds the message by its key; queryMsgById shows it with its body', async () => {
  const topic = uniq('QK');
  await c.createTopic(topic);
  const sent = await c.send(topic, 6);
  const r = await c.run('queryMsgByKey', '-t', topic, '-k', 'key-3');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out.split('\n')[0]!, /^#Message ID\s+#QID\s+#Offset$/);
  assert.deepEqual(rows(r.out), [[sent[3]!.msgId, String(sent[3]!.messageQueue.queueId), String(sent[3]!.queueOffset)]]);
  const miss = await c.run('queryMsgByKey', '-t', topic, '-k', 'no-such-key');
  assert.equal(miss.code, 1);
  assert.equal(miss.err, 'queryMsgByKey command failed: query message by key finished, but no message.\n');

  const view = await c.run('queryMsgById', '-i', sent[3]!.offsetMsgId);
  assert.equal(view.code, 0, view.err);
  assert.equal(field(view.out, 'OffsetID'), sent[3]!.offsetMsgId);
  assert.equal(field(view.out, 'Topic'), topic);
  assert.equal(field(view.out, 'Tags'), '[TagB]');
  assert.equal(field(view.out, 'Keys'), '[key-3]');
  assert.equal(field(view.out, 'Queue ID'), String(sent[3]!.messageQueue.queueId));
  assert.equal(field(view.out, 'Queue Offset'), String(sent[3]!.queueOffset));
  assert.equal(field(view.out, 'Store Host'), c.brokerAddr());
  assert.match(field(view.out, 'Born Timestamp')!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}$/);
  assert.match(field(view.out, 'Properties')!, new RegExp(`UNIQ_KEY=${sent[3]!.msgId}`));
  const bodyPath = field(view.out, 'Message Body Path')!;
  assert.equal(bodyPath, `${BODY_DIR}/${sent[3]!.msgId}`);
  assert.equal(fs.readFileSync(bodyPath, 'utf8'), 'body-3');
  assert.match(view.out, /\n\nWARN: No Consumer\n$/);
  fs.rmSync(bodyPath, { force: true });
  assert.equal((await c.run('queryMsgById', '-i', 'zz')).code, 1);
});

test('queryMsgByUniqueKey finds a message by its client msgId and tells which groups consumed it', async () => {
  const topic = uniq('QU');
  const group = uniq('qu_cg');
  await c.createTopic(topic);
  const sent = await c.send(topic, 3);
  const { consumer, seen } = await c.consumer(group, topic);
  await waitFor(() => seen.length >= 3, { timeoutMs: 15_000, what: 'three messages consumed' });
  await waitFor(async () => (await c.run('queryMsgByUniqueKey', '-t', topic, '-i', sent[1]!.msgId)).out.includes('trackType=CONSUMED,'), {
    timeoutMs: 15_000, what: 'the message tracked as consumed',
  });
  const r = await c.run('queryMsgByUniqueKey', '-t', topic, '-i', sent[1]!.msgId);
  assert.equal(r.code, 0, r.err);
  assert.equal(field(r.out, 'Topic'), topic);
  assert.equal(field(r.out, 'Keys'), '[key-1]');
  assert.equal(fs.readFileSync(field(r.out, 'Message Body Path')!, 'utf8'), 'body-1');
  assert.match(r.out, new RegExp(`MessageTrack \\[consumerGroup=${group}, trackType=CONSUMED, exceptionDesc=null\\]`));
  // -g/-d: the broker hands the message to that consumer, which runs its listener on it.
  const direct = await c.run('queryMsgByUniqueKey', '-t', topic, '-i', sent[1]!.msgId, '-g', group, '-d', consumer.clientId);
  assert.equal(direct.code, 0, direct.err);
  assert.match(direct.out, /^ConsumeMessageDirectlyResult \[order=false, autoCommit=true, consumeResult=CR_SUCCESS, remark=.*, spentTimeMills=\d+\]\n$/);
  await waitFor(() => seen.filter((b) => b === 'body-1').length >= 2, { timeoutMs: 5000, what: 'the listener to see body-1 again' });
  const byId = await c.run('queryMsgById', '-i', sent[2]!.offsetMsgId, '-g', group, '-d', consumer.clientId);
  assert.match(byId.out, /consumeResult=CR_SUCCESS/);
  const absent = await c.run('queryMsgByUniqueKey', '-t', topic, '-i', '0A0000000000000000000000000000FF');
  assert.equal(absent.code, 1);
});

test('queryMsgByOffset shows the message at a queue offset', async () => {
  const topic = uniq('QO');
  await c.createTopic(topic, 1);
  await c.send(topic, 3);
  const r = await c.run('queryMsgByOffset', '-t', topic, '-b', 'broker-a', '-i', '0', '-o', '2');
  assert.equal(r.code, 0, r.err);
  assert.equal(field(r.out, 'Queue Offset'), '2');
  assert.equal(field(r.out, 'Keys'), '[key-2]');
  assert.equal(fs.readFileSync(field(r.out, 'Message Body Path')!, 'utf8'), 'body-2');
  assert.equal((await c.run('queryMsgByOffset', '-t', topic, '-b', 'broker-a', '-i', '0', '-o', '9')).code, 1);
  assert.equal((await c.run('queryMsgByOffset', '-t', topic, '-b', 'broker-x', '-i', '0', '-o', '0')).code, 1);
});

test('sendMessage: to the default queue or to a chosen one; the message is stored as sent', async () => {
  const topic = uniq('SM');
  await c.createTopic(topic, 4);
  const r = await c.run('sendMessage', '-t', topic, '-p', 'hello admin', '-k', 'adminKey', '-c', 'TagZ', '-b', 'broker-a', '-i', '2');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out.split('\n')[0]!, /^#Broker Name\s+#QID\s+#Send Result\s+#MsgId$/);
  const [broker, qid, status, msgId] = rows(r.out)[0]!;
  assert.deepEqual([broker, qid, status], ['broker-a', '2', 'SEND_OK']);
  const found = await c.run('queryMsgByUniqueKey', '-t', topic, '-i', msgId!);
  assert.equal(field(found.out, 'Tags'), '[TagZ]');
  assert.equal(field(found.out, 'Queue ID'), '2');
  assert.equal(fs.readFileSync(field(found.out, 'Message Body Path')!, 'utf8'), 'hello admin');
  assert.equal((await c.run('sendMessage', '-t', topic, '-p', 'x')).code, 0);
  const noBroker = await c.run('sendMessage', '-t', topic, '-p', 'x', '-i', '1');
  assert.equal(noBroker.code, 1);
  assert.match(noBroker.err, /Broker name must be set if the queue is chosen!/);
});

test('consumeMessage reads a queue from an offset without committing; printMsg and printMsgByQueue print every message', async () => {
  const topic = uniq('CM');
  await c.createTopic(topic, 1);
  await c.send(topic, 5);
  const r = await c.run('consumeMessage', '-t', topic, '-b', 'broker-a', '-i', '0', '-o', '1', '-c', '3');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Consume ok$/m);
  const bodies = [...r.out.matchAll(/BODY: (.*)$/gm)].map((m) => m[1]);
  assert.deepEqual(bodies.slice(0, 3), ['body-1', 'body-2', 'body-3']);
  assert.match(r.out, /^MSGID: \S+ MessageExt \[brokerName=broker-a, queueId=0, storeSize=\d+, queueOffset=1, /m);

  const p = await c.run('printMsg', '-t', topic, '-s', 'TagA');
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, new RegExp(`^minOffset=0, maxOffset=5, MessageQueue \\[topic=${topic}, brokerName=broker-a, queueId=0\\]$`, 'm'));
  assert.deepEqual([...p.out.matchAll(/BODY: (.*)$/gm)].map((m) => m[1]), ['body-0', 'body-2', 'body-4']);
  assert.match(p.out, /^-{56}$/m);
  const noBody = await c.run('printMsg', '-t', topic, '-d', 'false');
  assert.equal([...noBody.out.matchAll(/BODY: NOT PRINT BODY$/gm)].length, 5);

  const q = await c.run('printMsgByQueue', '-t', topic, '-a', 'broker-a', '-i', '0', '-p', 'true', '-d', 'true', '-f', 'true');
  assert.equal(q.code, 0, q.err);
  assert.equal([...q.out.matchAll(/^MSGID: /gm)].length, 5);
  assert.match(q.out, /^Tag: TagA\s+Count: 3$/m);
  assert.match(q.out, /^Tag: TagB\s+Count: 2$/m);
  const counts = await c.run('printMsgByQueue', '-t', topic, '-a', 'broker-a', '-i', '0', '-f', 'true');
  assert.equal(counts.out, `Tag: ${'TagA'.padEnd(30)} Count: 3\nTag: ${'TagB'.padEnd(30)} Count: 2\n`);
  // Reading commits nothing: the tools group has no offset.
  const progress = await c.run('consumerProgress', '-g', 'TOOLS_CONSUMER');
  assert.equal(progress.code, 1);
});

test('checkMsgSendRT: one line per send, queue after queue, and the average', async () => {
  const topic = uniq('RT');
  await c.createTopic(topic, 2);
  const r = await c.run('checkMsgSendRT', '-t', topic, '-a', '4', '-s', '16');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out.split('\n')[0]!, /^#Broker Name\s+#QID\s+#Send Result\s+#RT$/);
  const table = rows(r.out).filter((row) => row[0] === 'broker-a');
  assert.deepEqual(table.map((row) => `${row[1]} ${row[2]}`), ['0 true', '1 true', '0 true', '1 true']);
  assert.match(r.out, /^Avg RT: \d+\.\d\d$/m);
  const stats = await c.run('topicStatus', '-t', topic);
  assert.deepEqual(rows(stats.out).map((row) => row[3]), ['2', '2']);
});
