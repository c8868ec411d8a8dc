// The store's descriptor pool: its size follows the process's open-file limit (so a topic with 1024 queues,
// like RocketMQ's BenchmarkTest, does not reopen a consume-queue file for every write), and it never holds
// more descriptors than its limit while reads and writes through it stay correct.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_OPEN_FILE_LIMIT, FilePool, MAX_OPEN_FILE_LIMIT, openFileLimitFor, processOpenFileLimit } from '../../src/store/file-pool.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'file-pool-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('FilePool', () => {
  it('sizes itself from the open-file limit: a quarter, at least 256, at most 8192', () => {
    assert.equal(openFileLimitFor(undefined), DEFAULT_OPEN_FILE_LIMIT);
    assert.equal(openFileLimitFor(1024), 256);
    assert.equal(openFileLimitFor(20_000), 5000);
    assert.equal(openFileLimitFor(1_048_576), MAX_OPEN_FILE_LIMIT);
    assert.equal(openFileLimitFor(Infinity), MAX_OPEN_FILE_LIMIT);
    const limits = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max open files            65536                524288               files     ',
    ].join('\n');
    assert.equal(processOpenFileLimit(limits), 65536);
    assert.equal(processOpenFileLimit(limits.replace('65536 ', 'unlimited')), Infinity);
    assert.equal(processOpenFileLimit('nothing here'), undefined);
    if (process.platform === 'linux') assert.ok((processOpenFileLimit() ?? 0) > 0);
  });

  it('a pool of 1024 files keeps all 1024 open: the second round of writes opens nothing', () => {
    const pool = new FilePool(1024);
    const files = Array.from({ length: 1024 }, (_, i) => path.join(dir, `q${i}`));
    for (const f of files) fs.writeFileSync(f, Buffer.alloc(64));
    for (const f of files) pool.write(f, Buffer.from('a'), 0);
    const fdsBefore = fs.readdirSync('/proc/self/fd').length;
    for (const f of files) pool.write(f, Buffer.from('b'), 1);
    assert.equal(fs.readdirSync('/proc/self/fd').length, fdsBefore);
    assert.equal(pool.openCount, 1024);
    const b = Buffer.alloc(2);
    for (const f of files) {
      assert.equal(pool.read(f, b, 0, 2, 0), 2);
      assert.equal(b.toString(), 'ab');
    }
    pool.closeAll();
    assert.equal(pool.openCount, 0);
  });

  it('a small pool evicts the least recently used descriptor and still reads and writes every file', () => {
    const pool = new FilePool(4);
    const files = Array.from({ length: 10 }, (_, i) => path.join(dir, `small${i}`));
    for (const f of files) fs.writeFileSync(f, Buffer.alloc(8));
    for (let round = 0; round < 3; round++) {
      for (const [i, f] of files.entries()) {
        pool.write(f, Buffer.from([i + round]), round);
        assert.ok(pool.openCount <= 4);
      }
    }
    const b = Buffer.alloc(3);
    for (const [i, f] of files.entries()) {
      pool.read(f, b, 0, 3, 0);
      assert.deepEqual([...b], [i, i + 1, i + 2]);
    }
    pool.closeAll();
  });
});
