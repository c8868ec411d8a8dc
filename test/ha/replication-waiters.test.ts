// The SYNC_MASTER waiter list with an injected clock: acks release from the front in offset order, sends that
// finish out of order are placed by offset, timeouts are swept by one timer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplicationWaiters, type ReplicationStatus } from '../../src/ha/replication-waiters.js';

function track(p: Promise<ReplicationStatus>): { status: ReplicationStatus | undefined } {
  const box: { status: ReplicationStatus | undefined } = { status: undefined };
  void p.then((s) => (box.status = s));
  return box;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ReplicationWaiters', () => {
  it('an ack releases every waiter at or below it, in offset order, even when added out of order', async () => {
    let now = 1000;
    const w = new ReplicationWaiters(() => now);
    const a = track(w.add(100, 5000));
    const c = track(w.add(300, 5000));
    const b = track(w.add(200, 5000)); // finished late: placed between
    const d = track(w.add(300, 5000));
    assert.equal(w.size, 4);
    w.acked(150);
    await tick();
    assert.deepEqual([a.status, b.status, c.status, d.status], ['PUT_OK', undefined, undefined, undefined]);
    w.acked(300);
    await tick();
    assert.deepEqual([b.status, c.status, d.status], ['PUT_OK', 'PUT_OK', 'PUT_OK']);
    assert.equal(w.size, 0);
    now += 1;
  });

  it('expire() times out exactly the waiters past their deadline, ordered or not', async () => {
    let now = 0;
    const w = new ReplicationWaiters(() => now);
    const early = track(w.add(10, 100));
    const late = track(w.add(20, 300));
    const inserted = track(w.add(15, 50)); // out of order: deadline 50 sits between 100 and 300
    now = 60;
    w.expire();
    await tick();
    assert.deepEqual([early.status, inserted.status, late.status], [undefined, 'FLUSH_SLAVE_TIMEOUT', undefined]);
    now = 150;
    w.expire();
    await tick();
    assert.deepEqual([early.status, late.status], ['FLUSH_SLAVE_TIMEOUT', undefined]);
    w.acked(25);
    await tick();
    assert.equal(late.status, 'PUT_OK');
    assert.equal(w.size, 0);
  });

  it('the real timer answers FLUSH_SLAVE_TIMEOUT after the timeout; releaseAll answers the rest', async () => {
    const w = new ReplicationWaiters();
    const started = Date.now();
    const statuses = await Promise.all(Array.from({ length: 1000 }, (_, i) => w.add(1000 + i, 50)));
    assert.ok(statuses.every((s) => s === 'FLUSH_SLAVE_TIMEOUT'));
    assert.ok(Date.now() - started >= 45);
    const pending = w.add(5, 60_000);
    w.releaseAll('FLUSH_SLAVE_TIMEOUT');
    assert.equal(await pending, 'FLUSH_SLAVE_TIMEOUT');
  });
});
