import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseCode } from '../../src/protocol/codes.js';
import { encodeProperties, decodeStoredMessages } from '../support/stored-message.js';
import { pull, send, startBroker, type TestBroker } from './broker-harness.js';

const SUSPEND = 2 | 4;
let t: TestBroker;

before(async () => {
  t = await startBroker();
});

after(async () => {
  await t.stop();
});

test('a parked pull is answered as soon as a send lands in its queue', async () => {
  await send(t, { topic: 'LongPoll' });
  const started = Date.now();
  const parked = pull(t, { group: 'lp', topic: 'LongPoll', offset: 1, sysFlag: SUSPEND, suspendMs: 10_000 }, 15_000);
  await new Promise((r) => setTimeout(r, 100));
  await send(t, { topic: 'LongPoll', body: 'wake up' });
  const res = await parked;
  assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
  assert.deepEqual(decodeStoredMessages(res.body).map((m) => m.body.toString()), ['wake up']);
  assert.ok(Date.now() - started < 5000, 'woken by the send, not by the timeout');
});

test('a parked pull whose timeout passes is answered PULL_NOT_FOUND', async () => {
  const started = Date.now();
  const res = await pull(t, { group: 'lp', topic: 'SELF_TEST_TOPIC', sysFlag: SUSPEND, suspendMs: 300 });
  assert.deepEqual([res.code, res.remark], [ResponseCode.PULL_NOT_FOUND, 'NO_MESSAGE_IN_QUEUE']);
  assert.ok(Date.now() - started >= 250);
});

test('a send of a tag the pull does not want does not wake it; a wanted one does', async () => {
  await send(t, { topic: 'LongPollTags', properties: encodeProperties({ TAGS: 'Old' }) });
  const parked = pull(t, { group: 'lp', topic: 'LongPollTags', offset: 1, sysFlag: SUSPEND, suspendMs: 10_000, subscription: 'Wanted' }, 15_000);
  let answered = false;
  void parked.then(() => {
    answered = true;
  });
  await send(t, { topic: 'LongPollTags', properties: encodeProperties({ TAGS: 'Other' }) });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(answered, false);
  await send(t, { topic: 'LongPollTags', properties: encodeProperties({ TAGS: 'Wanted' }) });
  const res = await parked;
  assert.equal(res.code, ResponseCode.SUCCESS);
  assert.deepEqual(decodeStoredMessages(res.body).map((m) => m.properties.TAGS), ['Wanted']);
});

test('shutdown answers parked pulls before closing', async () => {
  const other = await startBroker();
  const parked = pull(other, { group: 'lp', topic: 'SELF_TEST_TOPIC', sysFlag: SUSPEND, suspendMs: 30_000 }, 15_000);
  await new Promise((r) => setTimeout(r, 100));
  const stopping = other.broker.shutdown();
  const res = await parked;
  assert.equal(res.code, ResponseCode.PULL_NOT_FOUND);
  await stopping;
  await other.client.shutdown();
});

test('with longPollingEnable=false a pull is held shortPollingTimeMills and not woken early', async () => {
  const short = await startBroker({ overrides: { longPollingEnable: false, shortPollingTimeMills: 400 } });
  try {
    assert.equal((await send(short, { topic: 'Short' })).code, ResponseCode.SUCCESS);
    const started = Date.now();
    const parked = pull(short, { group: 'sp', topic: 'Short', offset: 1, sysFlag: SUSPEND, suspendMs: 10_000 }, 15_000);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await send(short, { topic: 'Short' })).code, ResponseCode.SUCCESS);
    const res = await parked;
    assert.equal(res.code, ResponseCode.SUCCESS);
    assert.ok(Date.now() - started >= 350, 'answered at the short polling time');
  } finally {
    await short.stop();
  }
});
