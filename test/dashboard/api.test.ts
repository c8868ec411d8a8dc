// The dashboard's JSON API against a real NameServer and broker in this process (test/admin/harness.ts), over
// HTTP with global fetch: cluster, topics, consumers, input checks, errors in words, NameServer switch, metrics,
// static files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { consumerProgress, topicList } from '../../src/admin/index.js';
import type {
  ApiError,
  ClusterResponse,
  ConsumerConfigResponse,
  ConsumerListResponse,
  ConsumerProgressResponse,
  ConsumerUpsertResponse,
  KeyValueResponse,
  MetricsResponse,
  NamesrvInfo,
  ResetOffsetResponse,
  TopicConsumersResponse,
  TopicListResponse,
  TopicRouteView,
  TopicStatusResponse,
  TopicUpsertResponse,
} from '../../src/dashboard/api-types.js';
import { AdminCluster, uniq } from '../admin/harness.js';
import { waitFor } from '../support/wait.js';
import { Api, emptyStaticDir, enc } from './api-support.js';

const WAIT = { timeoutMs: 60_000 };

describe('dashboard API', { timeout: 300_000 }, () => {
  let cluster: AdminCluster;
  let api: Api;

  before(async () => {
    cluster = await AdminCluster.start();
    api = await Api.start({
      namesrvAddr: cluster.namesrvAddr,
      staticDir: emptyStaticDir(),
      metrics: { intervalMs: 300, topicListRefreshMs: 300 },
    });
  });

  after(async () => {
    await api?.close();
    await cluster?.stop();
  });

  it('lists the broker with its cluster, name, address, role and version; runtime info and config on click', async () => {
    const { brokers } = await api.get<ClusterResponse>('/api/cluster');
    assert.equal(brokers.length, 1);
    const b = brokers[0]!;
    assert.deepEqual(
      [b.clusterName, b.brokerName, b.brokerId, b.role, b.addr, b.version],
      ['DefaultCluster', 'broker-a', 0, 'MASTER', cluster.brokerAddr(), 'V4_9_8'],
    );
    assert.equal(b.error, undefined);
    assert.ok(b.diskRatio >= 0 && b.diskRatio <= 1, `diskRatio ${b.diskRatio}`);

    const runtime = await api.get<KeyValueResponse>(`/api/brokers/${enc(cluster.brokerAddr())}/runtime`);
    assert.equal(runtime.items.find((kv) => kv.key === 'brokerVersionDesc')?.value, 'V4_9_8');
    const config = await api.get<KeyValueResponse>(`/api/brokers/${enc(cluster.brokerAddr())}/config`);
    assert.equal(config.items.find((kv) => kv.key === 'brokerName')?.value, 'broker-a');
    assert.equal(config.items.find((kv) => kv.key === 'brokerClusterName')?.value, 'DefaultCluster');
  });

  it('creates a topic that /api/topics and the admin library list, updates its queues, then deletes it', async () => {
    const topic = uniq('DashTopic');
    const created = await api.ok<TopicUpsertResponse>('POST', '/api/topics', { topic, clusterName: 'DefaultCluster', readQueueNums: 3, writeQueueNums: 3 });
    assert.deepEqual(created.brokerAddrs, [cluster.brokerAddr()]);
    assert.equal(created.topicConfig.permText, 'RW-');

    const page = await api.get<TopicListResponse>(`/api/topics?q=${enc(topic.toLowerCase())}&kind=NORMAL`);
    assert.deepEqual(page.items, [{ topic, kind: 'NORMAL' }]);
    assert.equal(page.total, 1);
    assert.ok(page.counts.SYSTEM > 0, 'the broker\'s own topics are counted as SYSTEM');
    assert.ok((await topicList(cluster.admin())).includes(topic));

    const route = await api.get<TopicRouteView>(`/api/topics/${enc(topic)}/route`);
    assert.deepEqual(route.queueDatas.map((q) => [q.brokerName, q.readQueueNums, q.writeQueueNums, q.permText]), [['broker-a', 3, 3, 'RW-']]);
    assert.deepEqual(route.brokerDatas[0]!.brokerAddrs, { 0: cluster.brokerAddr() });

    await api.ok('POST', '/api/topics', { topic, brokerAddr: cluster.brokerAddr(), readQueueNums: 5, writeQueueNums: 5, perm: 4 });
    const status = await api.get<TopicStatusResponse>(`/api/topics/${enc(topic)}/status`);
    assert.deepEqual(status.queues.map((q) => q.queueId), [0, 1, 2, 3, 4]);
    const updated = await api.get<TopicRouteView>(`/api/topics/${enc(topic)}/route`);
    assert.equal(updated.queueDatas[0]!.permText, 'R--');

    await api.ok('DELETE', `/api/topics/${enc(topic)}?cluster=DefaultCluster`);
    assert.ok(!(await topicList(cluster.admin())).includes(topic));
    assert.equal((await api.get<TopicListResponse>(`/api/topics?q=${enc(topic)}`)).total, 0);
  });

  it('pages and filters the topic list by kind', async () => {
    const all = await api.get<TopicListResponse>('/api/topics?limit=2');
    assert.equal(all.items.length, 2);
    assert.equal(all.total, all.counts.NORMAL + all.counts.RETRY + all.counts.DLQ + all.counts.SYSTEM);
    const rest = await api.get<TopicListResponse>(`/api/topics?offset=2&limit=${all.total}`);
    assert.equal(rest.items.length, all.total - 2);
    const system = await api.get<TopicListResponse>('/api/topics?kind=SYSTEM&limit=1000');
    assert.ok(system.items.some((t) => t.topic === 'TBW102'));
    assert.ok(system.items.some((t) => t.topic === 'DefaultCluster'), 'the cluster name, a pseudo-topic, is SYSTEM');
    assert.ok(system.items.every((t) => t.kind === 'SYSTEM'));
  });

  it('shows the lag mqadmin consumerProgress shows, and resets the offset by time', async () => {
    const topic = uniq('DashLag');
    const group = uniq('DashGroup');
    await cluster.createTopic(topic, 2);
    await cluster.send(topic, 10);
    const { consumer, seen } = await cluster.consumer(group, topic);
    await waitFor(() => seen.length >= 10, { ...WAIT, what: 'the consumer to get 10 messages' });
    await waitFor(async () => (await consumerProgress(cluster.admin(), group)).diffTotal === 0, { ...WAIT, what: 'the offsets to be committed' });
    await consumer.shutdown();
    await cluster.send(topic, 5);

    const expected = await consumerProgress(cluster.admin(), group);
    assert.equal(expected.diffTotal, 5);
    const progress = await api.get<ConsumerProgressResponse>(`/api/consumers/${enc(group)}/progress`);
    assert.equal(progress.diffTotal, expected.diffTotal);
    assert.deepEqual(progress.rows.map((r) => [r.queueId, r.brokerOffset, r.consumerOffset, r.diff]),
      expected.rows.map((r) => [r.queueId, r.brokerOffset, r.consumerOffset, r.diff]));

    const list = await api.get<ConsumerListResponse>(`/api/consumers?q=${enc(group)}`);
    assert.equal(list.total, 1);
    assert.deepEqual([list.items[0]!.group, list.items[0]!.diffTotal, list.items[0]!.clients], [group, 5, 0]);
    const byTopic = await api.get<TopicConsumersResponse>(`/api/topics/${enc(topic)}/consumers`);
    assert.deepEqual(byTopic.groups.map((g) => [g.group, g.diffTotal]), [[group, 5]]);

    const reset = await api.ok<ResetOffsetResponse>('POST', `/api/consumers/${enc(group)}/reset-offset`, { topic, timestamp: 0 });
    assert.equal(reset.mode, 'offline');
    assert.deepEqual(reset.offsets.map((o) => o.offset), [0, 0]);
    const after = await consumerProgress(cluster.admin(), group);
    assert.equal(after.diffTotal, 15);
    assert.equal((await api.get<ConsumerProgressResponse>(`/api/consumers/${enc(group)}/progress`)).diffTotal, 15);
  });

  it('creates a consumer group that the group list shows, and deletes it', async () => {
    const group = uniq('DashNewGroup');
    const created = await api.ok<ConsumerUpsertResponse>('POST', '/api/consumers', { groupName: group, clusterName: 'DefaultCluster', retryMaxTimes: 3 });
    assert.deepEqual(created.results, [{ addr: cluster.brokerAddr() }]);
    assert.equal(created.config.retryMaxTimes, 3);
    const listed = await api.get<ConsumerListResponse>(`/api/consumers?q=${enc(group)}`);
    assert.deepEqual(listed.items.map((g) => [g.group, g.clients, g.diffTotal]), [[group, 0, 0]]);
    await api.ok('POST', '/api/consumers', { groupName: group, brokerAddr: cluster.brokerAddr(), retryMaxTimes: 5, consumeBroadcastEnable: true });
    const config = await api.get<ConsumerConfigResponse>(`/api/consumers/${enc(group)}/config`);
    assert.deepEqual(config.brokers.map((b) => [b.addr, b.brokerName, b.config?.retryMaxTimes, b.config?.consumeBroadcastEnable]),
      [[cluster.brokerAddr(), 'broker-a', 5, true]]);
    await api.ok('DELETE', `/api/consumers/${enc(group)}?cluster=DefaultCluster`);
    assert.equal((await api.get<ConsumerListResponse>(`/api/consumers?q=${enc(group)}`)).total, 0);
  });

  it('answers 400 naming the field for bad input, 404 for unknown routes', async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', '/api/topics', { topic: 'bad topic!', clusterName: 'DefaultCluster' }, /^topic: .*illegal characters/],
      ['POST', '/api/topics', { topic: 'T', clusterName: 'DefaultCluster', readQueueNums: 'many' }, /readQueueNums must be an integer/],
      ['POST', '/api/topics', { topic: 'T' }, /clusterName or brokerAddr/],
      ['POST', '/api/topics', { topic: 'T', brokerAddr: 'nowhere' }, /^brokerAddr: invalid address/],
      ['POST', '/api/topics', { topic: 'T', clusterName: 'DefaultCluster', perm: 5 }, /perm must be 2 \(W\), 4 \(R\) or 6 \(RW\)/],
      ['GET', '/api/topics?limit=abc', undefined, /limit must be an integer/],
      ['GET', '/api/topics?kind=FOO', undefined, /kind must be a comma list/],
      ['GET', '/api/metrics?minutes=0', undefined, /minutes must be an integer 1\.\.65/],
      ['GET', '/api/messages/by-key?topic=T', undefined, /key is required/],
      ['GET', '/api/messages/by-time?topic=T&begin=200&end=100', undefined, /end \(100\) lies before begin \(200\)/],
      ['POST', '/api/topics/T/send', { tags: 'x' }, /body is required/],
      ['POST', '/api/topics/T/reset-offset', { group: 'g', timestamp: 'yesterday' }, /timestamp must be an integer/],
      ['POST', '/api/consumers', { groupName: 'g h', clusterName: 'DefaultCluster' }, /groupName .*illegal characters/],
      ['PUT', '/api/namesrv', { addrs: 'no-port' }, /^addrs: bad NameServer address "no-port"/],
      ['PUT', '/api/namesrv', {}, /addrs is required/],
      ['GET', '/api/brokers/nowhere/runtime', undefined, /^addr: invalid address/],
    ];
    for (const [method, url, body, pattern] of cases) {
      const a = await api.call<ApiError>(method, url, body);
      assert.equal(a.status, 400, `${method} ${url}: ${JSON.stringify(a.body)}`);
      assert.match(a.body.error, pattern, `${method} ${url}`);
    }
    const badJson = await api.call<ApiError>('POST', '/api/topics', undefined, '{"topic": ');
    assert.deepEqual([badJson.status, badJson.body.error], [400, 'the request body is not valid JSON']);
    const unknown = await api.call<ApiError>('GET', '/api/nothing-here');
    assert.deepEqual([unknown.status, unknown.body.error], [404, 'no such API route: GET /api/nothing-here']);
  });

  it('answers 502 with the cluster\'s words when a broker cannot be reached or refuses', async () => {
    const down = await api.call<ApiError>('GET', '/api/brokers/127.0.0.1:1/runtime');
    assert.equal(down.status, 502);
    assert.match(down.body.error, /get broker runtime info: .*127\.0\.0\.1:1/);
    const noGroup = await api.call<ApiError>('GET', `/api/consumers/${uniq('NoSuchGroup')}/connection`);
    assert.equal(noGroup.status, 502);
    assert.match(noGroup.body.error, /\w+/);
  });

  it('samples broker TPS and the busiest topics on the server', async () => {
    const topic = uniq('DashHot');
    await cluster.createTopic(topic, 2);
    const producer = await cluster.producer();
    // Keep sending while waiting: a topic's rate needs messages put between two of its samples.
    const metrics = await waitFor(async () => {
      for (let i = 0; i < 5; i++) await producer.send({ topic, body: `hot-${i}` });
      const m = await api.get<MetricsResponse>('/api/metrics?minutes=5');
      return m.topics.some((t) => t.topic === topic && t.inTps.some((v) => v !== null && v > 0)) ? m : undefined;
    }, { ...WAIT, what: `a positive rate for ${topic} in /api/metrics` });
    assert.equal(metrics.intervalMs, 300);
    assert.ok(metrics.times.length >= 2);
    assert.ok(metrics.times.every((t, i) => i === 0 || t > metrics.times[i - 1]!), 'times ascend');
    const broker = metrics.brokers.find((b) => b.addr === cluster.brokerAddr());
    assert.equal(broker?.brokerName, 'broker-a');
    assert.equal(broker.inTps.length, metrics.times.length);
    assert.ok(metrics.topics.length <= 10);
    assert.equal(metrics.lastError, undefined);
  });

  it('serves the web app with a fallback to index.html, or says it was not built', async () => {
    const notBuilt = await fetch(`${api.dashboard.url}/`);
    assert.equal(notBuilt.status, 200);
    assert.match(await notBuilt.text(), /dashboard UI was not built/);

    const dir = emptyStaticDir();
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root">app</div>');
    fs.writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
    const web = await Api.start({ namesrvAddr: cluster.namesrvAddr, staticDir: dir });
    try {
      assert.match(await (await fetch(`${web.dashboard.url}/topics/some-topic`)).text(), /id="root">app/);
      assert.equal(await (await fetch(`${web.dashboard.url}/app.js`)).text(), 'console.log(1)');
      assert.equal((await web.call<ApiError>('GET', '/api/nope')).status, 404);
    } finally {
      await web.close();
    }
  });

  it('switches the NameServer list at run time: a dead one gives 502 in words, switching back works', async () => {
    const other = await Api.start({ namesrvAddr: cluster.namesrvAddr, staticDir: emptyStaticDir() });
    try {
      const switched = await other.ok<NamesrvInfo>('PUT', '/api/namesrv', { addrs: '127.0.0.1:1' });
      assert.deepEqual(switched.addrs, ['127.0.0.1:1']);
      assert.deepEqual(await other.get<NamesrvInfo>('/api/namesrv'), { addrs: ['127.0.0.1:1'] });
      for (const url of ['/api/cluster', '/api/topics', '/api/consumers']) {
        const a = await other.call<ApiError>('GET', url);
        assert.equal(a.status, 502, url);
        assert.match(a.body.error, /no NameServer of \[127\.0\.0\.1:1\] answered/, url);
      }
      await other.ok('PUT', '/api/namesrv', { addrs: `127.0.0.1:1;${cluster.namesrvAddr}` });
      const { brokers } = await other.get<ClusterResponse>('/api/cluster');
      assert.deepEqual(brokers.map((b) => b.addr), [cluster.brokerAddr()]);
    } finally {
      await other.close();
    }
  });
});
