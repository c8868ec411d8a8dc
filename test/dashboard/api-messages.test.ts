// The dashboard's message routes against a real NameServer and broker: a message sent through the API is found
// by key, id and time with its body; resend to an online consumer; a group's dead-letter messages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PushConsumer } from '../../src/client/index.js';
import type {
  MessageDetail,
  MessageListResponse,
  ResendResponse,
  SendResultView,
} from '../../src/dashboard/api-types.js';
import { AdminCluster, uniq } from '../admin/harness.js';
import { waitFor } from '../support/wait.js';
import { Api, emptyStaticDir, enc } from './api-support.js';

const WAIT = { timeoutMs: 60_000 };

describe('dashboard API: messages', { timeout: 300_000 }, () => {
  let cluster: AdminCluster;
  let api: Api;
  const consumers: PushConsumer[] = [];

  before(async () => {
    cluster = await AdminCluster.start();
    api = await Api.start({ namesrvAddr: cluster.namesrvAddr, staticDir: emptyStaticDir(), metrics: { intervalMs: 60_000 } });
  });

  after(async () => {
    for (const c of consumers) await c.shutdown().catch(() => undefined);
    await api?.close();
    await cluster?.stop();
  });

  it('finds a message sent from the API by key, by id and by time, with its body and properties', async () => {
    const topic = uniq('DashMsg');
    await cluster.createTopic(topic, 2);
    const began = Date.now();
    const sent = await api.ok<SendResultView>('POST', `/api/topics/${enc(topic)}/send`, { body: '{"order":42}', keys: 'dash-key-1 other', tags: 'TagD' });
    assert.equal(sent.sendStatus, 'SEND_OK');
    assert.equal(sent.messageQueue.topic, topic);

    const byKey = await waitFor(async () => {
      const r = await api.get<MessageListResponse>(`/api/messages/by-key?topic=${enc(topic)}&key=dash-key-1`);
      return r.items.length > 0 ? r : undefined;
    }, { ...WAIT, what: 'the message to be indexed by key' });
    assert.deepEqual(byKey.items.map((m) => [m.msgId, m.tags, m.keys]), [[sent.msgId, 'TagD', ['dash-key-1', 'other']]]);
    const none = await api.get<MessageListResponse>(`/api/messages/by-key?topic=${enc(topic)}&key=no-such-key`);
    assert.deepEqual(none.items, []);

    const detail = await api.get<MessageDetail>(`/api/messages/detail?topic=${enc(topic)}&msgId=${enc(sent.msgId)}`);
    assert.equal(detail.bodyText, '{"order":42}');
    assert.equal(Buffer.from(detail.bodyBase64, 'base64').toString('utf8'), '{"order":42}');
    assert.equal(detail.properties.KEYS, 'dash-key-1 other');
    assert.equal(detail.properties.TAGS, 'TagD');
    assert.equal(detail.storeHost, cluster.brokerAddr());
    assert.equal(detail.brokerName, 'broker-a');
    assert.equal(detail.offsetMsgId, sent.offsetMsgId);
    assert.deepEqual(detail.tracks, []);

    const byOffsetId = await api.get<MessageListResponse>(`/api/messages/by-id?topic=${enc(topic)}&msgId=${enc(sent.offsetMsgId)}`);
    assert.deepEqual(byOffsetId.items.map((m) => [m.msgId, m.brokerName, m.queueOffset]), [[sent.msgId, 'broker-a', sent.queueOffset]]);

    const byTime = await api.get<MessageListResponse>(`/api/messages/by-time?topic=${enc(topic)}&begin=${began - 1000}&end=${Date.now() + 1000}`);
    assert.deepEqual(byTime.items.map((m) => m.msgId), [sent.msgId]);
    const before = await api.get<MessageListResponse>(`/api/messages/by-time?topic=${enc(topic)}&begin=0&end=${began - 60_000}`);
    assert.deepEqual(before.items, []);
  });

  it('limits a time-range query and says it was truncated, newest first', async () => {
    const topic = uniq('DashMany');
    await cluster.createTopic(topic, 2);
    await cluster.send(topic, 12);
    const r = await api.get<MessageListResponse>(`/api/messages/by-time?topic=${enc(topic)}&begin=0&limit=5`);
    assert.equal(r.items.length, 5);
    assert.equal(r.truncated, true);
    assert.ok(r.items.every((m, i) => i === 0 || m.storeTimestamp <= r.items[i - 1]!.storeTimestamp));
    const all = await api.get<MessageListResponse>(`/api/messages/by-time?topic=${enc(topic)}&begin=0&limit=100`);
    assert.deepEqual([all.items.length, all.truncated], [12, false]);
  });

  it('resends a message to the online consumer of a group, and lists and resends its dead letters', async () => {
    const topic = uniq('DashDlq');
    const group = uniq('DashDlqGroup');
    await cluster.createTopic(topic, 1);
    const directly: string[] = [];
    let failing = true;
    const consumer = new PushConsumer({ consumerGroup: group, namesrvAddr: cluster.namesrvAddr, maxReconsumeTimes: 1, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    consumer.subscribe(topic, '*');
    consumer.registerMessageListener(async (msgs) => {
      if (failing) return 'RECONSUME_LATER';
      for (const m of msgs) directly.push(m.body.toString('utf8'));
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    consumers.push(consumer);
    const sent = await api.ok<SendResultView>('POST', `/api/topics/${enc(topic)}/send`, { body: 'doomed' });

    const dlq = await waitFor(async () => {
      const r = await api.get<MessageListResponse>(`/api/dlq/${enc(group)}?begin=0`);
      return r.items.length > 0 ? r : undefined;
    }, { ...WAIT, what: 'the message in the DLQ after its retries' });
    assert.deepEqual(dlq.items.map((m) => m.topic), [`%DLQ%${group}`]);

    failing = false;
    const resent = await api.ok<ResendResponse>('POST', '/api/messages/resend', { topic, msgId: sent.msgId, group });
    assert.equal(resent.results.length, 1);
    assert.equal(resent.results[0]!.consumeResult, 'CR_SUCCESS', JSON.stringify(resent.results));
    assert.deepEqual(directly, ['doomed']);

    const fromDlq = await api.ok<ResendResponse>('POST', `/api/dlq/${enc(group)}/resend`, { msgId: dlq.items[0]!.msgId });
    assert.equal(fromDlq.results[0]!.consumeResult, 'CR_SUCCESS', JSON.stringify(fromDlq.results));
    assert.deepEqual(directly, ['doomed', 'doomed']);
  });
});
