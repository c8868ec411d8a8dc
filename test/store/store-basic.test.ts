// DefaultMessageStore on real files: append/read, on-disk formats, index queries, getMessage rules, limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BLANK_MAGIC_CODE, SysFlag } from '../../src/protocol/message-const.js';
import { createOffsetMsgId } from '../../src/protocol/message-id.js';
import { decodeMessage, decodeMessages, javaHashCode } from '../../src/protocol/message.js';
import { indexKeyHash } from '../../src/store/index-file.js';
import type { PutResult } from '../../src/store/types.js';
import { message, N, openStore, S, smallOptions, STORE_HOST, tempDir } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** All consume-queue units of a queue, read straight from its files. */
function cqUnits(root: string, topic: string, queueId: number): Array<{ phy: number; size: number; tagsCode: number }> {
  const dir = path.join(root, 'consumequeue', topic, String(queueId));
  const units: Array<{ phy: number; size: number; tagsCode: number }> = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const data = fs.readFileSync(path.join(dir, name));
    for (let p = 0; p + 20 <= data.length; p += 20) {
      const size = data.readInt32BE(p + 8);
      if (size === 0) continue;
      units.push({ phy: Number(data.readBigInt64BE(p)), size, tagsCode: Number(data.readBigInt64BE(p + 12)) });
    }
  }
  return units;
}

test('appends roll over 64 KiB segments with an END record, and every record reads back', async () => {
  const root = tempDir('roll');
  const store = await openStore(smallOptions(root));
  const puts = [];
  for (let i = 0; i < 600; i++) {
    puts.push(store.putMessage(message('TopicA', i % 3, `body-${i}-${'x'.repeat(100)}`, { KEYS: `key${i}`, TAGS: i % 2 ? 'TagB' : 'TagA' })));
  }
  const results = await Promise.all(puts);
  const offsets = results.map((r) => {
    assert.equal(r.status, 'PUT_OK');
    return r.messages[0]!;
  });
  offsets.forEach((m, i) => assert.equal(m.queueOffset, Math.floor(i / 3), `queue offset of message ${i}`));
  for (let i = 1; i < offsets.length; i++) assert.ok(offsets[i]!.wroteOffset > offsets[i - 1]!.wroteOffset);

  const segments = fs.readdirSync(path.join(root, 'commitlog')).sort();
  assert.ok(segments.length >= 3, `${segments.length} segments`);
  assert.deepEqual(segments.slice(0, 3), ['00000000000000000000', '00000000000000065536', '00000000000000131072']);
  for (const name of segments) assert.equal(fs.statSync(path.join(root, 'commitlog', name)).size, 65536);

  // The END record sits right after the last record of segment 0: int32 remaining, BLANK magic, zeros after.
  const seg0 = fs.readFileSync(path.join(root, 'commitlog', segments[0]!));
  const inSeg0 = offsets.filter((m) => m.wroteOffset < 65536);
  const endPos = inSeg0[inSeg0.length - 1]!.wroteOffset + inSeg0[inSeg0.length - 1]!.wroteBytes;
  assert.equal(decodeMessages(seg0).length, inSeg0.length);
  assert.equal(seg0.readInt32BE(endPos), 65536 - endPos);
  assert.equal(seg0.readInt32BE(endPos + 4), BLANK_MAGIC_CODE);
  assert.ok(seg0.subarray(endPos + 8).every((b) => b === 0));
  assert.equal(offsets[inSeg0.length]!.wroteOffset, 65536);

  for (let i = 0; i < 600; i += 37) {
    const m = offsets[i]!;
    const record = store.lookMessageByOffset(m.wroteOffset)!;
    const d = decodeMessage(record);
    assert.equal(d.storeSize, m.wroteBytes);
    assert.equal(d.topic, 'TopicA');
    assert.equal(d.queueId, i % 3);
    assert.equal(d.queueOffset, m.queueOffset);
    assert.equal(d.commitLogOffset, m.wroteOffset);
    assert.equal(d.storeTimestamp, m.storeTimestamp);
    assert.equal(d.body.toString(), `body-${i}-${'x'.repeat(100)}`);
    assert.equal(d.properties.get('KEYS'), `key${i}`);
    assert.deepEqual(d.storeHost, STORE_HOST);
    assert.deepEqual(d.bornHost, { host: '127.0.0.1', port: 40000 });
    assert.equal(d.msgId, m.msgId);
    assert.equal(m.msgId, createOffsetMsgId(STORE_HOST, m.wroteOffset));
  }
  const last = offsets[offsets.length - 1]!;
  assert.equal(store.getMaxPhyOffset(), last.wroteOffset + last.wroteBytes);
  // Raw bytes for replication: what the segment file holds, cut at the segment end and at the write end.
  assert.deepEqual(store.getCommitLogData(0, 100), seg0.subarray(0, 100));
  assert.deepEqual(store.getCommitLogData(65000, 10_000), seg0.subarray(65000));
  assert.equal(store.getCommitLogData(last.wroteOffset, 1 << 20)!.length, last.wroteBytes);
  assert.equal(store.getCommitLogData(store.getMaxPhyOffset(), 10), undefined);
  assert.equal(store.getMinPhyOffset(), 0);
  assert.equal(store.lookMessageByOffset(endPos), undefined, 'the END record is not a message');
  assert.equal(store.lookMessageByOffset(store.getMaxPhyOffset()), undefined);
  assert.equal(store.lookMessageByOffset(-1), undefined);
  await store.shutdown();
});

