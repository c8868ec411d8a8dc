// The slave's store side of replication: commit-log bytes appended at exact offsets, whole records dispatched
// to consume queues and the index, partial records held until complete, restarts from a record boundary.
// Real stores on temp folders; the bytes come from a real master store or from the captured 4.9.8 stream.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError } from '../../src/common/errors.js';
import { decodeFrames } from '../../src/ha/codec.js';
import { decodeMessages } from '../../src/protocol/message.js';
import type { DefaultMessageStore } from '../../src/store/default-message-store.js';
import { readFixture } from '../support/fixtures.js';
import { message, openStore, smallOptions, tempDir } from '../store/helpers.js';

const TOPICS = ['TopicA', 'TopicB', 'SCHEDULE_TOPIC_XXXX'];

/** A deterministic pseudo-random sequence (tests must not depend on luck). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

async function fill(store: DefaultMessageStore, count: number, seed: number): Promise<void> {
  const rand = rng(seed);
  for (let i = 0; i < count; i++) {
    const topic = TOPICS[Math.floor(rand() * TOPICS.length)]!;
    const props: Record<string, string> = { KEYS: `key-${i}`, UNIQ_KEY: `UNIQ${seed}-${i}`, TAGS: `Tag${i % 3}` };
    if (topic === 'SCHEDULE_TOPIC_XXXX') props.DELAY = '2';
    const body = `message ${i} ` + 'x'.repeat(Math.floor(rand() * 3000));
    const r = await store.putMessage(message(topic, i % 3, body, props));
    assert.equal(r.status, 'PUT_OK');
  }
}

/** Copies master bytes [from, to) to the slave in chunks like transfer frames: random sizes, never across a segment. */
async function replicate(master: DefaultMessageStore, slave: DefaultMessageStore, from: number, to: number, seed: number): Promise<void> {
  const rand = rng(seed);
  let offset = from;
  while (offset < to) {
    const data = master.getCommitLogData(offset, Math.min(to - offset, 1 + Math.floor(rand() * 5000)));
    assert.ok(data, `master has data at ${offset}`);
    slave.appendToCommitLog(offset, data);
    offset += data.length;
    assert.equal(slave.getReplicaOffset(), offset);
  }
  await dispatched();
}

