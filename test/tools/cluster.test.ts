// `mqtools cluster start|stop|status` run as the real CLI: the processes it starts are real NameServers and
// brokers on loopback, checked with the admin library and the client SDK, and gone again after `stop`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { MQAdmin, getAllTopicConfig, getBrokerConfig, listBrokers, updateTopic } from '../../src/admin/index.js';
import { Producer, PushConsumer, type MessageExt } from '../../src/client/index.js';
import { BROKER_PORT_OFFSET, BROKER_PORT_STEP, CLUSTER_MODES, type ClusterMode } from '../../src/tools/cluster-plan.js';
import { isPortFree } from '../../src/tools/cluster-process.js';
import { isAlive, readState, statePath, type ClusterState } from '../../src/tools/cluster-state.js';
import { deferred, waitFor, withTimeout } from '../support/wait.js';
import { describeRun, runTool, type ToolRun } from './run-tool.js';

const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 120_000;
const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtools-cluster-'));

/** Every cluster a test started, stopped at the end even when an assertion failed first. */
const started = new Set<string>();
after(async () => {
  for (const dir of started) if (fs.existsSync(statePath(dir))) await runTool(['cluster', 'stop', '--dir', dir], STOP_TIMEOUT_MS);
  fs.rmSync(ROOT, { recursive: true, force: true });
});

function ephemeralLow(): number {
  try {
    const low = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > 14000) return low;
  } catch {
    // not Linux
  }
  return 32768;
}

/** Every port a mode binds with this base port: NameServer, and per broker listenPort-2, listenPort, listenPort+1. */
function modePorts(mode: ClusterMode, base: number): number[] {
  const brokers = CLUSTER_MODES[mode].map((_, i) => base + BROKER_PORT_OFFSET + BROKER_PORT_STEP * i);
  return [base, ...brokers.flatMap((p) => [p - 2, p, p + 1])];
}

/** A base port below the ephemeral range whose ports are all free now (other tests' clients cannot take them). */
async function freeBasePort(mode: ClusterMode): Promise<number> {
  const high = ephemeralLow() - BROKER_PORT_OFFSET - 100;
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 12000 + Math.floor(Math.random() * (high - 12000));
    const free = await Promise.all(modePorts(mode, base).map(isPortFree));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free base port found in 100 attempts');
}

