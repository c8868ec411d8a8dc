// `mqshutdown broker` under send load, as an operator does it: the broker process exits 0, leaves the
// NameServer's route, removes its abort file; restarted on the same store (a normal, not a crash, recovery)
// it serves every message the producers saw acknowledged, at the offsets the acknowledgements named.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Producer, type SendResult } from '../../src/index.js';
import { NAMESRV_SCRIPT, ServerProcess, TestCluster, type BrokerHandle } from '../support/cluster.js';
import { createTopic, getRoute, pullAll, WireClient } from '../support/wire.js';
import { deferred, waitFor, withTimeout } from '../support/wait.js';

const MQSHUTDOWN_SCRIPT = path.join(path.dirname(NAMESRV_SCRIPT), 'mqshutdown.js');
const QUEUES = 4;
const SENDERS = 8;
/** Shut down once this many sends were acknowledged (several 1 MiB segments)... */
const SHUTDOWN_AFTER_ACKS = 2000;
/** ...or after this long, whatever was acknowledged by then. */
const SHUTDOWN_AFTER_MS = 20_000;

/** A body that is a pure function of the key, 200..2199 bytes. */
function bodyFor(key: string, n: number): Buffer {
  const unit = Buffer.from(`${key};`);
  const body = Buffer.alloc(200 + ((n * 7919) % 2000));
  for (let i = 0; i < body.length; i += unit.length) unit.copy(body, i, 0, Math.min(unit.length, body.length - i));
  return body;
}

/** Runs `mqshutdown <args>` to its end. */
export async function runMqshutdown(cluster: TestCluster, args: string[]): Promise<ServerProcess> {
  const logDir = cluster.dir('mqshutdown-logs');
  const proc = new ServerProcess(`mqshutdown ${args.join(' ')}`, [MQSHUTDOWN_SCRIPT, ...args], { ...process.env, ROCKETMQ_LOG_DIR: logDir }, logDir);
  cluster.track(proc);
  await proc.waitForExit(90_000);
  return proc;
}

