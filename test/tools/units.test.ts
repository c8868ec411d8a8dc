// Pure pieces of mqtools: Java's toString layouts, the latency accounting and option defaults.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatMessageQueue, formatSendResult, formatTime } from '../../src/tools/format.js';
import { makeBody, resolveNamesrv } from '../../src/tools/options.js';
import { LatencyStats } from '../../src/tools/stats.js';

describe('mqtools pieces', () => {
  it('SendResult and MessageQueue print as 4.9.8 Java toString()', () => {
    const mq = { topic: 'TopicTest', brokerName: 'broker-a', queueId: 0 };
    assert.equal(formatMessageQueue(mq), 'MessageQueue [topic=TopicTest, brokerName=broker-a, queueId=0]');
    assert.equal(
      formatSendResult({
        sendStatus: 'SEND_OK', msgId: '7F0000010B5818B4AAC2713D8B5A0000', offsetMsgId: 'C0A8000100002A9F0000000000000000',
        messageQueue: mq, queueOffset: 0, regionId: 'DefaultRegion', traceOn: true,
      }),
      'SendResult [sendStatus=SEND_OK, msgId=7F0000010B5818B4AAC2713D8B5A0000, offsetMsgId=C0A8000100002A9F0000000000000000, '
        + 'messageQueue=MessageQueue [topic=TopicTest, brokerName=broker-a, queueId=0], queueOffset=0]',
    );
  });

  it('times print as yyyy-MM-dd HH:mm:ss,SSS', () => {
    assert.match(formatTime(Date.now()), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}$/);
  });

  it('-n wins over NAMESRV_ADDR, which wins over 127.0.0.1:9876', () => {
    assert.equal(resolveNamesrv('10.0.0.1:9876', { NAMESRV_ADDR: 'x:1' }), '10.0.0.1:9876');
    assert.equal(resolveNamesrv(undefined, { NAMESRV_ADDR: 'x:1' }), 'x:1');
    assert.equal(resolveNamesrv(undefined, {}), '127.0.0.1:9876');
    assert.equal(resolveNamesrv('', { NAMESRV_ADDR: ' ' }), '127.0.0.1:9876');
  });

  it('benchmark bodies have exactly the asked size', () => {
    assert.equal(makeBody(1024).length, 1024);
    assert.equal(makeBody(1).length, 1);
  });

  it('latency stats: average, maximum, percentiles within one 10 µs bucket, reset', () => {
    const s = new LatencyStats();
    for (let i = 1; i <= 1000; i++) s.record(i * 10); // 10 µs .. 10 ms
    s.fail();
    assert.equal(s.count, 1000);
    assert.equal(s.failures, 1);
    assert.equal(s.maxUs, 10_000);
    assert.ok(Math.abs(s.averageUs - 5005) < 1e-9);
    assert.ok(Math.abs(s.percentileUs(50) - 5000) <= 10, String(s.percentileUs(50)));
    assert.ok(Math.abs(s.percentileUs(99) - 9900) <= 10, String(s.percentileUs(99)));
    s.record(5_000_000); // beyond the histogram: the percentile falls back to the maximum
    assert.equal(s.percentileUs(100), 5_000_000);
    s.reset();
    assert.equal(s.count, 0);
    assert.equal(s.percentileUs(99), 0);
  });
});
