// kill -9 under load: a broker killed while many senders write to it loses nothing it acknowledged
// (SYNC_FLUSH: the bytes were on disk; ASYNC_FLUSH: they were in the page cache, and only the process died),
// and after the restart it serves only whole, CRC-correct records, then keeps appending cleanly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster } from '../support/cluster.js';
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

async function crashScenario(flushDiskType: 'SYNC_FLUSH' | 'ASYNC_FLUSH', note: (text: string) => void): Promise<void> {
  const cluster = TestCluster.create(`crash-${flushDiskType.toLowerCase()}`);
  const clients: WireClient[] = [];
  try {
    await cluster.startNamesrv();
    const broker = await cluster.startBroker({
      name: 'broker-crash',
      props: { flushDiskType, mappedFileSizeCommitLog: 1024 * 1024 },
    });
    const topic = `CrashTopic_${flushDiskType}`;
    const admin = await WireClient.connect(broker.addr);
    clients.push(admin);
    await createTopic(admin, topic, { readQueueNums: QUEUES, writeQueueNums: QUEUES });

    // ---- load: SENDERS connections, one request in flight each, until the broker dies --------------------
    const attempted = new Map<string, Sent>();
    const acked: Sent[] = [];
    const otherCodes = new Map<number, number>();
    const killNow = deferred<void>();
    let stopped = false;
    const startedAt = Date.now();
    const killTimer = setTimeout(() => killNow.resolve(), KILL_AFTER_MS);
    const senders = Array.from({ length: SENDERS }, async (_, s) => {
      const conn = await WireClient.connect(broker.addr);
      clients.push(conn);
      for (let n = 0; !stopped; n++) {
        const key = `crash-${s}-${n}`;
        const sent: Sent = { key, body: bodyFor(key, s * 100_003 + n), queueId: (s + n) % QUEUES };
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
          if (acked.length >= KILL_AFTER_ACKS) killNow.resolve();
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
    const senderFailure = Promise.all(senders).then(() => undefined);
    await Promise.race([killNow.promise, senderFailure]);
    clearTimeout(killTimer);
    const killedAfterMs = Date.now() - startedAt;
    const ackedAtKill = acked.length;
    // The kill hits a broker with sends in flight (each live sender always has one outstanding request).
    const inFlightAtKill = attempted.size - ackedAtKill - [...otherCodes.values()].reduce((a, b) => a + b, 0);
    await broker.kill();
    stopped = true;
    await withTimeout(senderFailure, 15_000, 'every sender to notice the dead broker');
    assert.ok(
      ackedAtKill >= MIN_ACKS,
      `only ${ackedAtKill} sends acknowledged in ${killedAfterMs} ms before the kill (want >= ${MIN_ACKS}); other answers ${JSON.stringify([...otherCodes])}`,
    );

    assert.ok(inFlightAtKill > 0, 'no send was in flight when the broker was killed');

    // ---- restart on the same store ----------------------------------------------------------------------
    for (const c of clients) c.close();
    clients.length = 0;
    await broker.restart();
    const after1 = await WireClient.connect(broker.addr);
    clients.push(after1);

    // Every record served decodes (sizes, magic, CRC) and queue offsets are consecutive: pullAll checks that.
    const served = new Map<string, StoredMessage>();
    for (let q = 0; q < QUEUES; q++) {
      for (const m of await pullAll(after1, 'crash_checker', topic, q)) {
        const key = m.properties.KEYS ?? '';
        assert.ok(!served.has(key), `key ${key} is served twice (queue ${q} offset ${m.queueOffset})`);
        served.set(key, m);
      }
    }
    // Nothing served that we did not send, and every served body is exactly what was sent with its key.
    for (const [key, m] of served) {
      const sent = attempted.get(key);
      assert.ok(sent, `the broker serves a message with key ${JSON.stringify(key)} that nobody sent`);
      assert.ok(m.body.equals(sent.body), `body of ${key} differs from what was sent (${m.body.length} vs ${sent.body.length} bytes)`);
      assert.equal(m.queueId, sent.queueId, `queue of ${key}`);
    }
    // Nothing acknowledged is lost, and it sits where the SEND response said.
    const lost = acked.filter((a) => !served.has(a.key));
    assert.equal(
      lost.length,
      0,
      `${lost.length} of ${acked.length} acknowledged messages are gone after kill -9 (${flushDiskType}), e.g. ${lost.slice(0, 5).map((l) => `${l.key}@${l.queueId}/${l.queueOffset}`).join(', ')}`,
    );
    for (const a of acked) {
      const m = served.get(a.key)!;
      assert.equal(m.queueOffset, a.queueOffset, `queue offset of ${a.key}`);
      assert.equal(m.offsetMsgId, a.msgId, `msgId of ${a.key}`);
    }
    const maxPhysical = Math.max(...[...served.values()].map((m) => m.physicalOffset));
    note(
      `${flushDiskType}: killed after ${killedAfterMs} ms with ${ackedAtKill} acknowledged, ${inFlightAtKill} in flight, ` +
        `other answers ${JSON.stringify([...otherCodes])}; after restart ${served.size} served (of ${attempted.size} attempted), ` +
        `commit log up to ${maxPhysical} bytes`,
    );
    assert.ok(maxPhysical > 1024 * 1024, `the load should have rolled past the first 1 MiB segment (last record at ${maxPhysical})`);

    // ---- the recovered store keeps working: new sends land after the recovered tail ----------------------
    const fresh: Sent[] = [];
    for (let i = 0; i < 20; i++) {
      const key = `after-restart-${i}`;
      const sent: Sent = { key, body: bodyFor(key, i), queueId: i % QUEUES };
      const res = await sendMessage(after1, { topic, queueId: sent.queueId, body: sent.body, keys: key });
      assert.equal(res.code, Resp.SUCCESS, `send after restart: ${describeResponse(res)}`);
      sent.queueOffset = Number(res.extFields.queueOffset);
      fresh.push(sent);
    }
    for (let q = 0; q < QUEUES; q++) {
      const all = await pullAll(after1, 'crash_checker_2', topic, q);
      for (const f of fresh.filter((x) => x.queueId === q)) {
        const m = all.find((x) => x.properties.KEYS === f.key);
        assert.ok(m, `message ${f.key} sent after the restart is not served`);
        assert.ok(m.body.equals(f.body), `body of ${f.key}`);
        assert.equal(m.queueOffset, f.queueOffset);
      }
    }
    await broker.stop();
    assert.equal(broker.proc.exitInfo?.code, 0, `graceful stop after recovery:\n${broker.proc.describe()}`);
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