async function scenario(flushDiskType: 'ASYNC_FLUSH' | 'SYNC_FLUSH', t: { diagnostic(text: string): void }): Promise<void> {
    const cluster = TestCluster.create(`shutdown-${flushDiskType.toLowerCase()}`);
    const producer = { current: undefined as Producer | undefined };
    const clients: WireClient[] = [];
    try {
      const namesrv = await cluster.startNamesrv();
      const broker: BrokerHandle = await cluster.startBroker({ name: 'broker-shutdown', props: { mappedFileSizeCommitLog: 1024 * 1024, flushDiskType } });
      const topic = 'ShutdownTopic';
      const admin = await WireClient.connect(broker.addr);
      clients.push(admin);
      await createTopic(admin, topic, { readQueueNums: QUEUES, writeQueueNums: QUEUES });
      const ns = await WireClient.connect(namesrv.addr);
      clients.push(ns);
      await waitFor(async () => (await getRoute(ns, topic))?.brokerDatas.some((b) => b.brokerName === 'broker-shutdown'), {
        timeoutMs: 15_000,
        what: `the route of ${topic} on the NameServer`,
      });

      const p = new Producer({ producerGroup: 'shutdown_test_pg', namesrvAddr: namesrv.addr, sendMsgTimeout: 10_000, retryTimesWhenSendFailed: 0 });
      producer.current = p;
      await p.start();
      const acked = new Map<string, SendResult>();
      const attempted = new Map<string, Buffer>();
      const failures = new Map<string, number>();
      const shutdownNow = deferred<void>();
      const timer = setTimeout(() => shutdownNow.resolve(), SHUTDOWN_AFTER_MS);
      let stopping = false;
      let inFlight = 0;
      const senders = Array.from({ length: SENDERS }, async (_, s) => {
        for (let n = 0; ; n++) {
          const key = `s${s}-${n}`;
          const body = bodyFor(key, s * 100_003 + n);
          attempted.set(key, body);
          inFlight++;
          try {
            const r = await p.send({ topic, body, keys: key, tags: `S${s}` });
            if (r.sendStatus === 'SEND_OK') acked.set(key, r);
            if (acked.size >= SHUTDOWN_AFTER_ACKS) shutdownNow.resolve();
          } catch (err) {
            const text = err instanceof Error ? err.message.split('\n')[0]!.replace(/cost \[\d+\]ms, /, '').slice(0, 200) : String(err);
            failures.set(text, (failures.get(text) ?? 0) + 1);
            if (!stopping) throw err; // before the shutdown every send must succeed
            return; // the broker is going or gone: this sender is done
          } finally {
            inFlight--;
          }
        }
      });
      const sendersDone = Promise.all(senders);
      await Promise.race([shutdownNow.promise, sendersDone]);
      clearTimeout(timer);
      stopping = true;
      const inFlightAtShutdown = inFlight;
      const ackedAtShutdown = acked.size;
      assert.ok(ackedAtShutdown >= 200, `only ${ackedAtShutdown} sends acknowledged before the shutdown`);

      const tool = await runMqshutdown(cluster, ['broker', '-c', broker.configFile]);
      assert.equal(tool.exitInfo?.code, 0, tool.describe());
      const pid = broker.proc.pid!;
      assert.match(tool.stdout, new RegExp(`^The mqbroker\\(${pid}\\) is running\\.\\.\\.\nSend shutdown request to mqbroker\\(${pid}\\) OK\nThe mqbroker\\(${pid}\\) is stopped\\.\n$`));
      const exit = await broker.proc.waitForExit(5000);
      assert.deepEqual(exit, { code: 0, signal: null }, broker.proc.describe());
      await withTimeout(sendersDone, 30_000, 'every sender to notice the stopped broker');

      // Gone from the NameServer at once (unregistered, not expired after 120 s), abort file removed, log says so.
      assert.equal(await getRoute(ns, topic), undefined, 'the broker still has a route on the NameServer');
      assert.equal(fs.existsSync(path.join(broker.storeDir, 'abort')), false, 'abort file left behind');
      const log = broker.readLog();
      assert.match(log, /unregisterBroker OK, NamesrvAddr: /);
      assert.match(log, /store: shut down cleanly at commit-log offset \d+/);
      assert.match(log, /The broker\[broker-shutdown, [^\]]+\] shutdown OK/);

      await broker.restart();
      assert.match(broker.readLog(), /recovery start: normal/);
      const conn = await WireClient.connect(broker.addr);
      clients.push(conn);
      const served = new Map<string, { queueId: number; queueOffset: number; offsetMsgId: string; body: Buffer }>();
      for (let q = 0; q < QUEUES; q++) {
        for (const m of await pullAll(conn, 'shutdown_checker', topic, q)) {
          const key = m.properties.KEYS ?? '';
          assert.ok(!served.has(key), `key ${key} served twice`);
          served.set(key, m);
        }
      }
      for (const [key, m] of served) {
        const body = attempted.get(key);
        assert.ok(body !== undefined, `the broker serves ${key}, which nobody sent`);
        assert.ok(m.body.equals(body), `body of ${key} differs`);
      }
      const lost = [...acked.keys()].filter((k) => !served.has(k));
      assert.deepEqual(lost.slice(0, 10), [], `${lost.length} of ${acked.size} acknowledged messages are gone`);
      for (const [key, r] of acked) {
        const m = served.get(key)!;
        assert.equal(m.queueId, r.messageQueue.queueId, `queue of ${key}`);
        assert.equal(m.queueOffset, r.queueOffset, `queue offset of ${key}`);
        assert.equal(m.offsetMsgId, r.offsetMsgId, `offsetMsgId of ${key}`);
      }
      // Registered again after the restart.
      await waitFor(async () => (await getRoute(ns, topic))?.brokerDatas.some((b) => b.brokerName === 'broker-shutdown'), {
        timeoutMs: 15_000,
        what: 'the restarted broker to register again',
      });
      t.diagnostic(
        `${flushDiskType}: ${ackedAtShutdown} acknowledged when mqshutdown ran with ${inFlightAtShutdown} in flight; ${acked.size} acknowledged in all, ` +
          `${served.size} served after the restart (of ${attempted.size} attempted); sender endings ${JSON.stringify([...failures])}`,
      );
      await broker.stop();
    } catch (err) {
      if (err instanceof Error) err.message += `\n\n${cluster.describeAll()}`;
      throw err;
    } finally {
      for (const c of clients) c.close();
      await producer.current?.shutdown();
      await cluster.shutdown();
    }
}

describe('mqshutdown broker under load', () => {
  it('ASYNC_FLUSH: answers what was in flight, flushes, unregisters, exits 0; after a restart every acknowledged message is there', async (t) => {
    await scenario('ASYNC_FLUSH', t);
  });

  it('SYNC_FLUSH: the same, with sends waiting for their fdatasync when SIGTERM arrives', async (t) => {
    await scenario('SYNC_FLUSH', t);
  });
});
