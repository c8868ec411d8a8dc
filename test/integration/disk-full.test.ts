// A nearly full and a completely full disk, for real: a 16 MiB tmpfs mounted for this test (root only).
//  - Over 90 % used (a ballast file), the broker refuses sends with SERVICE_NOT_AVAILABLE and 4.9.8's remark
//    naming the disk usage, writes nothing, and takes sends again once the ballast is gone; restarted, it
//    serves every acknowledged message.
//  - With the disk at 100 % (the ratio guard out of the way), writes hit ENOSPC: the puts fail cleanly, the
//    partial record is cut off, the process keeps running, and after the space returns the store goes on;
//    reopened, it holds exactly what was acknowledged.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DefaultMessageStore } from '../../src/store/default-message-store.js';
import { defaultStoreOptions } from '../../src/store/options.js';
import type { AppendedMessage, MessageToStore } from '../../src/store/types.js';
import { TestCluster } from '../support/cluster.js';
import { createTopic, describeResponse, getMaxOffset, pullAll, Resp, sendMessage, WireClient } from '../support/wire.js';
import { waitFor } from '../support/wait.js';

const TMPFS_SIZE = '16m';
/** ResponseCode.SERVICE_NOT_AVAILABLE. */
const SERVICE_NOT_AVAILABLE = 14;
const isRoot = process.platform === 'linux' && process.getuid?.() === 0;
const skip = isRoot ? false : 'needs root on Linux to mount a 16 MiB tmpfs (CI runs as root)';

const REMARK = /^service not available now\. It may be caused by one of the following reasons: the broker's disk is full \[CL: +0\.\d\d CQ: +0\.\d\d INDEX: +0\.\d\d\], messages are put to the slave, message store has been shut down, etc\.$/;

/** Used fraction of the file system holding `dir`. */
function usedRatio(dir: string): number {
  const s = fs.statfsSync(dir);
  return (s.blocks - s.bfree) / s.blocks;
}

