// mqshutdown: which processes it takes for ours (a fake /proc), what it prints, and the real thing: SIGTERM to
// the brokers / NameServers named by their config file, waiting until they are gone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configFileArg, kindOf, listServerProcesses, stillRunning } from '../../src/cli/local-processes.js';
import { NAMESRV_SCRIPT, TestCluster } from '../support/cluster.js';
import { waitFor, withTimeout } from '../support/wait.js';

const MQSHUTDOWN = path.join(path.dirname(NAMESRV_SCRIPT), 'mqshutdown.js');

interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `mqshutdown <args>` to its end. */
function mqshutdown(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
  const child = spawn(process.execPath, [MQSHUTDOWN, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<ToolResult>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  return withTimeout(done, 60_000, `mqshutdown ${args.join(' ')} to finish`);
}

/** A /proc look-alike: pid folders with cmdline, stat and a cwd link. */
function fakeProc(entries: Array<{ pid: number; args: string[]; state?: string; start?: string; cwd?: string }>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rmqts-fakeproc-'));
  fs.mkdirSync(path.join(root, 'self'));
  fs.writeFileSync(path.join(root, 'uptime'), '1 1\n');
  for (const e of entries) {
    const dir = path.join(root, String(e.pid));
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'cmdline'), e.args.map((a) => `${a}\0`).join(''));
    // Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    // cutime cstime priority nice threads itrealvalue starttime ...
    const rest = [e.state ?? 'S', 1, 1, 1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 1, 0, e.start ?? '4242', 0, 0];
    fs.writeFileSync(path.join(dir, 'stat'), `${e.pid} (node (x) y) ${rest.join(' ')}\n`);
    if (e.cwd !== undefined) fs.symlinkSync(e.cwd, path.join(dir, 'cwd'));
  }
  return root;
}

