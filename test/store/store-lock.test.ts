// The store lock: a live holder is refused with RocketMQ's message, a stale lock is taken over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DefaultMessageStore } from '../../src/store/default-message-store.js';
import { message, openStore, smallOptions, tempDir } from './helpers.js';

function procStart(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

test('a lock held by a live process is refused: "Lock failed,MQ already started"', async (t) => {
  const root = tempDir('lock-live');
  fs.mkdirSync(root, { recursive: true });
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  t.after(() => holder.kill('SIGKILL'));
  await new Promise((r) => holder.once('spawn', r));
  fs.writeFileSync(path.join(root, 'lock'), `${holder.pid} ${procStart(holder.pid!)}\n`);
  const store = new DefaultMessageStore(smallOptions(root));
  await assert.rejects(store.start(), (e: Error) => e.message.includes('Lock failed,MQ already started') && e.message.includes(String(holder.pid)));
  assert.equal(fs.existsSync(path.join(root, 'abort')), false, 'a refused store touches nothing');
});

test('a second store on the same folder in this process is refused; after shutdown it may start', async () => {
  const root = tempDir('lock-twice');
  const first = await openStore(smallOptions(root));
  await assert.rejects(new DefaultMessageStore(smallOptions(root)).start(), /Lock failed,MQ already started/);
  await first.putMessage(message('T', 0, 'x'));
  await first.shutdown();
  const second = await openStore(smallOptions(root));
  assert.equal(second.getMaxOffsetInQueue('T', 0), 1);
  await second.shutdown();
});

test('a stale lock (dead pid, or a pid reused by another process) is taken over', async () => {
  const root = tempDir('lock-stale');
  fs.mkdirSync(root, { recursive: true });
  const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
  fs.writeFileSync(path.join(root, 'lock'), `${dead} 12345\n`);
  const store = await openStore(smallOptions(root));
  assert.match(fs.readFileSync(path.join(root, 'lock'), 'utf8'), new RegExp(`^${process.pid} `));
  await store.shutdown();

  // Our parent is alive but started at another time than the lock says: the pid was reused.
  fs.writeFileSync(path.join(root, 'lock'), `${process.ppid} 1\n`);
  const again = await openStore(smallOptions(root));
  await again.shutdown();

  fs.writeFileSync(path.join(root, 'lock'), 'garbage');
  const garbage = await openStore(smallOptions(root));
  await garbage.shutdown();
});
