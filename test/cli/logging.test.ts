// Log files and their rotation: RocketMQ's sizes by default, ROCKETMQ_LOG_MAX_SIZE / ROCKETMQ_LOG_MAX_INDEX to
// change them; a NameServer process made to log a lot rolls namesrv.log and keeps a bounded number of files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_ROTATION, parseLogSize, rotationFromEnv } from '../../src/common/logger.js';
import { NAMESRV_SCRIPT, ServerProcess, propertiesText } from '../support/cluster.js';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

const MAX_SIZE = 4096;
const KEEP = 3;

/** Opens and closes one TCP connection (the NameServer logs both). */
function touch(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => s.end());
    s.once('close', () => resolve());
    s.once('error', reject);
  });
}

describe('log rotation', () => {
  it('defaults are logback\'s: broker.log 128 MB x 20, namesrv.log 100 MB x 5', () => {
    assert.deepEqual(DEFAULT_ROTATION.broker, { maxLogSize: 128 * 1024 * 1024, backups: 20 });
    assert.deepEqual(DEFAULT_ROTATION.namesrv, { maxLogSize: 100 * 1024 * 1024, backups: 5 });
  });

  it('reads sizes like 128MB, 512k, 1g or plain bytes, and ignores nonsense', () => {
    assert.equal(parseLogSize('128MB'), 128 * 1024 * 1024);
    assert.equal(parseLogSize('512k'), 512 * 1024);
    assert.equal(parseLogSize('1g'), 1024 * 1024 * 1024);
    assert.equal(parseLogSize(' 4096 '), 4096);
    for (const bad of ['', '0', '-1', '12 parsecs', 'MB', '1.5m', 'constructor']) assert.equal(parseLogSize(bad), undefined, bad);
    assert.deepEqual(rotationFromEnv({ ROCKETMQ_LOG_MAX_SIZE: '64MB', ROCKETMQ_LOG_MAX_INDEX: '7' }), { maxLogSize: 64 * 1024 * 1024, backups: 7 });
    assert.deepEqual(rotationFromEnv({}), {});
  });

  it('a NameServer rolls namesrv.log at ROCKETMQ_LOG_MAX_SIZE and keeps ROCKETMQ_LOG_MAX_INDEX old files', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rmqts-logs-'));
    const logDir = path.join(home, 'logs');
    const port = await freePort();
    const configFile = path.join(home, 'namesrv.properties');
    fs.writeFileSync(configFile, propertiesText({ listenPort: port, bindAddress: '127.0.0.1', kvConfigPath: path.join(home, 'kv.json') }));
    const env: NodeJS.ProcessEnv = { ...process.env, ROCKETMQ_LOG_DIR: logDir, ROCKETMQ_LOG_MAX_SIZE: String(MAX_SIZE), ROCKETMQ_LOG_MAX_INDEX: String(KEEP) };
    delete env.NODE_TEST_CONTEXT;
    const proc = new ServerProcess(`namesrv :${port}`, [NAMESRV_SCRIPT, '-c', configFile], env, logDir);
    try {
      await proc.waitForOutput(/The Name Server boot success/, 20_000);
      await waitFor(() => proc.readLog('namesrv.log').includes('The Name Server boot success. serializeType=JSON'), {
        timeoutMs: 5000,
        what: 'the boot line in namesrv.log',
      });
      // Each connection logs two lines of ~70 bytes: 40 connections fill a 4 KiB file; go well past KEEP files.
      const logged = (): string[] => fs.readdirSync(logDir).filter((n) => n.startsWith('namesrv.log'));
      for (let i = 0; i < 400; i++) await touch(port);
      await waitFor(() => logged().includes(`namesrv.log.${KEEP}`), { timeoutMs: 10_000, what: `namesrv.log.${KEEP}`, intervalMs: 20 });
      assert.deepEqual(await proc.stop(), { code: 0, signal: null });

      const files = logged().sort();
      assert.deepEqual(files, ['namesrv.log', ...Array.from({ length: KEEP }, (_, i) => `namesrv.log.${i + 1}`)], 'the number of files stays bounded');
      for (const f of files) {
        const size = fs.statSync(path.join(logDir, f)).size;
        assert.ok(size <= MAX_SIZE + 200, `${f} is ${size} bytes, over ${MAX_SIZE}`);
      }
      for (const f of files.slice(1)) assert.ok(fs.statSync(path.join(logDir, f)).size > MAX_SIZE / 2, `${f} was rolled early`);
      assert.match(fs.readFileSync(path.join(logDir, 'namesrv.log'), 'utf8'), /The Name Server shut down/);
    } finally {
      await proc.stop().catch(() => undefined);
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
