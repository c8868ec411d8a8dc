// Child process for the kill -9 test: appends forever, printing "ACK <i> <commitLogOffset> <queueOffset>"
// for each acknowledged put. Usage: node crash-child.js <storeRoot> <SYNC_FLUSH|ASYNC_FLUSH>.
// Without arguments (e.g. picked up by a test runner) it does nothing.
import { message, openStore, smallOptions } from './helpers.js';

async function main(root: string, flushDiskType: 'SYNC_FLUSH' | 'ASYNC_FLUSH'): Promise<void> {
  const store = await openStore(smallOptions(root, { flushDiskType }));
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      const r = await store.putMessage(message('CrashTopic', i % 4, `msg-${i}-${'c'.repeat(i % 300)}`, { KEYS: `key${i}`, TAGS: 'TagA' }));
      if (r.status !== 'PUT_OK') throw new Error(`put ${i}: ${r.status} ${r.remark ?? ''}`);
      process.stdout.write(`ACK ${i} ${r.messages[0]!.wroteOffset} ${r.messages[0]!.queueOffset}\n`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

const [root, mode] = process.argv.slice(2);
if (root !== undefined) {
  main(root, mode === 'ASYNC_FLUSH' ? 'ASYNC_FLUSH' : 'SYNC_FLUSH').catch((e: Error) => {
    process.stderr.write(`${e.stack ?? e.message}\n`);
    process.exit(1);
  });
}