async function tool(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ToolRun> {
  return runTool(args, args[1] === 'start' ? START_TIMEOUT_MS : STOP_TIMEOUT_MS, env);
}

async function startOk(mode: ClusterMode, dir: string, base: number, env: NodeJS.ProcessEnv = {}, withDir = true): Promise<ClusterState> {
  const args = ['cluster', 'start', mode, ...(withDir ? ['--dir', dir] : []), '--base-port', String(base)];
  started.add(dir);
  const r = await tool(args, env);
  assert.equal(r.code, 0, describeRun(args, r));
  assert.match(r.stdout, new RegExp(`export NAMESRV_ADDR='127\\.0\\.0\\.1:${base}'`));
  const state = readState(dir);
  assert.ok(state, `state file in ${dir}`);
  return state;
}

/** After `stop`: every pid gone, the state file removed, every port bindable again. */
async function assertStopped(state: ClusterState): Promise<void> {
  for (const p of state.processes) assert.equal(isAlive(p), false, `${p.name} (pid ${p.pid}) still runs`);
  assert.equal(fs.existsSync(statePath(state.dir)), false, 'state file removed');
  const ports = state.processes.flatMap((p) => p.ports);
  await waitFor(async () => (await Promise.all(ports.map(isPortFree))).every(Boolean), {
    timeoutMs: 30_000, what: `ports ${ports.join(', ')} to be free again`, intervalMs: 200,
  });
}

describe('mqtools cluster 2m-2s-sync', () => {
  it('starts 2 SYNC_MASTERs and 2 SLAVEs as processes: SEND_OK, second start refused, read from the slaves with the masters down, stop', async () => {
    const dir = path.join(ROOT, 'sync');
    const base = await freeBasePort('2m-2s-sync');
    const state = await startOk('2m-2s-sync', dir, base);
    assert.deepEqual(state.processes.map((p) => [p.name, p.kind, p.role ?? '', p.port]), [
      ['namesrv-1', 'namesrv', '', base],
      ['broker-a', 'broker', 'SYNC_MASTER', base + 1035],
      ['broker-b', 'broker', 'SYNC_MASTER', base + 1045],
      ['broker-a-s', 'broker', 'SLAVE', base + 1055],
      ['broker-b-s', 'broker', 'SLAVE', base + 1065],
    ]);
    assert.equal(new Set(state.processes.map((p) => p.pid)).size, 5, 'five processes');
    for (const p of state.processes) assert.ok(isAlive(p), `${p.name} runs`);

    const namesrvAddr = `127.0.0.1:${base}`;
    const admin = new MQAdmin({ namesrvAddr, timeoutMs: 10_000 });
    const producer = new Producer({ producerGroup: 'cluster_tool_producer', namesrvAddr, sendMsgTimeout: 10_000 });
    const consumer = new PushConsumer({ consumerGroup: 'cluster_tool_consumer', namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    try {
      const brokers = await waitFor(async () => {
        const b = await listBrokers(admin);
        return b.length === 4 ? b : undefined;
      }, { timeoutMs: 30_000, what: '4 brokers registered', intervalMs: 200 });
      assert.deepEqual(brokers.map((b) => [b.clusterName, b.brokerName, b.brokerId, b.addr]), [
        ['DefaultCluster', 'broker-a', 0, `127.0.0.1:${base + 1035}`],
        ['DefaultCluster', 'broker-a', 1, `127.0.0.1:${base + 1055}`],
        ['DefaultCluster', 'broker-b', 0, `127.0.0.1:${base + 1045}`],
        ['DefaultCluster', 'broker-b', 1, `127.0.0.1:${base + 1065}`],
      ]);
      const stores = new Set<string>();
      for (const b of brokers) {
        const config = new Map(await getBrokerConfig(admin, b.addr));
        const name = b.brokerId === 0 ? b.brokerName : `${b.brokerName}-s`;
        assert.equal(config.get('brokerRole'), b.brokerId === 0 ? 'SYNC_MASTER' : 'SLAVE', b.addr);
        assert.equal(config.get('brokerIP2'), '127.0.0.1');
        assert.equal(config.get('storePathRootDir'), path.join(dir, name, 'store'));
        stores.add(config.get('storePathCommitLog') ?? '');
      }
      assert.equal(stores.size, 4, 'a commit log folder per broker');

      const topic = 'ClusterToolSyncTopic';
      await updateTopic(admin, { topic, clusterName: 'DefaultCluster', readQueueNums: 2, writeQueueNums: 2 });
      // SYNC_MASTER answers SLAVE_NOT_AVAILABLE until its slave's HA connection is up.
      await producer.start();
      const okFrom = new Set<string>();
      await waitFor(async () => {
        const r = await producer.send({ topic, body: 'probe' });
        if (r.sendStatus === 'SEND_OK') okFrom.add(r.messageQueue.brokerName);
        return okFrom.size === 2;
      }, { timeoutMs: 60_000, what: 'SEND_OK from both SYNC_MASTERs (their slaves connected)', intervalMs: 200 });
      const statuses = [];
      for (let i = 0; i < 20; i++) statuses.push((await producer.send({ topic, body: `m${i}` })).sendStatus);
      assert.deepEqual(statuses, Array(20).fill('SEND_OK'));

      const status = await tool(['cluster', 'status', '--dir', dir]);
      assert.equal(status.code, 0, describeRun(['status'], status));
      assert.equal(status.stdout.match(/ running /g)?.length, 5, status.stdout);

      const again = await tool(['cluster', 'start', '2m-2s-sync', '--dir', dir, '--base-port', String(base)]);
      assert.equal(again.code, 1, describeRun(['start again'], again));
      assert.match(again.stderr, /already running in .*: pids /);
      for (const p of state.processes) assert.ok(again.stderr.includes(`${p.pid} (${p.name})`), again.stderr);
      for (const p of state.processes) assert.ok(isAlive(p), `${p.name} still runs after the refused start`);

      // What the mode is for: with both masters down, the messages are read from the slaves.
      for (const slave of brokers.filter((b) => b.brokerId === 1)) {
        await waitFor(async () => (await getAllTopicConfig(admin, slave.addr)).topicConfigTable.has(topic), {
          timeoutMs: 60_000, what: `slave ${slave.addr} to copy ${topic} from its master`, intervalMs: 500,
        });
      }
      const masters = state.processes.filter((p) => p.role === 'SYNC_MASTER');
      for (const m of masters) process.kill(m.pid, 'SIGTERM');
      await waitFor(() => masters.every((m) => !isAlive(m)), { timeoutMs: 60_000, what: 'the masters to exit', intervalMs: 200 });
      await waitFor(async () => (await listBrokers(admin)).every((b) => b.brokerId === 1), { timeoutMs: 60_000, what: 'the NameServer to drop the masters', intervalMs: 200 });
      const wanted = Array.from({ length: 20 }, (_, i) => `m${i}`);
      const seen = new Set<string>();
      const allSeen = deferred<void>();
      consumer.subscribe(topic, '*');
      consumer.registerMessageListener(async (msgs: MessageExt[]) => {
        for (const m of msgs) seen.add(m.body.toString());
        if (wanted.every((b) => seen.has(b))) allSeen.resolve();
        return 'CONSUME_SUCCESS';
      });
      await consumer.start();
      await withTimeout(allSeen.promise, 90_000, () => `m0..m19 from the slaves (missing ${wanted.filter((b) => !seen.has(b)).join(' ')})`);
    } finally {
      await consumer.shutdown();
      await producer.shutdown();
      await admin.close();
    }

    const stop = await tool(['cluster', 'stop', '--dir', dir]);
    assert.equal(stop.code, 0, describeRun(['stop'], stop));
    for (const p of state.processes) {
      const line = p.role === 'SYNC_MASTER' ? `${p.name} \\(pid ${p.pid}\\) was not running` : `stopped ${p.name} \\(pid ${p.pid}\\)`;
      assert.match(stop.stdout, new RegExp(line));
    }
    // Brokers end before the NameServer.
    assert.ok(stop.stdout.indexOf('stopped namesrv-1') > stop.stdout.indexOf('stopped broker-b-s'), stop.stdout);
    await assertStopped(state);

    const gone = await tool(['cluster', 'status', '--dir', dir]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /no cluster in .*cluster\.json not found/);
  });
});

describe('mqtools cluster 2m-noslave', () => {
  it('starts in ~/rocketmq-cluster/<mode> by default; status and stop find it without --dir', async () => {
    const home = path.join(ROOT, 'home');
    const env = { HOME: home };
    const dir = path.join(home, 'rocketmq-cluster', '2m-noslave');
    const base = await freeBasePort('2m-noslave');
    const state = await startOk('2m-noslave', dir, base, env, false);
    assert.deepEqual(state.processes.map((p) => [p.name, p.role ?? 'NameServer']), [
      ['namesrv-1', 'NameServer'], ['broker-a', 'ASYNC_MASTER'], ['broker-b', 'ASYNC_MASTER'],
    ]);
    const config = fs.readFileSync(path.join(dir, 'broker-a', 'broker-a.properties'), 'utf8');
    assert.match(config, /^brokerRole=ASYNC_MASTER$/m, 'the sample\'s keys kept');
    assert.match(config, new RegExp(`^listenPort=${base + 1035}$`, 'm'));
    assert.match(config, new RegExp(`^namesrvAddr=127\\.0\\.0\\.1:${base}$`, 'm'));

    const admin = new MQAdmin({ namesrvAddr: `127.0.0.1:${base}` });
    try {
      const brokers = await waitFor(async () => {
        const b = await listBrokers(admin);
        return b.length === 2 ? b : undefined;
      }, { timeoutMs: 30_000, what: '2 brokers registered', intervalMs: 200 });
      assert.deepEqual(brokers.map((b) => `${b.brokerName}/${b.brokerId}`), ['broker-a/0', 'broker-b/0']);
    } finally {
      await admin.close();
    }

    const status = await tool(['cluster', 'status'], env);
    assert.equal(status.code, 0, describeRun(['status'], status));
    assert.match(status.stdout, /2m-noslave cluster in /);
    assert.equal(status.stdout.match(/ running /g)?.length, 3, status.stdout);

    const stop = await tool(['cluster', 'stop', '2m-noslave'], env);
    assert.equal(stop.code, 0, describeRun(['stop'], stop));
    await assertStopped(state);
  });
});

describe('mqtools cluster: clear failures', () => {
  it('a taken broker port is named and nothing is left running', async () => {
    const dir = path.join(ROOT, 'busy');
    const base = await freeBasePort('2m-noslave');
    const taken = base + 1045; // broker-b's listenPort
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
    try {
      started.add(dir);
      const r = await tool(['cluster', 'start', '2m-noslave', '--dir', dir, '--base-port', String(base)]);
      assert.equal(r.code, 1, describeRun(['start'], r));
      assert.match(r.stderr, new RegExp(`port\\(s\\) in use: ${taken} \\(broker-b listenPort\\)`));
      assert.equal(fs.existsSync(statePath(dir)), false, 'no state file');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('a broker that cannot start is reported with its output, and what had started is stopped', async () => {
    const dir = path.join(ROOT, 'broken');
    // broker-b's store folder is a file: its store cannot be created.
    fs.mkdirSync(path.join(dir, 'broker-b'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'broker-b', 'store'), 'not a folder');
    const base = await freeBasePort('2m-noslave');
    started.add(dir);
    const r = await tool(['cluster', 'start', '2m-noslave', '--dir', dir, '--base-port', String(base)]);
    assert.equal(r.code, 1, describeRun(['start'], r));
    assert.match(r.stderr, /2m-noslave cluster did not start; stopped what had started/);
    assert.match(r.stderr, /broker-b exited with code 1 before it booted/);
    assert.match(r.stderr, /EEXIST.*broker-b\/store/, 'the broker\'s own last output');
    assert.equal(fs.existsSync(statePath(dir)), false, 'no state file');
    await waitFor(async () => (await Promise.all(modePorts('2m-noslave', base).map(isPortFree))).every(Boolean), {
      timeoutMs: 30_000, what: 'the NameServer and broker-a to be stopped (ports free)', intervalMs: 200,
    });
  });

  it('bad mode, bad options and stop without a cluster fail with one line naming what is wrong', async () => {
    const mode = await tool(['cluster', 'start', '3m-3s']);
    assert.equal(mode.code, 1);
    assert.match(mode.stderr, /'3m-3s' is invalid.*2m-2s-sync/s);
    const count = await tool(['cluster', 'start', 'single', '--namesrv-count', '10', '--dir', path.join(ROOT, 'x')]);
    assert.equal(count.code, 1);
    assert.match(count.stderr, /--namesrv-count must be an integer in 1\.\.9, got "10"/);
    const host = await tool(['cluster', 'start', 'single', '--host', 'localhost', '--dir', path.join(ROOT, 'x')]);
    assert.equal(host.code, 1);
    assert.match(host.stderr, /--host must be an IPv4 address of this machine, got "localhost"/);
    const room = await tool(['cluster', 'start', '2m-2s-sync', '--base-port', '64500', '--dir', path.join(ROOT, 'x')]);
    assert.equal(room.code, 1);
    assert.match(room.stderr, /--base-port 64500 leaves no room/);
    const stop = await tool(['cluster', 'stop', '--dir', path.join(ROOT, 'nothing')]);
    assert.equal(stop.code, 1);
    assert.match(stop.stderr, /no cluster state in .*nothing.*: nothing to stop/);
  });
});
