// The `checkpoint` file (4096 bytes): int64 physicMsgTimestamp @0, logicsMsgTimestamp @8,
// indexMsgTimestamp @16 — store times of the newest records known flushed. Crash recovery starts
// from the last commit-log segment whose first record is older than min(physic, logics) - 3 s.
import fs from 'node:fs';
import type { Logger } from '../common/logger.js';
import { readInt64, writeInt64 } from '../protocol/message.js';

export const CHECKPOINT_FILE_SIZE = 4096;
/** RocketMQ StoreCheckpoint.getMinTimestamp steps back this far for safety. */
const MIN_TIMESTAMP_MARGIN_MS = 3000;

export class StoreCheckpoint {
  physicMsgTimestamp = 0;
  logicsMsgTimestamp = 0;
  indexMsgTimestamp = 0;

  constructor(private readonly file: string, private readonly log: Logger) {}

  load(): void {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    if (data.length < 24) {
      this.log.warn(`checkpoint ${this.file} is ${data.length} bytes, ignoring it`);
      return;
    }
    try {
      this.physicMsgTimestamp = readInt64(data, 0, 'checkpoint physicMsgTimestamp');
      this.logicsMsgTimestamp = readInt64(data, 8, 'checkpoint logicsMsgTimestamp');
      this.indexMsgTimestamp = readInt64(data, 16, 'checkpoint indexMsgTimestamp');
    } catch (e) {
      this.log.warn(`checkpoint ${this.file}: ${(e as Error).message}; ignoring it`);
      this.physicMsgTimestamp = this.logicsMsgTimestamp = this.indexMsgTimestamp = 0;
    }
  }

  /** Recovery starts at records stored no later than this. */
  get minTimestamp(): number {
    return Math.max(0, Math.min(this.physicMsgTimestamp, this.logicsMsgTimestamp) - MIN_TIMESTAMP_MARGIN_MS);
  }

  private encode(): Buffer {
    const b = Buffer.alloc(CHECKPOINT_FILE_SIZE);
    writeInt64(b, this.physicMsgTimestamp, 0);
    writeInt64(b, this.logicsMsgTimestamp, 8);
    writeInt64(b, this.indexMsgTimestamp, 16);
    return b;
  }

  /** Writes the whole 4096-byte file in place (never truncated, so a crash cannot leave it empty) and syncs it. */
  async flush(): Promise<void> {
    const handle = await fs.promises.open(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT);
    try {
      await handle.write(this.encode(), 0, CHECKPOINT_FILE_SIZE, 0);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }
}
