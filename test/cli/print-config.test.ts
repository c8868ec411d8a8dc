// mqbroker -m / -p and mqnamesrv -p print the effective config and exit 0, as RocketMQ's startup scripts do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli');

function lines(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) map.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return map;
}

function writeConf(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'print-config-'));
  const file = path.join(dir, 'broker.conf');
  fs.writeFileSync(file, text);
  return file;
}

test('mqbroker -p prints every config item with the file applied, historical spellings resolved', async () => {
  const conf = writeConf('brokerName=broker-x\nlistenPort=12911\nmapedFileSizeCommitLog=1048576\nflushDiskType=SYNC_FLUSH\n');
  const { stdout } = await run(process.execPath, [path.join(CLI, 'mqbroker.js'), '-c', conf, '-p']);
  const items = lines(stdout);
  assert.equal(items.get('brokerName'), 'broker-x');
  assert.equal(items.get('listenPort'), '12911');
  assert.equal(items.get('haListenPort'), '12912');
  assert.equal(items.get('mappedFileSizeCommitLog'), '1048576');
  assert.equal(items.get('flushDiskType'), 'SYNC_FLUSH');
  assert.equal(items.get('brokerClusterName'), 'DefaultCluster');
  assert.ok(items.size > 100, `only ${items.size} items printed`);
});

test('mqbroker -m prints only the important items, -n overrides the file', async () => {
  const conf = writeConf('brokerName=broker-y\nnamesrvAddr=10.0.0.1:9876\n');
  const { stdout } = await run(process.execPath, [path.join(CLI, 'mqbroker.js'), '-c', conf, '-n', '127.0.0.1:9876;127.0.0.2:9876', '-m']);
  const items = lines(stdout);
  assert.equal(items.get('brokerName'), 'broker-y');
  assert.equal(items.get('namesrvAddr'), '127.0.0.1:9876;127.0.0.2:9876');
  assert.ok(items.size < 30, `${items.size} items is not "important only"`);
  assert.ok(!items.has('maxTransferCountOnMessageInDisk'));
});

test('mqnamesrv -p prints the NameServer config and exits 0', async () => {
  const { stdout } = await run(process.execPath, [path.join(CLI, 'mqnamesrv.js'), '-p']);
  const items = lines(stdout);
  assert.equal(items.get('listenPort'), '9876');
  assert.ok(items.has('kvConfigPath'));
  assert.equal(items.get('orderMessageEnable'), 'false');
});

test('mqbroker -p with a malformed value exits 1 naming the key, value and line', async () => {
  const conf = writeConf('brokerName=b\n\nlistenPort=abc\n');
  await assert.rejects(run(process.execPath, [path.join(CLI, 'mqbroker.js'), '-c', conf, '-p']), (err: unknown) => {
    const e = err as { code?: number; stderr?: string };
    assert.equal(e.code, 1);
    assert.match(e.stderr ?? '', /broker\.conf:3: listenPort: "abc" is not an integer/);
    return true;
  });
});
