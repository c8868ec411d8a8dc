// HAService (master) and HAClient (slave) over real loopback sockets with real stores, and each of them
// against the bytes a 4.9.8 peer sent (the captured streams replayed by a raw socket): the wire-compatibility
// evidence for both directions.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { decodeFrames, encodeReport, FrameReader, type HaFrame } from '../../src/ha/codec.js';
import { HAClient } from '../../src/ha/ha-client.js';
import { HAService } from '../../src/ha/ha-service.js';
import type { DefaultMessageStore } from '../../src/store/default-message-store.js';
import { readFixture } from '../support/fixtures.js';
import { deferred, waitFor, withTimeout } from '../support/wait.js';
import { message, openStore, smallOptions, tempDir } from '../store/helpers.js';

const SEGMENT = 64 * 1024;
const WAIT_MS = 10_000;
const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function master(store: DefaultMessageStore, overrides: Partial<ConstructorParameters<typeof HAService>[1]> = {}): HAService {
  const ha = new HAService(store, {
    host: '127.0.0.1',
    port: 0,
    segmentSize: SEGMENT,
    heartbeatIntervalMs: 5000,
    housekeepingIntervalMs: 20_000,
    transferBatchSize: 32 * 1024,
    slaveFallbehindMax: 256 * 1024 * 1024,
    ...overrides,
  });
  cleanups.push(() => ha.shutdown());
  return ha;
}

function slave(store: DefaultMessageStore, port: number, overrides: Partial<ConstructorParameters<typeof HAClient>[1]> = {}): HAClient {
  const client = new HAClient(store, {
    masterAddress: `127.0.0.1:${port}`,
    heartbeatIntervalMs: 5000,
    housekeepingIntervalMs: 20_000,
    reconnectDelayMs: 100,
    ...overrides,
  });
  cleanups.push(() => client.shutdown());
  return client;
}

/** Resolves once the client reported at least `offset` (waits on its report events, not on time). */
function reported(client: HAClient, offset: number): Promise<void> {
  const done = deferred<void>();
  const check = (): void => {
    if (client.reportedOffset >= offset) done.resolve();
  };
  const off = client.onReport(check);
  check();
  // Consume queues follow the commit log one event-loop turn after the write (and the report).
  return withTimeout(done.promise, WAIT_MS, () => `slave report >= ${offset} (last ${client.reportedOffset})`)
    .finally(off)
    .then(() => new Promise<void>((r) => setImmediate(r)));
}

async function put(store: DefaultMessageStore, count: number, tag = 'm'): Promise<number> {
  let end = 0;
  for (let i = 0; i < count; i++) {
    const r = await store.putMessage(message('TopicHA', i % 4, `${tag}-${i}-${'y'.repeat(i % 700)}`, { KEYS: `${tag}-${i}` }));
    assert.equal(r.status, 'PUT_OK');
    end = r.messages[0]!.wroteOffset + r.messages[0]!.wroteBytes;
  }
  return end;
}

async function stores(tag: string): Promise<{ m: DefaultMessageStore; s: DefaultMessageStore; slaveDir: string }> {
  const m = await openStore(smallOptions(tempDir(`${tag}-m`)));
  const slaveDir = tempDir(`${tag}-s`);
  const s = await openStore(smallOptions(slaveDir));
  cleanups.push(() => s.shutdown(), () => m.shutdown());
  return { m, s, slaveDir };
}

