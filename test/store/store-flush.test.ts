// Flushing: SYNC_FLUSH group commit, FLUSH_DISK_TIMEOUT, WAIT=false, the ASYNC_FLUSH timer, fdatasync errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { DefaultMessageStore } from '../../src/store/default-message-store.js';
import type { SyncFunction } from '../../src/store/flush.js';
import type { PutResult } from '../../src/store/types.js';
import { message, openStore, smallOptions, tempDir } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A slow disk: each fdatasync completes after `delayMs`; records what each one covered. */
function slowDisk(delayMs: number, getStore: () => DefaultMessageStore | undefined) {
  const state = { calls: 0, durableUpTo: 0, failNext: 0 };
  const sync: SyncFunction = (fd, cb) => {
    state.calls++;
    const covers = getStore()?.getMaxPhyOffset() ?? 0;
    setTimeout(() => {
      if (state.failNext > 0) {
        state.failNext--;
        cb(Object.assign(new Error('EIO: injected'), { code: 'EIO' }));
        return;
      }
      fs.fdatasync(fd, (err) => {
        if (!err) state.durableUpTo = Math.max(state.durableUpTo, covers);
        cb(err);
      });
    }, delayMs);
  };
  return { state, sync };
}

test('SYNC_FLUSH: puts resolve only after an fdatasync that started after their write, sharing it', async () => {
  const root = tempDir('group');
  let store: DefaultMessageStore | undefined;
  const disk = slowDisk(150, () => store);
  store = await openStore(smallOptions(root, { flushDiskType: 'SYNC_FLUSH', flushIntervalCommitLog: 10_000 }), { fdatasync: disk.sync });
  const resolved: PutResult[] = [];
  const check = (r: PutResult) => {
    const m = r.messages[0]!;
    assert.ok(disk.state.durableUpTo >= m.wroteOffset + m.wroteBytes, `put at ${m.wroteOffset} resolved before its bytes were synced`);
    resolved.push(r);
    return r;
  };
  const first = Array.from({ length: 50 }, (_, i) => store!.putMessage(message('TopicS', 0, `a${i}`)).then(check));
  await sleep(15);
  assert.equal(resolved.length, 0, 'nothing resolves while the fdatasync is still running');
  // A second wave written while the first fdatasync runs must wait for the next one.
  const second = Array.from({ length: 50 }, (_, i) => store!.putMessage(message('TopicS', 1, `b${i}`)).then(check));
  const all = await Promise.all([...first, ...second]);
  assert.ok(all.every((r) => r.status === 'PUT_OK'));
  assert.ok(disk.state.calls >= 2 && disk.state.calls <= 4, `100 puts shared ${disk.state.calls} fdatasync calls`);
  await store.shutdown();
});

test('SYNC_FLUSH: a put waiting longer than syncFlushTimeout gets FLUSH_DISK_TIMEOUT, and is stored', async () => {
  const root = tempDir('timeout');
  let store: DefaultMessageStore | undefined;
  const disk = slowDisk(300, () => store);
  store = await openStore(smallOptions(root, { flushDiskType: 'SYNC_FLUSH', syncFlushTimeout: 60 }), { fdatasync: disk.sync });
  const started = Date.now();
  const r = await store.putMessage(message('TopicS', 0, 'slow disk'));
  assert.equal(r.status, 'FLUSH_DISK_TIMEOUT');
  assert.match(r.remark ?? '', /60 ms/);
  assert.ok(Date.now() - started < 290, 'answered at the timeout, before the disk finished');
  assert.equal(r.messages.length, 1);
  assert.equal(store.getMessage('TopicS', 0, 0, 1, null).status, 'FOUND');

  const noWait = Date.now();
  const fast = await store.putMessage(message('TopicS', 0, 'no wait', { WAIT: 'false' }));
  assert.equal(fast.status, 'PUT_OK');
  assert.ok(Date.now() - noWait < 250, 'WAIT=false does not wait for the 300 ms disk');
  await store.shutdown();
});

test('SYNC_FLUSH with the real fdatasync; a failed fdatasync is retried', async () => {
  const root = tempDir('realsync');
  const store = await openStore(smallOptions(root, { flushDiskType: 'SYNC_FLUSH' }));
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.putMessage(message('TopicR', 0, `r${i}`))));
  assert.ok(results.every((r) => r.status === 'PUT_OK'));
  await store.shutdown();

  let flaky: DefaultMessageStore | undefined;
  const disk = slowDisk(1, () => flaky);
  disk.state.failNext = 1;
  flaky = await openStore(smallOptions(root, { flushDiskType: 'SYNC_FLUSH' }), { fdatasync: disk.sync });
  const r = await flaky.putMessage(message('TopicR', 0, 'after an EIO'));
  assert.equal(r.status, 'PUT_OK');
  assert.ok(disk.state.calls >= 2);
  await flaky.shutdown();
});

test('ASYNC_FLUSH: puts do not wait; the timer flushes once enough pages are dirty or the interval passed', async () => {
  const root = tempDir('async');
  let store: DefaultMessageStore | undefined;
  const disk = slowDisk(1, () => store);
  store = await openStore(
    smallOptions(root, { flushIntervalCommitLog: 10, flushCommitLogLeastPages: 4, flushCommitLogThoroughInterval: 100_000 }),
    { fdatasync: disk.sync },
  );
  await store.putMessage(message('TopicA', 0, 'small'));
  await sleep(60);
  assert.equal(disk.state.calls, 0, 'under 4 dirty pages and before the thorough interval: no flush');
  await store.putMessage(message('TopicA', 0, 'x'.repeat(20_000)));
  await sleep(60);
  assert.ok(disk.state.calls >= 1, 'flushed once 4 pages were dirty');
  await store.shutdown();

  let thorough: DefaultMessageStore | undefined;
  const disk2 = slowDisk(1, () => thorough);
  thorough = await openStore(smallOptions(root, { flushIntervalCommitLog: 10, flushCommitLogThoroughInterval: 50 }), { fdatasync: disk2.sync });
  await thorough.putMessage(message('TopicA', 0, 'tiny'));
  await sleep(150);
  assert.ok(disk2.state.calls >= 1, 'flushed after flushCommitLogThoroughInterval');
  await thorough.shutdown();
});
