// The state file's processes as `mqtools cluster` sees them: one that ignores SIGTERM is killed after the
// wait (and the user told so), a state file whose processes are gone does not block a new start, and a
// damaged state file is refused with its name.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { isPortFree } from '../../src/tools/cluster-process.js';
import { isAlive, processStartTime, readState, statePath, writeState, type ClusterState, type ProcessRecord } from '../../src/tools/cluster-state.js';
import { waitFor } from '../support/wait.js';
import { describeRun, runTool } from './run-tool.js';

const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtools-cluster-state-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(ROOT, { recursive: true, force: true });
});

/** A node process that prints "ready" once its SIGTERM handler (which ignores the signal) is in place. */
async function stubborn(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); console.log("ready")'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(child);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  await waitFor(() => out.includes('ready'), { timeoutMs: 30_000, what: 'the stubborn process to start' });
  return child;
}

function record(name: string, pid: number): ProcessRecord {
  return {
    kind: 'broker', name, pid, startTime: processStartTime(pid), port: 1, ports: [1],
    configFile: '', logDir: '', stdoutFile: '', stderrFile: '',
  };
}

function state(dir: string, processes: ProcessRecord[]): ClusterState {
  fs.mkdirSync(dir, { recursive: true });
  return { version: 1, mode: 'single', dir, host: '127.0.0.1', namesrvAddr: '127.0.0.1:1', startedAt: new Date().toISOString(), processes };
}

describe('cluster state', () => {
  it('stop kills a process that ignores SIGTERM after --timeout and says so', async () => {
    const dir = path.join(ROOT, 'stubborn');
    const child = await stubborn();
    const rec = record('broker-x', child.pid!);
    writeState(state(dir, [rec]));
    const args = ['cluster', 'stop', '--dir', dir, '--timeout', '1'];
    const r = await runTool(args, 60_000);
    assert.equal(r.code, 0, describeRun(args, r));
    assert.match(r.stderr, new RegExp(`broker-x \\(pid ${rec.pid}\\) did not exit within 1 s of SIGTERM: killed with SIGKILL`));
    assert.equal(isAlive(rec), false);
    assert.equal(fs.existsSync(statePath(dir)), false);
  });

  it('a state file whose processes are gone: status says NOT RUNNING, and a new start goes ahead', async () => {
    const dir = path.join(ROOT, 'stale');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10)'], { stdio: 'ignore' });
    children.push(child);
    const rec = record('broker-gone', child.pid!);
    await new Promise((resolve) => child.once('exit', resolve));
    writeState(state(dir, [rec]));

    const status = await runTool(['cluster', 'status', '--dir', dir], 60_000);
    assert.equal(status.code, 1, describeRun(['status'], status));
    assert.match(status.stdout, /broker-gone .*NOT RUNNING/);

    const base = await waitFor(async () => {
      const b = 12000 + Math.floor(Math.random() * 8000);
      return (await Promise.all([b, b + 1033, b + 1035, b + 1036].map(isPortFree))).every(Boolean) ? b : undefined;
    }, { timeoutMs: 30_000, what: 'a free base port' });
    const args = ['cluster', 'start', 'single', '--dir', dir, '--base-port', String(base)];
    const start = await runTool(args, 180_000);
    try {
      assert.equal(start.code, 0, describeRun(args, start));
      assert.match(start.stderr, /named processes that are gone; starting afresh/);
      assert.deepEqual(readState(dir)?.processes.map((p) => [p.name, p.role ?? '']), [['namesrv-1', ''], ['broker', 'ASYNC_MASTER']]);
    } finally {
      if (fs.existsSync(statePath(dir))) {
        const stop = await runTool(['cluster', 'stop', '--dir', dir], 120_000);
        assert.equal(stop.code, 0, describeRun(['stop'], stop));
      }
    }
  });

  it('a damaged state file is refused with its name', async () => {
    const dir = path.join(ROOT, 'damaged');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(statePath(dir), '{"version": 1, "mode": "single", "processes": [{"kind": "broker", "pid": "x"}]}');
    const r = await runTool(['cluster', 'stop', '--dir', dir], 60_000);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cluster\.json: process 1: field "pid" is missing or wrong/);
    fs.writeFileSync(statePath(dir), 'not json');
    const s = await runTool(['cluster', 'status', '--dir', dir], 60_000);
    assert.equal(s.code, 1);
    assert.match(s.stderr, /cluster\.json is not a cluster state file/);
  });
});