/** A raw TCP peer: collects what the other side sends. */
class RawPeer {
  readonly received: Buffer[] = [];
  private readonly waiters: Array<() => void> = [];
  constructor(readonly socket: net.Socket) {
    socket.on('data', (b: Buffer) => {
      this.received.push(b);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  get bytes(): Buffer {
    return Buffer.concat(this.received);
  }
  async until(predicate: (all: Buffer) => boolean, what: string): Promise<Buffer> {
    for (;;) {
      const all = this.bytes;
      if (predicate(all)) return all;
      await withTimeout(new Promise<void>((r) => this.waiters.push(r)), WAIT_MS, what);
    }
  }
}

function frames(all: Buffer): HaFrame[] {
  const reader = new FrameReader(1 << 26);
  return reader.feed(all);
}

describe('HA master and slave over loopback', () => {
  it('an empty slave catches up the whole log (it reports 0 and the master starts at its newest segment)', async () => {
    const { m, s } = await stores('catchup');
    const end = await put(m, 600);
    assert.ok(end > 3 * SEGMENT);
    const ha = master(m);
    await ha.start();
    const client = slave(s, ha.port);
    client.start();
    await reported(client, end);
    const newest = end - (end % SEGMENT);
    assert.equal(s.getMinPhyOffset(), newest, 'RocketMQ rule: an empty slave starts at the newest segment');
    assert.equal(s.getMaxPhyOffset(), end);
    await waitFor(() => ha.ackedOffset === end, { timeoutMs: WAIT_MS, what: 'the master to see the ack', intervalMs: 10 });
    // New messages flow as they are written; SYNC waits are released by the acks.
    const more = await put(m, 50, 'later');
    assert.equal(await ha.waitForReplication(more, WAIT_MS), 'PUT_OK');
    for (let q = 0; q < 4; q++) assert.equal(s.getMaxOffsetInQueue('TopicHA', q), m.getMaxOffsetInQueue('TopicHA', q));
  });

  it('a slave with data resumes from its own offset after a restart and after a master restart', async () => {
    const { m, s, slaveDir } = await stores('resume');
    // Seed the slave from offset 0: a slave that reports 0 with an empty store would start at the newest segment.
    await put(m, 20, 'first');
    const ha = master(m);
    await ha.start();
    let client = slave(s, ha.port);
    client.start();
    await reported(client, m.getMaxPhyOffset());
    await client.shutdown();
    const mid = s.getReplicaOffset();
    const end = await put(m, 300, 'while-away');
    // Slave store restarted too: it must ask for `mid`, not 0.
    await s.shutdown();
    const s2 = await openStore(smallOptions(slaveDir));
    cleanups.push(() => s2.shutdown());
    assert.equal(s2.getReplicaOffset(), mid);
    client = slave(s2, ha.port);
    client.start();
    await reported(client, end);
    assert.equal(s2.getMinPhyOffset(), 0, 'nothing skipped');
    // The master goes away and comes back on the same port: the slave reconnects by itself.
    const port = ha.port;
    await ha.shutdown();
    const ha2 = master(m, { port });
    await ha2.start();
    const end2 = await put(m, 40, 'after-master-restart');
    await reported(client, end2);
    for (let q = 0; q < 4; q++) assert.equal(s2.getMaxOffsetInQueue('TopicHA', q), m.getMaxOffsetInQueue('TopicHA', q));
  });

  it('SYNC waits: SLAVE_NOT_AVAILABLE without a slave or too far behind, FLUSH_SLAVE_TIMEOUT while it stalls', async () => {
    const { m, s } = await stores('sync');
    const ha = master(m, { slaveFallbehindMax: 32 * 1024 });
    await ha.start();
    const end = await put(m, 5);
    assert.equal(await ha.waitForReplication(end, 1000), 'SLAVE_NOT_AVAILABLE');
    const client = slave(s, ha.port);
    client.start();
    await reported(client, 0);
    // Connected but reported 0 with the master at `end` > 0: within haSlaveFallbehindMax it waits.
    assert.equal(await ha.waitForReplication(end, WAIT_MS), 'PUT_OK');
    client.stall(true);
    const far = await put(m, 300);
    assert.ok(far - ha.ackedOffset > 32 * 1024);
    assert.equal(ha.isSlaveOK(far), false);
    assert.equal(await ha.waitForReplication(far, 1000), 'SLAVE_NOT_AVAILABLE');
    client.stall(false);
    await reported(client, far);
    await waitFor(() => ha.ackedOffset >= far, { timeoutMs: WAIT_MS, what: 'the master to see the ack', intervalMs: 10 });
    client.stall(true);
    const stuck = await put(m, 1);
    const started = Date.now();
    const many = await Promise.all(Array.from({ length: 100 }, () => ha.waitForReplication(stuck, 300)));
    assert.deepEqual([...new Set(many)], ["FLUSH_SLAVE_TIMEOUT"]);
    assert.ok(Date.now() - started >= 290);
    client.stall(false);
    assert.equal(await ha.waitForReplication(stuck, WAIT_MS), 'PUT_OK');
  });

  it('drops a silent slave after haHousekeepingInterval; heartbeats keep an idle one', async () => {
    const { m } = await stores('housekeeping');
    await put(m, 3);
    const ha = master(m, { heartbeatIntervalMs: 100, housekeepingIntervalMs: 400 });
    await ha.start();
    const socket = net.connect({ host: '127.0.0.1', port: ha.port });
    cleanups.push(() => void socket.destroy());
    const peer = new RawPeer(socket);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(encodeReport(0));
    // Data, then (idle) heartbeats naming the next offset.
    const all = await peer.until((b) => frames(b).some((f) => f.body.length === 0), 'a heartbeat frame');
    const fs = frames(all);
    assert.equal(fs[0]!.offset, 0);
    assert.equal(fs.find((f) => f.body.length === 0)!.offset, m.getMaxPhyOffset());
    await withTimeout(closed, WAIT_MS, 'the master to drop a slave that reports nothing');
    await waitFor(() => ha.slaveInfo().length === 0, { timeoutMs: WAIT_MS, what: 'the connection to be gone', intervalMs: 10 });
  });

  it('drops a slave that reports an offset beyond the master end (after its first report)', async () => {
    const { m } = await stores('ahead');
    await put(m, 3);
    const ha = master(m);
    await ha.start();
    const socket = net.connect({ host: '127.0.0.1', port: ha.port });
    cleanups.push(() => void socket.destroy());
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const peer = new RawPeer(socket);
    // Separate writes: the master only looks at the newest complete report of what it read.
    socket.write(encodeReport(0));
    await peer.until((b) => frames(b).length > 0, 'the first data frame');
    socket.write(encodeReport(m.getMaxPhyOffset() + 1000));
    await withTimeout(closed, WAIT_MS, 'the master to drop a slave ahead of it');
  });
});

describe('HA slave against a misbehaving master', () => {
  it('closes on a frame for another offset and reconnects, asking again for its own offset', async () => {
    const s = await openStore(smallOptions(tempDir('mismatch')));
    cleanups.push(() => s.shutdown());
    await s.putMessage(message('TopicHA', 0, 'local'));
    const own = s.getReplicaOffset();
    const peers: RawPeer[] = [];
    const arrivals: Array<() => void> = [];
    const server = net.createServer((sock) => {
      peers.push(new RawPeer(sock));
      for (const a of arrivals.splice(0)) a();
    });
    await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1' }, () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const connection = async (n: number): Promise<RawPeer> => {
      while (peers.length < n) await withTimeout(new Promise<void>((r) => arrivals.push(r)), WAIT_MS, `connection #${n}`);
      return peers[n - 1]!;
    };
    const client = slave(s, (server.address() as net.AddressInfo).port);
    client.start();
    const first = await connection(1);
    await first.until((b) => b.length >= 8, 'the first report');
    assert.equal(Number(first.bytes.readBigInt64BE(0)), own);
    const closed = new Promise<void>((r) => first.socket.once('close', () => r()));
    first.socket.write(Buffer.concat([encodeReport(own + 100), Buffer.from([0, 0, 0, 0])]));
    await withTimeout(closed, WAIT_MS, 'the slave to drop a master that sent the wrong offset');
    const second = await connection(2);
    await second.until((b) => b.length >= 8, 'the report on the new connection');
    assert.equal(Number(second.bytes.readBigInt64BE(0)), own);
    assert.equal(s.getReplicaOffset(), own, 'nothing was appended');
    second.socket.destroy();
  });
});

describe('HA wire compatibility with the captured 4.9.8 streams', () => {
  const masterToSlave = readFixture('ha', 'master-to-slave.stream.bin');
  const captured = decodeFrames(masterToSlave);

  it('our slave against a replayed 4.9.8 master: reports 0, then 1081344 and 1105620 as the 4.9.8 slave did', async () => {
    const s = await openStore(smallOptions(tempDir('wire-slave'), { mappedFileSizeCommitLog: 1048576, mappedFileSizeConsumeQueue: 6000 }));
    cleanups.push(() => s.shutdown());
    const accepted = deferred<RawPeer>();
    const server = net.createServer((sock) => accepted.resolve(new RawPeer(sock)));
    await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1' }, () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as net.AddressInfo).port;
    const client = slave(s, port);
    client.start();
    const peer = await withTimeout(accepted.promise, WAIT_MS, 'the slave to connect');
    cleanups.push(() => void peer.socket.destroy());
    await peer.until((b) => b.length >= 8, 'the first report');
    assert.deepEqual(peer.bytes.subarray(0, 8), encodeReport(0), 'an empty slave asks for 0');
    // The captured master frames, written in odd pieces.
    for (let pos = 0; pos < masterToSlave.length; pos += 5000) peer.socket.write(masterToSlave.subarray(pos, pos + 5000));
    const all = await peer.until((b) => b.length >= 8 && b.readUInt32BE(b.length - 4) === 1105620, 'a report of 1105620');
    const reports: number[] = [];
    for (let p = 0; p + 8 <= all.length; p += 8) reports.push(Number(all.readBigInt64BE(p)));
    assert.equal(reports[0], 0);
    assert.equal(reports[reports.length - 1], 1105620);
    for (const r of reports.slice(1)) assert.ok([1081344, 1105620].includes(r) || (r > 1048576 && r < 1105620), `report ${r}`);
    assert.equal(s.getMaxPhyOffset(), 1105620);
    assert.equal(s.getMinOffsetInQueue('TopicTest', 0), 1212);
  });

  it('our master serving the same commit log to a replayed 4.9.8 slave: byte-identical data frames, then heartbeats', async () => {
    // A store holding what the 4.9.8 master had in its newest segment (fed from the captured stream).
    const m = await openStore(smallOptions(tempDir('wire-master'), { mappedFileSizeCommitLog: 1048576, mappedFileSizeConsumeQueue: 6000 }));
    cleanups.push(() => m.shutdown());
    for (const f of captured) if (f.body.length > 0) m.appendToCommitLog(f.offset, f.body);
    const ha = master(m, { segmentSize: 1048576, heartbeatIntervalMs: 200 });
    await ha.start();
    const socket = net.connect({ host: '127.0.0.1', port: ha.port });
    cleanups.push(() => void socket.destroy());
    const peer = new RawPeer(socket);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    // The 4.9.8 slave's first report: 0.
    socket.write(readFixture('ha', 'slave-to-master.stream.bin').subarray(0, 8));
    const dataFrames = masterToSlave.subarray(12, 12 + 12 + 32768 + 12 + 24276);
    const all = await peer.until((b) => b.length >= dataFrames.length + 12, 'two data frames and a heartbeat');
    assert.deepEqual(all.subarray(0, dataFrames.length), dataFrames, 'the same two frames as the 4.9.8 master sent');
    assert.deepEqual(all.subarray(dataFrames.length, dataFrames.length + 12), masterToSlave.subarray(masterToSlave.length - 12), 'heartbeat (1105620, 0)');
    // The 4.9.8 slave's acks are taken as acks.
    socket.write(readFixture('ha', 'slave-to-master.stream.bin').subarray(8));
    await waitFor(() => ha.ackedOffset === 1105620, { timeoutMs: WAIT_MS, what: 'the ack of 1105620', intervalMs: 10 });
    assert.equal(await ha.waitForReplication(1105620, 100), 'PUT_OK');
  });
});
