// How a pull reads the commit log: a queue whose records lie back to back is served from one read (its records
// are neighbouring views of one buffer, joined without a copy); a queue whose records are scattered among other
// queues' (RocketMQ's BenchmarkTest has 1024 queues) gets exactly its own records, each from a small read.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessages } from '../../src/protocol/message.js';
import { joinRecords } from '../../src/broker/join-records.js';
import { message, openStore, smallOptions, tempDir } from './helpers.js';

function bodies(records: Buffer[]): string[] {
  return records.flatMap((r) => decodeMessages(r)).map((m) => m.body.toString());
}

describe('getMessage read windows', () => {
  it('records of one queue scattered among 64 queues come back whole and in order, each its own small buffer', async () => {
    const store = await openStore(smallOptions(tempDir('scatter'), { mappedFileSizeCommitLog: 8 * 1024 * 1024, mappedFileSizeConsumeQueue: 20 * 1000 }));
    try {
      const body = (q: number, n: number): string => `q${q}-n${n}-${'p'.repeat(900)}`;
      for (let n = 0; n < 40; n++) {
        await Promise.all(Array.from({ length: 64 }, (_, q) => store.putMessage(message('Scatter', q, body(q, n)))));
      }
      for (const q of [0, 17, 63]) {
        const r = store.getMessage('Scatter', q, 3, 32, null);
        assert.equal(r.status, 'FOUND');
        assert.equal(r.messages.length, 32);
        assert.deepEqual(bodies(r.messages), Array.from({ length: 32 }, (_, i) => body(q, i + 3)));
        // Each record is read on its own, not as part of a window holding other queues' records: small reads
        // come from Node's 8 KiB buffer pool.
        for (const rec of r.messages) assert.ok(rec.buffer.byteLength <= 8192, `a ${rec.buffer.byteLength}-byte read for a ${rec.length}-byte record`);
        assert.deepEqual(bodies([joinRecords(r.messages)]), Array.from({ length: 32 }, (_, i) => body(q, i + 3)));
      }
    } finally {
      await store.shutdown();
    }
  });

  it('records lying back to back come from one read and join without a copy', async () => {
    const store = await openStore(smallOptions(tempDir('contiguous'), { mappedFileSizeCommitLog: 8 * 1024 * 1024, mappedFileSizeConsumeQueue: 20 * 1000 }));
    try {
      await Promise.all(Array.from({ length: 40 }, (_, n) => store.putMessage(message('Contiguous', 2, `m${n}-${'x'.repeat(500)}`))));
      const r = store.getMessage('Contiguous', 2, 0, 32, null);
      assert.equal(r.messages.length, 32);
      const first = r.messages[0]!;
      for (let i = 1; i < r.messages.length; i++) {
        assert.equal(r.messages[i]!.buffer, first.buffer, 'one read buffer');
        assert.equal(r.messages[i]!.byteOffset, r.messages[i - 1]!.byteOffset + r.messages[i - 1]!.length, 'back to back');
      }
      const joined = joinRecords(r.messages);
      assert.equal(joined.buffer, first.buffer, 'joined as a view, not a copy');
      assert.deepEqual(bodies([joined]), Array.from({ length: 32 }, (_, n) => `m${n}-${'x'.repeat(500)}`));
      // A tag filter skipping every other unit still returns exactly the wanted records.
      const odd = store.getMessage('Contiguous', 2, 0, 10, (code) => code !== 0);
      assert.equal(odd.status, 'NO_MATCHED_MESSAGE');
    } finally {
      await store.shutdown();
    }
  });
});
