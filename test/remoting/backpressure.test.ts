// A peer that stops reading must not make the server lose or reorder responses, nor buffer without bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, createResponse } from '../../src/protocol/command.js';
import { encodeCommand } from '../../src/protocol/frame.js';
import type { SocketConnection } from '../../src/remoting/connection.js';
import { RemotingServer } from '../../src/remoting/server.js';
import type { RequestHandler } from '../../src/remoting/types.js';
import { RawPeer, until } from './helpers.js';

const BODY = 1024 * 1024;

test('a client that does not read for a while gets every response once it reads again', async () => {
  const bodies = new Map<number, Buffer>();
  const handler: RequestHandler = (req) => {
    const body = Buffer.alloc(BODY, req.opaque & 0xff);
    return createResponse(req, 0, undefined, { n: req.extFields.n }, body);
  };
  const server = new RemotingServer({ name: 'bp', host: '127.0.0.1', port: 0, handler, maxUnsentBytes: 4 * 1024 * 1024 });
  await server.start();
  const peer = await RawPeer.connect(server.port);
  try {
    peer.socket.pause();
    const total = 40;
    const requests = Array.from({ length: total }, (_, i) => createRequest(1, { n: String(i) }));
    for (const r of requests) bodies.set(r.opaque, Buffer.alloc(BODY, r.opaque & 0xff));
    peer.socket.write(Buffer.concat(requests.map(encodeCommand)));
    await until(() => server.connections().length === 1, 'the connection');
    const conn = server.connections()[0] as SocketConnection;
    await until(() => conn.readingPaused, 'the server to stop reading from the slow peer');

    // A request sent now waits in the kernel until the server's queue drains.
    const late = createRequest(1, { n: 'late' });
    peer.socket.write(encodeCommand(late));

    peer.socket.resume();
    const received = await peer.waitFor(total + 1);
    assert.equal(received.length, total + 1);
    received.slice(0, total).forEach((res, i) => {
      assert.equal(res.opaque, requests[i].opaque);
      assert.equal(res.extFields.n, String(i));
      assert.ok(res.body?.equals(bodies.get(res.opaque) ?? Buffer.alloc(0)), `body of response ${i}`);
    });
    assert.equal(received[total].extFields.n, 'late');
    await until(() => !conn.readingPaused, 'reading to resume');
  } finally {
    peer.socket.destroy();
    await server.shutdown();
  }
});
