import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/common/errors.js';
import {
  applyNamesrvConfigUpdates,
  defaultNamesrvConfig,
  formatNamesrvConfig,
  parseNamesrvConfig,
} from '../../src/config/namesrv-config.js';

const ENV: NodeJS.ProcessEnv = { HOME: '/home/rmq' };

test('defaults are RocketMQ 4.9.8 NamesrvStartup defaults', () => {
  const c = defaultNamesrvConfig(ENV);
  assert.equal(c.listenPort, 9876);
  assert.equal(c.kvConfigPath, '/home/rmq/namesrv/kvConfig.json');
  assert.equal(c.configStorePath, '/home/rmq/namesrv/namesrv.properties');
  assert.equal(c.productEnvName, 'center');
  assert.equal(c.clusterTest, false);
  assert.equal(c.orderMessageEnable, false);
  assert.equal(c.configBlackList, 'configBlackList;configStorePath;kvConfigPath');
  assert.equal(c.serverChannelMaxIdleTimeSeconds, 120);
  assert.equal(c.serverWorkerThreads, 8);
  assert.equal(c.bindAddress, '0.0.0.0');
  assert.equal(c.rocketmqHome, '');
  assert.equal(defaultNamesrvConfig({ ROCKETMQ_HOME: '/opt/rmq' }).rocketmqHome, '/opt/rmq');
});

test('a NameServer properties file: typed values, unknown keys warn', () => {
  const text = 'listenPort = 9877\norderMessageEnable=true\nkvConfigPath=/data/kv.json\nbrokerName=x\n';
  const { config, warnings } = parseNamesrvConfig(text, 'namesrv.properties', ENV);
  assert.equal(config.listenPort, 9877);
  assert.equal(config.orderMessageEnable, true);
  assert.equal(config.kvConfigPath, '/data/kv.json');
  assert.deepEqual(warnings, ['namesrv.properties:4: unknown key "brokerName" ignored']);
});

test('bad values are ConfigErrors naming file, line, key and value', () => {
  const cases: Array<[string, string]> = [
    ['listenPort=abc', 'n.properties:1: listenPort: "abc" is not an integer'],
    ['\norderMessageEnable=maybe', 'n.properties:2: orderMessageEnable: "maybe" is not a boolean (true or false)'],
    ['listenPort=65536', 'n.properties:1: listenPort: "65536" is not a port (0-65535)'],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseNamesrvConfig(text, 'n.properties', ENV), (e: Error) => e instanceof ConfigError && e.message === message, text);
  }
});

test('format writes key=value lines that parse back to the same config; unset rocketmqHome is left out', () => {
  const config = parseNamesrvConfig('listenPort=19876\norderMessageEnable=true', 'n', ENV).config;
  const text = formatNamesrvConfig(config);
  assert.ok(text.includes('listenPort=19876\n'));
  assert.ok(text.includes('orderMessageEnable=true\n'));
  assert.ok(!text.includes('rocketmqHome='));
  const back = parseNamesrvConfig(text, 'formatted', ENV);
  assert.deepEqual(back.warnings, []);
  assert.deepEqual(back.config, config);
});

test('updates apply in place, all or nothing, and report the changed keys', () => {
  const config = defaultNamesrvConfig(ENV);
  const result = applyNamesrvConfigUpdates(config, 'orderMessageEnable=true\nproductEnvName=center');
  assert.equal(result.config, config);
  assert.equal(config.orderMessageEnable, true);
  assert.deepEqual(result.changedKeys, ['orderMessageEnable']);
  const before = { ...config };
  assert.throws(() => applyNamesrvConfigUpdates(config, 'clusterTest=true\nlistenPort=x'), /UPDATE_NAMESRV_CONFIG:2: listenPort: "x" is not an integer/);
  assert.deepEqual(config, before);
});
