// The store captured from Apache RocketMQ 4.9.8, opened by our store (on a copy: fixtures are read-only).
// The copy holds only the first commit-log segment; its consume-queue files only point into that segment,
// so it is self-consistent and our recovery simply dispatches the records after them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeMessage } from '../../src/protocol/message.js';
import { defaultStoreOptions, type StoreOptions } from '../../src/store/options.js';
import { fixturePath, readFixture } from '../support/fixtures.js';
import { copyDir, openStore, STORE_HOST, tempDir } from './helpers.js';

function fixtureOptions(root: string): StoreOptions {
  return {
    ...defaultStoreOptions(root, STORE_HOST),
    mappedFileSizeCommitLog: 1048576,
    mappedFileSizeConsumeQueue: 6000,
    maxHashSlotNum: 100,
    maxIndexNum: 400,
  };
}

function copyFixtureStore(tag: string): string {
  const root = path.join(tempDir(tag), 'store');
  copyDir(fixturePath('store'), root);
  return root;
}

function frameBody(name: string): Buffer {
  const frame = readFixture('frames', name);
  return frame.subarray(8 + (frame.readInt32BE(4) & 0xffffff));
}

const CAPTURED_QUEUES = [
  'TopicTest/0/00000000000000000000',
  'TopicTest/1/00000000000000000000',
  'TopicTest/2/00000000000000000000',
  'TopicTest/3/00000000000000000000',
  'SCHEDULE_TOPIC_XXXX/1/00000000000000000000',
  'BatchTest/0/00000000000000000000',
];

test('the captured store opens; reads agree with the captured frames, consume queues and index', async () => {
  const root = copyFixtureStore('fixture-open');
  const store = await openStore(fixtureOptions(root));
  assert.equal(store.recovery?.aborted, false);
  assert.equal(store.getMaxPhyOffset(), 1048494, 'the write position is the END record of the only segment');

  const byKey = store.queryMessage('TopicTest', 'FIXTURE_KEY_1', 64, 0, Number.MAX_SAFE_INTEGER);
  assert.equal(byKey.messages.length, 1);
  assert.deepEqual(byKey.messages[0], frameBody('12-QUERY_MESSAGE.response.bin'));
  const byUniq = store.queryMessage('TopicTest', 'FD0000000000000000000000000000024A805FFD2B276A3087580000', 32, 0, Number.MAX_SAFE_INTEGER);
  assert.equal(decodeMessage(byUniq.messages[0]!).commitLogOffset, 0);
  const delayed = store.queryMessage('SCHEDULE_TOPIC_XXXX', 'FIXTURE_DELAY', 32, 0, Number.MAX_SAFE_INTEGER);
  assert.equal(decodeMessage(delayed.messages[0]!).commitLogOffset, 1152);
  assert.deepEqual(store.lookMessageByOffset(0), frameBody('33-VIEW_MESSAGE_BY_ID.response.bin'));

  // The orderly consumer's pull of TopicTest q1 from 289 stopped at the end of the first queue file.
  const pull = store.getMessage('TopicTest', 1, 289, 32, null);
  assert.equal(pull.status, 'FOUND');
  assert.equal(pull.nextBeginOffset, 300);
  assert.equal(pull.minOffset, 0);
  assert.deepEqual(Buffer.concat(pull.messages), frameBody('11-PULL_MESSAGE.response.found.bin'));

  const q0 = store.getMessage('TopicTest', 0, 21, 1, null);
  assert.equal(decodeMessage(q0.messages[0]!).commitLogOffset, 19643, 'unit 21 of q0 is the re-put delayed message');
  assert.equal(store.getOffsetInQueueByTime('TopicTest', 2, 1795272765328), 0);
  assert.equal(store.getEarliestMessageTime('TopicTest', 2), 1795272765328);
  assert.equal(store.getMaxOffsetInQueue('BatchTest', 0), 3);
  assert.equal(store.getMaxOffsetInQueue('TopicTest', 3), 1212, 'records after the captured units were dispatched');
  await store.shutdown();

  for (const name of CAPTURED_QUEUES) {
    const ours = fs.readFileSync(path.join(root, 'consumequeue', name));
    assert.ok(ours.equals(readFixture('store', 'consumequeue', ...name.split('/'))), `${name} kept as captured`);
  }
});

test('consume queues and the first index file rebuilt from the captured commit log equal the captured ones', async () => {
  const root = copyFixtureStore('fixture-rebuild');
  fs.rmSync(path.join(root, 'consumequeue'), { recursive: true });
  fs.rmSync(path.join(root, 'index'), { recursive: true });
  fs.rmSync(path.join(root, 'checkpoint'));
  fs.writeFileSync(path.join(root, 'abort'), '');
  const store = await openStore(fixtureOptions(root));
  assert.equal(store.recovery?.records, 4852);
  assert.equal(store.recovery?.truncatedReason, undefined);
  await store.shutdown();

  for (const name of CAPTURED_QUEUES) {
    const ours = fs.readFileSync(path.join(root, 'consumequeue', name));
    assert.ok(ours.equals(readFixture('store', 'consumequeue', ...name.split('/'))), `${name} rebuilt byte for byte`);
  }
  const [firstIndex] = fs.readdirSync(path.join(root, 'index')).sort();
  const ours = fs.readFileSync(path.join(root, 'index', firstIndex!));
  const captured = readFixture('store', 'index', '20261121145245339');
  assert.deepEqual(ours.subarray(0, 40), captured.subarray(0, 40), 'header');
  assert.ok(ours.equals(captured), 'slots and entries');
});
