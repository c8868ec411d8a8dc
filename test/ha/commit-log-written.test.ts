// The store tells HA about new commit-log bytes before it writes their consume queues, so a SYNC_MASTER's slave
// copies them while the master finishes its own dispatch (the slave's ack is the SYNC send's critical path).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { message, openStore, smallOptions, tempDir } from '../store/helpers.js';

describe('store: onCommitLogWritten', () => {
  it('runs after the commit-log write, before the consume queue shows the message, once per write', async () => {
    const store = await openStore(smallOptions(tempDir('written')));
    try {
      const seen: Array<{ maxPhy: number; data: number; queueMax: number }> = [];
      store.onCommitLogWritten(() => {
        const maxPhy = store.getMaxPhyOffset();
        seen.push({ maxPhy, data: store.getCommitLogData(0, maxPhy)?.length ?? 0, queueMax: store.getMaxOffsetInQueue('TopicW', 0) });
      });
      const puts = [store.putMessage(message('TopicW', 0, 'one')), store.putMessage(message('TopicW', 0, 'two'))];
      const [a, b] = await Promise.all(puts);
      assert.equal(a.status, 'PUT_OK');
      assert.equal(b.status, 'PUT_OK');
      const end = b.messages[0]!.wroteOffset + b.messages[0]!.wroteBytes;
      // Both puts of one turn went out in one write: one call, with both records readable but not yet queued.
      assert.deepEqual(seen, [{ maxPhy: end, data: end, queueMax: 0 }]);
      assert.equal(store.getMaxOffsetInQueue('TopicW', 0), 2);
    } finally {
      await store.shutdown();
    }
  });
});