/** Grows the ballast file until the disk is `target` used (1 = until ENOSPC). */
function fillTo(ballast: string, target: number): void {
  const fd = fs.openSync(ballast, 'a');
  try {
    const chunk = Buffer.alloc(64 * 1024, 0x42);
    const small = Buffer.alloc(4096, 0x42);
    for (;;) {
      if (target < 1 && usedRatio(path.dirname(ballast)) >= target) return;
      try {
        fs.writeSync(fd, target < 1 ? chunk : small);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOSPC') return;
        throw e;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

describe('a full disk (16 MiB tmpfs)', { skip }, () => {
  let mountPoint = '';

  before(() => {
    mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'rmqts-tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', mountPoint]);
  });

  after(() => {
    if (mountPoint === '') return;
    try {
      execFileSync('umount', [mountPoint]);
    } catch {
      execFileSync('umount', ['-l', mountPoint]); // something still holds a file: detach now, freed when closed
    }
    fs.rmSync(mountPoint, { recursive: true, force: true });
  });

  it('over 90 % used: sends are refused with the disk usage in the remark, nothing is written, sends work again once there is room', async (t) => {
    const cluster = TestCluster.create('diskfull');
    const clients: WireClient[] = [];
    const ballast = path.join(mountPoint, 'ballast-broker');
    try {
      const storeDir = path.join(mountPoint, 'broker-store');
      const broker = await cluster.startBroker({
        name: 'broker-diskfull',
        namesrvAddr: null,
        storeDir,
        props: {
          mappedFileSizeCommitLog: 64 * 1024,
          mappedFileSizeConsumeQueue: 6000,
          maxHashSlotNum: 1000,
          maxIndexNum: 4000,
          // The disk is measured every 200 ms instead of every 10 s; nothing may be deleted to make room
          // (cleanFileForciblyEnable=false, nothing older than fileReservedTime), so the store must refuse.
          cleanResourceInterval: 200,
          cleanFileForciblyEnable: false,
        },
      });
      const conn = await WireClient.connect(broker.addr);
      clients.push(conn);
      const topic = 'DiskFullTopic';
      await createTopic(conn, topic, { readQueueNums: 2, writeQueueNums: 2 });
      const acked = new Map<string, { queueId: number; queueOffset: number }>();
      let n = 0;
      const send = async () => {
        const key = `k${n++}`;
        const queueId = n % 2;
        const res = await sendMessage(conn, { topic, queueId, body: `${key}:${'z'.repeat(1000)}`, keys: key });
        if (res.code === Resp.SUCCESS) acked.set(key, { queueId, queueOffset: Number(res.extFields.queueOffset) });
        return res;
      };
      for (let i = 0; i < 200; i++) assert.equal((await send()).code, Resp.SUCCESS);

      fillTo(ballast, 0.95);
      const refused = await waitFor(async () => {
        const res = await send();
        return res.code === SERVICE_NOT_AVAILABLE ? res : undefined;
      }, { timeoutMs: 15_000, what: 'a send refused for the full disk' });
      assert.match(refused.remark ?? '', REMARK);
      assert.match(refused.remark ?? '', /CL: +0\.9\d/);
      const max = [await getMaxOffset(conn, topic, 0), await getMaxOffset(conn, topic, 1)];
      for (let i = 0; i < 20; i++) {
        const res = await send();
        assert.equal(res.code, SERVICE_NOT_AVAILABLE, describeResponse(res));
      }
      assert.deepEqual([await getMaxOffset(conn, topic, 0), await getMaxOffset(conn, topic, 1)], max, 'a refused send was written');
      assert.match(broker.readLog(), /physic disk maybe full soon 0\.9\d, so mark disk full/);

      fs.rmSync(ballast);
      await waitFor(async () => (await send()).code === Resp.SUCCESS, { timeoutMs: 15_000, what: 'sends to be taken again after the ballast was removed' });
      for (let i = 0; i < 20; i++) assert.equal((await send()).code, Resp.SUCCESS);
      assert.match(broker.readLog(), /physic disk space OK 0\.\d+, so mark disk ok/);

      conn.close();
      assert.deepEqual(await broker.stop(), { code: 0, signal: null }, broker.proc.describe());
      await broker.restart();
      const again = await WireClient.connect(broker.addr);
      clients.push(again);
      const served = new Map<string, { queueId: number; queueOffset: number }>();
      for (const q of [0, 1]) for (const m of await pullAll(again, 'diskfull_checker', topic, q)) served.set(m.properties.KEYS ?? '', m);
      assert.equal(served.size, acked.size, 'exactly the acknowledged messages are stored');
      for (const [key, a] of acked) assert.deepEqual(served.get(key) && { queueId: served.get(key)!.queueId, queueOffset: served.get(key)!.queueOffset }, a, key);
      t.diagnostic(`${acked.size} acknowledged and served; the refusal said: ${refused.remark}`);
      await broker.stop();
    } catch (err) {
      if (err instanceof Error) err.message += `\n\n${cluster.describeAll()}`;
      throw err;
    } finally {
      for (const c of clients) c.close();
      fs.rmSync(ballast, { force: true });
      await cluster.shutdown();
    }
  });

  // Big consume-queue files: the commit log needs a new page first. 10-unit files: a consume queue does.
  for (const [first, cqFileSize, expected] of [
    ['the commit log', 6000, /commit-log write failed: ENOSPC|cannot start a new commit-log segment: ENOSPC/],
    ['a consume queue', 200, /consume queue or index write failed: ENOSPC/],
  ] as const) it(`at 100 %, ${first} meets ENOSPC first: the put fails cleanly, nothing half-written stays, the store goes on once there is room`, async (t) => {
    const root = path.join(mountPoint, `store-enospc-${cqFileSize}`);
    const ballast = path.join(mountPoint, `ballast-store-${cqFileSize}`);
    let usage = 0.1; // the ratio guard reads this, so only ENOSPC itself can stop the writes
    const options = {
      ...defaultStoreOptions(root, { host: '127.0.0.1', port: 10911 }),
      mappedFileSizeCommitLog: 64 * 1024,
      mappedFileSizeConsumeQueue: cqFileSize,
      maxHashSlotNum: 1000,
      maxIndexNum: 4000,
      flushIntervalCommitLog: 20,
      flushIntervalConsumeQueue: 50,
    };
    const open = async (): Promise<DefaultMessageStore> => {
      const s = new DefaultMessageStore(options, { diskUsage: () => usage });
      await s.start();
      return s;
    };
    const msg = (i: number): MessageToStore => ({
      topic: 'EnospcTopic',
      queueId: i % 2,
      flag: 0,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      bornHost: { host: '127.0.0.1', port: 40000 },
      body: Buffer.from(`m${i}:${'q'.repeat(700 + (i % 300))}`),
      properties: `KEYS\u0001k${i}`,
      reconsumeTimes: 0,
      preparedTransactionOffset: 0,
    });
    let store = await open();
    const ok = new Map<number, AppendedMessage>();
    const failures = new Map<string, number>();
    let i = 0;
    try {
      for (; i < 100; i++) {
        const r = await store.putMessage(msg(i));
        assert.equal(r.status, 'PUT_OK');
        ok.set(i, r.messages[0]!);
      }
      fillTo(ballast, 1);
      let refusedInARow = 0;
      for (; refusedInARow < 50 && i < 5000; i++) {
        const r = await store.putMessage(msg(i));
        if (r.status === 'PUT_OK') {
          ok.set(i, r.messages[0]!);
          refusedInARow = 0;
        } else {
          failures.set(`${r.status}: ${r.remark ?? ''}`.slice(0, 120), (failures.get(`${r.status}: ${r.remark ?? ''}`.slice(0, 120)) ?? 0) + 1);
          assert.equal(r.status, 'SERVICE_NOT_AVAILABLE', r.remark);
          refusedInARow++;
        }
      }
      assert.equal(refusedInARow, 50, 'the full disk never stopped the writes');
      assert.ok([...failures.keys()].some((k) => expected.test(k)), `no put failed with ${expected}: ${JSON.stringify([...failures])}`);

      // The log ends at the last stored record; behind it the active segment holds zeros (the cut-off tail).
      const end = store.getMaxPhyOffset();
      const last = [...ok.values()].reduce((a, b) => (b.wroteOffset > a.wroteOffset ? b : a));
      assert.ok(end === last.wroteOffset + last.wroteBytes || end % options.mappedFileSizeCommitLog === 0, `log end ${end} vs last record end ${last.wroteOffset + last.wroteBytes}`);
      const segStart = end - (end % options.mappedFileSizeCommitLog);
      const file = path.join(root, 'commitlog', String(segStart).padStart(20, '0'));
      if (end % options.mappedFileSizeCommitLog !== 0 && fs.existsSync(file)) {
        const tail = Buffer.alloc(Math.min(4096, options.mappedFileSizeCommitLog - (end - segStart)));
        const fd = fs.openSync(file, 'r');
        fs.readSync(fd, tail, 0, tail.length, end - segStart);
        fs.closeSync(fd);
        assert.ok(tail.every((b) => b === 0), 'bytes of a failed write were left behind the end of the log');
      }

      fs.rmSync(ballast);
      usage = 0.1;
      store.checkDiskSpace(); // what the 10-second check does: the disk has room, puts are taken again
      for (let k = 0; k < 20; k++, i++) {
        const r = await store.putMessage(msg(i));
        assert.equal(r.status, 'PUT_OK', r.remark);
        ok.set(i, r.messages[0]!);
      }
      await store.shutdown();
      store = await open();
      for (const q of [0, 1]) {
        const mine = [...ok.entries()].filter(([n]) => n % 2 === q).sort((a, b) => a[1].queueOffset - b[1].queueOffset);
        assert.equal(store.getMaxOffsetInQueue('EnospcTopic', q), mine.length, `queue ${q}: exactly the acknowledged messages`);
        for (const [n, m] of mine) {
          const got = store.getMessage('EnospcTopic', q, m.queueOffset, 1, null);
          assert.equal(got.status, 'FOUND', `message ${n}`);
          assert.equal(Number(got.messages[0]!.readBigInt64BE(28)), m.wroteOffset, `message ${n} at its offset`);
        }
      }
      t.diagnostic(`${ok.size} stored; refusals: ${JSON.stringify([...failures])}`);
    } finally {
      await store.shutdown();
      fs.rmSync(ballast, { force: true });
    }
  });
});
