// The message-key index: a list of index files in index/, named by creation time yyyyMMddHHmmssSSS.
// Each message adds `topic#UNIQ_KEY`, then `topic#key` for every KEYS entry (RocketMQ IndexService).
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../common/logger.js';
import { KEY_SEPARATOR, SysFlag, transactionType } from '../protocol/message-const.js';
import { fdatasyncPath, fsyncDir, type FilePool } from './file-pool.js';
import { IndexFile, indexFileSize } from './index-file.js';

export interface IndexRequest {
  topic: string;
  phy: number;
  storeTimestamp: number;
  sysFlag: number;
  uniqKey: string | undefined;
  keys: string | undefined;
}

export interface IndexQueryResult {
  phyOffsets: number[];
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

/** Index files kept open for queries; beyond this count the oldest are not searched (bounded memory). */
const MAX_INDEX_FILES = 100_000;

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** RocketMQ UtilAll.timeMillisToHumanString: local time yyyyMMddHHmmssSSS. */
export function indexFileName(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export class IndexService {
  private files: IndexFile[] = [];
  private lastIndexedPhy = -1;

  constructor(
    private readonly dir: string,
    private readonly slotNum: number,
    private readonly indexNum: number,
    private readonly pool: FilePool,
    private readonly log: Logger,
  ) {}

  load(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const expected = indexFileSize(this.slotNum, this.indexNum);
    for (const name of fs.readdirSync(this.dir).filter((n) => /^\d{17}$/.test(n)).sort()) {
      const file = path.join(this.dir, name);
      if (fs.statSync(file).size !== expected) {
        this.log.warn(`index: ignoring ${file}: not ${expected} bytes (maxHashSlotNum=${this.slotNum}, maxIndexNum=${this.indexNum})`);
        continue;
      }
      try {
        this.files.push(IndexFile.open(file, this.slotNum, this.indexNum, this.pool));
      } catch (e) {
        this.log.warn(`index: ignoring ${file}: ${(e as Error).message}`);
      }
    }
    if (this.files.length > MAX_INDEX_FILES) this.files = this.files.slice(-MAX_INDEX_FILES);
    this.lastIndexedPhy = this.computeLastIndexedPhy();
  }

  /** After a crash: adopt entries the last file's header does not count yet. */
  recoverTail(storeTimestampAt: (phy: number) => number): void {
    const last = this.files[this.files.length - 1];
    if (last === undefined || last.isFull) return;
    const adopted = last.recoverTail(storeTimestampAt);
    if (adopted > 0) this.log.info(`index: adopted ${adopted} entries past the header of ${last.file}`);
    this.lastIndexedPhy = this.computeLastIndexedPhy();
  }

  /** Drops entries for messages at or beyond `commitLogEnd`; deletes files left without entries. */
  truncateByPhy(commitLogEnd: number, storeTimestampAt: (phy: number) => number): void {
    while (this.files.length > 0) {
      const last = this.files[this.files.length - 1]!;
      const removed = last.truncateByPhy(commitLogEnd, storeTimestampAt);
      if (removed > 0) this.log.warn(`index: removed ${removed} entries at or beyond commit-log offset ${commitLogEnd} from ${last.file}`);
      if (last.entryCount > 0) break;
      this.pool.forget(last.file);
      fs.unlinkSync(last.file);
      this.files.pop();
    }
    this.lastIndexedPhy = this.computeLastIndexedPhy();
  }

  private computeLastIndexedPhy(): number {
    for (let i = this.files.length - 1; i >= 0; i--) {
      if (this.files[i]!.entryCount > 0) return this.files[i]!.header.endPhyOffset;
    }
    return -1;
  }

  /** Highest commit-log offset indexed so far (skip rule for re-dispatch), or -1. */
  get endPhyOffset(): number {
    return this.lastIndexedPhy;
  }

  /** RocketMQ buildIndex: skips what is already indexed and rolled-back transaction records. */
  dispatch(req: IndexRequest): void {
    if (transactionType(req.sysFlag) === SysFlag.TRANSACTION_ROLLBACK_TYPE) return;
    if (req.uniqKey === undefined && (req.keys === undefined || req.keys.length === 0)) return;
    if (req.phy <= this.lastIndexedPhy) return;
    this.lastIndexedPhy = req.phy;
    if (req.uniqKey !== undefined) this.putKey(`${req.topic}#${req.uniqKey}`, req);
    if (req.keys !== undefined && req.keys.length > 0) {
      for (const key of req.keys.split(KEY_SEPARATOR)) if (key.length > 0) this.putKey(`${req.topic}#${key}`, req);
    }
  }

  private putKey(key: string, req: IndexRequest): void {
    let file = this.writableFile();
    if (!file.putKey(key, req.phy, req.storeTimestamp)) {
      file = this.writableFile();
      file.putKey(key, req.phy, req.storeTimestamp);
    }
  }

  private writableFile(): IndexFile {
    const last = this.files[this.files.length - 1];
    if (last !== undefined && !last.isFull) {
      last.makeWritable();
      return last;
    }
    let prevEndPhy = 0;
    let prevEndTimestamp = 0;
    if (last !== undefined) {
      last.release();
      prevEndPhy = last.header.endPhyOffset;
      prevEndTimestamp = last.header.endTimestamp;
    }
    const file = this.createFile(prevEndPhy, prevEndTimestamp);
    this.files.push(file);
    if (this.files.length > MAX_INDEX_FILES) this.files.shift();
    return file;
  }

  private createFile(prevEndPhy: number, prevEndTimestamp: number): IndexFile {
    // Names are milliseconds: two files in one millisecond take the next free name.
    for (let ms = Date.now(), tries = 0; ; ms++, tries++) {
      const file = path.join(this.dir, indexFileName(ms));
      if (fs.existsSync(file) && tries < 1000) continue;
      const created = IndexFile.create(file, this.slotNum, this.indexNum, this.pool, prevEndPhy, prevEndTimestamp);
      fsyncDir(this.dir);
      this.log.info(`index: new index file ${file}`);
      return created;
    }
  }

  /** Writes the entries staged by this tick's dispatches. */
  flushPending(): void {
    const last = this.files[this.files.length - 1];
    last?.flushPending();
  }

  /** Writes slot pages and header of the file being filled, then fdatasyncs it. */
  async flush(): Promise<void> {
    const last = this.files[this.files.length - 1];
    if (last === undefined) return;
    last.persist();
    await fdatasyncPath(last.file);
  }

  /** RocketMQ IndexService.queryOffset: newest file first, stops at maxNum or files older than `begin`. */
  query(topic: string, key: string, maxNum: number, begin: number, end: number): IndexQueryResult {
    const phyOffsets: number[] = [];
    let indexLastUpdateTimestamp = 0;
    let indexLastUpdatePhyoffset = 0;
    const fullKey = `${topic}#${key}`;
    for (let i = this.files.length - 1; i >= 0; i--) {
      const f = this.files[i]!;
      if (i === this.files.length - 1) {
        indexLastUpdateTimestamp = f.header.endTimestamp;
        indexLastUpdatePhyoffset = f.header.endPhyOffset;
      }
      if (f.isTimeMatched(begin, end)) f.select(fullKey, maxNum, begin, end, phyOffsets);
      if (f.header.beginTimestamp < begin || phyOffsets.length >= maxNum) break;
    }
    return { phyOffsets, indexLastUpdateTimestamp, indexLastUpdatePhyoffset };
  }

  /**
   * RocketMQ IndexService.deleteExpiredFile: deletes files, oldest first and never the last one, whose
   * newest entry points below `minPhy` (the commit log's new start). Returns the number deleted.
   */
  deleteExpiredFiles(minPhy: number): number {
    let deleted = 0;
    while (this.files.length > 1 && this.files[0]!.header.endPhyOffset < minPhy) {
      const file = this.files.shift()!;
      this.pool.forget(file.file);
      try {
        fs.unlinkSync(file.file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      this.log.info(`index: deleted ${file.file}, its last entry is at ${file.header.endPhyOffset} < commit-log min ${minPhy}`);
      deleted++;
    }
    if (deleted > 0) fsyncDir(this.dir);
    return deleted;
  }

  /** Index file names, oldest first (tests and tools). */
  fileNames(): string[] {
    return this.files.map((f) => f.file);
  }
}
