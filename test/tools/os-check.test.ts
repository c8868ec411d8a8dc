// mqtools os-check: the table as a user sees it (and that it changes nothing), and --apply's logic on a fake
// /proc and /sys tree (the real ones are not ours to change in a test).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyOs, blockDeviceOf, checkOs, formatOsTable, type OsCheckEnv } from '../../src/tools/os-check.js';
import { describeRun, runTool } from './run-tool.js';

const SYSCTLS = ['vm.max_map_count', 'vm.swappiness', 'vm.overcommit_memory', 'vm.dirty_background_ratio', 'vm.dirty_ratio'];

function readSysctls(root = '/proc'): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of SYSCTLS) {
    try {
      out[name] = fs.readFileSync(path.join(root, 'sys', ...name.split('.')), 'utf8');
    } catch {
      out[name] = undefined;
    }
  }
  return out;
}

const temp: string[] = [];
function tempDir(label: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `mqtools-oscheck-${label}-`));
  temp.push(d);
  return d;
}

after(() => {
  for (const d of temp) fs.rmSync(d, { recursive: true, force: true });
});

/** A fake /proc/sys/vm and a /sys whose dev/block entry for `storeDir`'s device leads to a disk "fakedisk". */
function fakeTree(values: Record<string, string>, scheduler: string, storeDir: string): OsCheckEnv {
  const root = tempDir('tree');
  const procRoot = path.join(root, 'proc');
  const sysRoot = path.join(root, 'sys');
  fs.mkdirSync(path.join(procRoot, 'sys', 'vm'), { recursive: true });
  for (const [name, v] of Object.entries(values)) fs.writeFileSync(path.join(procRoot, 'sys', ...name.split('.')), `${v}\n`);
  const disk = path.join(sysRoot, 'devices', 'virtual', 'block', 'fakedisk');
  fs.mkdirSync(path.join(disk, 'queue'), { recursive: true });
  fs.writeFileSync(path.join(disk, 'queue', 'scheduler'), `${scheduler}\n`);
  const part = path.join(disk, 'fakedisk1');
  fs.mkdirSync(part);
  fs.writeFileSync(path.join(part, 'partition'), '1\n');
  const dev = fs.statSync(storeDir, { bigint: true }).dev;
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  fs.mkdirSync(path.join(sysRoot, 'dev', 'block'), { recursive: true });
  fs.symlinkSync(part, path.join(sysRoot, 'dev', 'block', `${major}:${minor}`));
  fs.mkdirSync(path.join(sysRoot, 'block'));
  fs.symlinkSync(disk, path.join(sysRoot, 'block', 'fakedisk'));
  return { procRoot, sysRoot, storeDir, nofile: { soft: '1024', hard: '4096' } };
}

describe('mqtools os-check', () => {
  it('prints every setting with current, RocketMQ and rocketmq-ts values, and changes nothing', async () => {
    const before = readSysctls();
    const store = tempDir('store');
    const args = ['os-check', '--store-dir', path.join(store, 'not-yet-created')];
    const r = await runTool(args, 30_000);
    assert.equal(r.code, 0, describeRun(args, r));
    const out = r.stdout;
    assert.match(out, /^setting\s+current\s+RocketMQ\s+rocketmq-ts\s+status\n-+/);
    assert.match(out, /vm\.max_map_count\s+\S+\s+655360\s+any\s+IRRELEVANT/);
    assert.match(out, /vm\.swappiness\s+\d+\s+10\s+10\s+(OK|DIFFERS)/);
    assert.match(out, /vm\.overcommit_memory\s+\d\s+1\s+any\s+IRRELEVANT/);
    assert.match(out, /vm\.dirty_background_ratio\s+\d+\s+50\s+50\s+(OK|DIFFERS)/);
    assert.match(out, /vm\.dirty_ratio\s+\d+\s+50\s+50\s+(OK|DIFFERS)/);
    assert.match(out, /open files \(ulimit -n\)\s+\S+ \(hard \S+\)\s+655350\s+655350\s+(OK|DIFFERS)/);
    assert.match(out, /I\/O scheduler \((\S+)\)\s+/);
    assert.match(out, /vm\.max_map_count: no mmap here/);
    assert.match(out, /Nothing to change\.|setting\(s\) differ; nothing was changed/);
    assert.deepEqual(readSysctls(), before);
  });

  it('finds the disk of a folder through /sys/dev/block (partitions map to their disk)', () => {
    const store = tempDir('store');
    const env = fakeTree({}, 'none [mq-deadline]', store);
    assert.equal(blockDeviceOf(path.join(store, 'a', 'b'), env.sysRoot), 'fakedisk');
  });

  it('--apply writes only the settings that matter and differ, and says how to keep them', () => {
    const store = tempDir('store');
    const env = fakeTree({
      'vm.max_map_count': '65530', 'vm.swappiness': '60', 'vm.overcommit_memory': '0',
      'vm.dirty_background_ratio': '10', 'vm.dirty_ratio': '50',
    }, 'mq-deadline kyber [bfq] none', store);
    const settings = checkOs(env);
    const byName = new Map(settings.map((s) => [s.name, s]));
    assert.equal(byName.get('vm.swappiness')?.status, 'DIFFERS');
    assert.equal(byName.get('vm.dirty_ratio')?.status, 'OK');
    assert.equal(byName.get('vm.max_map_count')?.status, 'IRRELEVANT');
    assert.equal(byName.get('open files (ulimit -n)')?.status, 'DIFFERS');
    assert.equal(byName.get('I/O scheduler (fakedisk)')?.current, 'bfq');
    assert.match(formatOsTable(settings), /I\/O scheduler \(fakedisk\)\s+bfq\s+deadline\s+mq-deadline or none\s+DIFFERS/);

    const applied = applyOs(settings);
    assert.deepEqual(applied.failed, []);
    assert.deepEqual(applied.written.sort(), [
      'I/O scheduler (fakedisk): bfq -> mq-deadline',
      'vm.dirty_background_ratio: 10 -> 50',
      'vm.swappiness: 60 -> 10',
    ]);
    const now = readSysctls(env.procRoot);
    assert.equal(now['vm.swappiness'], '10\n');
    assert.equal(now['vm.dirty_background_ratio'], '50\n');
    assert.equal(now['vm.dirty_ratio'], '50\n');
    assert.equal(now['vm.max_map_count'], '65530\n', 'irrelevant settings are left alone');
    assert.equal(now['vm.overcommit_memory'], '0\n');
    assert.ok(applied.persist.includes('vm.swappiness=10   # /etc/sysctl.conf'), applied.persist.join('\n'));
    assert.ok(applied.persist.some((p) => p.includes('nofile 655350')));
    // Applying again finds nothing left to do.
    assert.deepEqual(applyOs(checkOs(env)).written, []);
  });

  it('a scheduler already fine (none) and a missing sysctl are reported, not applied', () => {
    const store = tempDir('store');
    const env = fakeTree({ 'vm.swappiness': '1' }, '[none] mq-deadline', store);
    const settings = checkOs(env);
    const byName = new Map(settings.map((s) => [s.name, s]));
    assert.equal(byName.get('vm.swappiness')?.status, 'OK');
    assert.equal(byName.get('vm.dirty_ratio')?.status, 'UNKNOWN');
    assert.equal(byName.get('I/O scheduler (fakedisk)')?.status, 'OK');
    assert.deepEqual(applyOs(settings).written, []);
  });
});
