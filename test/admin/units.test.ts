// Pure parts behind mqadmin: version names, Java-style formatting, the broker's stats windows, the config-file
// rewrite, timestamps, and the admin body codecs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTimestamp, versionDesc } from '../../src/admin/index.js';
import { rewriteProperties } from '../../src/broker/broker-config-store.js';
import { BrokerStats, STATS_GROUP_GET_NUMS, STATS_TOPIC_PUT_NUMS } from '../../src/broker/broker-stats.js';
import { formatDate, humanString, humanString2, sprintf } from '../../src/cli/mqadmin/format.js';
import { encodeConsumerRunningInfo } from '../../src/client/admin-replies.js';
import {
  decodeBrokerStatsData,
  decodeConsumeStatsList,
  decodeConsumerRunningInfo,
  decodeGetConsumerStatusBody,
  decodeQueryConsumeTimeSpanBody,
  encodeBrokerStatsData,
  encodeConsumeStatsList,
  encodeGetConsumerStatusBody,
  encodeQueryConsumeTimeSpanBody,
} from '../../src/protocol/admin-bodies.js';
import type { QueueEntry } from '../../src/client/consumer-types.js';

test('versionDesc follows MQVersion.Version ordinals', () => {
  assert.equal(versionDesc(0), 'V3_0_0_SNAPSHOT');
  assert.equal(versionDesc(15), 'V3_0_0_FINAL');
  assert.equal(versionDesc(28), 'V3_0_7_SNAPSHOT');
  assert.equal(versionDesc(62), 'V3_1_8_SNAPSHOT');
  assert.equal(versionDesc(401), 'V4_9_4');
  assert.equal(versionDesc(409), 'V4_9_8');
  assert.equal(versionDesc(413), 'V5_0_0');
  assert.equal(versionDesc(612), 'HIGHER_VERSION');
  assert.equal(versionDesc(5000), 'HIGHER_VERSION');
});

test('sprintf writes what java.util.Formatter writes for the tools\' formats', () => {
  assert.equal(sprintf('%-6s|%6s|%-4d|%4d|%n', 'ab', 'cd', 7, 42), 'ab    |    cd|7   |  42|\n');
  assert.equal(sprintf('%9.2f(%s,%sms)', 3.14159, 0, 0), '     3.14(0,0ms)');
  assert.equal(sprintf('%04d  %s', 1, null), '0001  null');
  assert.equal(sprintf('%2.2f %.4f %%', 498687.9161, 0.22), '498687.92 0.2200 %');
  assert.equal(sprintf('%-20d|', -5), '-5                  |');
  const t = new Date(2024, 0, 2, 3, 4, 5, 6).getTime();
  assert.equal(formatDate(t), '2024-01-02 03:04:05');
  assert.equal(humanString2(t), '2024-01-02 03:04:05,006');
  assert.equal(humanString(t), '20240102030405006');
});

