// kill -9 under load: a broker killed while many senders write to it loses nothing it acknowledged
// (SYNC_FLUSH: the bytes were on disk; ASYNC_FLUSH: they were in the page cache, and only the process died),
// and after the restart it serves only whole, CRC-correct records, then keeps appending cleanly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster, type BrokerHandle } from '../support/cluster.js';
import { WireClient, createTopic, describeResponse, pullAll, sendMessage, Resp } from '../support/wire.js';
import type { StoredMessage } from '../support/stored-message.js';
import { deferred, withTimeout } from '../support/wait.js';

const QUEUES = 4;
const SENDERS = 12;
/** Kill once this many sends were acknowledged (about 4-5 MiB: several 1 MiB commit-log segments)... */
const KILL_AFTER_ACKS = 3000;
/** ...or after this long, whatever has been acknowledged by then (a slow machine still gets a crash test). */
const KILL_AFTER_MS = 20_000;
const MIN_ACKS = 200;

interface Sent {
  key: string;
  body: Buffer;
  queueId: number;
  /** From the SEND response when acknowledged. */
  queueOffset?: number;
  msgId?: string;
}

/** A body of 100..3099 bytes that is a pure function of the key, so a torn or mixed-up body cannot match. */
function bodyFor(key: string, n: number): Buffer {
  const size = 100 + ((n * 7919) % 3000);
  const unit = Buffer.from(`${key};`);
  const body = Buffer.alloc(size);
  for (let i = 0; i < size; i += unit.length) unit.copy(body, i, 0, Math.min(unit.length, size - i));
  return body;
}

interface LoadResult {
  killedAfterMs: number;
  ackedAtKill: number;
  inFlightAtKill: number;
  otherCodes: Map<number, number>;
}

/**
 * SENDERS connections, one request in flight each, until KILL_AFTER_ACKS sends of this round are acknowledged
 * (or KILL_AFTER_MS passed); then kill -9 while sends are in flight. Records every attempt and every ack.
 */
async function loadAndKill(broker: BrokerHandle, topic: string, round: number, attempted: Map<string, Sent>, acked: Sent[]): Promise<LoadResult> {
  const clients: WireClient[] = [];
  const otherCodes = new Map<number, number>();
  const killNow = deferred<void>();
  const ackedBefore = acked.length;
  const attemptedBefore = attempted.size;
  let stopped = false;
  const startedAt = Date.now();
  const killTimer = setTimeout(() => killNow.resolve(), KILL_AFTER_MS);
  try {
    const senders = Array.from({ length: SENDERS }, async (_, s) => {
      const conn = await WireClient.connect(broker.addr);
      clients.push(conn);
      for (let n = 0; !stopped; n++) {
        const key = `r${round}-${s}-${n}`;
        const sent: Sent = { key, body: bodyFor(key, round * 7 + s * 100_003 + n), queueId: (s + n) % QUEUES };
        attempted.set(key, sent);
        let res;
        try {
          res = await sendMessage(conn, { topic, queueId: sent.queueId, body: sent.body, keys: key, tags: `S${s}` }, 10_000);
        } catch {
          return; // the broker died: this sender is done
        }
        if (res.code === Resp.SUCCESS) {
          sent.queueOffset = Number(res.extFields.queueOffset);
          sent.msgId = res.extFields.msgId;
          acked.push(sent);
          if (acked.length - ackedBefore >= KILL_AFTER_ACKS) killNow.resolve();
        } else {
          otherCodes.set(res.code, (otherCodes.get(res.code) ?? 0) + 1);
          // FLUSH_DISK_TIMEOUT (stored, flush slow) and SYSTEM_BUSY (flow control) are legitimate under load;
          // neither counts as acknowledged.
          if (res.code !== Resp.FLUSH_DISK_TIMEOUT && res.code !== Resp.SYSTEM_BUSY) {
            throw new Error(`unexpected SEND answer under load: ${describeResponse(res)}`);
          }
        }
      }
    });
    const sendersDone = Promise.all(senders).then(() => undefined);
    await Promise.race([killNow.promise, sendersDone]);
    const killedAfterMs = Date.now() - startedAt;
    const ackedAtKill = acked.length - ackedBefore;
    // The kill hits a broker with sends in flight (each live sender always has one outstanding request).
    const others = [...otherCodes.values()].reduce((a, b) => a + b, 0);
    const inFlightAtKill = attempted.size - attemptedBefore - ackedAtKill - others;
    await broker.kill();
    stopped = true;
    await withTimeout(sendersDone, 15_000, 'every sender to notice the dead broker');
    assert.ok(
      ackedAtKill >= MIN_ACKS,
      `round ${round}: only ${ackedAtKill} sends acknowledged in ${killedAfterMs} ms before the kill (want >= ${MIN_ACKS}); other answers ${JSON.stringify([...otherCodes])}`,
    );
    assert.ok(inFlightAtKill > 0, `round ${round}: no send was in flight when the broker was killed`);
    return { killedAfterMs, ackedAtKill, inFlightAtKill, otherCodes };
  } finally {
    clearTimeout(killTimer);
    stopped = true;
    for (const c of clients) c.close();
  }
}

/**
 * Pulls every queue of the topic and checks the store against what was sent: every record decodes (sizes,
 * magic, CRC) with consecutive queue offsets (pullAll), nothing is served twice or unsent, every body is the
 * one sent with its key, and every acknowledged message is there, where its SEND response said.
 */
