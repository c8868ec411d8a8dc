// When the put path writes: small puts of one tick share one commit-log write at the end of the event-loop
// turn; a burst of at least EAGER_DRAIN_BYTES is written (and its puts answered) as soon as the code that made
// it returns, before the loop turns. Either way every put gets consecutive offsets and is readable.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EAGER_DRAIN_BYTES } from '../../src/store/put-service.js';
import { message, openStore, smallOptions, tempDir } from './helpers.js';

describe('put batching', () => {
  it('small puts of one tick are written together once the event loop turns', async () => {
    const store = await openStore(smallOptions(tempDir('batch-small'), { mappedFileSizeCommitLog: 1024 * 1024 }));
    try {
      const before = store.getMaxPhyOffset();
      const puts = Array.from({ length: 5 }, (_, i) => store.putMessage(message('SmallBatch', 0, `m${i}`)));
      await Promise.resolve();
      await new Promise<void>((resolve) => process.nextTick(resolve));
      assert.equal(store.getMaxPhyOffset(), before, 'nothing is written before the loop turns');
      const results = await Promise.all(puts);
      assert.ok(store.getMaxPhyOffset() > before);
      assert.deepEqual(results.map((r) => r.status), Array(5).fill('PUT_OK'));
      assert.deepEqual(results.map((r) => r.messages[0]!.queueOffset), [0, 1, 2, 3, 4]);
    } finally {
      await store.shutdown();
    }
  });

  it('a burst of EAGER_DRAIN_BYTES or more is answered before the event loop turns', async () => {
    const store = await openStore(smallOptions(tempDir('batch-eager'), { mappedFileSizeCommitLog: 1024 * 1024, mappedFileSizeConsumeQueue: 20 * 1000 }));
    try {
      const body = 'x'.repeat(1024);
      const count = Math.ceil(EAGER_DRAIN_BYTES / 1024) + 8;
      let turned = false;
      setImmediate(() => {
        turned = true;
      });
      const puts = Array.from({ length: count }, () => store.putMessage(message('EagerBatch', 1, body)));
      const results = await Promise.all(puts);
      assert.equal(turned, false, 'the puts were answered before the next event-loop turn');
      assert.deepEqual(results.map((r) => r.status), Array(count).fill('PUT_OK'));
      assert.deepEqual(results.map((r) => r.messages[0]!.queueOffset), Array.from({ length: count }, (_, i) => i));
      assert.equal(store.getMaxOffsetInQueue('EagerBatch', 1), count);
      const got = store.getMessage('EagerBatch', 1, 0, 32, null);
      assert.equal(got.status, 'FOUND');
      assert.equal(got.messages.length, 32);
    } finally {
      await store.shutdown();
    }
  });
});
