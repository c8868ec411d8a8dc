// Recovery on start: torn tails, corrupt bodies, lost or stale consume queues, an index behind its entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeMessage, encodeStoredMessage } from '../../src/protocol/message.js';
import type { DefaultMessageStore } from '../../src/store/default-message-store.js';
import type { AppendedMessage } from '../../src/store/types.js';
import { message, openStore, smallOptions, STORE_HOST, tempDir } from './helpers.js';

const SEG = 64 * 1024;

function segmentPath(root: string, phy: number): string {
  return path.join(root, 'commitlog', String(phy - (phy % SEG)).padStart(20, '0'));
}

/** Overwrites bytes of the commit log at a physical offset. */
function patchCommitLog(root: string, phy: number, bytes: Buffer): void {
  const fd = fs.openSync(segmentPath(root, phy), 'r+');
  fs.writeSync(fd, bytes, 0, bytes.length, phy % SEG);
  fs.closeSync(fd);
}

function markCrashed(root: string): void {
  fs.writeFileSync(path.join(root, 'abort'), '');
}

async function fill(store: DefaultMessageStore, count: number, queues: number, tag = 'm'): Promise<AppendedMessage[]> {
  const out: AppendedMessage[] = [];
  for (let i = 0; i < count; i++) {
    const r = await store.putMessage(message('TopicR', i % queues, `${tag}${i}-${'p'.repeat(150)}`, { KEYS: `${tag}key${i}`, TAGS: 'TagA' }));
    assert.equal(r.status, 'PUT_OK');
    out.push(r.messages[0]!);
  }
  return out;
}

function snapshotQueues(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const base = path.join(root, 'consumequeue');
  for (const topic of fs.readdirSync(base)) {
    for (const q of fs.readdirSync(path.join(base, topic))) {
      for (const f of fs.readdirSync(path.join(base, topic, q))) out.set(`${topic}/${q}/${f}`, fs.readFileSync(path.join(base, topic, q, f)));
    }
  }
  return out;
}

test('(a) half a record appended after a crash is cut off, zeroed, and the next put takes its place', async () => {
  const root = tempDir('torn-append');
  const store = await openStore(smallOptions(root));
  const written = await fill(store, 40, 2);
  const end = store.getMaxPhyOffset();
  await store.shutdown();

  const torn = encodeStoredMessage(message('TopicR', 0, 'never acknowledged'), 20, end, Date.now(), STORE_HOST);
  patchCommitLog(root, end, torn.subarray(0, Math.floor(torn.length / 2)));
  markCrashed(root);

  const reopened = await openStore(smallOptions(root));
  assert.equal(reopened.recovery?.aborted, true);
  assert.equal(reopened.recovery?.end, end);
  assert.match(reopened.recovery?.truncatedReason ?? '', new RegExp(`${end}`));
  assert.equal(reopened.getMaxPhyOffset(), end);
  const seg = fs.readFileSync(segmentPath(root, end));
  assert.ok(seg.subarray(end % SEG).every((b) => b === 0), 'the torn bytes are zeroed');
  assert.equal(reopened.getMaxOffsetInQueue('TopicR', 0), 20);
  const next = await reopened.putMessage(message('TopicR', 0, 'after recovery'));
  assert.deepEqual([next.messages[0]!.wroteOffset, next.messages[0]!.queueOffset], [end, 20]);
  for (const m of written) assert.ok(reopened.lookMessageByOffset(m.wroteOffset), `message at ${m.wroteOffset} survived`);
  await reopened.shutdown();
});

test('(a) a dispatched last record whose tail never reached the disk is dropped from log, queue and index', async () => {
  const root = tempDir('torn-last');
  const store = await openStore(smallOptions(root));
  const written = await fill(store, 30, 3);
  await store.shutdown();
  const last = written[written.length - 1]!;
  patchCommitLog(root, last.wroteOffset + 100, Buffer.alloc(last.wroteBytes - 100));
  markCrashed(root);

  const reopened = await openStore(smallOptions(root));
  assert.equal(reopened.getMaxPhyOffset(), last.wroteOffset);
  assert.equal(reopened.getMaxOffsetInQueue('TopicR', 2), 9, 'the unit of the lost record is gone');
  assert.equal(reopened.getMessage('TopicR', 2, 9, 32, null).status, 'OFFSET_OVERFLOW_ONE');
  const now = Date.now() + 1000;
  assert.equal(reopened.queryMessage('TopicR', 'mkey29', 32, 0, now).messages.length, 0, 'its index entry is gone');
  assert.equal(reopened.queryMessage('TopicR', 'mkey28', 32, 0, now).messages.length, 1);
  const again = await reopened.putMessage(message('TopicR', 2, 'replacement', { KEYS: 'mkey29' }));
  assert.deepEqual([again.messages[0]!.wroteOffset, again.messages[0]!.queueOffset], [last.wroteOffset, 9]);
  assert.equal(decodeMessage(reopened.queryMessage('TopicR', 'mkey29', 32, 0, now).messages[0]!).body.toString(), 'replacement');
  await reopened.shutdown();
});

