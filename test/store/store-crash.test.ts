// kill -9 in the middle of appending: every acknowledged message is there and intact after recovery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeMessage, messageBodyCrc } from '../../src/protocol/message.js';
import { openStore, smallOptions, tempDir } from './helpers.js';

const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url));

interface Ack {
  i: number;
  phy: number;
  queueOffset: number;
}

/** Runs the child until it has acknowledged `count` puts, then SIGKILLs it. */
async function appendAndKill(root: string, mode: string, count: number): Promise<Ack[]> {
  const child = spawn(process.execPath, [CHILD, root, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acks: Ack[] = [];
  let stderr = '';
  let buffered = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [, i, phy, qo] = line.split(' ');
        acks.push({ i: Number(i), phy: Number(phy), queueOffset: Number(qo) });
      }
      if (acks.length >= count && child.exitCode === null) child.kill('SIGKILL');
    });
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
  return acks;
}

for (const mode of ['SYNC_FLUSH', 'ASYNC_FLUSH']) {
  test(`${mode}: after kill -9 every acknowledged message is stored intact and served`, { timeout: 60_000 }, async () => {
    const root = tempDir(`crash-${mode}`);
    const acks = await appendAndKill(root, mode, 1500);
    assert.ok(acks.length >= 1500);
    const store = await openStore(smallOptions(root, { flushDiskType: mode === 'SYNC_FLUSH' ? 'SYNC_FLUSH' : 'ASYNC_FLUSH' }));
    assert.equal(store.recovery?.aborted, true, 'the killed child left its abort file');
    assert.ok(store.getMaxPhyOffset() > 2 * 64 * 1024, 'the run crossed segment boundaries');
    const now = Date.now() + 1000;
    for (const ack of acks) {
      const record = store.lookMessageByOffset(ack.phy);
      assert.ok(record, `acknowledged message ${ack.i} at ${ack.phy} is in the commit log`);
      const m = decodeMessage(record);
      assert.equal(m.body.toString(), `msg-${ack.i}-${'c'.repeat(ack.i % 300)}`);
      assert.equal(m.bodyCRC, messageBodyCrc(m.body));
      assert.equal(m.queueOffset, ack.queueOffset);
      const pulled = store.getMessage('CrashTopic', ack.i % 4, ack.queueOffset, 1, null);
      assert.equal(pulled.status, 'FOUND');
      assert.ok(pulled.messages[0]!.equals(record), `message ${ack.i} is served from its queue`);
    }
    for (const ack of acks.filter((_, n) => n % 97 === 0)) {
      assert.equal(store.queryMessage('CrashTopic', `key${ack.i}`, 32, 0, now).messages.length, 1, `key${ack.i} is indexed`);
    }
    // Nothing half-written is reachable: every unit of every queue points at a whole, CRC-valid record.
    for (let q = 0; q < 4; q++) {
      const max = store.getMaxOffsetInQueue('CrashTopic', q);
      for (let offset = 0; offset < max; ) {
        const got = store.getMessage('CrashTopic', q, offset, 32, null);
        assert.equal(got.status, 'FOUND', `queue ${q} offset ${offset}`);
        for (const rec of got.messages) {
          const m = decodeMessage(rec);
          assert.equal(m.bodyCRC, messageBodyCrc(m.body));
        }
        offset = got.nextBeginOffset;
      }
    }
    const after = await store.putMessage({ ...decodeMessage(store.lookMessageByOffset(acks[0]!.phy)!), properties: '' });
    assert.equal(after.status, 'PUT_OK');
    await store.shutdown();
  });
}