/** Consume queues and index follow the commit log one event-loop turn later. */
function dispatched(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function queueContents(store: DefaultMessageStore, topic: string, queueId: number, from: number): string[] {
  const out: string[] = [];
  for (let offset = from; ;) {
    const r = store.getMessage(topic, queueId, offset, 32, null);
    if (r.messages.length === 0) break;
    for (const b of r.messages) for (const m of decodeMessages(b)) out.push(`${m.queueOffset}:${m.commitLogOffset}:${m.body.length}:${m.body.subarray(0, 16).toString()}`);
    offset = r.nextBeginOffset;
  }
  return out;
}

function assertSameQueues(master: DefaultMessageStore, slave: DefaultMessageStore): void {
  for (const topic of TOPICS) {
    for (let q = 0; q < 3; q++) {
      assert.equal(slave.getMaxOffsetInQueue(topic, q), master.getMaxOffsetInQueue(topic, q), `max offset of ${topic}/${q}`);
      const from = slave.getMinOffsetInQueue(topic, q);
      assert.deepEqual(queueContents(slave, topic, q, from), queueContents(master, topic, q, from), `contents of ${topic}/${q}`);
    }
  }
}

describe('replicated appends (slave store)', () => {
  it('copies a multi-segment commit log chunk by chunk; queues, index and records match the master', async () => {
    const master = await openStore(smallOptions(tempDir('ha-master')));
    const slaveDir = tempDir('ha-slave');
    let slave = await openStore(smallOptions(slaveDir));
    try {
      await fill(master, 400, 1);
      const end = master.getMaxPhyOffset();
      assert.ok(end > 4 * 64 * 1024, 'several segments');
      await replicate(master, slave, 0, end, 2);
      assert.equal(slave.getMaxPhyOffset(), end);
      assert.equal(slave.getMinPhyOffset(), 0);
      assertSameQueues(master, slave);
      assert.equal(slave.queryMessage('TopicA', 'key-7', 32, 0, Number.MAX_SAFE_INTEGER).messages.length,
        master.queryMessage('TopicA', 'key-7', 32, 0, Number.MAX_SAFE_INTEGER).messages.length);
      // Restart: recovery finds the same end; then the copy goes on from where the slave stands.
      await slave.shutdown();
      slave = await openStore(smallOptions(slaveDir));
      assert.equal(slave.getReplicaOffset(), end);
      await fill(master, 100, 3);
      await replicate(master, slave, end, master.getMaxPhyOffset(), 4);
      assertSameQueues(master, slave);
    } finally {
      await slave.shutdown();
      await master.shutdown();
    }
  });

  it('holds a partial record in memory only: after a restart the slave asks again from the record boundary', async () => {
    const master = await openStore(smallOptions(tempDir('ha-master')));
    const slaveDir = tempDir('ha-slave');
    let slave = await openStore(smallOptions(slaveDir));
    try {
      await fill(master, 30, 5);
      const first = master.lookMessageByOffset(0)!;
      const cut = first.length + 10;
      slave.appendToCommitLog(0, master.getCommitLogData(0, cut)!);
      assert.equal(slave.getReplicaOffset(), cut, 'it reports every byte it received');
      assert.equal(slave.getMaxPhyOffset(), first.length, 'but the commit log ends on the record boundary');
      await slave.shutdown();
      slave = await openStore(smallOptions(slaveDir));
      assert.equal(slave.getReplicaOffset(), first.length);
      assert.equal(slave.recovery?.truncatedReason, undefined, 'nothing torn to cut');
      await replicate(master, slave, first.length, master.getMaxPhyOffset(), 6);
      assertSameQueues(master, slave);
    } finally {
      await slave.shutdown();
      await master.shutdown();
    }
  });

  it('an empty slave starts at a later segment boundary; its queues start at the first offsets it saw', async () => {
    const master = await openStore(smallOptions(tempDir('ha-master')));
    const slave = await openStore(smallOptions(tempDir('ha-slave')));
    try {
      await fill(master, 300, 7);
      const segment = 64 * 1024;
      const start = master.getMaxPhyOffset() - (master.getMaxPhyOffset() % segment);
      assert.throws(() => slave.appendToCommitLog(start + 1, Buffer.alloc(8)), ProtocolError);
      await replicate(master, slave, start, master.getMaxPhyOffset(), 8);
      assert.equal(slave.getMinPhyOffset(), start);
      for (const topic of TOPICS) {
        for (let q = 0; q < 3; q++) {
          const min = slave.getMinOffsetInQueue(topic, q);
          if (slave.getMaxOffsetInQueue(topic, q) === 0) {
            // A queue without messages in the copied segment stays empty on the slave (as in RocketMQ).
            assert.ok(queueContents(master, topic, q, 0).every((m) => Number(m.split(':')[1]) < start));
            continue;
          }
          assert.equal(slave.getMaxOffsetInQueue(topic, q), master.getMaxOffsetInQueue(topic, q));
          assert.deepEqual(queueContents(slave, topic, q, min), queueContents(master, topic, q, min));
          assert.ok(Number(queueContents(slave, topic, q, min)[0]!.split(':')[1]) >= start);
        }
      }
    } finally {
      await slave.shutdown();
      await master.shutdown();
    }
  });

  it('refuses bytes at the wrong offset and bytes that are not records, keeping the whole records before them', async () => {
    const master = await openStore(smallOptions(tempDir('ha-master')));
    const slave = await openStore(smallOptions(tempDir('ha-slave')));
    try {
      await fill(master, 5, 9);
      const data = master.getCommitLogData(0, 100_000)!;
      const firstLength = master.lookMessageByOffset(0)!.length;
      slave.appendToCommitLog(0, data.subarray(0, firstLength));
      assert.throws(() => slave.appendToCommitLog(0, data), /expects/);
      const garbage = Buffer.from(data.subarray(firstLength));
      const secondLength = garbage.readInt32BE(0);
      garbage.writeInt32BE(0x12345678, secondLength + 4);
      assert.throws(() => slave.appendToCommitLog(firstLength, garbage), /MAGICCODE/);
      assert.equal(slave.getMaxPhyOffset(), firstLength + secondLength, 'the good record before the garbage is kept');
      assert.equal(slave.getReplicaOffset(), firstLength + secondLength);
      await dispatched();
      assert.equal(slave.getMaxOffsetInQueue(decodeMessages(data.subarray(0, firstLength))[0]!.topic, 0) > 0, true);
    } finally {
      await slave.shutdown();
      await master.shutdown();
    }
  });

  it('takes the captured 4.9.8 master stream: an empty store starts at 1048576, TopicTest q0 from queue offset 1212', async () => {
    const stream = readFixture('ha', 'master-to-slave.stream.bin');
    const slave = await openStore(smallOptions(tempDir('ha-fixture'), { mappedFileSizeCommitLog: 1048576, mappedFileSizeConsumeQueue: 6000 }));
    try {
      for (const frame of decodeFrames(stream)) {
        if (frame.body.length > 0) slave.appendToCommitLog(frame.offset, frame.body);
        else if (slave.getMaxPhyOffset() !== 0) assert.equal(frame.offset, slave.getReplicaOffset(), 'heartbeats name the next offset');
      }
      await dispatched();
      assert.equal(slave.getReplicaOffset(), 1105620);
      assert.equal(slave.getMaxPhyOffset(), 1105620);
      assert.equal(slave.getMinPhyOffset(), 1048576);
      assert.equal(slave.getMinOffsetInQueue('TopicTest', 0), 1212);
      const r = slave.getMessage('TopicTest', 0, 1212, 1, null);
      assert.equal(r.status, 'FOUND');
      const m = decodeMessages(r.messages[0]!)[0]!;
      assert.equal(m.msgId, '7F00000200002A9F0000000000100000');
      assert.equal(m.body.toString(), 'Hello RocketMQ 843');
      let total = 0;
      for (let q = 0; q < 4; q++) total += slave.getMaxOffsetInQueue('TopicTest', q) - slave.getMinOffsetInQueue('TopicTest', q);
      assert.equal(total, decodeMessages(Buffer.concat(decodeFrames(stream).map((f) => f.body))).filter((x) => x.topic === 'TopicTest').length);
    } finally {
      await slave.shutdown();
    }
  });
});
