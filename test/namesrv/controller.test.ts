// The NameServer over real sockets: a "broker" and a "client" talk to it with RemotingClient.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configureLogging, shutdownLogging } from '../../src/common/logger.js';
import { defaultNamesrvConfig } from '../../src/config/namesrv-config.js';
import { NamesrvController } from '../../src/namesrv/namesrv-controller.js';
import { decodeClusterInfo, decodeTopicRouteData } from '../../src/protocol/bodies.js';
import { createRequest, type RemotingCommand } from '../../src/protocol/command.js';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import { decodeCommand } from '../../src/protocol/frame.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { readFixture } from '../support/fixtures.js';
import { waitFor } from '../support/wait.js';

const TIMEOUT_MS = 3000;
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'namesrv-logs-'));
configureLogging({ dir: logDir });

function namesrv(options?: ConstructorParameters<typeof NamesrvController>[1]): NamesrvController {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'namesrv-'));
  return new NamesrvController(
    { ...defaultNamesrvConfig(), listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: path.join(dir, 'kvConfig.json') },
    options,
  );
}

/** A fresh copy of the captured master registration (same header and body). */
function masterRegistration(): RemotingCommand {
  const captured = decodeCommand(readFixture('frames', '103-REGISTER_BROKER.master.request.bin'));
  return createRequest(RequestCode.REGISTER_BROKER, { ...captured.extFields }, Buffer.from(captured.body ?? Buffer.alloc(0)));
}

function routeRequest(topic: string): RemotingCommand {
  return createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic });
}

