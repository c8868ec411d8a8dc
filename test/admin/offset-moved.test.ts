// OFFSET_MOVED_EVENT end to end: retention deletes the oldest commit-log segments, a push consumer that starts at
// offset 0 is answered PULL_OFFSET_MOVED, the broker stores the event as 4.9.8 does (topic, queue, TAGS/KEYS,
// JSON body, born host) and mqadmin startMonitoring reports it (reportDeleteMsgsEvent).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOffsetMovedEvent } from '../../src/protocol/offset-moved-event.js';
import { TOPIC_OFFSET_MOVED_EVENT } from '../../src/protocol/message-const.js';
import { decodeStoredMessages } from '../support/stored-message.js';
import { pullMessage, Resp, WireClient } from '../support/wire.js';
import { AdminCluster, uniq, waitFor } from './harness.js';
import { addRetentionBroker, age, segments, sendBig, type RetentionBroker } from './retention-broker.js';

let c: AdminCluster;
let rb: RetentionBroker;
before(async () => {
  c = await AdminCluster.start({ brokers: 0 });
  rb = await addRetentionBroker(c, 'a');
});
after(async () => {
  await c.stop();
});

/** Events in OFFSET_MOVED_EVENT queue 0 of the broker, read over the wire. */
async function storedEvents(): Promise<ReturnType<typeof decodeStoredMessages>> {
  const conn = await WireClient.connect(rb.broker.brokerAddr);
  try {
    const r = await pullMessage(conn, { group: uniq('reader'), topic: TOPIC_OFFSET_MOVED_EVENT, queueId: 0, offset: 0 });
    return r.code === Resp.SUCCESS ? decodeStoredMessages(r.body) : [];
  } finally {
    conn.close();
  }
}

test('a consumer behind deleted segments is moved on, the broker stores an OffsetMovedEvent, startMonitoring reports it', async () => {
  const topic = uniq('Moved');
  const group = uniq('behind');
  await c.createTopic(topic, 1);
  await sendBig(await c.producer(), topic, 'broker-a', 200);
  assert.ok(segments(rb.commitLogDir).length >= 3);
  age(rb.commitLogDir, 2, 100);
  rb.world.hour = 4;
  assert.equal((await rb.store.cleanExpiredFiles()).commitLogFiles, 2);
  const min = rb.store.getMinOffsetInQueue(topic, 0);
  assert.ok(min > 0, 'retention moved the queue start up');

  // startMonitoring in this process, rounds every 300 ms, stopped by the signal.
  let out = '';
  const stop = new AbortController();
  const running = c.runWith(['startMonitoring'], { signal: stop.signal, monitor: { firstDelayMs: 0, roundIntervalMs: 300 } }, (t) => {
    out += t;
  });
  await waitFor(() => out.includes('endRound'), { timeoutMs: 30_000, what: 'a first monitor round' });

  // A new group from the first offset asks for offset 0, which is gone.
  const { seen } = await c.consumer(group, topic, 'CONSUME_FROM_FIRST_OFFSET');
  await waitFor(() => seen.length === 200 - min, { timeoutMs: 60_000, what: `the ${200 - min} messages still stored` });
  assert.equal(seen[0]!.slice(0, 5), `m${min}-`);

  const events = (await storedEvents()).filter((m) => m.properties.KEYS === group);
  assert.equal(events.length, 1, 'one event for the one moved queue');
  const e = events[0]!;
  assert.equal(e.queueId, 0);
  assert.equal(e.properties.TAGS, group);
  assert.equal(e.properties.DELAY, '0');
  assert.equal(e.bornHost, rb.broker.brokerAddr);
  assert.deepEqual(decodeOffsetMovedEvent(e.body), { consumerGroup: group, messageQueue: { topic, brokerName: 'broker-a', queueId: 0 }, offsetRequest: 0, offsetNew: min });
  assert.equal(e.body.toString('utf8'),
    `{"consumerGroup":"${group}","messageQueue":{"brokerName":"broker-a","queueId":0,"topic":"${topic}"},"offsetNew":${min},"offsetRequest":0}`);

  const line = `[MONITOR] reportDeleteMsgsEvent: DeleteMsgsEvent [offsetMovedEvent=OffsetMovedEvent [consumerGroup=${group}, `
    + `messageQueue=MessageQueue [topic=${topic}, brokerName=broker-a, queueId=0], offsetRequest=0, offsetNew=${min}], eventTimestamp=${e.storeTimestamp}]`;
  await waitFor(() => out.includes(line), { timeoutMs: 60_000, what: () => `startMonitoring printing ${line}; it printed:\n${out}` });
  // The rounds go on and report the group's backlog too.
  await waitFor(() => out.includes(`reportUndoneMsgs: UndoneMsgs [consumerGroup=${group}, topic=${topic}, undoneMsgsTotal=0`), { timeoutMs: 60_000, what: 'an UndoneMsgs line of the group' });
  stop.abort();
  assert.equal(await running, 0);
});

test('a pull at a good offset stores no event; one beyond the end (OFFSET_OVERFLOW_BADLY) stores one', async () => {
  const topic = uniq('NotMoved');
  await c.createTopic(topic, 1);
  await sendBig(await c.producer(), topic, 'broker-a', 3);
  const before = (await storedEvents()).length;
  const conn = await WireClient.connect(rb.broker.brokerAddr);
  try {
    const ok = await pullMessage(conn, { group: uniq('fine'), topic, queueId: 0, offset: 1 });
    assert.equal(ok.code, Resp.SUCCESS);
    const atEnd = await pullMessage(conn, { group: uniq('fine'), topic, queueId: 0, offset: 3 });
    assert.equal(atEnd.code, Resp.PULL_NOT_FOUND);
    const beyond = await pullMessage(conn, { group: uniq('ahead'), topic, queueId: 0, offset: 50 });
    assert.equal(beyond.code, Resp.PULL_OFFSET_MOVED);
    assert.equal(beyond.extFields.nextBeginOffset, '3');
  } finally {
    conn.close();
  }
  // Only the overflowing pull left an event.
  const after = await storedEvents();
  assert.equal(after.length, before + 1);
  const last = decodeOffsetMovedEvent(after[after.length - 1]!.body);
  assert.equal(last.offsetRequest, 50);
  assert.equal(last.offsetNew, 3);
});
