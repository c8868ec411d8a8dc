// Seed guide 000's SYNC_MASTER (sync double write, ASYNC_FLUSH) with its master host killed under a send load:
// every SEND_OK of broker-a is on the slave and consumed from it while the master is down; after the master
// restarts on its store nothing acknowledged is lost, and the only duplicates are sends in flight at the kill
// (begun before the master's link went down and answered after the cut began: the master may have stored
// one while the producer, seeing no answer, retried it on broker-b). Each producer loop has at most one send
// outstanding, so that is about one per loop.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { NetLab } from '../support/netns.js';
import { HOST_COUNT, MasterKillRun } from './master-kill.js';

let lab: NetLab | undefined;
after(async () => {
  await lab?.destroy();
});

describe('kill -9 of a SYNC_MASTER host under load (2m-2s-sync, one host per role)', () => {
  it('no acknowledged message is lost, the consumer carries on from the slave, duplicates only from sends in flight', async (t) => {
    lab = await NetLab.create('synckill', HOST_COUNT);
    const run = new MasterKillRun(lab, 'SYNC_MASTER');
    await run.deploy();
    const f = await run.run(t);
    t.diagnostic(`SYNC figures: ${JSON.stringify(f)}`);
    console.log(`SYNC kill: ${f.acked} acknowledged (${f.ackedA} by broker-a), lost while down ${f.lostWhileDown}, after restart ${f.lostAfterRestart}, duplicates ${f.duplicates} (in flight ${f.inFlight}), consumer on the slave after ${f.carryOnMs ?? 'n/a'} ms, slave drained after ${f.drainedFromSlaveMs} ms`);
    assert.ok(f.ackedA >= 1500, `enough load on broker-a: ${f.ackedA}`);
    assert.equal(f.lostWhileDown, 0, 'SYNC_MASTER: every SEND_OK of broker-a is on its slave');
    assert.equal(f.lostAfterRestart, 0, 'every acknowledged message consumed after the restart');
    assert.ok(f.duplicates <= f.inFlight, `duplicates ${f.duplicates} bounded by the ${f.inFlight} sends in flight at the kill`);
  });
});