test('(b) a corrupt body byte fails the CRC check: the log ends there and later segments are deleted', async () => {
  const root = tempDir('crc');
  const store = await openStore(smallOptions(root));
  const written = await fill(store, 900, 4);
  await store.shutdown();
  const segments = fs.readdirSync(path.join(root, 'commitlog')).length;
  assert.ok(segments >= 3);
  const victimIndex = written.findIndex((m) => m.wroteOffset > SEG + 1000);
  const victim = written[victimIndex]!;
  const bodyPos = victim.wroteOffset + 88; // BODY follows BODYLENGTH at 84 (IPv4 hosts)
  assert.equal(fs.readFileSync(segmentPath(root, bodyPos)).toString('latin1', (bodyPos % SEG), (bodyPos % SEG) + 1), 'm');
  patchCommitLog(root, bodyPos + 3, Buffer.from('#'));

  // Without the CRC check the flipped byte goes unnoticed.
  const lenient = await openStore(smallOptions(root, { checkCRCOnRecover: false }));
  assert.equal(lenient.getMaxOffsetInQueue('TopicR', 0), 225);
  assert.equal(lenient.recovery?.scanFrom, (segments - 1) * SEG, 'a clean start checks from the newest dispatched segment');
  await lenient.shutdown();

  markCrashed(root);
  fs.rmSync(path.join(root, 'checkpoint')); // no checkpoint: the scan starts at the first segment
  const reopened = await openStore(smallOptions(root));
  assert.equal(reopened.getMaxPhyOffset(), victim.wroteOffset);
  assert.match(reopened.recovery?.truncatedReason ?? '', /body CRC mismatch/);
  assert.equal(reopened.recovery?.scanFrom, 0);
  assert.deepEqual(fs.readdirSync(path.join(root, 'commitlog')).sort(), ['00000000000000000000', '00000000000000065536']);
  for (let q = 0; q < 4; q++) {
    const kept = written.slice(0, victimIndex).filter((_, i) => i % 4 === q).length;
    assert.equal(reopened.getMaxOffsetInQueue('TopicR', q), kept, `queue ${q}`);
  }
  const got = reopened.getMessage('TopicR', victimIndex % 4, 0, 32, null);
  assert.equal(got.status, 'FOUND');
  await reopened.shutdown();
});

test('(c) deleted and trimmed consume-queue files and a deleted index are rebuilt from the commit log', async () => {
  const root = tempDir('rebuild');
  const store = await openStore(smallOptions(root));
  await fill(store, 120, 4);
  await store.putMessage(message('SCHEDULE_TOPIC_XXXX', 2, 'delayed', { DELAY: '3' }));
  await store.shutdown();
  const before = snapshotQueues(root);

  fs.rmSync(path.join(root, 'consumequeue', 'TopicR', '1'), { recursive: true });
  fs.rmSync(path.join(root, 'consumequeue', 'SCHEDULE_TOPIC_XXXX'), { recursive: true });
  const q2 = path.join(root, 'consumequeue', 'TopicR', '2');
  const q2Files = fs.readdirSync(q2).sort();
  fs.rmSync(path.join(q2, q2Files[q2Files.length - 1]!));
  fs.truncateSync(path.join(q2, q2Files[q2Files.length - 2]!), 60); // keeps 3 units of that file
  fs.rmSync(path.join(root, 'index'), { recursive: true });
  markCrashed(root);

  const reopened = await openStore(smallOptions(root));
  await reopened.shutdown();
  const after = snapshotQueues(root);
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
  for (const [name, bytes] of before) assert.ok(after.get(name)!.equals(bytes), `${name} rebuilt byte for byte`);

  const again = await openStore(smallOptions(root));
  const now = Date.now() + 1000;
  assert.equal(decodeMessage(again.queryMessage('TopicR', 'mkey77', 32, 0, now).messages[0]!).body.toString().slice(0, 3), 'm77');
  assert.equal(again.getMessage('TopicR', 1, 0, 32, null).messages.length, 10);
  await again.shutdown();
});

test('(d) consume queue and index ahead of the commit log are trimmed to it', async () => {
  const root = tempDir('ahead');
  const store = await openStore(smallOptions(root));
  const written = await fill(store, 50, 2);
  await store.shutdown();
  // The last 6 records never reached the disk, but their units and index entries did.
  const cut = written[44]!.wroteOffset;
  patchCommitLog(root, cut, Buffer.alloc(store.getMaxPhyOffset() - cut));

  const reopened = await openStore(smallOptions(root));
  assert.equal(reopened.recovery?.aborted, false);
  assert.equal(reopened.getMaxPhyOffset(), cut);
  assert.equal(reopened.getMaxOffsetInQueue('TopicR', 0), 22);
  assert.equal(reopened.getMaxOffsetInQueue('TopicR', 1), 22);
  assert.equal(reopened.getMessage('TopicR', 0, 23, 32, null).status, 'OFFSET_OVERFLOW_BADLY');
  const now = Date.now() + 1000;
  assert.equal(reopened.queryMessage('TopicR', 'mkey46', 32, 0, now).messages.length, 0);
  assert.equal(reopened.queryMessage('TopicR', 'mkey43', 32, 0, now).messages.length, 1);
  const next = await reopened.putMessage(message('TopicR', 0, 'fresh'));
  assert.deepEqual([next.messages[0]!.wroteOffset, next.messages[0]!.queueOffset], [cut, 22]);
  await reopened.shutdown();
});

