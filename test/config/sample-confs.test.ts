// conf/ ships RocketMQ 4.9.8's sample broker files: each loads unchanged, with the values users rely on, and
// still loads after the edits the seed guides make to it (NameServers, ports, IPs, store paths, flush type).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseBrokerConfig } from '../../src/config/broker-config.js';
import { sampleConfDir, withOverrides } from '../../src/tools/cluster-plan.js';

const ENV: NodeJS.ProcessEnv = { HOME: '/home/rmq' };
const CONF = sampleConfDir();

/** Every sample file of 4.9.8's distribution/conf (DLedger aside) with its brokerName, brokerId and brokerRole. */
const EXPECTED: ReadonlyArray<readonly [string, string, number, string]> = [
  ['broker.conf', 'broker-a', 0, 'ASYNC_MASTER'],
  ['2m-noslave/broker-a.properties', 'broker-a', 0, 'ASYNC_MASTER'],
  ['2m-noslave/broker-b.properties', 'broker-b', 0, 'ASYNC_MASTER'],
  ['2m-noslave/broker-trace.properties', 'broker-trace', 0, 'ASYNC_MASTER'],
  ['2m-2s-async/broker-a.properties', 'broker-a', 0, 'ASYNC_MASTER'],
  ['2m-2s-async/broker-a-s.properties', 'broker-a', 1, 'SLAVE'],
  ['2m-2s-async/broker-b.properties', 'broker-b', 0, 'ASYNC_MASTER'],
  ['2m-2s-async/broker-b-s.properties', 'broker-b', 1, 'SLAVE'],
  ['2m-2s-sync/broker-a.properties', 'broker-a', 0, 'SYNC_MASTER'],
  ['2m-2s-sync/broker-a-s.properties', 'broker-a', 1, 'SLAVE'],
  ['2m-2s-sync/broker-b.properties', 'broker-b', 0, 'SYNC_MASTER'],
  ['2m-2s-sync/broker-b-s.properties', 'broker-b', 1, 'SLAVE'],
];

function read(file: string): string {
  return fs.readFileSync(path.join(CONF, file), 'utf8');
}

function listConf(dir = CONF, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listConf(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}

test('conf/ holds exactly the sample broker files of the 4.9.8 distribution', () => {
  assert.deepEqual(listConf().sort(), EXPECTED.map(([f]) => f).sort());
});

for (const [file, brokerName, brokerId, brokerRole] of EXPECTED) {
  test(`conf/${file} loads unchanged, without a warning, as ${brokerName} id ${brokerId} ${brokerRole}`, () => {
    const { config: c, warnings } = parseBrokerConfig(read(file), file, ENV);
    assert.deepEqual(warnings, []);
    assert.equal(c.brokerClusterName, 'DefaultCluster');
    assert.equal(c.brokerName, brokerName);
    assert.equal(c.brokerId, brokerId);
    assert.equal(c.brokerRole, brokerRole);
    assert.equal(c.flushDiskType, 'ASYNC_FLUSH');
    assert.equal(c.deleteWhen, '04');
    assert.equal(c.fileReservedTime, 48);
    // What the samples leave to the defaults.
    assert.equal(c.listenPort, 10911);
    assert.equal(c.haListenPort, 10912);
    assert.equal(c.storePathRootDir, '/home/rmq/store');
    assert.equal(c.storePathCommitLog, '/home/rmq/store/commitlog');
  });
}

/** The edits of seed guides 000-004: their NameServer lists, second-port slaves, own store folders, SYNC_FLUSH. */
const SEED_EDITS: ReadonlyArray<readonly [string, string]> = [
  ['namesrvAddr', '192.168.1.1:9876;192.168.1.2:9876;192.168.1.3:9876;192.168.1.4:9876'],
  ['brokerIP1', '192.168.1.5'],
  ['brokerIP2', '192.168.1.5'],
  ['listenPort', '11011'],
  ['brokerPort', '11011'],
  ['storePathRootDir', '/app/rocketmq/storeSlave'],
  ['storePathCommitLog', '/app/rocketmq/storeSlave/commitlog'],
  ['storePathConsumeQueue', '/app/rocketmq/storeSlave/consumequeue'],
  ['storePathIndex', '/app/rocketmq/storeSlave/index'],
  ['mapedFileSizeCommitLog', '1073741824'],
  ['defaultTopicQueueNums', '4'],
  ['fileReservedTime', '120'],
  ['flushDiskType', 'SYNC_FLUSH'],
];

for (const [file, brokerName, brokerId, brokerRole] of EXPECTED) {
  test(`conf/${file} with the seed guides' edits loads without a warning and takes them`, () => {
    const edited = withOverrides(read(file), SEED_EDITS, 'edited as in the seed guides');
    const { config: c, warnings } = parseBrokerConfig(edited, file, ENV);
    assert.deepEqual(warnings, []);
    assert.equal(c.brokerName, brokerName);
    assert.equal(c.brokerId, brokerId);
    assert.equal(c.brokerRole, brokerRole);
    assert.equal(c.namesrvAddr, '192.168.1.1:9876;192.168.1.2:9876;192.168.1.3:9876;192.168.1.4:9876');
    assert.equal(c.brokerIP1, '192.168.1.5');
    assert.equal(c.listenPort, 11011);
    assert.equal(c.haListenPort, 11012);
    assert.equal(c.storePathCommitLog, '/app/rocketmq/storeSlave/commitlog');
    assert.equal(c.storePathConsumeQueue, '/app/rocketmq/storeSlave/consumequeue');
    assert.equal(c.mappedFileSizeCommitLog, 1073741824);
    assert.equal(c.fileReservedTime, 120);
    assert.equal(c.flushDiskType, 'SYNC_FLUSH');
    assert.equal(c.deleteWhen, '04');
  });
}

test('withOverrides replaces a key in place (also written "key = value") and appends the others under a note', () => {
  const text = withOverrides('# c\nbrokerId = 0\nflushDiskType=ASYNC_FLUSH\n\n', [['flushDiskType', 'SYNC_FLUSH'], ['brokerId', '1'], ['listenPort', '1']], 'note');
  assert.equal(text, '# c\nbrokerId=1\nflushDiskType=SYNC_FLUSH\n# note\nlistenPort=1\n');
});
