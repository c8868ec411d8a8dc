// What `mqtools cluster start` derives for each mode, without starting anything: ports that never collide,
// a folder per process, and broker files that keep the sample's keys and load without a warning.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { parseBrokerConfig } from '../../src/config/broker-config.js';
import { CLUSTER_MODES, ClusterError, clusterModeNames, planCluster, type ClusterMode } from '../../src/tools/cluster-plan.js';

const DIR = '/tmp/plan-test';

for (const mode of clusterModeNames() as ClusterMode[]) {
  test(`${mode}: distinct ports and folders, files that load without a warning`, () => {
    const plan = planCluster({ mode, dir: DIR, host: '127.0.0.1', namesrvCount: 2, basePort: 9876 });
    assert.equal(plan.namesrvAddr, '127.0.0.1:9876;127.0.0.1:9877');
    assert.equal(plan.brokers.length, CLUSTER_MODES[mode].length);
    const servers = [...plan.namesrvs, ...plan.brokers];
    const ports = servers.flatMap((s) => s.ports);
    assert.equal(new Set(ports).size, ports.length, `ports collide: ${ports.join(', ')}`);
    assert.equal(new Set(servers.map((s) => s.folder)).size, servers.length);
    plan.brokers.forEach((b, i) => {
      assert.equal(b.port, 10911 + 10 * i);
      assert.deepEqual(b.ports, [b.port - 2, b.port, b.port + 1]);
      const { config: c, warnings } = parseBrokerConfig(b.configText, b.configFile, { HOME: '/home/rmq' });
      assert.deepEqual(warnings, []);
      assert.equal(c.listenPort, b.port);
      assert.equal(c.namesrvAddr, plan.namesrvAddr);
      assert.equal(c.brokerIP1, '127.0.0.1');
      assert.equal(c.brokerIP2, '127.0.0.1');
      assert.equal(c.storePathRootDir, path.join(DIR, b.name, 'store'));
      assert.equal(c.storePathCommitLog, path.join(DIR, b.name, 'store', 'commitlog'));
      assert.equal(c.storePathConsumeQueue, path.join(DIR, b.name, 'store', 'consumequeue'));
      assert.equal(c.deleteWhen, '04');
      assert.equal(c.fileReservedTime, 48);
    });
    for (const n of plan.namesrvs) assert.match(n.configText, new RegExp(`^listenPort=${n.port}$`, 'm'));
  });
}

test('2m-2s-sync: masters first, then slaves, with the samples\' names, ids and roles', () => {
  const plan = planCluster({ mode: '2m-2s-sync', dir: DIR, host: '127.0.0.1', namesrvCount: 1, basePort: 9876 });
  assert.deepEqual(plan.brokers.map((b) => [b.name, b.brokerName, b.brokerId, b.role]), [
    ['broker-a', 'broker-a', 0, 'SYNC_MASTER'],
    ['broker-b', 'broker-b', 0, 'SYNC_MASTER'],
    ['broker-a-s', 'broker-a', 1, 'SLAVE'],
    ['broker-b-s', 'broker-b', 1, 'SLAVE'],
  ]);
});

test('bad options are ClusterErrors naming the option', () => {
  const base = { mode: 'single' as const, dir: DIR, host: '127.0.0.1', namesrvCount: 1, basePort: 9876 };
  assert.throws(() => planCluster({ ...base, host: '::1' }), (e: unknown) => e instanceof ClusterError && /--host/.test(e.message));
  assert.throws(() => planCluster({ ...base, namesrvCount: 0 }), /--namesrv-count must be 1\.\.9, got 0/);
  assert.throws(() => planCluster({ ...base, basePort: 64600 }), /--base-port 64600 leaves no room/);
  assert.throws(() => planCluster({ ...base, confDir: '/nonexistent' }), /cannot read the single sample file \/nonexistent\/broker\.conf/);
});
