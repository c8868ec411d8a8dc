// Retention on real files with 64 KiB commit-log segments, an injected clock (hour of day) and an injected disk
// gauge: which segments go when (deleteWhen, fileReservedTime, diskMaxUsedSpaceRatio, the 0.85 force level),
// that consume queues and index files follow, min offsets move, a pull below them is moved on, and that the
// 0.90 level refuses puts until the disk has room again. The real disk (tmpfs) is in test/integration/disk-full.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BrokerController } from '../../src/broker/broker-controller.js';
import { storeOptionsOf } from '../../src/broker/store-options-of.js';
import { brokerConfigFrom } from '../../src/config/broker-config.js';
import { DefaultMessageStore } from '../../src/store/default-message-store.js';
import type { StoreOptions } from '../../src/store/options.js';
import { diskPartitionSpaceUsedPercent, formatRatio, parseDeleteWhen } from '../../src/store/retention-options.js';
import type { RetentionClock } from '../../src/store/retention.js';
import type { AppendedMessage } from '../../src/store/types.js';
import { createTopic, describeResponse, pullMessage, Resp, sendMessage, WireClient } from '../support/wire.js';
import { message, openStore, smallOptions, STORE_HOST, tempDir } from './helpers.js';

const HOUR = 3_600_000;
const TOPIC = 'RetentionTopic';
const QUEUES = 2;

/** The world as retention sees it, changed by each test step. */
class FakeWorld implements RetentionClock {
  hour = 3;
  usage = 0.1;
  now(): number {
    return Date.now();
  }
  hourOfDay(): number {
    return this.hour;
  }
}

function retentionOptions(root: string, overrides: Partial<StoreOptions> = {}): StoreOptions {
  return smallOptions(root, {
    flushDiskType: 'SYNC_FLUSH', // every put waits for its fdatasync: all but the newest segment are flushed
    deleteWhen: '04',
    fileReservedTime: 72,
    cleanResourceInterval: 3_600_000, // the timer stays out of the way; tests call cleanExpiredFiles()
    deleteCommitLogFilesInterval: 0,
    deleteConsumeQueueFilesInterval: 0,
    ...overrides,
  });
}

interface Filled {
  store: DefaultMessageStore;
  world: FakeWorld;
  root: string;
  /** Per queue, what each put returned, in queue-offset order. */
  sent: AppendedMessage[][];
}

/** ~1 KiB messages in two queues, each with a KEYS entry: about 60 per 64 KiB segment. */
async function filledStore(tag: string, count: number, overrides: Partial<StoreOptions> = {}): Promise<Filled> {
  const root = tempDir(tag);
  const world = new FakeWorld();
  const store = await openStore(retentionOptions(root, overrides), { clock: world, diskUsage: () => world.usage });
  const sent: AppendedMessage[][] = Array.from({ length: QUEUES }, () => []);
  for (let i = 0; i < count; i++) {
    const q = i % QUEUES;
    const r = await store.putMessage(message(TOPIC, q, `m${i}-${'x'.repeat(1000)}`, { KEYS: `key${i}` }));
    assert.equal(r.status, 'PUT_OK');
    sent[q]!.push(r.messages[0]!);
  }
  return { store, world, root, sent };
}

function segments(root: string): string[] {
  return fs.readdirSync(path.join(root, 'commitlog')).sort();
}

/** Sets the modification time of the oldest `n` segments `hoursAgo` back. */
function age(root: string, n: number, hoursAgo: number): void {
  const t = new Date(Date.now() - hoursAgo * HOUR);
  for (const name of segments(root).slice(0, n)) fs.utimesSync(path.join(root, 'commitlog', name), t, t);
}

/** Queue offset of the first message of queue q stored at or after commit-log offset `minPhy`. */
function expectedMin(f: Filled, q: number, minPhy: number): number {
  const i = f.sent[q]!.findIndex((m) => m.wroteOffset >= minPhy);
  return i < 0 ? f.sent[q]!.length : i;
}