test('consume-queue files hold (phy, size, tag hash) units, 20 bytes each, named by byte offset', async () => {
  const root = tempDir('cq');
  const store = await openStore(smallOptions(root));
  const results: PutResult[] = [];
  for (let i = 0; i < 25; i++) results.push(await store.putMessage(message('TopicQ', 0, `m${i}`, { TAGS: `Tag${i % 4}` })));
  await store.shutdown();
  assert.deepEqual(fs.readdirSync(path.join(root, 'consumequeue', 'TopicQ', '0')).sort(), [
    '00000000000000000000',
    '00000000000000000200',
    '00000000000000000400',
  ]);
  const units = cqUnits(root, 'TopicQ', 0);
  assert.equal(units.length, 25);
  units.forEach((u, i) => {
    assert.equal(u.phy, results[i]!.messages[0]!.wroteOffset);
    assert.equal(u.size, results[i]!.messages[0]!.wroteBytes);
    assert.equal(u.tagsCode, javaHashCode(`Tag${i % 4}`));
  });
});

test('index files: header, slots and chained entries as RocketMQ lays them out; UNIQ_KEY before KEYS', async () => {
  const root = tempDir('index');
  const store = await openStore(smallOptions(root, { maxHashSlotNum: 16, maxIndexNum: 64 }));
  const a = await store.putMessage(message('TopicI', 0, 'a', { KEYS: 'alpha beta', UNIQ_KEY: 'UNIQ0001' }));
  const b = await store.putMessage(message('TopicI', 1, 'b', { KEYS: 'alpha' }));
  await store.shutdown();
  const files = fs.readdirSync(path.join(root, 'index'));
  assert.equal(files.length, 1);
  assert.match(files[0]!, /^\d{17}$/);
  const data = fs.readFileSync(path.join(root, 'index', files[0]!));
  assert.equal(data.length, 40 + 16 * 4 + 64 * 20);
  const entry = (n: number) => {
    const p = 40 + 16 * 4 + n * 20;
    return { hash: data.readInt32BE(p), phy: Number(data.readBigInt64BE(p + 4)), timeDiff: data.readInt32BE(p + 12), prev: data.readInt32BE(p + 16) };
  };
  const slot = (key: string) => data.readInt32BE(40 + (indexKeyHash(key) % 16) * 4);
  const phyA = a.messages[0]!.wroteOffset;
  const phyB = b.messages[0]!.wroteOffset;
  // Header: begin/end time and offset, slots in use, indexCount = entries + 1.
  assert.equal(Number(data.readBigInt64BE(0)), a.messages[0]!.storeTimestamp);
  assert.equal(Number(data.readBigInt64BE(8)), b.messages[0]!.storeTimestamp);
  assert.equal(Number(data.readBigInt64BE(16)), phyA);
  assert.equal(Number(data.readBigInt64BE(24)), phyB);
  assert.equal(data.readInt32BE(36), 5);
  const slotsInUse = new Set(['TopicI#UNIQ0001', 'TopicI#alpha', 'TopicI#beta'].map((k) => indexKeyHash(k) % 16)).size;
  assert.equal(data.readInt32BE(32), slotsInUse);
  assert.deepEqual(entry(0), { hash: 0, phy: 0, timeDiff: 0, prev: 0 });
  assert.deepEqual(entry(1), { hash: indexKeyHash('TopicI#UNIQ0001'), phy: phyA, timeDiff: 0, prev: 0 });
  assert.equal(entry(2).hash, indexKeyHash('TopicI#alpha'));
  assert.equal(entry(3).hash, indexKeyHash('TopicI#beta'));
  assert.deepEqual({ ...entry(4), timeDiff: 0 }, { hash: indexKeyHash('TopicI#alpha'), phy: phyB, timeDiff: 0, prev: 2 });
  assert.equal(slot('TopicI#alpha'), 4, 'the slot points at the newest entry of its chain');
  assert.equal(indexKeyHash('TopicTest#FIXTURE_KEY_1'), 588394905);
});

