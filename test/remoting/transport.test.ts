// Server and client over real sockets on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RemotingError } from '../../src/common/errors.js';
import {
  createRequest,
  createResponse,
  FLAG_ONEWAY,
  requireString,
  SerializeType,
  type RemotingCommand,
} from '../../src/protocol/command.js';
import { ResponseCode } from '../../src/protocol/codes.js';
import { encodeCommand } from '../../src/protocol/frame.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { Dispatcher } from '../../src/remoting/dispatcher.js';
import { RemotingServer } from '../../src/remoting/server.js';
import type { Connection, RequestHandler } from '../../src/remoting/types.js';
import { RawPeer, until } from './helpers.js';

const ECHO = 9001;
const SLOW = 9002;
const NEVER = 9003;

/** A server on a free loopback port and a client for it; both are shut down after `body`. */
async function withServer(
  handler: RequestHandler,
  body: (ctx: { server: RemotingServer; client: RemotingClient; addr: string }) => Promise<void>,
  clientHandler?: RequestHandler,
): Promise<void> {
  const server = new RemotingServer({ name: 'test-server', host: '127.0.0.1', port: 0, handler });
  await server.start();
  const client = new RemotingClient({ name: 'test-client', onRequest: clientHandler });
  try {
    await body({ server, client, addr: `127.0.0.1:${server.port}` });
  } finally {
    await client.shutdown();
    await server.shutdown();
  }
}

const echo: RequestHandler = (req) => createResponse(req, ResponseCode.SUCCESS, undefined, { echo: req.extFields.x ?? '' }, req.body);

test('request and response, in JSON and in binary headers; the answer uses the request serialization', async () => {
  await withServer(echo, async ({ client, addr }) => {
    for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
      const req = createRequest(ECHO, { x: 'hello' }, Buffer.from('body'), type);
      const res = await client.invoke(addr, req, 3000);
      assert.equal(res.code, ResponseCode.SUCCESS);
      assert.equal(res.opaque, req.opaque);
      assert.equal(res.flag & 1, 1);
      assert.equal(res.serializeType, type);
      assert.equal(res.extFields.echo, 'hello');
      assert.equal(res.body?.toString(), 'body');
    }
  });
});

test('many pipelined requests answered asynchronously in reverse order all reach their callers', async () => {
  const held: Array<() => void> = [];
  const total = 300;
  const handler: RequestHandler = (req) =>
    new Promise((resolve) => {
      held.push(() => resolve(echo(req, null as unknown as Connection) as RemotingCommand));
      if (held.length === total) for (const release of held.reverse()) release();
    });
  await withServer(handler, async ({ client, addr, server }) => {
    const calls = Array.from({ length: total }, (_, i) => client.invoke(addr, createRequest(SLOW, { x: String(i) }), 5000));
    const responses = await Promise.all(calls);
    responses.forEach((res, i) => assert.equal(res.extFields.echo, String(i)));
    assert.equal(server.connections().length, 1, 'one cached connection');
  });
});

test('a oneway request is handled but never answered', async () => {
  const seen: RemotingCommand[] = [];
  const handler: RequestHandler = (req) => {
    seen.push(req);
    return echo(req, null as unknown as Connection);
  };
  await withServer(handler, async ({ server, client, addr }) => {
    await client.invokeOneway(addr, createRequest(ECHO, { x: 'oneway' }));
    const peer = await RawPeer.connect(server.port);
    const oneway = createRequest(ECHO, { x: 'raw-oneway' });
    oneway.flag = FLAG_ONEWAY;
    const normal = createRequest(ECHO, { x: 'normal' });
    peer.socket.write(Buffer.concat([encodeCommand(oneway), encodeCommand(normal)]));
    const [only] = await peer.waitFor(1);
    assert.equal(only.opaque, normal.opaque);
    assert.equal(seen.length, 3);
    assert.equal(seen[0].flag & FLAG_ONEWAY, FLAG_ONEWAY);
    assert.equal(seen[1].extFields.x, 'raw-oneway');
    // The answer to `normal` came after the oneway was handled, so nothing else is on its way.
    assert.equal(peer.received.length, 1);
    peer.socket.destroy();
  });
});

