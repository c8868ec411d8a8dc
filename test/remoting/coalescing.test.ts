// Many small responses produced in one tick should leave in one write, not one syscall each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createRequest, createResponse } from '../../src/protocol/command.js';
import { encodeCommand } from '../../src/protocol/frame.js';
import { RemotingServer } from '../../src/remoting/server.js';
import { RawPeer } from './helpers.js';

type WriteFn = (this: net.Socket, ...args: unknown[]) => void;
interface SocketInternals {
  _write: WriteFn;
  _writev: WriteFn;
}

/** Counts the writes net.Socket hands to libuv (one syscall each) on sockets bound to `port`. */
function countSocketWrites(port: () => number): { count: () => number; restore: () => void } {
  const proto = net.Socket.prototype as unknown as SocketInternals;
  const original = { _write: proto._write, _writev: proto._writev };
  let n = 0;
  for (const name of ['_write', '_writev'] as const) {
    proto[name] = function (this: net.Socket, ...args: unknown[]) {
      if (this.localPort === port()) n++;
      original[name].apply(this, args);
    };
  }
  return { count: () => n, restore: () => Object.assign(proto, original) };
}

test('responses answered in the same tick leave in one write', async () => {
  const server = new RemotingServer({
    name: 'coalesce',
    host: '127.0.0.1',
    port: 0,
    handler: (req) => createResponse(req, 0, undefined, { queueId: '1', queueOffset: '12345' }),
  });
  await server.start();
  const writes = countSocketWrites(() => server.port);
  const peer = await RawPeer.connect(server.port);
  try {
    const total = 300;
    const requests = Array.from({ length: total }, () => createRequest(10));
    peer.socket.write(Buffer.concat(requests.map(encodeCommand)));
    const received = await peer.waitFor(total);
    assert.deepEqual(received.map((r) => r.opaque), requests.map((r) => r.opaque));
    // The requests arrive in one or two reads; each read's answers go out in one writev.
    assert.ok(writes.count() <= 3, `${writes.count()} socket writes for ${total} responses`);
  } finally {
    writes.restore();
    peer.socket.destroy();
    await server.shutdown();
  }
});
