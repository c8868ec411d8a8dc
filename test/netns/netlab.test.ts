// The lab itself: hosts reach each other and the test process reaches them; a cut drops traffic both ways
// until healed; destroy() leaves nothing behind; a crashed run's leftovers are swept by the next one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { ip, NetLab, sweepStaleLabs } from '../support/netns.js';

const PORT = 7777;
/** A TCP server printing "listening" that answers every connection with "hello". */
const SERVER = `require('net').createServer((s) => s.end('hello')).listen(${PORT}, () => console.log('listening'))`;

/** A client in the lab printing "got hello", or "failed <code>" when nothing answers within 3 s. */
function clientScript(addr: string): string {
  return `const s = require('net').connect(${PORT}, '${addr}'); let d = '';
s.setTimeout(3000, () => { console.log('failed TIMEOUT'); process.exit(0); });
s.on('data', (c) => { d += c; }); s.on('end', () => { console.log('got ' + d); process.exit(0); });
s.on('error', (e) => { console.log('failed ' + e.code); process.exit(0); });`;
}

function fetchFromTestProcess(addr: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(PORT, addr);
    let d = '';
    s.setTimeout(5000, () => { s.destroy(); reject(new Error(`no answer from ${addr}:${PORT}`)); });
    s.on('data', (c: Buffer) => { d += c.toString(); });
    s.on('end', () => resolve(d));
    s.on('error', reject);
  });
}

let lab: NetLab | undefined;
after(async () => {
  await lab?.destroy();
});

describe('NetLab', () => {
  it('connects hosts to each other and to the test process; cut and heal; destroy removes everything', async () => {
    lab = await NetLab.create('lab', 2);
    const l = lab;
    assert.notEqual(l.addr(0), l.addr(1));
    const server = l.spawn(0, 'tcp-server', ['-e', SERVER]);
    await server.waitForOutput(/listening/, 30_000);
    assert.equal(await fetchFromTestProcess(l.addr(0)), 'hello');

    const fromHost1 = async (): Promise<string> => {
      const c = l.spawn(1, 'tcp-client', ['-e', clientScript(l.addr(0))]);
      const m = await c.waitForOutput(/(got|failed) \S+/, 30_000);
      return m[0];
    };
    assert.equal(await fromHost1(), 'got hello');
    await l.cut(1, [l.addr(0)]);
    assert.match(await fromHost1(), /^failed/);
    assert.equal(await fetchFromTestProcess(l.addr(0)), 'hello', 'a cut between two hosts leaves the test process\'s path alone');
    await l.heal(1);
    assert.equal(await fromHost1(), 'got hello');

    const names = l.hosts.map((h) => h.ns);
    await l.destroy();
    assert.equal(server.running, false, 'destroy kills what runs in the lab');
    const left = await ip(['netns', 'list']);
    for (const n of names) assert.ok(!left.includes(n), `namespace ${n} removed`);
    assert.ok(!(await ip(['-o', 'link', 'show'])).includes(l.bridge), `bridge ${l.bridge} removed`);
  });

  it('sweeps namespaces and links left by a run whose process is gone', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    assert.ok(dead !== undefined && dead > 0);
    const ns = `rmqts-${dead}-ffff-h0`;
    const link = 'rqffffbr';
    await ip(['netns', 'add', ns]);
    await ip(['link', 'add', link, 'type', 'bridge']);
    await ip(['link', 'set', link, 'alias', `rmqts-pid-${dead}`]);
    const removed = await sweepStaleLabs();
    assert.ok(removed.includes(ns) && removed.includes(link), `swept ${removed.join(', ')}`);
    assert.ok(!(await ip(['netns', 'list'])).includes(ns));
  });
});