describe('mqshutdown: finding our processes', () => {
  it('knows a server by the script node runs, skipping node options', () => {
    assert.equal(kindOf(['node', '/opt/rocketmq-ts/dist/src/cli/mqbroker.js', '-c', 'b.properties']), 'mqbroker');
    assert.equal(kindOf(['/usr/bin/node', '--max-old-space-size', '512', '/usr/local/bin/mqbroker']), 'mqbroker');
    assert.equal(kindOf(['node', '--enable-source-maps', 'dist/src/cli/mqnamesrv.js']), 'mqnamesrv');
    assert.equal(kindOf(['nodejs', '/usr/local/bin/mqnamesrv', '-c', 'ns.properties']), 'mqnamesrv');
    assert.equal(kindOf(['node', 'dist/src/cli/start.js', '--data-dir', 'x']), 'all-in-one');
    assert.equal(kindOf(['node', '/usr/local/bin/rocketmq-ts']), 'all-in-one');
    assert.equal(kindOf(['node', '-r', 'mqbroker.js', 'app.js']), undefined, 'a preloaded module is not the script');
    assert.equal(kindOf(['node', '/x/mqtools.js', 'producer']), undefined);
    assert.equal(kindOf(['bash', 'mqbroker']), undefined);
    assert.equal(kindOf(['vim', 'mqbroker.js']), undefined);
    assert.equal(kindOf(['node']), undefined);
  });

  it('reads the config file argument in its spellings', () => {
    assert.equal(configFileArg(['node', 'mqbroker.js', '-c', 'a.properties']), 'a.properties');
    assert.equal(configFileArg(['node', 'mqbroker.js', '-n', 'x:9876', '--configFile', 'b.properties']), 'b.properties');
    assert.equal(configFileArg(['node', 'mqbroker.js', '--configFile=c.properties']), 'c.properties');
    assert.equal(configFileArg(['node', 'mqbroker.js', '-cd.properties']), 'd.properties');
    assert.equal(configFileArg(['node', 'mqbroker.js', '-n', 'x:9876']), undefined);
  });

  it('lists servers from /proc with their working folder, skipping zombies and strangers', () => {
    const root = fakeProc([
      { pid: 101, args: ['node', '/opt/rmq/dist/src/cli/mqbroker.js', '-c', 'conf/broker-a.properties'], cwd: '/opt/rmq' },
      { pid: 102, args: ['/usr/bin/node', '/usr/local/bin/mqnamesrv'] },
      { pid: 103, args: ['node', 'dist/src/cli/start.js'] },
      { pid: 104, args: ['node', '/x/mqtools.js', 'producer'] },
      { pid: 105, args: ['node', '/usr/local/bin/mqbroker'], state: 'Z' },
      { pid: 106, args: ['sh', '-c', 'mqbroker'] },
    ]);
    try {
      const found = listServerProcesses(root);
      assert.deepEqual(found.map((p) => [p.pid, p.kind]), [[101, 'mqbroker'], [102, 'mqnamesrv'], [103, 'all-in-one']]);
      assert.equal(found[0]!.cwd, '/opt/rmq');
      assert.equal(found[0]!.startTime, '4242');
      assert.equal(stillRunning(found[0]!, root), true);
      assert.equal(stillRunning({ ...found[0]!, startTime: '1' }, root), false, 'the pid now belongs to another process');
      fs.rmSync(path.join(root, '101'), { recursive: true });
      assert.equal(stillRunning(found[0]!, root), false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('says "No mqbroker running." (exit 1) when there is none, and points at an all-in-one process', async () => {
    const root = fakeProc([{ pid: 103, args: ['node', 'dist/src/cli/start.js'] }]);
    try {
      const r = await mqshutdown(['broker'], { env: { MQSHUTDOWN_PROC_ROOT: root } });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^No mqbroker running\.\n\(all-in-one rocketmq-ts process 103 hosts a NameServer and a broker together; stop it with Ctrl-C or: kill 103\)\n$/);
      const ns = await mqshutdown(['namesrv'], { env: { MQSHUTDOWN_PROC_ROOT: root } });
      assert.equal(ns.code, 1);
      assert.match(ns.stdout, /^No mqnamesrv running\./);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses an unknown role with RocketMQ\'s usage line', async () => {
    const r = await mqshutdown(['proxy']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Useage: mqshutdown broker \| namesrv/);
  });
});

describe('mqshutdown: real processes', () => {
  let cluster: TestCluster;

  before(() => {
    cluster = TestCluster.create('mqshutdown');
  });

  after(async () => {
    await cluster.shutdown();
  });

  it('stops the broker named by its config file (and only it), then the NameServer; each exits 0 and logs its shutdown', async () => {
    const namesrv = await cluster.startNamesrv();
    const a = await cluster.startBroker({ name: 'broker-stop-a' });
    const b = await cluster.startBroker({ name: 'broker-stop-b' });
    await waitFor(() => /The broker\[broker-stop-a, [^\]]+\] boot success/.test(a.readLog()), { timeoutMs: 5000, what: 'the boot line in broker.log' });

    // Relative to the folder it is run in, like the operator's `mqshutdown broker -c conf/broker-a.properties`.
    const r = await mqshutdown(['broker', '-c', path.basename(a.configFile)], { cwd: path.dirname(a.configFile) });
    assert.equal(r.code, 0, r.stderr);
    const pid = a.proc.pid!;
    assert.equal(r.stdout, `The mqbroker(${pid}) is running...\nSend shutdown request to mqbroker(${pid}) OK\nThe mqbroker(${pid}) is stopped.\n`);
    assert.deepEqual(await a.proc.waitForExit(5000), { code: 0, signal: null });
    assert.match(a.readLog(), /The broker\[broker-stop-a, [^\]]+\] shutdown OK/);
    assert.equal(b.proc.running, true, 'the other broker was stopped too');

    const again = await mqshutdown(['broker', '-c', a.configFile]);
    assert.equal(again.code, 1);
    assert.equal(again.stdout, 'No mqbroker running.\n');

    const ns = await mqshutdown(['namesrv', '-c', namesrv.configFile]);
    assert.equal(ns.code, 0, ns.stderr);
    assert.match(ns.stdout, new RegExp(`^The mqnamesrv\\(${namesrv.proc.pid}\\) is running\\.\\.\\.\n`));
    assert.deepEqual(await namesrv.proc.waitForExit(5000), { code: 0, signal: null });
    assert.match(namesrv.readLog(), /The Name Server boot success/);

    assert.deepEqual(await b.stop(), { code: 0, signal: null });
  });

  it('--timeout 0 sends the request and returns at once, as RocketMQ\'s script does', async () => {
    const broker = await cluster.startBroker({ name: 'broker-nowait', namesrvAddr: null });
    const r = await mqshutdown(['broker', '-c', broker.configFile, '--timeout', '0']);
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stdout, /is stopped/);
    assert.match(r.stdout, /Send shutdown request to mqbroker\(\d+\) OK\n$/);
    assert.deepEqual(await broker.proc.waitForExit(15_000), { code: 0, signal: null });
  });
});
