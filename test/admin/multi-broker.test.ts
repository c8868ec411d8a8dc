// mqadmin against a two-master cluster: rows per broker in RocketMQ's order, figures merged over the brokers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AdminCluster, rows, uniq, waitFor } from './harness.js';

let c: AdminCluster;

before(async () => {
  c = await AdminCluster.start({ brokers: 2 });
});

after(async () => {
  await c.stop();
});

test('clusterList: one row per broker, broker names sorted; updateTopic -c creates on every master', async () => {
  const list = rows((await c.run('clusterList')).out);
  assert.deepEqual(list.map((r) => [r[0], r[1], r[2], r[3]]), [
    ['DefaultCluster', 'broker-a', '0', c.brokerAddr(0)],
    ['DefaultCluster', 'broker-b', '0', c.brokerAddr(1)],
  ]);
  const topic = uniq('MB');
  const r = await c.run('updateTopic', '-c', 'DefaultCluster', '-t', topic, '-r', '2', '-w', '2');
  assert.equal(r.code, 0, r.err);
  const created = r.out.split('\n').filter((l) => l.startsWith('create topic to ')).sort();
  assert.deepEqual(created, [`create topic to ${c.brokerAddr(0)} success.`, `create topic to ${c.brokerAddr(1)} success.`].sort());
  await waitFor(async () => (await c.run('topicRoute', '-t', topic, '-l')).out.includes('Total:'), { timeoutMs: 5000, what: 'route' });
  const table = (await c.run('topicRoute', '-t', topic, '-l')).out.split('\n');
  assert.deepEqual(table.slice(1, 3).map((l) => l.trim().split(/\s+/)[1]), ['broker-a', 'broker-b']);
  assert.deepEqual(table[4]!.trim().split(/\s+/), ['Total:', '2', '4', '4']);
});

test('topicStatus and consumerProgress merge the brokers\' queues; Diff Total covers both', async () => {
  const topic = uniq('MB2');
  const group = uniq('mb_cg');
  await c.createTopic(topic, 2);
  await waitFor(async () => rows((await c.run('topicStatus', '-t', topic)).out).length === 4, { timeoutMs: 5000, what: 'both brokers in the route' });
  await c.send(topic, 8);
  const status = rows((await c.run('topicStatus', '-t', topic)).out);
  assert.deepEqual(status.map((r) => `${r[0]}/${r[1]}`), ['broker-a/0', 'broker-a/1', 'broker-b/0', 'broker-b/1']);
  assert.equal(status.reduce((n, r) => n + Number(r[3]), 0), 8);
  const { consumer, seen } = await c.consumer(group, topic);
  await waitFor(() => seen.length >= 8, { timeoutMs: 15_000, what: 'eight consumed' });
  const committed = async (): Promise<number> => {
    const out = (await c.run('consumerProgress', '-g', group)).out;
    return rows(out.split('\n\n')[0]!).filter((r) => r[0] === topic).reduce((n, r) => n + Number(r[4]), 0);
  };
  await waitFor(async () => (await committed()) === 8, { timeoutMs: 15_000, what: 'offsets committed on both brokers' });
  await consumer.shutdown();
  await c.send(topic, 6);
  const out = (await c.run('consumerProgress', '-g', group)).out;
  const mine = rows(out.split('\n\n')[0]!).filter((r) => r[0] === topic);
  assert.deepEqual(mine.map((r) => r[1]), ['broker-a', 'broker-a', 'broker-b', 'broker-b']);
  assert.match(out, /^Diff Total: 6$/m);
});