describe('store retention', () => {
  it('deleteWhen parses hours and rejects anything else, naming the key', () => {
    assert.deepEqual(parseDeleteWhen('04'), [4]);
    assert.deepEqual(parseDeleteWhen('01;04; 23'), [1, 4, 23]);
    for (const bad of ['', '4am', '24', '04;', '-1']) assert.throws(() => parseDeleteWhen(bad), /deleteWhen/, bad);
    const root = tempDir('badwhen');
    assert.throws(() => new DefaultMessageStore(retentionOptions(root, { deleteWhen: '4am' })), /store option deleteWhen="4am"/);
    assert.throws(() => new DefaultMessageStore(retentionOptions(root, { diskMaxUsedSpaceRatio: 99 })), /diskMaxUsedSpaceRatio=99/);
  });

  it('measures the disk like RocketMQ (used / (used + available), rounded up to hundredths; -1 for a missing path)', () => {
    const ratio = diskPartitionSpaceUsedPercent(tempDir('gauge'));
    assert.ok(ratio > 0 && ratio <= 1, `ratio ${ratio}`);
    assert.equal(Math.round(ratio * 100), ratio * 100);
    assert.equal(diskPartitionSpaceUsedPercent('/no/such/folder/here'), -1);
    assert.equal(formatRatio(0.9), ' 0.90');
    assert.equal(formatRatio(-1), '-1.00');
  });

  it('at the deleteWhen hour removes segments older than fileReservedTime, oldest first, and keeps the rest; queues, index and min offsets follow', async () => {
    const f = await filledStore('hour', 500);
    const { store, world, root } = f;
    const before = segments(root);
    assert.ok(before.length >= 7, `only ${before.length} segments`);
    age(root, 4, 100); // the four oldest were last written 100 h ago; the rest just now
    const cqFilesBefore = fs.readdirSync(path.join(root, 'consumequeue', TOPIC, '0')).length;
    const indexBefore = fs.readdirSync(path.join(root, 'index')).length;

    world.hour = 3;
    let report = await store.cleanExpiredFiles();
    assert.equal(report.timeUp, false);
    assert.equal(report.commitLogFiles, 0, 'nothing goes outside the deleteWhen hour while the disk has room');
    assert.deepEqual(segments(root), before);

    world.hour = 4;
    report = await store.cleanExpiredFiles();
    assert.equal(report.timeUp, true);
    assert.equal(report.spaceFull, false);
    assert.equal(report.commitLogFiles, 4);
    assert.deepEqual(segments(root), before.slice(4), 'the four expired segments went, the recent ones stayed');
    const minPhy = store.getMinPhyOffset();
    assert.equal(minPhy, Number(before[4]));

    // Consume-queue files that only point below the new start are gone, and so are such index files.
    assert.ok(report.consumeQueueFiles > 0);
    assert.ok(fs.readdirSync(path.join(root, 'consumequeue', TOPIC, '0')).length < cqFilesBefore);
    assert.ok(report.indexFiles > 0);
    assert.equal(fs.readdirSync(path.join(root, 'index')).length, indexBefore - report.indexFiles);

    for (let q = 0; q < QUEUES; q++) {
      const min = store.getMinOffsetInQueue(TOPIC, q);
      assert.equal(min, expectedMin(f, q, minPhy), `queue ${q}: min offset is the first message still in the log`);
      assert.ok(min > 0);
      const firstFile = Number(fs.readdirSync(path.join(root, 'consumequeue', TOPIC, String(q))).sort()[0]);
      assert.ok(firstFile <= min * 20 && min * 20 < firstFile + 200, `queue ${q}: first file ${firstFile} holds min offset ${min}`);
      const below = store.getMessage(TOPIC, q, min - 1, 32, null);
      assert.equal(below.status, 'OFFSET_TOO_SMALL');
      assert.equal(below.nextBeginOffset, min);
      const at = store.getMessage(TOPIC, q, min, 32, null);
      assert.equal(at.status, 'FOUND');
      assert.equal(at.messages[0]!.readBigInt64BE(28), BigInt(f.sent[q]![min]!.wroteOffset));
    }
    // By key: a deleted message is not found any more, a kept one is.
    assert.equal(store.queryMessage(TOPIC, 'key0', 32, 0, Date.now() + HOUR).messages.length, 0);
    assert.equal(store.queryMessage(TOPIC, 'key499', 32, 0, Date.now() + HOUR).messages.length, 1);

    // A restart finds the same start and the same min offsets.
    const mins = [0, 1].map((q) => store.getMinOffsetInQueue(TOPIC, q));
    await store.shutdown();
    const again = await openStore(retentionOptions(root), { clock: world, diskUsage: () => world.usage });
    assert.equal(again.getMinPhyOffset(), minPhy);
    assert.deepEqual([0, 1].map((q) => again.getMinOffsetInQueue(TOPIC, q)), mins);
    assert.equal(again.getMaxOffsetInQueue(TOPIC, 0), f.sent[0]!.length);
    const r = await again.putMessage(message(TOPIC, 0, 'after restart'));
    assert.equal(r.status, 'PUT_OK');
    assert.equal(r.messages[0]!.queueOffset, f.sent[0]!.length);
    await again.shutdown();
  });

  it('deletes at most 10 segments per run, and never the newest one even when all are expired', async () => {
    const { store, world, root } = await filledStore('batch', 900);
    const before = segments(root);
    assert.ok(before.length >= 13, `only ${before.length} segments`);
    age(root, before.length, 100);
    world.hour = 4;
    assert.equal((await store.cleanExpiredFiles()).commitLogFiles, 10);
    assert.equal((await store.cleanExpiredFiles()).commitLogFiles, before.length - 11);
    assert.equal((await store.cleanExpiredFiles()).commitLogFiles, 0);
    assert.deepEqual(segments(root), before.slice(-1), 'the segment being written stays');
    const r = await store.putMessage(message(TOPIC, 1, 'still writable'));
    assert.equal(r.status, 'PUT_OK');
    await store.shutdown();
  });

  it('over diskMaxUsedSpaceRatio expired segments go at any hour; over 0.85 even unexpired ones (cleanFileForciblyEnable)', async () => {
    const { store, world, root } = await filledStore('ratio', 500);
    const before = segments(root);
    age(root, 2, 100);
    world.hour = 3;
    world.usage = 0.8; // over 75 %, under 85 %
    let report = await store.cleanExpiredFiles();
    assert.deepEqual([report.timeUp, report.spaceFull, report.cleanAtOnce, report.commitLogFiles], [false, true, false, 2]);
    assert.deepEqual(segments(root), before.slice(2));

    world.usage = 0.87; // over diskSpaceCleanForciblyRatio: age does not matter any more
    report = await store.cleanExpiredFiles();
    assert.equal(report.cleanAtOnce, true);
    assert.equal(report.commitLogFiles, Math.min(10, before.length - 3));
    assert.equal(store.isDiskFull, false, 'under 0.90 puts are still taken');
    assert.equal((await store.putMessage(message(TOPIC, 0, 'fits'))).status, 'PUT_OK');
    await store.shutdown();
  });

  it('with cleanFileForciblyEnable=false a nearly full disk only loses expired segments', async () => {
    const { store, world, root } = await filledStore('noforce', 300, { cleanFileForciblyEnable: false });
    const before = segments(root);
    world.usage = 0.88;
    const report = await store.cleanExpiredFiles();
    assert.deepEqual([report.spaceFull, report.cleanAtOnce, report.commitLogFiles], [true, false, 0]);
    assert.deepEqual(segments(root), before);
    await store.shutdown();
  });

  it('executeDeleteFilesManually removes expired segments outside the deleteWhen hour', async () => {
    const { store, root } = await filledStore('manual', 300);
    const before = segments(root);
    age(root, 1, 100);
    assert.equal((await store.cleanExpiredFiles()).commitLogFiles, 0);
    store.executeDeleteFilesManually();
    const report = await store.cleanExpiredFiles();
    assert.equal(report.manual, true);
    assert.equal(report.commitLogFiles, 1);
    assert.deepEqual(segments(root), before.slice(1));
    await store.shutdown();
  });

  it('over diskSpaceWarningLevelRatio (0.90) puts are refused with SERVICE_NOT_AVAILABLE until the disk has room again', async () => {
    const { store, world, sent } = await filledStore('full', 20);
    world.usage = 0.91;
    assert.equal(store.checkDiskSpace(), true);
    assert.equal(store.isDiskFull, true);
    const refused = await store.putMessage(message(TOPIC, 0, 'no room'));
    assert.equal(refused.status, 'SERVICE_NOT_AVAILABLE');
    assert.match(refused.remark ?? '', /disk is full/);
    assert.equal(store.getMaxOffsetInQueue(TOPIC, 0), sent[0]!.length, 'nothing was written');
    // A clean-up run measures too (and marks the disk full the same way).
    await store.cleanExpiredFiles();
    assert.equal(store.isDiskFull, true);

    world.usage = 0.5;
    assert.equal(store.checkDiskSpace(), false);
    const ok = await store.putMessage(message(TOPIC, 0, 'room again'));
    assert.equal(ok.status, 'PUT_OK');
    assert.equal(ok.messages[0]!.queueOffset, sent[0]!.length);
    await store.shutdown();
  });
});

