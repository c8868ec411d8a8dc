// The command-line entry points as an operator uses them: mqnamesrv and mqbroker -c FILE [-n ADDR].
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequest } from '../../src/protocol/command.js';
import { TestCluster, type NamesrvHandle } from '../support/cluster.js';
import { Code, WireClient, createTopic, describeResponse, getRoute, parseFastjson, Resp } from '../support/wire.js';
import { waitFor } from '../support/wait.js';

interface ClusterInfoBody {
  brokerAddrTable: Record<string, { cluster: string; brokerName: string; brokerAddrs: Record<string, string> }>;
  clusterAddrTable: Record<string, string[]>;
}

async function clusterInfo(namesrv: WireClient): Promise<ClusterInfoBody> {
  const res = await namesrv.invoke(createRequest(Code.GET_BROKER_CLUSTER_INFO, {}));
  if (res.code !== Resp.SUCCESS || !res.body) throw new Error(`GET_BROKER_CLUSTER_INFO: ${describeResponse(res)}`);
  return parseFastjson(res.body.toString('utf8')) as ClusterInfoBody;
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('mqnamesrv / mqbroker command line', () => {
  let cluster: TestCluster | undefined;
  let namesrv: NamesrvHandle;
  let ns: WireClient;

  before(async () => {
    cluster = TestCluster.create('cli');
    namesrv = await cluster.startNamesrv();
    ns = await WireClient.connect(namesrv.addr);
  });

  after(async () => {
    ns?.close();
    await cluster?.shutdown();
  });

  async function waitRegistered(brokerName: string, addr: string): Promise<void> {
    await waitFor(async () => (await clusterInfo(ns)).brokerAddrTable[brokerName]?.brokerAddrs['0'] === addr, {
      timeoutMs: 10_000,
      what: `broker ${brokerName} at ${addr} to be registered with the NameServer`,
    });
  }

  it('mqnamesrv prints its boot line', () => {
    assert.match(namesrv.proc.stdout, /^(.*\n)*The Name Server boot success\. serializeType=JSON\n/);
  });

  it('mqbroker prints its boot line naming broker, address and name server, and registers', async () => {
    const broker = await cluster!.startBroker({ name: 'broker-boot' });
    const line = new RegExp(
      `The broker\\[broker-boot, 127\\.0\\.0\\.1:${broker.port}\\] boot success\\. serializeType=JSON and name server is ${escapeRe(namesrv.addr)}`,
    );
    assert.match(broker.proc.stdout, line);
    await waitRegistered('broker-boot', broker.addr);
    await broker.stop();
  });

  it('a second broker on the same store exits 1 with "Lock failed,MQ already started"', async () => {
    const first = await cluster!.startBroker({ name: 'broker-lock' });
    const second = await cluster!.startBroker({ name: 'broker-lock', storeDir: first.storeDir, noWait: true });
    const exit = await second.proc.waitForExit(20_000);
    assert.equal(exit.code, 1, second.proc.describe());
    assert.match(second.proc.stdout + second.proc.stderr, /Lock failed,MQ already started/);
    assert.ok(first.proc.running, `the first broker must keep running:\n${first.proc.describe()}`);
    // The loser must not have damaged the winner: it still serves.
    const conn = await WireClient.connect(first.addr);
    const res = await conn.invoke(createRequest(Code.GET_MAX_OFFSET, { topic: 'TBW102', queueId: '0' }));
    conn.close();
    assert.equal(res.code, Resp.SUCCESS, describeResponse(res));
    await first.stop();
  });

  it('listenPort=abc exits 1 with a message naming the key, the value and the line', async () => {
    const text = ['# a broker config with a typo', 'brokerName=broker-badport', 'listenPort=abc', 'brokerClusterName=TestCluster', ''].join('\n');
    const proc = cluster!.startBrokerWithText(text);
    const exit = await proc.waitForExit(20_000);
    assert.equal(exit.code, 1, proc.describe());
    const out = proc.stdout + proc.stderr;
    assert.match(out, /listenPort/, proc.describe());
    assert.match(out, /abc/, proc.describe());
    assert.match(out, /line 3\b|:3\b/, `the message should name line 3:\n${proc.describe()}`);
    assert.doesNotMatch(proc.stdout, /boot success/);
  });

  it('an unknown key gives a warning naming it, and the broker still starts', async () => {
    const broker = await cluster!.startBroker({ name: 'broker-unknown-key', props: { thisKeyDoesNotExist: 'whatever' } });
    assert.match(broker.proc.stderr + broker.proc.stdout, /warn[^\n]*thisKeyDoesNotExist|thisKeyDoesNotExist[^\n]*unknown/i, broker.proc.describe());
    await broker.stop();
  });

  it('NAMESRV_ADDR in the environment is used when the config has no namesrvAddr', async () => {
    const broker = await cluster!.startBroker({ name: 'broker-env', namesrvAddr: null, env: { NAMESRV_ADDR: namesrv.addr } });
    assert.match(broker.proc.stdout, new RegExp(`name server is ${escapeRe(namesrv.addr)}`));
    await waitRegistered('broker-env', broker.addr);
    await broker.stop();
  });

  it('-n on the command line gives the NameServer address', async () => {
    const broker = await cluster!.startBroker({ name: 'broker-dash-n', namesrvAddr: null, extraArgs: ['-n', namesrv.addr] });
    assert.match(broker.proc.stdout, new RegExp(`name server is ${escapeRe(namesrv.addr)}`));
    await waitRegistered('broker-dash-n', broker.addr);
    await broker.stop();
  });

  it('SIGTERM: the broker exits 0 and leaves the route at once', async () => {
    const broker = await cluster!.startBroker({ name: 'broker-sigterm' });
    const topic = 'SigtermTopic';
    const admin = await WireClient.connect(broker.addr);
    await createTopic(admin, topic);
    admin.close();
    await waitFor(async () => (await getRoute(ns, topic))?.brokerDatas.some((b) => b.brokerName === 'broker-sigterm'), {
      timeoutMs: 10_000,
      what: `the route of ${topic} to list broker-sigterm`,
    });
    const exit = await broker.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, broker.proc.describe());
    // Unregistered during shutdown, not 120 s later by the NameServer's scan.
    await waitFor(async () => {
      const route = await getRoute(ns, topic);
      return !route || !route.brokerDatas.some((b) => b.brokerName === 'broker-sigterm');
    }, { timeoutMs: 3000, what: `broker-sigterm to leave the route of ${topic} after its graceful shutdown` });
    const info = await clusterInfo(ns);
    assert.equal(info.brokerAddrTable['broker-sigterm'], undefined, 'broker-sigterm is still in the cluster info');
  });

  it('mqbroker -c with a missing file exits 1 naming the file', async () => {
    const missing = path.join(cluster!.root, 'no-such-broker.properties');
    const proc = cluster!.spawnBroker(['-c', missing]);
    const exit = await proc.waitForExit(20_000);
    assert.equal(exit.code, 1, proc.describe());
    assert.match(proc.stderr, new RegExp(escapeRe(missing)));
  });

  it('SIGTERM: the NameServer exits 0', async () => {
    const other = await cluster!.startNamesrv();
    const exit = await other.proc.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, other.proc.describe());
  });

  // A supervisor that waits for the boot line and then stops the process must get a graceful shutdown:
  // once "boot success" is printed, SIGTERM has to be handled (exit 0), not kill the process (signal SIGTERM).
  it('SIGTERM sent the moment the boot line appears still shuts down gracefully (NameServer x6, broker x3)', async () => {
    const exits: string[] = [];
    for (let i = 0; i < 6; i++) {
      const n = await cluster!.startNamesrv();
      const exit = await n.proc.stop();
      exits.push(`namesrv #${i}: code ${exit.code} signal ${exit.signal}`);
    }
    for (let i = 0; i < 3; i++) {
      const b = await cluster!.startBroker({ name: `broker-quick-stop-${i}` });
      const exit = await b.stop();
      exits.push(`broker #${i}: code ${exit.code} signal ${exit.signal}`);
    }
    const bad = exits.filter((e) => !e.endsWith('code 0 signal null'));
    assert.deepEqual(bad, [], `killed by the signal instead of shutting down:\n${exits.join('\n')}`);
  });
});