async function verifyStore(conn: WireClient, topic: string, group: string, attempted: Map<string, Sent>, acked: Sent[], when: string): Promise<Map<string, StoredMessage>> {
  const served = new Map<string, StoredMessage>();
  for (let q = 0; q < QUEUES; q++) {
    for (const m of await pullAll(conn, group, topic, q)) {
      const key = m.properties.KEYS ?? '';
      assert.ok(!served.has(key), `${when}: key ${key} is served twice (queue ${q} offset ${m.queueOffset})`);
      served.set(key, m);
    }
  }
  for (const [key, m] of served) {
    const sent = attempted.get(key);
    assert.ok(sent, `${when}: the broker serves a message with key ${JSON.stringify(key)} that nobody sent`);
    assert.ok(m.body.equals(sent.body), `${when}: body of ${key} differs from what was sent (${m.body.length} vs ${sent.body.length} bytes)`);
    assert.equal(m.queueId, sent.queueId, `${when}: queue of ${key}`);
  }
  const lost = acked.filter((a) => !served.has(a.key));
  assert.equal(
    lost.length,
    0,
    `${when}: ${lost.length} of ${acked.length} acknowledged messages are gone, e.g. ${lost.slice(0, 5).map((l) => `${l.key}@${l.queueId}/${l.queueOffset}`).join(', ')}`,
  );
  for (const a of acked) {
    const m = served.get(a.key)!;
    assert.equal(m.queueOffset, a.queueOffset, `${when}: queue offset of ${a.key}`);
    if (a.msgId !== undefined) assert.equal(m.offsetMsgId, a.msgId, `${when}: msgId of ${a.key}`);
  }
  return served;
}

async function crashScenario(flushDiskType: 'SYNC_FLUSH' | 'ASYNC_FLUSH', note: (text: string) => void): Promise<void> {
  const cluster = TestCluster.create(`crash-${flushDiskType.toLowerCase()}`);
  const clients: WireClient[] = [];
  const connect = async (broker: BrokerHandle): Promise<WireClient> => {
    const c = await WireClient.connect(broker.addr);
    clients.push(c);
    return c;
  };
  try {
    await cluster.startNamesrv();
    const broker = await cluster.startBroker({
      name: 'broker-crash',
      props: { flushDiskType, mappedFileSizeCommitLog: 1024 * 1024 },
    });
    const topic = `CrashTopic_${flushDiskType}`;
    await createTopic(await connect(broker), topic, { readQueueNums: QUEUES, writeQueueNums: QUEUES });
    const attempted = new Map<string, Sent>();
    const acked: Sent[] = [];

    // Two rounds: the second crash hits a store that was itself recovered from a crash.
    for (const round of [1, 2]) {
      const load = await loadAndKill(broker, topic, round, attempted, acked);
      await broker.restart();
      const served = await verifyStore(await connect(broker), topic, `crash_checker_${round}`, attempted, acked, `after kill -9 #${round}`);
      const maxPhysical = Math.max(...[...served.values()].map((m) => m.physicalOffset));
      note(
        `${flushDiskType} round ${round}: killed after ${load.killedAfterMs} ms with ${load.ackedAtKill} acknowledged, ` +
          `${load.inFlightAtKill} in flight, other answers ${JSON.stringify([...load.otherCodes])}; after restart ` +
          `${served.size} served (of ${attempted.size} attempted, ${acked.length} acknowledged), commit log up to ${maxPhysical} bytes`,
      );
      assert.ok(maxPhysical > round * 1024 * 1024, `the load should have rolled past ${round} 1 MiB segment(s) (last record at ${maxPhysical})`);
    }

    // The recovered store keeps working: new sends land after the recovered tail and are served.
    const conn = await connect(broker);
    for (let i = 0; i < 20; i++) {
      const key = `after-restart-${i}`;
      const sent: Sent = { key, body: bodyFor(key, i), queueId: i % QUEUES };
      attempted.set(key, sent);
      const res = await sendMessage(conn, { topic, queueId: sent.queueId, body: sent.body, keys: key });
      assert.equal(res.code, Resp.SUCCESS, `send after restart: ${describeResponse(res)}`);
      sent.queueOffset = Number(res.extFields.queueOffset);
      sent.msgId = res.extFields.msgId;
      acked.push(sent);
    }
    const beforeStop = await verifyStore(conn, topic, 'crash_checker_fresh', attempted, acked, 'after new sends');

    // A graceful stop and a clean restart keep exactly the same messages.
    const exit = await broker.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, `graceful stop after recovery:\n${broker.proc.describe()}`);
    await broker.restart();
    const afterClean = await verifyStore(await connect(broker), topic, 'crash_checker_clean', attempted, acked, 'after a clean restart');
    assert.equal(afterClean.size, beforeStop.size, 'a clean restart changed the number of stored messages');
    await broker.stop();
  } catch (err) {
    if (err instanceof Error) err.message += `\n\n${cluster.describeAll()}`;
    throw err;
  } finally {
    for (const c of clients) c.close();
    await cluster.shutdown();
  }
}

describe('broker crash (kill -9) under send load', () => {
  it('SYNC_FLUSH: every acknowledged message survives, no torn record is served, appends continue', async (t) => {
    await crashScenario('SYNC_FLUSH', (text) => t.diagnostic(text));
  });

  it('ASYNC_FLUSH: a process crash loses nothing acknowledged either (it was in the page cache)', async (t) => {
    await crashScenario('ASYNC_FLUSH', (text) => t.diagnostic(text));
  });
});