test('queryMessage by KEYS and by UNIQ_KEY across several index files, in commit-log order, capped by maxNum', async () => {
  const root = tempDir('query');
  const store = await openStore(smallOptions(root, { maxHashSlotNum: 8, maxIndexNum: 10 }));
  const phys: number[] = [];
  for (let i = 0; i < 30; i++) {
    const r = await store.putMessage(message('TopicK', 0, `m${i}`, { KEYS: i % 3 === 0 ? `shared k${i}` : `k${i}`, UNIQ_KEY: `U${i}` }));
    phys.push(r.messages[0]!.wroteOffset);
  }
  assert.ok(fs.readdirSync(path.join(root, 'index')).length > 3, 'index files rolled over');
  const now = Date.now() + 1000;
  const byKey = store.queryMessage('TopicK', 'k7', 32, 0, now);
  assert.deepEqual(byKey.messages.map((m) => decodeMessage(m).commitLogOffset), [phys[7]]);
  const byUniq = store.queryMessage('TopicK', 'U12', 32, 0, now);
  assert.equal(decodeMessage(byUniq.messages[0]!).body.toString(), 'm12');
  const shared = store.queryMessage('TopicK', 'shared', 32, 0, now);
  assert.deepEqual(shared.messages.map((m) => decodeMessage(m).body.toString()), ['m0', 'm3', 'm6', 'm9', 'm12', 'm15', 'm18', 'm21', 'm24', 'm27']);
  assert.equal(store.queryMessage('TopicK', 'shared', 4, 0, now).messages.length, 4);
  assert.equal(shared.indexLastUpdatePhyoffset, phys[29]);
  assert.equal(store.queryMessage('TopicK', 'nope', 32, 0, now).messages.length, 0);
  assert.equal(store.queryMessage('OtherTopic', 'k7', 32, 0, now).messages.length, 0);
  assert.equal(store.queryMessage('TopicK', 'k7', 32, now + 10_000, now + 20_000).messages.length, 0, 'outside the time range');
  await store.shutdown();
});