test('an index whose header and slots lag its entries (crash between flushes) adopts the newer entries', async () => {
  const root = tempDir('index-tail');
  const options = smallOptions(root, { maxHashSlotNum: 32, maxIndexNum: 1000 });
  const store = await openStore(options);
  await fill(store, 10, 1, 'old');
  await store.shutdown();
  const [file] = fs.readdirSync(path.join(root, 'index'));
  const indexFile = path.join(root, 'index', file!);
  const headerAndSlots = fs.readFileSync(indexFile).subarray(0, 40 + 32 * 4);

  const second = await openStore(options);
  await fill(second, 10, 1, 'new');
  await second.putMessage(message('TopicR', 0, 'shared again', { KEYS: 'oldkey3' }));
  await second.shutdown();
  const fd = fs.openSync(indexFile, 'r+');
  fs.writeSync(fd, headerAndSlots, 0, headerAndSlots.length, 0);
  fs.closeSync(fd);
  markCrashed(root);

  const reopened = await openStore(options);
  const now = Date.now() + 1000;
  assert.equal(reopened.queryMessage('TopicR', 'newkey7', 32, 0, now).messages.length, 1);
  assert.equal(reopened.queryMessage('TopicR', 'oldkey3', 32, 0, now).messages.length, 2, 'the chain through old and new entries is whole');
  await reopened.shutdown();
  assert.equal(fs.readFileSync(indexFile).readInt32BE(36), 1 + 10 + 10 + 1, 'indexCount counts every entry again');
});

test('abnormal recovery starts at the last segment whose first record the checkpoint covers', async () => {
  const root = tempDir('checkpoint');
  const store = await openStore(smallOptions(root));
  const written = await fill(store, 700, 2);
  await store.shutdown();
  const firstOfSeg2 = written.find((m) => m.wroteOffset >= 2 * SEG)!;
  assert.equal(firstOfSeg2.wroteOffset, 2 * SEG);
  const cp = Buffer.alloc(4096);
  cp.writeBigInt64BE(BigInt(firstOfSeg2.storeTimestamp + 3000), 0);
  cp.writeBigInt64BE(BigInt(firstOfSeg2.storeTimestamp + 3000), 8);
  fs.writeFileSync(path.join(root, 'checkpoint'), cp);
  markCrashed(root);
  const reopened = await openStore(smallOptions(root));
  assert.equal(reopened.recovery?.scanFrom, 2 * SEG);
  assert.equal(reopened.recovery?.end, store.getMaxPhyOffset());
  assert.equal(reopened.getMaxOffsetInQueue('TopicR', 1), 350);
  await reopened.shutdown();
});

test('a queue lost before a clean start is rebuilt from the scanned segment on: its min offset moves up', async () => {
  const root = tempDir('partial');
  const store = await openStore(smallOptions(root));
  const written = await fill(store, 700, 2);
  await store.shutdown();
  fs.rmSync(path.join(root, 'consumequeue', 'TopicR', '1'), { recursive: true });

  const reopened = await openStore(smallOptions(root));
  const scanFrom = reopened.recovery!.scanFrom;
  assert.ok(scanFrom > 0, 'a clean start only scans from the newest dispatched segment');
  const firstRebuilt = written.findIndex((m, i) => i % 2 === 1 && m.wroteOffset >= scanFrom);
  const min = written[firstRebuilt]!.queueOffset;
  assert.equal(reopened.getMinOffsetInQueue('TopicR', 1), min);
  assert.equal(reopened.getMaxOffsetInQueue('TopicR', 1), 350);
  const small = reopened.getMessage('TopicR', 1, 0, 32, null);
  assert.deepEqual([small.status, small.nextBeginOffset], ['OFFSET_TOO_SMALL', min]);
  assert.equal(decodeMessage(reopened.getMessage('TopicR', 1, min, 1, null).messages[0]!).commitLogOffset, written[firstRebuilt]!.wroteOffset);
  await reopened.shutdown();

  const again = await openStore(smallOptions(root));
  assert.deepEqual([again.getMinOffsetInQueue('TopicR', 1), again.getMaxOffsetInQueue('TopicR', 1)], [min, 350]);
  assert.equal((await again.putMessage(message('TopicR', 1, 'next'))).messages[0]!.queueOffset, 350);
  await again.shutdown();
});
