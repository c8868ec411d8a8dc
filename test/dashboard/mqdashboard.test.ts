// mqdashboard as an operator runs it: a child process that prints its URL, serves the API for the cluster it was
// pointed at, exits 0 on SIGTERM, and refuses to start without a NameServer address.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { ClusterResponse } from '../../src/dashboard/api-types.js';
import { AdminCluster } from '../admin/harness.js';
import { freeBrokerPort, freePort } from '../support/ports.js';
import { waitFor, withTimeout } from '../support/wait.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli');
const MQDASHBOARD = path.join(CLI, 'mqdashboard.js');
const START = path.join(CLI, 'start.js');

interface Child {
  proc: ChildProcessWithoutNullStreams;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], env: NodeJS.ProcessEnv, script = MQDASHBOARD): Child {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mqdashboard-home-'));
  const proc = spawn(process.execPath, [script, ...args], { env: { PATH: process.env.PATH, HOME: home, ...env }, cwd: home });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (t: string) => { out += t; });
  proc.stderr.setEncoding('utf8').on('data', (t: string) => { err += t; });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, out: () => out, err: () => err, exited };
}

describe('mqdashboard', { timeout: 180_000 }, () => {
  let cluster: AdminCluster;
  const children: Child[] = [];

  before(async () => {
    cluster = await AdminCluster.start();
  });

  after(async () => {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    await cluster?.stop();
  });

  it('serves the API of the cluster named by NAMESRV_ADDR and exits 0 on SIGTERM', async () => {
    const child = run(['--port', '0'], { NAMESRV_ADDR: cluster.namesrvAddr });
    children.push(child);
    const line = await waitFor(() => /^rocketmq-ts dashboard on (http:\/\/127\.0\.0\.1:\d+) \(NameServer (.*)\)$/m.exec(child.out()),
      { timeoutMs: 60_000, what: () => `the boot line; out: ${child.out()} err: ${child.err()}` });
    assert.equal(line[2], cluster.namesrvAddr);
    const res = await fetch(`${line[1]}/api/cluster`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as ClusterResponse;
    assert.deepEqual(body.brokers.map((b) => [b.brokerName, b.addr]), [['broker-a', cluster.brokerAddr()]]);
    child.proc.kill('SIGTERM');
    assert.equal(await withTimeout(child.exited, 60_000, 'mqdashboard to exit on SIGTERM'), 0);
  });

  it('refuses to start without a NameServer address, or with a bad one or a bad port', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--port', '0'], /no NameServer address: use --namesrvAddr "ip:port;ip:port" or set NAMESRV_ADDR/],
      [['--namesrvAddr', 'nowhere', '--port', '0'], /bad NameServer address "nowhere"/],
      [['--namesrvAddr', cluster.namesrvAddr, '--port', '70000'], /--port "70000" is not a port number/],
    ];
    for (const [args, pattern] of cases) {
      const child = run(args, {});
      children.push(child);
      assert.equal(await withTimeout(child.exited, 60_000, `mqdashboard ${args.join(' ')} to exit`), 1, args.join(' '));
      assert.match(child.err(), pattern);
    }
  });

  it('npm start (start.js) serves the dashboard next to its NameServer and broker, and closes it on SIGTERM', async () => {
    const [namesrvPort, brokerPort, dashboardPort] = [await freePort(), await freeBrokerPort(), await freePort()];
    const child = run(['--namesrv-port', String(namesrvPort), '--broker-port', String(brokerPort), '--dashboard-port', String(dashboardPort),
      '--data-dir', 'data'], {}, START);
    children.push(child);
    const url = `http://127.0.0.1:${dashboardPort}`;
    await waitFor(() => child.out().includes(`rocketmq-ts dashboard on ${url}`), { timeoutMs: 60_000, what: () => `the dashboard line; out: ${child.out()} err: ${child.err()}` });
    const body = (await (await fetch(`${url}/api/cluster`)).json()) as ClusterResponse;
    assert.deepEqual(body.brokers.map((b) => [b.clusterName, b.brokerName, b.addr]), [['DefaultCluster', 'broker-a', `127.0.0.1:${brokerPort}`]]);
    child.proc.kill('SIGTERM');
    assert.equal(await withTimeout(child.exited, 60_000, 'start.js to exit on SIGTERM'), 0);
  });
});