test('parseTimestamp: now, milliseconds, or yyyy-MM-dd#HH:mm:ss:SSS in local time', () => {
  assert.equal(parseTimestamp('now'), -1);
  assert.equal(parseTimestamp('1700000000000'), 1_700_000_000_000);
  assert.equal(parseTimestamp('2024-01-02#03:04:05:006'), new Date(2024, 0, 2, 3, 4, 5, 6).getTime());
  assert.throws(() => parseTimestamp('yesterday'), /neither now, milliseconds nor yyyy-MM-dd#HH:mm:ss:SSS/);
});

class Clock {
  constructor(public t: number) {}
  readonly now = (): number => this.t;
}

test('broker stats: "10s 1min 10min" TPS strings fill as the one-second snapshots accumulate', () => {
  const clock = new Clock(new Date(2024, 5, 1, 12, 0, 0).getTime());
  const stats = new BrokerStats({ now: clock.now });
  assert.equal(stats.runtimeEntries().putTps, '  ');
  assert.equal(stats.runtimeEntries().getTotalTps, '0.0 0.0 0.0');
  for (let s = 0; s < 61; s++) {
    for (let i = 0; i < 10; i++) stats.recordPut(1, 100, 'T', 1);
    stats.recordGet('g', 'T', 4);
    stats.recordGet('g', 'T', 0);
    clock.t += 1000;
    stats.sample();
  }
  const e = stats.runtimeEntries();
  assert.equal(e.putTps, '10.0 10.0 ');
  assert.equal(e.getTransferedTps, '4.0 4.0 ');
  assert.equal(e.getFoundTps, '1.0 1.0 ');
  assert.equal(e.getMissTps, '1.0 1.0 ');
  assert.equal(e.getTotalTps, '2.0 2.0 0.0');
  assert.equal(e.msgPutTotalTodayNow, '610');
  assert.equal(e.msgGetTotalTodayNow, '244');
  assert.equal(e.putMessageAverageSize, '100.0');
  assert.equal(e.runtime, '[ 0 days, 0 hours, 1 minutes, 1 seconds ]');
  // A full minute of 1 ms puts: all in the "[0~10ms]" bucket; the 99th percentile inside the 0..1 ms bucket.
  assert.match(e.putMessageDistributeTime!, /^\[<=0ms\]:0 \[0~10ms\]:600 \[10~50ms\]:0 /);
  assert.equal(e.putLatency99, '0.99');
  assert.equal(e.putMessageEntireTimeMax, '1');
});

test('broker stats: midnight moves today\'s totals to yesterday (clusterList -m arithmetic)', () => {
  const clock = new Clock(new Date(2024, 5, 1, 23, 59, 58).getTime());
  const stats = new BrokerStats({ now: clock.now });
  stats.recordPut(5, 50);
  stats.recordGet('g', 'T', 3);
  clock.t += 4000;
  stats.sample();
  stats.recordPut(2, 20);
  const e = stats.runtimeEntries();
  assert.deepEqual([e.msgPutTotalYesterdayMorning, e.msgPutTotalTodayMorning, e.msgPutTotalTodayNow], ['0', '5', '7']);
  assert.deepEqual([e.msgGetTotalYesterdayMorning, e.msgGetTotalTodayMorning, e.msgGetTotalTodayNow], ['0', '3', '3']);
});

test('broker stats items (VIEW_BROKER_STATS_DATA): per-topic puts and per topic@group gets with minute/hour/day sums', () => {
  const clock = new Clock(1_000_000_000);
  const stats = new BrokerStats({ now: clock.now });
  assert.equal(stats.statsItem(STATS_TOPIC_PUT_NUMS, 'T'), undefined);
  stats.recordPut(3, 30, 'T');
  stats.recordPut(1, 10, 'T');
  stats.recordGet('g', 'T', 2);
  clock.t += 10_000;
  const put = stats.statsItem(STATS_TOPIC_PUT_NUMS, 'T')!;
  assert.equal(put.minute.sum, 4);
  assert.equal(put.minute.tps, 4 / 20);
  assert.equal(put.minute.avgpt, 2);
  assert.equal(put.day.sum, 4);
  assert.equal(stats.statsItem(STATS_GROUP_GET_NUMS, 'T@g')!.hour.sum, 2);
  assert.equal(stats.groupGetTps('g', 'T'), 2 / 20);
  assert.equal(stats.statsItem('NO_SUCH_STATS', 'T'), undefined);
});

test('rewriteProperties sets keys in place, keeps comments and other lines, appends new keys, escapes values', () => {
  const text = '# broker-a\nbrokerName=broker-a\ndeleteWhen = 04\n! old\nstorePathRootDir=/a/\\\n  b\nlistenPort=10911\n';
  const out = rewriteProperties(text, [
    { key: 'deleteWhen', value: '02' },
    { key: 'storePathRootDir', value: 'C:\\data' },
    { key: 'fileReservedTime', value: '48' },
  ], 'test');
  assert.equal(out, '# broker-a\nbrokerName=broker-a\ndeleteWhen=02\n! old\nstorePathRootDir=C\\:\\\\data\nlistenPort=10911\nfileReservedTime=48\n');
  assert.equal(rewriteProperties('', [{ key: 'a', value: ' x' }], 'test'), 'a=\\ x\n');
});

test('admin bodies: encoded as fastjson writes them, decoded back', () => {
  const mq = { topic: 'T', brokerName: 'broker-a', queueId: 1 };
  const list = { brokerAddr: '127.0.0.1:10911', totalDiff: 3, consumeStatsList: [new Map([['g', [{ consumeTps: 1.5, offsetTable: [[mq, { brokerOffset: 5, consumerOffset: 2, lastTimestamp: 9 }]] as Array<[typeof mq, { brokerOffset: number; consumerOffset: number; lastTimestamp: number }]> }]]])] };
  const encoded = encodeConsumeStatsList(list).toString('utf8');
  assert.equal(encoded, '{"brokerAddr":"127.0.0.1:10911","consumeStatsList":[{"g":[{"consumeTps":1.5,"offsetTable":{{"brokerName":"broker-a","queueId":1,"topic":"T"}:{"brokerOffset":5,"consumerOffset":2,"lastTimestamp":9}}}]}],"totalDiff":3}');
  assert.deepEqual(decodeConsumeStatsList(encoded), list);
  const stats = { statsMinute: { sum: 4, tps: 0.2, avgpt: 2 }, statsHour: { sum: 4, tps: 0, avgpt: 0 }, statsDay: { sum: 4, tps: 0, avgpt: 0 } };
  assert.equal(encodeBrokerStatsData(stats).toString(), '{"statsDay":{"avgpt":0.0,"sum":4,"tps":0.0},"statsHour":{"avgpt":0.0,"sum":4,"tps":0.0},"statsMinute":{"avgpt":2.0,"sum":4,"tps":0.2}}');
  assert.deepEqual(decodeBrokerStatsData(encodeBrokerStatsData(stats)), stats);
  const status = { messageQueueTable: [], consumerTable: new Map([['10.0.0.1@1', [[mq, 7]] as Array<[typeof mq, number]>]]) };
  assert.deepEqual(decodeGetConsumerStatusBody(encodeGetConsumerStatusBody(status)), status);
  const spans = [{ messageQueue: mq, minTimeStamp: 1, maxTimeStamp: 2, consumeTimeStamp: 1, delayTime: 5 }];
  assert.deepEqual(decodeQueryConsumeTimeSpanBody(encodeQueryConsumeTimeSpanBody(spans)), spans);
});

test('ConsumerRunningInfo as our client writes it decodes into properties, subscriptions and the queue table', () => {
  const entry = {
    mq: { topic: 'T', brokerName: 'broker-a', queueId: 0 },
    pq: { count: 2, queueOffsetMax: 9, minOffset: 8, byteSize: 10, dropped: false, lastConsumeTimestamp: 5, lastLockTimestamp: 0, lastPullTimestamp: 6, locked: false },
  } as unknown as QueueEntry;
  const body = encodeConsumerRunningInfo({
    properties: { PROP_CONSUME_TYPE: 'CONSUME_PASSIVELY', consumerGroup: 'g' },
    subscriptions: [{ classFilterMode: false, topic: 'T', subString: '*', tagsSet: [], codeSet: [], subVersion: 1, expressionType: 'TAG' }],
    entries: [entry],
    commitOffsets: new Map([['T@broker-a@0', 8]]),
  });
  const info = decodeConsumerRunningInfo(body);
  assert.equal(info.properties.get('consumerGroup'), 'g');
  assert.equal(info.subscriptionSet[0]!.topic, 'T');
  assert.deepEqual(info.mqTable[0]![0], { topic: 'T', brokerName: 'broker-a', queueId: 0 });
  assert.equal(info.mqTable[0]![1].commitOffset, 8);
  assert.equal(info.mqTable[0]![1].cachedMsgCount, 2);
  assert.equal(info.statusTable.get('T')!.consumeFailedMsgs, 0);
});
