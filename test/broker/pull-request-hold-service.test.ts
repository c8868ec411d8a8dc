import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, createResponse, type RemotingCommand } from '../../src/protocol/command.js';
import { PullRequestHoldService } from '../../src/broker/pull-request-hold-service.js';

function answer(code: number): () => RemotingCommand {
  return () => createResponse(createRequest(11), code);
}

test('a parked pull wakes when a matching message reaches its offset, not for other queues, offsets or tags', async () => {
  const hold = new PullRequestHoldService({ longPollingEnable: true });
  let woken = 0;
  const pending = hold.hold('T', 1, 5, (tags) => tags === 7, 10_000, () => {
    woken++;
    return createResponse(createRequest(11), 0);
  });
  assert.ok(pending);
  hold.onMessageArrived('T', 0, 9, 7);
  hold.onMessageArrived('U', 1, 9, 7);
  hold.onMessageArrived('T', 1, 4, 7);
  hold.onMessageArrived('T', 1, 5, 8);
  assert.equal(hold.size, 1);
  hold.onMessageArrived('T', 1, 5, 7);
  assert.equal((await pending)?.code, 0);
  assert.equal(woken, 1);
  assert.equal(hold.size, 0);
});

test('a parked pull is answered at its timeout', async () => {
  const hold = new PullRequestHoldService({ longPollingEnable: true });
  const started = Date.now();
  const res = await hold.hold('T', 0, 0, null, 50, answer(19));
  assert.equal(res?.code, 19);
  assert.ok(Date.now() - started >= 45);
});

test('short polling ignores arrivals and answers at the timeout', async () => {
  const hold = new PullRequestHoldService({ longPollingEnable: false });
  let done = false;
  const pending = hold.hold('T', 0, 0, null, 60, answer(0))?.then((r) => {
    done = true;
    return r;
  });
  hold.onMessageArrived('T', 0, 0, 0);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(done, false);
  assert.equal((await pending)?.code, 0);
});

test('the number of parked pulls is bounded; shutdown answers every parked pull and refuses new ones', async () => {
  const hold = new PullRequestHoldService({ longPollingEnable: true, maxHeld: 2 });
  const a = hold.hold('T', 0, 0, null, 60_000, answer(19));
  const b = hold.hold('T', 1, 0, null, 60_000, answer(19));
  assert.equal(hold.hold('T', 2, 0, null, 60_000, answer(19)), undefined);
  await hold.shutdown();
  assert.deepEqual([(await a)?.code, (await b)?.code], [19, 19]);
  assert.equal(hold.hold('T', 0, 0, null, 60_000, answer(19)), undefined);
});