test('an unanswered request times out with a retriable RemotingError naming the address', async () => {
  await withServer(() => new Promise<null>(() => undefined), async ({ client, addr }) => {
    const started = Date.now();
    await assert.rejects(client.invoke(addr, createRequest(NEVER), 150), (err: unknown) => {
      assert.ok(err instanceof RemotingError);
      assert.equal(err.retriable, true);
      assert.equal(err.addr, addr);
      assert.match(err.message, /timeout after \d+ms \(code 9003/);
      return true;
    });
    assert.ok(Date.now() - started >= 140);
  });
});

test('pending requests fail when the connection closes', async () => {
  await withServer(() => new Promise<null>(() => undefined), async ({ server, client, addr }) => {
    const pending = client.invoke(addr, createRequest(NEVER), 10000);
    await until(() => server.connections().length === 1, 'the connection');
    server.connections()[0].close();
    await assert.rejects(pending, (err: unknown) => err instanceof RemotingError && err.retriable && /closed/.test(err.message));
    // The client reconnects on the next call.
    await assert.rejects(client.invoke(addr, createRequest(NEVER), 50), /timeout/);
  });
});

test('connect failure is a retriable RemotingError with the address', async () => {
  const probe = new RemotingServer({ name: 'probe', host: '127.0.0.1', port: 0, handler: echo });
  await probe.start();
  const addr = `127.0.0.1:${probe.port}`;
  await probe.shutdown();
  const client = new RemotingClient();
  await assert.rejects(client.invoke(addr, createRequest(ECHO), 1000), (err: unknown) => {
    assert.ok(err instanceof RemotingError);
    assert.equal(err.retriable, true);
    assert.equal(err.addr, addr);
    assert.match(err.message, /connect to 127\.0\.0\.1:\d+ failed: .*ECONNREFUSED/);
    return true;
  });
  await assert.rejects(client.invoke('nonsense', createRequest(ECHO), 1000), (err: unknown) =>
    err instanceof RemotingError && !err.retriable && /invalid address "nonsense"/.test(err.message));
  await client.shutdown();
  await assert.rejects(client.invoke(addr, createRequest(ECHO), 1000), /shut down/);
});

test('the server can call the client, both with an answer and oneway', async () => {
  const notified: RemotingCommand[] = [];
  const clientHandler = new Dispatcher()
    .register(40, (req) => {
      notified.push(req);
      return null;
    })
    .register(307, (req) => createResponse(req, ResponseCode.SUCCESS, undefined, { running: 'yes' })).handle;
  const serverHandler: RequestHandler = async (req, conn) => {
    conn.invokeOneway(createRequest(40, { consumerGroup: 'g' }));
    const info = await conn.invoke(createRequest(307, { clientId: 'c' }), 3000);
    const missing = await conn.invoke(createRequest(12345), 3000);
    return createResponse(req, ResponseCode.SUCCESS, undefined, {
      running: info.extFields.running,
      missing: String(missing.code),
    });
  };
  await withServer(serverHandler, async ({ client, addr }) => {
    const res = await client.invoke(addr, createRequest(ECHO), 3000);
    assert.equal(res.extFields.running, 'yes');
    assert.equal(res.extFields.missing, String(ResponseCode.REQUEST_CODE_NOT_SUPPORTED));
    assert.equal(notified.length, 1);
    assert.equal(notified[0].flag & FLAG_ONEWAY, FLAG_ONEWAY);
    assert.equal(notified[0].extFields.consumerGroup, 'g');
  }, clientHandler);
});

test('dispatcher: unknown code, HeaderError and other failures become answers; the connection stays', async () => {
  const dispatcher = new Dispatcher()
    .register(ECHO, echo)
    .register(101, (req) => createResponse(req, 0, undefined, { v: requireString(req.extFields, 'key') }))
    .register(102, () => {
      throw new Error('boom');
    })
    .register(103, async () => {
      throw new Error('async boom');
    });
  await withServer(dispatcher.handle, async ({ server, client, addr }) => {
    const unknown = await client.invoke(addr, createRequest(999), 3000);
    assert.equal(unknown.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    assert.equal(unknown.remark, ' request type 999 not supported');
    const header = await client.invoke(addr, createRequest(101), 3000);
    assert.equal(header.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(header.remark, 'the custom field <key> is null');
    const thrown = await client.invoke(addr, createRequest(102), 3000);
    assert.equal(thrown.code, ResponseCode.SYSTEM_ERROR);
    assert.match(thrown.remark ?? '', /boom/);
    const rejected = await client.invoke(addr, createRequest(103), 3000);
    assert.equal(rejected.code, ResponseCode.SYSTEM_ERROR);
    assert.match(rejected.remark ?? '', /async boom/);
    const ok = await client.invoke(addr, createRequest(ECHO, { x: 'still here' }), 3000);
    assert.equal(ok.extFields.echo, 'still here');
    assert.equal(server.connections().length, 1);
  });
});

test('a bad frame closes only its own connection', async () => {
  await withServer(echo, async ({ server, client, addr }) => {
    await client.invoke(addr, createRequest(ECHO), 3000);
    const bad = await RawPeer.connect(server.port);
    const notJson = await RawPeer.connect(server.port);
    await until(() => server.connections().length === 3, 'three connections');
    const huge = Buffer.alloc(8);
    huge.writeUInt32BE(0x80000000, 0);
    bad.socket.write(huge);
    const header = Buffer.from('not json');
    const frame = Buffer.alloc(8);
    frame.writeUInt32BE(4 + header.length, 0);
    frame.writeUInt32BE(header.length, 4);
    notJson.socket.write(Buffer.concat([frame, header]));
    await Promise.all([bad.closed(), notJson.closed()]);
    const res = await client.invoke(addr, createRequest(ECHO, { x: 'alive' }), 3000);
    assert.equal(res.extFields.echo, 'alive');
    await until(() => server.connections().length === 1, 'only the good connection left');
  });
});

test('peers are addressed as ip:port, IPv4-mapped addresses in IPv4 form', async () => {
  const server = new RemotingServer({ name: 'dual', port: 0, handler: echo }); // all interfaces, dual stack
  await server.start();
  const client = new RemotingClient();
  try {
    await client.invoke(`127.0.0.1:${server.port}`, createRequest(ECHO), 3000);
    const [conn] = server.connections();
    assert.equal(conn.remoteHost, '127.0.0.1');
    assert.match(conn.remoteAddress, /^127\.0\.0\.1:\d+$/);
    assert.equal(conn.remoteAddress, `127.0.0.1:${conn.remotePort}`);
    assert.equal(conn.localPort, server.port);
  } finally {
    await client.shutdown();
    await server.shutdown();
  }
});

test('closeConnection drops the cached connection; the next call opens a new one', async () => {
  await withServer(echo, async ({ server, client, addr }) => {
    await client.invoke(addr, createRequest(ECHO), 3000);
    const first = server.connections()[0];
    client.closeConnection(addr);
    await until(() => first.closed, 'the first connection to close');
    await client.invoke(addr, createRequest(ECHO), 3000);
    const [second] = server.connections();
    assert.notEqual(second.id, first.id);
  });
});

test('shutdown stops accepting and closes connections', async () => {
  const server = new RemotingServer({ name: 'bye', host: '127.0.0.1', port: 0, handler: echo });
  await server.start();
  const peer = await RawPeer.connect(server.port);
  await until(() => server.connections().length === 1, 'the connection');
  await Promise.all([server.shutdown(), peer.closed()]);
  const client = new RemotingClient({ connectTimeoutMs: 1000 });
  await assert.rejects(client.invoke(`127.0.0.1:${server.port}`, createRequest(ECHO), 1000), RemotingError);
  await client.shutdown();
});
