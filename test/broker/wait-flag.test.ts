// WAIT=false (MessageExt.isWaitStoreMsgOK) answers a SYNC_FLUSH send without waiting for the disk, although the
// broker does not store WAIT itself. A normal send still waits for its fdatasync.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { BrokerController } from '../../src/broker/broker-controller.js';
import { storeOptionsOf } from '../../src/broker/store-options-of.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { createRequest, type RemotingCommand } from '../../src/protocol/command.js';
import { DefaultMessageStore } from '../../src/store/default-message-store.js';
import type { SyncFunction } from '../../src/store/flush.js';
import { send, tempStoreDir, testConfig, TIMEOUT_MS, type TestBroker } from './broker-harness.js';

test('SYNC_FLUSH: a WAIT=false send is answered while the flush is held; a normal send waits for it', async () => {
  const dir = tempStoreDir();
  const config = testConfig(dir, { flushDiskType: 'SYNC_FLUSH', syncFlushTimeout: 30_000 });
  let hold = false;
  const held: Array<() => void> = [];
  const fdatasync: SyncFunction = (fd, callback) => {
    const run = () => fs.fdatasync(fd, callback);
    if (hold) held.push(run);
    else run();
  };
  const store = new DefaultMessageStore(storeOptionsOf(config, { host: '127.0.0.1', port: 10911 }), { fdatasync });
  const broker = new BrokerController(config, { store });
  await broker.start();
  const client = new RemotingClient({ name: 'wait-flag-test' });
  const addr = `127.0.0.1:${broker.listenPort}`;
  const t: TestBroker = {
    broker, client, addr, dir,
    call: (code, ext = {}, body) => client.invoke(addr, createRequest(code, ext, body), TIMEOUT_MS),
    stop: async () => {
      await client.shutdown();
      await broker.shutdown();
    },
  };
  try {
    assert.equal((await send(t, { topic: 'WaitTopic', body: 'create the topic' })).code, 0);
    hold = true;
    const noWait = await send(t, { topic: 'WaitTopic', body: 'fire and forget', properties: 'WAIT\u0001false' });
    assert.equal(noWait.code, 0, noWait.remark);
    assert.ok(noWait.extFields.msgId);

    let answered: RemotingCommand | undefined;
    const waiting = send(t, { topic: 'WaitTopic', body: 'durable', properties: 'WAIT\u0001true' }).then((r) => (answered = r));
    // Proving a wait needs time to pass: the held flush keeps the normal send unanswered.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(answered, undefined, 'a WAIT=true send was answered before its bytes were flushed');
    assert.ok(held.length > 0, 'no fdatasync was attempted for the waiting send');

    hold = false;
    for (const run of held.splice(0)) run();
    const durable = await waiting;
    assert.equal(durable.code, 0, durable.remark);
  } finally {
    hold = false;
    for (const run of held.splice(0)) run();
    await t.stop();
  }
});
