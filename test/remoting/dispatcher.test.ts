import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, createResponse, type RemotingCommand } from '../../src/protocol/command.js';
import { Dispatcher } from '../../src/remoting/dispatcher.js';
import type { Connection } from '../../src/remoting/types.js';

const noConn = null as unknown as Connection;

test('routes by code and answers unknown codes like RocketMQ', async () => {
  const d = new Dispatcher().register(34, (req) => createResponse(req, 0));
  const hit = (await d.handle(createRequest(34), noConn)) as RemotingCommand;
  assert.equal(hit.code, 0);
  const req = createRequest(77);
  const miss = (await d.handle(req, noConn)) as RemotingCommand;
  assert.equal(miss.code, 3);
  assert.equal(miss.remark, ' request type 77 not supported');
  assert.equal(miss.opaque, req.opaque);
  assert.equal(d.has(34), true);
});

test('registering a code twice is refused', () => {
  const d = new Dispatcher().register(34, () => null);
  assert.throws(() => d.register(34, () => null), /request code 34 is already registered/);
});