test('register, look up, and lose a broker over real sockets', async () => {
  const ns = namesrv();
  await ns.start();
  const addr = `127.0.0.1:${ns.port}`;
  const broker = new RemotingClient({ name: 'test-broker' });
  const client = new RemotingClient({ name: 'test-client' });
  try {
    assert.ok(ns.port > 0);
    const registered = await broker.invoke(addr, masterRegistration(), TIMEOUT_MS);
    assert.equal(registered.code, ResponseCode.SUCCESS);

    const route = await client.invoke(addr, routeRequest('TBW102'), TIMEOUT_MS);
    assert.equal(route.code, ResponseCode.SUCCESS);
    const data = decodeTopicRouteData(route.body ?? Buffer.alloc(0));
    assert.deepEqual(data.queueDatas, [{ brokerName: 'broker-a', readQueueNums: 8, writeQueueNums: 8, perm: 7, topicSysFlag: 0 }]);
    assert.deepEqual([...(data.brokerDatas[0]?.brokerAddrs ?? [])], [[0, '127.0.0.2:10911']]);

    const cluster = await client.invoke(addr, createRequest(RequestCode.GET_BROKER_CLUSTER_INFO), TIMEOUT_MS);
    assert.deepEqual(decodeClusterInfo(cluster.body ?? Buffer.alloc(0)).clusterAddrTable.get('DefaultCluster'), ['broker-a']);

    // The broker's connection closes: its routes go at once, no 120 s wait.
    broker.closeConnection(addr);
    await waitFor(async () => (await client.invoke(addr, routeRequest('TBW102'), TIMEOUT_MS)).code === ResponseCode.TOPIC_NOT_EXIST, {
      timeoutMs: TIMEOUT_MS,
      what: 'the route of TBW102 to disappear after the broker connection closed',
    });
    assert.equal(ns.routeInfo.liveBrokers().length, 0);

    const unknown = await client.invoke(addr, createRequest(9999), TIMEOUT_MS);
    assert.equal(unknown.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  } finally {
    await broker.shutdown();
    await client.shutdown();
    await ns.shutdown();
  }
});

test('the expiry scan drops a silent broker and closes its connection', async () => {
  let now = 1_000_000;
  const ns = namesrv({ routes: { now: () => now } });
  await ns.start();
  const addr = `127.0.0.1:${ns.port}`;
  const broker = new RemotingClient({ name: 'test-broker' });
  try {
    await broker.invoke(addr, masterRegistration(), TIMEOUT_MS);
    const conn = ns.routeInfo.liveBroker('127.0.0.2:10911')?.connection;
    assert.ok(conn);
    now += 120_000;
    assert.deepEqual(ns.scanExpiredBrokers(), []);
    now += 1;
    assert.deepEqual(ns.scanExpiredBrokers().map((b) => b.brokerAddr), ['127.0.0.2:10911']);
    await waitFor(() => conn.closed, { timeoutMs: TIMEOUT_MS, what: 'the expired broker connection to close' });
    assert.equal(ns.routeInfo.topicRoute('TBW102'), undefined);
    // The broker reconnects and registers again, as a real one does every 30 s (a try on the connection
    // the client has not yet seen closing fails, so retry).
    await waitFor(async () => (await broker.invoke(addr, masterRegistration(), TIMEOUT_MS)).code === ResponseCode.SUCCESS, {
      timeoutMs: TIMEOUT_MS,
      what: 'the broker to register again after its connection was closed',
    });
    assert.ok(ns.routeInfo.topicRoute('TBW102'));
  } finally {
    await broker.shutdown();
    await ns.shutdown();
  }
});

test('two NameServers side by side in one process keep their own tables', async () => {
  const a = namesrv();
  const b = namesrv();
  await a.start();
  await b.start();
  const addrA = `127.0.0.1:${a.port}`;
  const addrB = `127.0.0.1:${b.port}`;
  const broker = new RemotingClient({ name: 'test-broker' });
  const client = new RemotingClient({ name: 'test-client' });
  try {
    assert.notEqual(a.port, b.port);
    // A broker registers with every NameServer it knows.
    for (const addr of [addrA, addrB]) assert.equal((await broker.invoke(addr, masterRegistration(), TIMEOUT_MS)).code, ResponseCode.SUCCESS);
    const put = createRequest(RequestCode.PUT_KV_CONFIG, { namespace: 'ns', key: 'k', value: 'only-on-a' });
    assert.equal((await client.invoke(addrA, put, TIMEOUT_MS)).code, ResponseCode.SUCCESS);
    const get = (addr: string) => client.invoke(addr, createRequest(RequestCode.GET_KV_CONFIG, { namespace: 'ns', key: 'k' }), TIMEOUT_MS);
    assert.equal((await get(addrA)).extFields.value, 'only-on-a');
    assert.equal((await get(addrB)).code, ResponseCode.QUERY_NOT_FOUND);

    await a.shutdown();
    const route = await client.invoke(addrB, routeRequest('TBW102'), TIMEOUT_MS);
    assert.equal(route.code, ResponseCode.SUCCESS, 'B still answers after A stopped');
  } finally {
    await broker.shutdown();
    await client.shutdown();
    await a.shutdown();
    await b.shutdown();
  }
});

test('KV config survives a restart; the boot line is logged', async () => {
  const first = namesrv();
  await first.start();
  const client = new RemotingClient({ name: 'test-client' });
  try {
    const put = createRequest(RequestCode.PUT_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T', value: 'broker-a:4' });
    assert.equal((await client.invoke(`127.0.0.1:${first.port}`, put, TIMEOUT_MS)).code, ResponseCode.SUCCESS);
  } finally {
    await client.shutdown();
    await first.shutdown();
  }
  const second = new NamesrvController({ ...first.config, listenPort: 0 });
  await second.start();
  try {
    assert.equal(second.kvConfig.get('ORDER_TOPIC_CONFIG', 'T'), 'broker-a:4');
  } finally {
    await second.shutdown();
  }
  await shutdownLogging();
  const log = fs.readFileSync(path.join(logDir, 'namesrv.log'), 'utf8');
  assert.match(log, /INFO namesrv - The Name Server boot success\. serializeType=JSON/);
  assert.match(log, /INFO namesrv - The Name Server shut down/);
});