test('getMessage: statuses and nextBeginOffset corrections as RocketMQ 4.9.8', async () => {
  const root = tempDir('get');
  const store = await openStore(smallOptions(root, { mappedFileSizeConsumeQueue: 2000 }));
  for (let i = 0; i < 40; i++) await store.putMessage(message('TopicG', 0, `m${i}`, { TAGS: i % 2 ? 'TagB' : 'TagA' }));

  const none = store.getMessage('Unknown', 0, 5, 32, null);
  assert.deepEqual([none.status, none.nextBeginOffset, none.minOffset, none.maxOffset], ['NO_MESSAGE_IN_QUEUE', 0, 0, 0]);
  const small = store.getMessage('TopicG', 0, -1, 32, null);
  assert.deepEqual([small.status, small.nextBeginOffset], ['OFFSET_TOO_SMALL', 0]);
  const one = store.getMessage('TopicG', 0, 40, 32, null);
  assert.deepEqual([one.status, one.nextBeginOffset, one.maxOffset], ['OFFSET_OVERFLOW_ONE', 40, 40]);
  const badly = store.getMessage('TopicG', 0, 55, 32, null);
  assert.deepEqual([badly.status, badly.nextBeginOffset], ['OFFSET_OVERFLOW_BADLY', 40]);

  const found = store.getMessage('TopicG', 0, 3, 5, null);
  assert.equal(found.status, 'FOUND');
  assert.deepEqual(found.messages.map((m) => decodeMessage(m).queueOffset), [3, 4, 5, 6, 7]);
  assert.equal(found.nextBeginOffset, 8);
  assert.equal(found.suggestPullingFromSlave, false);

  const capped = store.getMessage('TopicG', 0, 0, 100, null);
  assert.equal(capped.messages.length, 32, 'maxTransferCountOnMessageInMemory');
  assert.equal(capped.nextBeginOffset, 32);

  const tagB = javaHashCode('TagB');
  const filtered = store.getMessage('TopicG', 0, 0, 4, (code) => code === tagB);
  assert.deepEqual(filtered.messages.map((m) => decodeMessage(m).body.toString()), ['m1', 'm3', 'm5', 'm7']);
  assert.equal(filtered.nextBeginOffset, 8, 'scanned units count, matched or not');

  const unmatched = store.getMessage('TopicG', 0, 10, 32, () => false);
  assert.deepEqual([unmatched.status, unmatched.messages.length, unmatched.nextBeginOffset], ['NO_MATCHED_MESSAGE', 0, 40]);
  await store.shutdown();
});

test('getMessage: byte caps, on-disk caps and the slave suggestion; a SLAVE keeps the offset', async () => {
  const root = tempDir('caps');
  const store = await openStore(smallOptions(root, { maxTransferBytesOnMessageInMemory: 1000, mappedFileSizeConsumeQueue: 2000 }));
  const sizes: number[] = [];
  for (let i = 0; i < 20; i++) sizes.push((await store.putMessage(message('TopicC', 0, 'y'.repeat(200)))).messages[0]!.wroteBytes);
  const r = store.getMessage('TopicC', 0, 0, 32, null);
  assert.equal(r.messages.length, Math.floor(1000 / sizes[0]!));
  await store.shutdown();

  const disk = await openStore(smallOptions(root, { accessMessageInMemoryMaxRatio: 0, mappedFileSizeConsumeQueue: 2000 }));
  const d = disk.getMessage('TopicC', 0, 0, 32, null);
  assert.equal(d.messages.length, 8, 'maxTransferCountOnMessageInDisk');
  assert.equal(d.suggestPullingFromSlave, true);
  await disk.shutdown();

  const slave = await openStore(smallOptions(root, { brokerRole: 'SLAVE', mappedFileSizeConsumeQueue: 2000 }));
  assert.equal(slave.getMessage('TopicC', 0, 99, 32, null).nextBeginOffset, 99);
  assert.equal(slave.getMessage('TopicC', 0, -5, 32, null).nextBeginOffset, -5);
  await slave.shutdown();
});

