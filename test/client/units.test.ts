// The pure parts of the client: what goes on the wire (checked against frames captured from the 4.9.8 Java
// client), queue allocation, tag filtering, fault avoidance, held-message bookkeeping and argument checks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { encodeConsumeMessageDirectlyResult, encodeConsumerRunningInfo } from '../../src/client/admin-replies.js';
import { allocateAveragely, compareMessageQueues, type MessageQueue } from '../../src/client/allocate.js';
import { encodeBatchBody } from '../../src/client/batch.js';
import { parseNamesrvAddr, resolveClientConfig } from '../../src/client/config.js';
import { ClientErrorCode, MQBrokerError, MQClientError } from '../../src/client/errors.js';
import { Message, MessageExt, newUniqId, uncompressBody } from '../../src/client/message.js';
import { ProcessQueue } from '../../src/client/process-queue.js';
import { parseConsumeTimestamp } from '../../src/client/push-consumer.js';
import { FaultStrategy, notAvailableDuration, routeFromDefaultTopic, toPublishInfo, toSubscribeQueues } from '../../src/client/route.js';
import { prepareBatch, prepareSingle, sendHeader, toSendResult, type SendSettings } from '../../src/client/send-request.js';
import { buildSubscriptionData, tagMatches } from '../../src/client/subscription.js';
import { decodeTopicRouteData } from '../../src/protocol/bodies.js';
import { JsonObject, parseFastjson } from '../../src/protocol/fastjson.js';
import type { TopicRouteData } from '../../src/protocol/body-types.js';
import { decodeCommand } from '../../src/protocol/frame.js';
import { decodeBatchBody, decodeMessages, javaHashCode, parseProperties } from '../../src/protocol/message.js';
import { decodeUniqId } from '../../src/protocol/message-id.js';
import { readFixture } from '../support/fixtures.js';

const frame = (name: string) => decodeCommand(readFixture('frames', name));

const SETTINGS: SendSettings = {
  producerGroup: 'fixture_producer_group',
  createTopicKey: 'TBW102',
  defaultTopicQueueNums: 4,
  compressOver: 4096,
  maxMessageSize: 4 * 1024 * 1024,
};