describe('retention seen through the broker', () => {
  it('a pull below the new min offset gets PULL_OFFSET_MOVED with the new minimum', async () => {
    const root = tempDir('broker');
    const world = new FakeWorld();
    const config = brokerConfigFrom({
      brokerName: 'broker-retention',
      brokerIP1: '127.0.0.1',
      namesrvAddr: '',
      storePathRootDir: root,
      mappedFileSizeCommitLog: 64 * 1024,
      mappedFileSizeConsumeQueue: 200,
      flushDiskType: 'SYNC_FLUSH',
      maxHashSlotNum: 16,
      maxIndexNum: 64,
      deleteCommitLogFilesInterval: 0,
      deleteConsumeQueueFilesInterval: 0,
      cleanResourceInterval: 3_600_000,
    });
    config.listenPort = 0;
    const store = new DefaultMessageStore(storeOptionsOf(config, STORE_HOST), { clock: world, diskUsage: () => world.usage });
    const broker = new BrokerController(config, { host: '127.0.0.1', store });
    await broker.start();
    const conn = await WireClient.connect(`127.0.0.1:${broker.listenPort}`);
    try {
      await createTopic(conn, TOPIC, { readQueueNums: 1, writeQueueNums: 1 });
      for (let i = 0; i < 200; i++) {
        const res = await sendMessage(conn, { topic: TOPIC, queueId: 0, body: `m${i}-${'y'.repeat(1000)}` });
        assert.equal(res.code, Resp.SUCCESS, describeResponse(res));
      }
      const names = segments(root);
      assert.ok(names.length >= 3);
      age(root, 2, 100);
      world.hour = 4;
      const report = await store.cleanExpiredFiles();
      assert.equal(report.commitLogFiles, 2);
      const min = store.getMinOffsetInQueue(TOPIC, 0);
      assert.ok(min > 0);

      const moved = await pullMessage(conn, { group: 'behind_group', topic: TOPIC, queueId: 0, offset: 0 });
      assert.equal(moved.code, Resp.PULL_OFFSET_MOVED, describeResponse(moved));
      assert.equal(Number(moved.extFields.nextBeginOffset), min);
      assert.equal(Number(moved.extFields.minOffset), min);
      const found = await pullMessage(conn, { group: 'behind_group', topic: TOPIC, queueId: 0, offset: min });
      assert.equal(found.code, Resp.SUCCESS, describeResponse(found));
    } finally {
      conn.close();
      await broker.shutdown();
    }
  });
});