test('getOffsetInQueueByTime, getEarliestMessageTime, getMessageStoreTimestamp', async () => {
  const root = tempDir('time');
  const store = await openStore(smallOptions(root));
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    times.push((await store.putMessage(message('TopicT', 1, `m${i}`))).messages[0]!.storeTimestamp);
    await sleep(30);
  }
  for (let i = 0; i < 5; i++) assert.equal(store.getOffsetInQueueByTime('TopicT', 1, times[i]!), i);
  assert.equal(store.getOffsetInQueueByTime('TopicT', 1, times[2]! - 5), 2, 'nearer to message 2');
  assert.equal(store.getOffsetInQueueByTime('TopicT', 1, times[2]! + 5), 2, 'nearer to message 2');
  assert.equal(store.getOffsetInQueueByTime('TopicT', 1, 0), 0);
  assert.equal(store.getOffsetInQueueByTime('TopicT', 1, times[4]! + 100_000), 4, 'after all: the last message');
  assert.equal(store.getOffsetInQueueByTime('TopicT', 7, times[0]!), 0);
  assert.equal(store.getEarliestMessageTime('TopicT', 1), times[0]);
  assert.equal(store.getEarliestMessageTime('TopicT', 2), -1);
  assert.equal(store.getMessageStoreTimestamp('TopicT', 1, 3), times[3]);
  assert.equal(store.getMessageStoreTimestamp('TopicT', 1, 5), -1);
  assert.equal(store.getMinOffsetInQueue('TopicT', 1), 0);
  assert.equal(store.getMaxOffsetInQueue('TopicT', 1), 5);
  await store.shutdown();
});

test('limits: bad topic, oversized properties, body or record; the store keeps working', async () => {
  const root = tempDir('limits');
  const store = await openStore(smallOptions(root, { maxMessageSize: 1024 * 1024 }));
  const expect = async (p: Promise<{ status: string; remark?: string }>, status: string, remark: RegExp) => {
    const r = await p;
    assert.equal(r.status, status);
    assert.match(r.remark ?? '', remark);
  };
  await expect(store.putMessage(message('x'.repeat(128), 0, 'a')), 'MESSAGE_ILLEGAL', /128 bytes, max 127/);
  await expect(store.putMessage(message('../evil', 0, 'a')), 'MESSAGE_ILLEGAL', /not a valid topic name/);
  await expect(store.putMessage(message('', 0, 'a')), 'MESSAGE_ILLEGAL', /topic/);
  await expect(store.putMessage(message('T', -1, 'a')), 'MESSAGE_ILLEGAL', /queueId -1/);
  await expect(store.putMessage(message('T', 0, 'a', { big: 'p'.repeat(32768) })), 'PROPERTIES_SIZE_EXCEEDED', /max 32767/);
  await expect(store.putMessage(message('T', 0, 'z'.repeat(1024 * 1024 + 1))), 'MESSAGE_ILLEGAL', /maxMessageSize/);
  await expect(store.putMessage(message('T', 0, 'z'.repeat(70_000))), 'MESSAGE_ILLEGAL', /do not fit a commit-log segment/);
  await expect(store.putMessage(message('T', 0, 'a', {}, { bornHost: { host: 'not-an-ip', port: 1 } })), 'MESSAGE_ILLEGAL', /not-an-ip/);
  await expect(store.putMessage(message('T', 0, 'a', {}, { bornTimestamp: 1.5 })), 'MESSAGE_ILLEGAL', /bornTimestamp/);
  await expect(store.putMessages([]), 'MESSAGE_ILLEGAL', /empty batch/);
  await expect(store.putMessages([message('T', 0, 'a'), message('U', 0, 'b')]), 'MESSAGE_ILLEGAL', /batch message 1 is for U\/0/);
  const ok = await store.putMessage(message('T', 0, 'z'.repeat(60_000)));
  assert.equal(ok.status, 'PUT_OK');
  assert.equal(store.getMaxOffsetInQueue('T', 0), 1);
  await store.shutdown();
  await expect(store.putMessage(message('T', 0, 'a')), 'SERVICE_NOT_AVAILABLE', /not running/);
});