function sortedEntries(m: Map<string, string>): Array<[string, string]> {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function mq(topic: string, brokerName: string, queueId: number): MessageQueue {
  return { topic, brokerName, queueId };
}

describe('send requests match the 4.9.8 Java producer', () => {
  it('SEND_MESSAGE_V2 header: same fields and values as fixture 310 (born time aside)', () => {
    const captured = frame('310-SEND_MESSAGE_V2.request.bin');
    const props = parseProperties(captured.extFields.i!);
    const msg = new Message({ topic: 'TopicTest', body: 'Hello RocketMQ fixture 1', tags: 'TagA', keys: ['FIXTURE_KEY_1'], properties: { fixtureProp: 'v1' } });
    msg.properties.set('UNIQ_KEY', props.get('UNIQ_KEY')!);
    const p = prepareSingle(msg, SETTINGS);
    const ours = sendHeader(p, mq('TopicTest', 'broker-a', 2), SETTINGS, Number(captured.extFields.g));
    const { i: ourProps, ...ourRest } = ours;
    const { i: theirProps, ...theirRest } = captured.extFields;
    assert.deepEqual(ourRest, theirRest);
    assert.deepEqual(sortedEntries(parseProperties(ourProps!)), sortedEntries(parseProperties(theirProps!)));
    assert.deepEqual(p.body, captured.body);
    assert.equal(p.code, 310);
  });

  it('a body of 4096+ bytes is zlib-compressed with sysFlag 769, and inflates back (fixture 310 compressed)', () => {
    const captured = frame('310-SEND_MESSAGE_V2.compressed.request.bin');
    const original = zlib.inflateSync(captured.body!);
    assert.equal(original.length, 6001);
    const p = prepareSingle(new Message({ topic: 'TopicTest', body: original, tags: 'TagB' }), SETTINGS);
    assert.equal(p.sysFlag, Number(captured.extFields.f));
    assert.equal(p.sysFlag, 769);
    assert.equal(p.body[0], 0x78, 'a zlib stream header');
    assert.deepEqual(zlib.inflateSync(p.body), original);
    assert.ok(p.body.length < original.length);
    // One byte less stays uncompressed.
    const small = prepareSingle(new Message({ topic: 'TopicTest', body: original.subarray(0, 4095) }), SETTINGS);
    assert.equal(small.sysFlag, 0);
    assert.equal(small.body.length, 4095);
  });

  it('the consumer inflates sysFlag 769 and legacy sysFlag 1 bodies, and leaves others alone', () => {
    const body = Buffer.from('x'.repeat(5000));
    const z = zlib.deflateSync(body);
    assert.deepEqual(uncompressBody(z, 769), body);
    assert.deepEqual(uncompressBody(z, 1), body);
    assert.equal(uncompressBody(body, 0), body);
    assert.equal(uncompressBody(z, 0x101), undefined, 'LZ4 is not supported');
    assert.equal(uncompressBody(Buffer.from('not zlib'), 1), undefined);
  });

  it('SEND_BATCH_MESSAGE body is byte-identical to fixture 320 for the same messages', () => {
    const captured = frame('320-SEND_BATCH_MESSAGE.request.bin');
    const records = decodeBatchBody(captured.body!);
    assert.equal(records.length, 3);
    const ours = encodeBatchBody(records.map((r) => ({ body: r.body, flag: r.flag, properties: parseProperties(r.properties) })));
    assert.deepEqual(ours, captured.body);
  });

  it('a batch: batch-level WAIT only, m=true, code 320, one UNIQ_KEY per message joined as msgId', () => {
    const captured = frame('320-SEND_BATCH_MESSAGE.request.bin');
    const msgs = [0, 1, 2].map((n) => new Message({ topic: 'BatchTest', body: `Hello batch ${n}`, tags: 'TagA', keys: [`BATCH_KEY_${n}`] }));
    const p = prepareBatch(msgs, SETTINGS);
    assert.equal(p.code, 320);
    const h = sendHeader(p, mq('BatchTest', 'broker-a', 0), SETTINGS, Number(captured.extFields.g));
    assert.deepEqual(h, captured.extFields);
    const inner = decodeBatchBody(p.body);
    assert.equal(inner.length, 3);
    const ids = inner.map((r) => parseProperties(r.properties).get('UNIQ_KEY'));
    assert.equal(p.uniqId, ids.join(','));
    assert.equal(new Set(ids).size, 3);
    assert.equal(inner[2]!.body.toString(), 'Hello batch 2');
    assert.equal(parseProperties(inner[1]!.properties).get('KEYS'), 'BATCH_KEY_1');
  });

  it('batches refuse mixed topics, delays, retry topics, emptiness and oversize', () => {
    const a = new Message({ topic: 'A', body: 'x' });
    const expectIllegal = (fn: () => unknown, re: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof MQClientError && e.code === ClientErrorCode.ILLEGAL_ARGUMENT && re.test(e.message));
    expectIllegal(() => prepareBatch([], SETTINGS), /at least one/);
    expectIllegal(() => prepareBatch([a, new Message({ topic: 'B', body: 'x' })], SETTINGS), /same/);
    expectIllegal(() => prepareBatch([new Message({ topic: 'A', body: 'x', delayTimeLevel: 2 })], SETTINGS), /TimeDelayLevel/);
    expectIllegal(() => prepareBatch([new Message({ topic: '%RETRY%g', body: 'x' })], SETTINGS), /retry/);
    expectIllegal(() => prepareBatch([a, a], { ...SETTINGS, maxMessageSize: 40 }), /batch body size/);
  });

  it('a send to a retry topic moves RECONSUME_TIME and MAX_RECONSUME_TIMES into header fields j and l', () => {
    const m = new Message({ topic: '%RETRY%grp', body: 'again' });
    m.properties.set('RECONSUME_TIME', '3');
    m.properties.set('MAX_RECONSUME_TIMES', '5');
    const h = sendHeader(prepareSingle(m, SETTINGS), mq('%RETRY%grp', 'b', 0), SETTINGS);
    assert.equal(h.j, '3');
    assert.equal(h.l, '5');
    const props = parseProperties(h.i!);
    assert.equal(props.has('RECONSUME_TIME'), false);
    assert.equal(props.has('MAX_RECONSUME_TIMES'), false);
  });

  it('send responses: fixture 310 becomes SEND_OK with both ids; store timeouts are results; other codes are errors', () => {
    const p = prepareSingle(new Message({ topic: 'TopicTest', body: 'x' }), SETTINGS);
    const response = frame('310-SEND_MESSAGE_V2.response.bin');
    const r = toSendResult(response, p, mq('TopicTest', 'broker-a', 2), '127.0.0.2:10911');
    assert.equal(r.sendStatus, 'SEND_OK');
    assert.equal(r.msgId, p.uniqId);
    assert.equal(r.offsetMsgId, '7F00000200002A9F0000000000000000');
    assert.deepEqual(r.messageQueue, mq('TopicTest', 'broker-a', 2));
    assert.equal(r.queueOffset, 0);
    assert.equal(r.regionId, 'DefaultRegion');
    for (const [code, status] of [[10, 'FLUSH_DISK_TIMEOUT'], [11, 'SLAVE_NOT_AVAILABLE'], [12, 'FLUSH_SLAVE_TIMEOUT']] as const) {
      assert.equal(toSendResult({ ...response, code }, p, mq('TopicTest', 'broker-a', 2), 'x:1').sendStatus, status);
    }
    assert.throws(() => toSendResult({ ...response, code: 13, remark: 'too big', extFields: {} }, p, mq('TopicTest', 'b', 0), '10.0.0.1:10911'),
      (e: unknown) => e instanceof MQBrokerError && e.code === 13 && !e.retriable && e.brokerAddr === '10.0.0.1:10911'
        && /MESSAGE_ILLEGAL/.test(e.message) && /too big/.test(e.message));
    assert.throws(() => toSendResult({ ...response, code: 14, extFields: {} }, p, mq('TopicTest', 'b', 0), 'x:1'),
      (e: unknown) => e instanceof MQBrokerError && e.retriable);
    assert.throws(() => toSendResult({ ...response, extFields: { queueId: '1' } }, p, mq('TopicTest', 'b', 0), 'x:1'),
      (e: unknown) => e instanceof MQClientError && /queueOffset/.test(e.message));
  });
});

describe('messages', () => {
  it('UNIQ_KEY: 32 hex chars in the Java layout (ip, pid, time since month start, counter)', () => {
    const a = newUniqId();
    const b = newUniqId();
    assert.match(a, /^[0-9A-F]{32}$/);
    assert.notEqual(a, b);
    const pa = decodeUniqId(a);
    const pb = decodeUniqId(b);
    assert.equal(pa.pid, process.pid & 0xffff);
    assert.equal((pa.counter + 1) & 0xffff, pb.counter);
    const now = new Date();
    const monthStart = new Date(now.getFullYear(), now.getMonth(), 1).getTime();
    assert.ok(Math.abs(monthStart + pa.msSinceMonthStart - Date.now()) < 60_000);
  });

  it('tags, keys, delay level and user properties map to the Java property names', () => {
    const m = new Message({ topic: 'T', body: 'b', tags: 'TagA', keys: ['k1', 'k2'], properties: { color: 'red' }, delayTimeLevel: 3 });
    assert.equal(m.properties.get('TAGS'), 'TagA');
    assert.equal(m.properties.get('KEYS'), 'k1 k2');
    assert.deepEqual(m.keys, ['k1', 'k2']);
    assert.equal(m.properties.get('DELAY'), '3');
    assert.equal(m.properties.get('WAIT'), 'true');
    assert.equal(m.getProperty('color'), 'red');
    assert.equal(new Message({ topic: 'T', body: 'b', waitStoreMsgOK: false }).properties.get('WAIT'), 'false');
  });

  it('refuses what the broker would refuse, with errors naming the problem', () => {
    const illegal = (fn: () => unknown, re: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof MQClientError && e.code === ClientErrorCode.ILLEGAL_ARGUMENT && re.test(e.message));
    illegal(() => new Message({ topic: 'T', body: 'b', properties: { UNIQ_KEY: 'x' } }), /used by the system/);
    illegal(() => new Message({ topic: 'T', body: 'b', delayTimeLevel: -1 }), /delayTimeLevel/);
    illegal(() => new Message({ topic: 'T', body: 'b', delayTimeLevel: 1.5 }), /delayTimeLevel/);
    illegal(() => prepareSingle(new Message({ topic: 'bad topic!', body: 'b' }), SETTINGS), /illegal characters/);
    illegal(() => prepareSingle(new Message({ topic: 'x'.repeat(128), body: 'b' }), SETTINGS), /more than 127/);
    illegal(() => prepareSingle(new Message({ topic: 'T', body: '' }), SETTINGS), /body length is zero/);
    illegal(() => prepareSingle(new Message({ topic: 'T', body: Buffer.alloc(11) }), { ...SETTINGS, maxMessageSize: 10 }), /max message size/);
    illegal(() => prepareSingle(new Message({ topic: 'SCHEDULE_TOPIC_XXXX', body: 'b' }), SETTINGS), /forbidden/);
    illegal(() => prepareSingle(new Message({ topic: 'TBW102', body: 'b' }), SETTINGS), /AUTO_CREATE/);
    illegal(() => prepareSingle(new Message({ topic: 'T', body: 'b', properties: { k: 'a\u0001b' } }), SETTINGS), /separator/);
    illegal(() => prepareSingle(new Message({ topic: 'T', body: 'b', properties: { k: 'v'.repeat(40000) } }), SETTINGS), /properties are/);
  });

  it('a pulled record becomes a MessageExt with UNIQ_KEY as msgId and the store id as offsetMsgId', () => {
    const found = frame('11-PULL_MESSAGE.response.found.bin');
    const d = decodeMessages(found.body!)[0]!;
    const m = new MessageExt(d, 'broker-a', Buffer.from(d.body));
    assert.equal(m.offsetMsgId, '7F00000200002A9F000000000003D788');
    assert.equal(m.msgId, d.properties.get('UNIQ_KEY'));
    assert.equal(m.queueOffset, 289);
    assert.equal(m.storeHost, '127.0.0.2:10911');
    assert.equal(m.tags, 'TagA');
  });
});

describe('client options', () => {
  it('NameServer lists: ";"-separated host:port, from the option or NAMESRV_ADDR', () => {
    assert.deepEqual(parseNamesrvAddr('a:9876;b:9877'), ['a:9876', 'b:9877']);
    assert.deepEqual(resolveClientConfig({}, { NAMESRV_ADDR: '127.0.0.1:9876' }).namesrvAddrs, ['127.0.0.1:9876']);
    // rocketmq.namesrv.addr (Java's system property) wins over NAMESRV_ADDR; the option wins over both.
    const env = { NAMESRV_ADDR: '127.0.0.1:9876', 'rocketmq.namesrv.addr': '127.0.0.2:9876;127.0.0.3:9876' };
    assert.deepEqual(resolveClientConfig({}, env).namesrvAddrs, ['127.0.0.2:9876', '127.0.0.3:9876']);
    assert.deepEqual(resolveClientConfig({ namesrvAddr: '127.0.0.4:9876' }, env).namesrvAddrs, ['127.0.0.4:9876']);
    assert.throws(() => resolveClientConfig({}, {}), /NAMESRV_ADDR/);
    assert.throws(() => parseNamesrvAddr('localhost'), /not host:port/);
    assert.throws(() => resolveClientConfig({ namesrvAddr: 'a:1', pollNameServerInterval: -5 }), /pollNameServerInterval/);
  });

  it('client id is ip@instanceName; the default instance name is pid#nanotime, unique per client', () => {
    const a = resolveClientConfig({ namesrvAddr: 'a:1' });
    const b = resolveClientConfig({ namesrvAddr: 'a:1' });
    assert.match(a.instanceName, new RegExp(`^${process.pid}#\\d+$`));
    assert.notEqual(a.clientId, b.clientId);
    assert.equal(resolveClientConfig({ namesrvAddr: 'a:1', clientIP: '10.1.2.3', instanceName: 'i1' }).clientId, '10.1.2.3@i1');
  });

  it('consumeTimestamp takes Java\'s yyyyMMddHHmmss (local time) or epoch ms', () => {
    assert.equal(parseConsumeTimestamp('20240131235959'), new Date(2024, 0, 31, 23, 59, 59).getTime());
    assert.equal(parseConsumeTimestamp(1234), 1234);
    assert.ok(Math.abs(parseConsumeTimestamp(undefined) - (Date.now() - 30 * 60_000)) < 1000);
    assert.throws(() => parseConsumeTimestamp('2024-01-31'), /yyyyMMddHHmmss/);
    assert.throws(() => parseConsumeTimestamp('20241331000000'), /not a valid date/);
  });
});

describe('average allocation (AllocateMessageQueueAveragely)', () => {
  const queues = (n: number) => Array.from({ length: n }, (_, i) => mq('T', i < n / 2 ? 'broker-a' : 'broker-b', i % Math.ceil(n / 2)));

  it('splits 8 queues over 3 consumers as 3/3/2 contiguous blocks, whatever the input order', () => {
    const qs = queues(8);
    const cids = ['c2', 'c0', 'c1'];
    const shuffled = [...qs].reverse();
    const parts = ['c0', 'c1', 'c2'].map((c) => allocateAveragely(c, shuffled, cids));
    assert.deepEqual(parts.map((p) => p.length), [3, 3, 2]);
    const sorted = [...qs].sort(compareMessageQueues);
    assert.deepEqual(parts.flat(), sorted, 'every queue exactly once, in sorted order');
  });

  it('more consumers than queues: the first ones get one each, the rest none; unknown client gets none', () => {
    const qs = queues(2);
    assert.deepEqual(['a', 'b', 'c'].map((c) => allocateAveragely(c, qs, ['a', 'b', 'c']).length), [1, 1, 0]);
    assert.deepEqual(allocateAveragely('zz', qs, ['a', 'b']), []);
    assert.deepEqual(allocateAveragely('a', [], ['a']), []);
  });

  it('is a partition for every size up to 20 queues and 7 consumers', () => {
    for (let n = 1; n <= 20; n++) {
      for (let c = 1; c <= 7; c++) {
        const cids = Array.from({ length: c }, (_, i) => `10.0.0.1@${i}`);
        const all = cids.flatMap((cid) => allocateAveragely(cid, queues(n), cids));
        assert.equal(all.length, n);
        assert.equal(new Set(all.map((q) => `${q.brokerName}/${q.queueId}`)).size, n);
      }
    }
  });
});

describe('tag subscriptions', () => {
  it('"TagA || TagB" keeps the tags and their Java hash codes; "*" and "" subscribe to everything', () => {
    const sd = buildSubscriptionData('T', ' TagA || TagB ||TagA', 42);
    assert.deepEqual(sd.tagsSet, ['TagA', 'TagB']);
    assert.deepEqual(sd.codeSet, [javaHashCode('TagA'), javaHashCode('TagB')]);
    assert.deepEqual(sd.codeSet, [2598919, 2598920]);
    assert.equal(sd.subString, 'TagA || TagB ||TagA');
    assert.equal(sd.subVersion, 42);
    assert.equal(sd.expressionType, 'TAG');
    assert.equal(buildSubscriptionData('T', '*').subString, '*');
    assert.equal(buildSubscriptionData('T', '').subString, '*');
    assert.throws(() => buildSubscriptionData('T', '||'), /names no tag/);
    assert.throws(() => buildSubscriptionData('T', 'a || *'), /mixes/);
  });

  it('the exact check drops hash collisions and untagged messages', () => {
    // "Aa" and "BB" share a Java hash code, so the broker's filter lets both through.
    assert.equal(javaHashCode('Aa'), javaHashCode('BB'));
    const sd = buildSubscriptionData('T', 'Aa');
    assert.equal(tagMatches(sd, new Map([['TAGS', 'Aa']])), true);
    assert.equal(tagMatches(sd, new Map([['TAGS', 'BB']])), false);
    assert.equal(tagMatches(sd, new Map()), false);
    assert.equal(tagMatches(buildSubscriptionData('T', '*'), new Map()), true);
  });
});

describe('routes and fault avoidance', () => {
  const route = (perms: Record<string, number>, withMaster = true): TopicRouteData => ({
    queueDatas: Object.entries(perms).map(([brokerName, perm]) => ({ brokerName, readQueueNums: 2, writeQueueNums: 2, perm, topicSysFlag: 0 })),
    brokerDatas: Object.keys(perms).map((brokerName, i) => ({
      cluster: 'c', brokerName, brokerAddrs: new Map(withMaster ? [[0, `127.0.0.1:${10911 + i}`]] : [[1, '127.0.0.1:1']]),
    })),
    filterServerTable: {},
  });

  it('publish queues: writable brokers with a master, sorted by broker name; subscribe queues: readable ones', () => {
    const r = route({ 'broker-b': 6, 'broker-a': 6, 'broker-r': 4 });
    assert.deepEqual(toPublishInfo('T', r).queues.map((q) => `${q.brokerName}/${q.queueId}`), ['broker-a/0', 'broker-a/1', 'broker-b/0', 'broker-b/1']);
    assert.equal(toSubscribeQueues('T', r).length, 6);
    assert.equal(toPublishInfo('T', route({ x: 6 }, false)).queues.length, 0);
    const order = toPublishInfo('T', { ...r, orderTopicConf: 'broker-a:3;broker-b:1' });
    assert.equal(order.orderTopic, true);
    assert.deepEqual(order.queues.map((q) => `${q.brokerName}/${q.queueId}`), ['broker-a/0', 'broker-a/1', 'broker-a/2', 'broker-b/0']);
  });

  it('the TBW102 route stands in for an unknown topic with min(defaultTopicQueueNums, its queues) queues', () => {
    const tbw = decodeTopicRouteData(frame('105-GET_ROUTEINFO_BY_TOPIC.response.bin').body!);
    const derived = routeFromDefaultTopic(tbw, 4);
    const info = toPublishInfo('NewTopic', derived);
    assert.equal(info.queues.length, Math.min(4, tbw.queueDatas[0]!.writeQueueNums));
    assert.ok(info.queues.every((q) => q.topic === 'NewTopic' && q.brokerName === 'broker-a'));
  });

  it('latency table as MQFaultStrategy: <550 ms keeps the broker, slower or failed benches it', () => {
    assert.equal(notAvailableDuration(10), 0);
    assert.equal(notAvailableDuration(549), 0);
    assert.equal(notAvailableDuration(550), 30_000);
    assert.equal(notAvailableDuration(3000), 180_000);
    assert.equal(notAvailableDuration(30_000), 600_000);
  });

  it('round-robins, avoids the broker that just failed, and a benched broker until its time is up', () => {
    let now = 1_000_000;
    const fault = new FaultStrategy(true, () => now);
    const info = toPublishInfo('T', route({ 'broker-a': 6, 'broker-b': 6 }));
    info.sendWhichQueue = 0;
    const picks = Array.from({ length: 4 }, () => fault.selectQueue(info)!);
    assert.deepEqual(picks.map((q) => `${q.brokerName}/${q.queueId}`), ['broker-a/0', 'broker-a/1', 'broker-b/0', 'broker-b/1']);
    // Without benching, a retry after a failure on broker-a goes elsewhere.
    info.sendWhichQueue = 0;
    assert.equal(fault.selectQueue(info, 'broker-a')!.brokerName, 'broker-b');
    // A failed send benches broker-a: it is skipped for 10 minutes (Java: isolation = 30 s latency), then used again.
    fault.update('broker-a', 5, true);
    for (let i = 0; i < 8; i++) assert.equal(fault.selectQueue(info)!.brokerName, 'broker-b');
    now += 599_000;
    assert.equal(fault.selectQueue(info)!.brokerName, 'broker-b');
    now += 1_001;
    const after = new Set(Array.from({ length: 4 }, () => fault.selectQueue(info)!.brokerName));
    assert.ok(after.has('broker-a'));
    // All benched: the one that comes back first is used.
    fault.update('broker-a', 3000, false);
    fault.update('broker-b', 1000, false);
    assert.equal(fault.selectQueue(info)!.brokerName, 'broker-b');
  });
});

describe('process queue bookkeeping', () => {
  function msgs(offsets: number[]): MessageExt[] {
    const found = frame('11-PULL_MESSAGE.response.found.bin');
    const d = decodeMessages(found.body!)[0]!;
    return offsets.map((o) => Object.assign(new MessageExt({ ...d, queueOffset: o }, 'b', Buffer.from('abc')), {}));
  }

  it('commits only up to the lowest unfinished message, then one past the highest seen', () => {
    const pq = new ProcessQueue();
    const m = msgs([10, 11, 12, 13]);
    assert.equal(pq.putMessages(m).length, 4);
    assert.equal(pq.putMessages(msgs([12])).length, 0, 'duplicates ignored');
    assert.equal(pq.removeMessages([m[1]!, m[2]!]), 10);
    assert.equal(pq.removeMessages([m[0]!]), 13);
    assert.equal(pq.removeMessages([m[3]!]), 14);
    assert.equal(pq.count, 0);
    assert.equal(pq.removeMessages([m[3]!]), -1);
  });

  it('orderly take/commit/rollback keeps offset order', () => {
    const pq = new ProcessQueue();
    pq.putMessages(msgs([5, 6, 7]));
    const first = pq.takeMessages(2);
    assert.deepEqual(first.map((x) => x.queueOffset), [5, 6]);
    pq.rollback();
    assert.deepEqual(pq.takeMessages(1).map((x) => x.queueOffset), [5]);
    assert.equal(pq.commit(), 6);
    assert.deepEqual(pq.takeMessages(5).map((x) => x.queueOffset), [6, 7]);
    assert.equal(pq.commit(), 8);
    assert.equal(pq.count, 0);
  });

  it('flow control waits for space instead of polling, and a drop releases the waiter', async () => {
    const pq = new ProcessQueue();
    const m = msgs([1, 2, 3]);
    pq.putMessages(m);
    const limits = { maxCount: 3, maxBytes: 1 << 20, maxSpan: 100 };
    let released = false;
    const waiting = pq.waitForSpace(limits).then(() => { released = true; });
    await Promise.resolve();
    assert.equal(released, false);
    pq.removeMessages([m[0]!]);
    await waiting;
    assert.equal(released, true);
    pq.putMessages(msgs([4]));
    const second = pq.waitForSpace(limits);
    pq.drop();
    await second;
  });
});

describe('replies to broker-forwarded admin requests', () => {
  it('ConsumerRunningInfo: fastjson shape with MessageQueue-keyed mqTable, properties and subscriptions', () => {
    const pq = new ProcessQueue();
    pq.locked = true;
    const body = encodeConsumerRunningInfo({
      properties: { PROP_CONSUME_TYPE: 'CONSUME_PASSIVELY' },
      subscriptions: [buildSubscriptionData('T', 'TagA', 7)],
      entries: [{ mq: mq('T', 'broker-a', 1), pq, nextOffset: 0, previouslyLocked: false }],
      commitOffsets: new Map([['T@broker-a@1', 42]]),
    }).toString();
    assert.match(body, /"mqTable":\{\{"brokerName":"broker-a","queueId":1,"topic":"T"\}:\{/);
    const root = parseFastjson(body) as JsonObject;
    assert.deepEqual(Object.fromEntries((root.get('properties') as JsonObject).entries), { PROP_CONSUME_TYPE: 'CONSUME_PASSIVELY' });
    const info = (root.get('mqTable') as JsonObject).entries[0]![1] as JsonObject;
    assert.equal(info.get('commitOffset'), 42);
    assert.equal(info.get('locked'), true);
    const sub = (root.get('subscriptionSet') as unknown as JsonObject[])[0]!;
    assert.deepEqual(sub.get('codeSet'), [javaHashCode('TagA')]);
    assert.match(body, /"consumeOKTPS":0\.0/);
  });

  it('ConsumeMessageDirectlyResult: the Java field names and enum values', () => {
    const body = encodeConsumeMessageDirectlyResult({ order: false, consumeResult: 'CR_SUCCESS', remark: '', spentTimeMills: 3 }).toString();
    assert.equal(body, '{"autoCommit":true,"consumeResult":"CR_SUCCESS","order":false,"remark":"","spentTimeMills":3}');
  });
});