test('putMessages: one batch, consecutive queue offsets and commit-log offsets', async () => {
  const root = tempDir('batch');
  const store = await openStore(smallOptions(root));
  await store.putMessage(message('TopicB', 0, 'before'));
  const r = await store.putMessages([0, 1, 2].map((i) => message('TopicB', 0, `Hello batch ${i}`, { KEYS: `BATCH_KEY_${i}` })));
  assert.equal(r.status, 'PUT_OK');
  assert.deepEqual(r.messages.map((m) => m.queueOffset), [1, 2, 3]);
  for (let i = 1; i < 3; i++) assert.equal(r.messages[i]!.wroteOffset, r.messages[i - 1]!.wroteOffset + r.messages[i - 1]!.wroteBytes);
  assert.equal(new Set(r.messages.map((m) => m.storeTimestamp)).size, 1);
  const got = store.getMessage('TopicB', 0, 1, 32, null);
  assert.deepEqual(got.messages.map((m) => decodeMessage(m).body.toString()), ['Hello batch 0', 'Hello batch 1', 'Hello batch 2']);
  await store.shutdown();
});

test('SCHEDULE_TOPIC_XXXX units carry the delivery time; transaction records follow RocketMQ dispatch rules', async () => {
  const root = tempDir('special');
  const store = await openStore(smallOptions(root));
  const delayed = await store.putMessage(message('SCHEDULE_TOPIC_XXXX', 1, 'later', { DELAY: '2', TAGS: 'TagC', REAL_TOPIC: 'T', REAL_QID: '0' }));
  const capped = await store.putMessage(message('SCHEDULE_TOPIC_XXXX', 17, 'much later', { DELAY: '99' }));
  const prepared = await store.putMessage(message('TopicX', 0, 'half', { KEYS: 'txkey' }, { sysFlag: SysFlag.TRANSACTION_PREPARED_TYPE }));
  const rolledBack = await store.putMessage(message('TopicX', 0, 'rb', { KEYS: 'rbkey' }, { sysFlag: SysFlag.TRANSACTION_ROLLBACK_TYPE }));
  const committed = await store.putMessage(message('TopicX', 0, 'commit', { KEYS: 'ckey', TAGS: 'T1' }, { sysFlag: SysFlag.TRANSACTION_COMMIT_TYPE }));
  assert.equal(cqUnits(root, 'SCHEDULE_TOPIC_XXXX', 1)[0]!.tagsCode, delayed.messages[0]!.storeTimestamp + 5000);
  assert.equal(cqUnits(root, 'SCHEDULE_TOPIC_XXXX', 17)[0]!.tagsCode, capped.messages[0]!.storeTimestamp + 2 * 3600_000);
  assert.equal(prepared.messages[0]!.queueOffset, 0);
  assert.equal(rolledBack.messages[0]!.queueOffset, 0);
  assert.equal(committed.messages[0]!.queueOffset, 0, 'prepared and rolled-back records take no queue offset');
  assert.deepEqual(cqUnits(root, 'TopicX', 0).map((u) => u.phy), [committed.messages[0]!.wroteOffset]);
  const now = Date.now() + 1000;
  assert.equal(store.queryMessage('TopicX', 'txkey', 32, 0, now).messages.length, 1, 'prepared records are indexed');
  assert.equal(store.queryMessage('TopicX', 'rbkey', 32, 0, now).messages.length, 0, 'rolled-back records are not');
  await store.shutdown();
});

test('onMessageArrived fires once the message is readable; a failing listener does not break puts', async () => {
  const root = tempDir('listen');
  const store = await openStore(smallOptions(root));
  const seen: Array<[string, number, number, number, number]> = [];
  store.onMessageArrived(() => {
    throw new Error('listener bug');
  });
  store.onMessageArrived((topic, queueId, queueOffset, tagsCode) => {
    seen.push([topic, queueId, queueOffset, tagsCode, store.getMessage(topic, queueId, queueOffset, 1, null).messages.length]);
  });
  assert.equal((await store.putMessage(message('TopicL', 2, 'a', { TAGS: 'TagA' }))).status, 'PUT_OK');
  await store.putMessage(message('TopicL', 2, 'b'));
  assert.deepEqual(seen, [
    ['TopicL', 2, 0, 2598919, 1],
    ['TopicL', 2, 1, 0, 1],
  ]);
  await store.shutdown();
});

test('deleteTopics removes consume queues; topicsWithQueues lists what is left', async () => {
  const root = tempDir('delete');
  const store = await openStore(smallOptions(root));
  await store.putMessage(message('Keep', 0, 'a'));
  await store.putMessage(message('Drop', 0, 'a'));
  await store.putMessage(message('Drop', 3, 'a'));
  assert.deepEqual(store.topicsWithQueues().sort(), ['Drop', 'Keep']);
  store.deleteTopics(['Drop', 'Never']);
  assert.deepEqual(store.topicsWithQueues(), ['Keep']);
  assert.equal(fs.existsSync(path.join(root, 'consumequeue', 'Drop')), false);
  assert.equal(store.getMaxOffsetInQueue('Drop', 0), 0);
  const again = await store.putMessage(message('Drop', 0, 'b'));
  assert.equal(again.messages[0]!.queueOffset, 0);
  await store.shutdown();
  const reopened = await openStore(smallOptions(root));
  assert.deepEqual(reopened.topicsWithQueues().sort(), ['Drop', 'Keep']);
  await reopened.shutdown();
});

test('IPv6 born host sets the v6 flag; properties pass through byte for byte', async () => {
  const root = tempDir('v6');
  const store = await openStore(smallOptions(root));
  const props = `KEYS${N}k${S}UNIQ_KEY${N}ABC${S}WAIT${N}true${S}${S}`;
  const r = await store.putMessage({ ...message('T6', 0, 'six', {}, { bornHost: { host: 'fd00::2', port: 7 } }), properties: props });
  const d = decodeMessage(store.lookMessageByOffset(r.messages[0]!.wroteOffset)!);
  assert.equal(d.sysFlag & SysFlag.BORNHOST_V6_FLAG, SysFlag.BORNHOST_V6_FLAG);
  assert.deepEqual(d.bornHost, { host: 'fd00::2', port: 7 });
  assert.equal(d.propertiesString, props);
  await store.shutdown();
});

test('options are validated with the key named; configDir exists after start', async () => {
  const root = tempDir('opts');
  const { DefaultMessageStore } = await import('../../src/store/default-message-store.js');
  assert.throws(() => new DefaultMessageStore(smallOptions(root, { mappedFileSizeConsumeQueue: 30 })), /mappedFileSizeConsumeQueue=30/);
  assert.throws(() => new DefaultMessageStore(smallOptions(root, { messageDelayLevel: '1s 5x' })), /messageDelayLevel: "5x"/);
  assert.throws(() => new DefaultMessageStore(smallOptions(root, { maxMessageSize: 0 })), /maxMessageSize=0/);
  const store = await openStore(smallOptions(root));
  assert.equal(store.configDir, path.join(root, 'config'));
  assert.ok(fs.statSync(store.configDir).isDirectory());
  assert.ok(fs.existsSync(path.join(root, 'abort')), 'abort exists while running');
  await store.shutdown();
  assert.equal(fs.existsSync(path.join(root, 'abort')), false);
  assert.equal(fs.statSync(path.join(root, 'checkpoint')).size, 4096);
});
