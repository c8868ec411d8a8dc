// One consume queue: consumequeue/<topic>/<queueId>/<20-digit start byte offset>, 20-byte units
// (int64 commit-log offset, int32 size, int64 tagsCode); unit n sits at byte n*20 (message-format.md §7.2).
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../common/logger.js';
import { readInt64, writeInt64 } from '../protocol/message.js';
import { createSizedFile, fsyncDir, listOffsetFiles, offsetFileName, type FilePool } from './file-pool.js';

export const CQ_UNIT_SIZE = 20;
const INITIAL_PENDING_UNITS = 16;
/** Load-time scans for the first unit of a file read this many units at a time. */
const SCAN_UNITS = 4096;

export interface CqUnit {
  phy: number;
  size: number;
  tagsCode: number;
}

export class ConsumeQueue {
  readonly dir: string;
  /** Start byte offsets of the files, ascending and contiguous. */
  private starts: number[] = [];
  /** First readable unit. */
  minOffset = 0;
  /** Units written (the next unit's index). */
  maxOffset = 0;
  /** Next queue offset the commit log hands out (ahead of maxOffset while a batch is in flight). */
  nextOffset = 0;
  /** End (phy + size) of the last unit's message. */
  maxPhyEnd = 0;
  private pending: Buffer | undefined;
  private pendingFrom = 0;
  private pendingCount = 0;

  constructor(
    root: string,
    readonly topic: string,
    readonly queueId: number,
    private readonly fileSize: number,
    private readonly pool: FilePool,
    private readonly log: Logger,
    /** Files written since the last consume-queue flush; the store fdatasyncs them. */
    private readonly dirtyFiles: Set<string>,
  ) {
    this.dir = path.join(root, topic, String(queueId));
  }

  private filePath(start: number): string {
    return path.join(this.dir, offsetFileName(start));
  }

  /** Reads the files' state. Throws naming a file with a bad size or a gap. */
  load(): void {
    const { offsets } = listOffsetFiles(this.dir);
    for (let i = 0; i < offsets.length; i++) {
      const start = offsets[i]!;
      const file = this.filePath(start);
      if (start % this.fileSize !== 0) throw new Error(`consume queue file ${file}: offset is not a multiple of mappedFileSizeConsumeQueue ${this.fileSize}`);
      if (i > 0 && start !== offsets[i - 1]! + this.fileSize) throw new Error(`consume queue file ${file}: gap after ${offsetFileName(offsets[i - 1]!)}`);
      const size = fs.statSync(file).size;
      if (size !== this.fileSize) {
        if (i !== offsets.length - 1 || size > this.fileSize) throw new Error(`consume queue file ${file}: size ${size} != ${this.fileSize}`);
        fs.truncateSync(file, this.fileSize);
      }
      this.starts.push(start);
    }
    if (this.starts.length === 0) return;
    const last = this.starts[this.starts.length - 1]!;
    const lastFirst = this.firstValidUnit(last);
    if (lastFirst < 0) {
      this.maxOffset = last / CQ_UNIT_SIZE;
    } else {
      this.maxOffset = this.lastValidUnit(last, lastFirst) + 1;
    }
    const firstFirst = this.starts.length === 1 ? lastFirst : this.firstValidUnit(this.starts[0]!);
    this.minOffset = firstFirst < 0 ? this.maxOffset : firstFirst;
    this.nextOffset = this.maxOffset;
    const tail = this.maxOffset > this.minOffset ? this.unitAt(this.maxOffset - 1) : undefined;
    this.maxPhyEnd = tail ? tail.phy + tail.size : 0;
  }

  /** Index of the first unit with size > 0 in the file starting at `start`, or -1. */
  private firstValidUnit(start: number): number {
    const perFile = this.fileSize / CQ_UNIT_SIZE;
    const buf = Buffer.allocUnsafe(Math.min(perFile, SCAN_UNITS) * CQ_UNIT_SIZE);
    for (let u = 0; u < perFile; u += SCAN_UNITS) {
      const n = this.pool.read(this.filePath(start), buf, 0, Math.min(SCAN_UNITS, perFile - u) * CQ_UNIT_SIZE, u * CQ_UNIT_SIZE);
      for (let i = 0; i + CQ_UNIT_SIZE <= n; i += CQ_UNIT_SIZE) {
        if (buf.readInt32BE(i + 8) > 0) return start / CQ_UNIT_SIZE + u + i / CQ_UNIT_SIZE;
      }
    }
    return -1;
  }

  /** Units are written contiguously, so the end of data is found by binary search from a valid unit. */
  private lastValidUnit(start: number, firstValid: number): number {
    const probe = Buffer.allocUnsafe(CQ_UNIT_SIZE);
    const file = this.filePath(start);
    let lo = firstValid;
    let hi = (start + this.fileSize) / CQ_UNIT_SIZE - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      this.pool.read(file, probe, 0, CQ_UNIT_SIZE, mid * CQ_UNIT_SIZE - start);
      if (probe.readInt32BE(8) > 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  get isEmpty(): boolean {
    return this.maxOffset <= this.minOffset;
  }

  /** Stages a unit; written by flushPending. Returns false when the queue already holds that offset. */
  add(queueOffset: number, phy: number, size: number, tagsCode: number): boolean {
    const expected = this.pendingCount > 0 ? this.pendingFrom + this.pendingCount : this.maxOffset;
    if (queueOffset < expected) return false;
    if (queueOffset > expected) {
      if (this.pendingCount > 0) this.flushPending();
      this.log.warn(`consume queue ${this.topic}/${this.queueId}: gap, expected offset ${expected}, got ${queueOffset} (phy ${phy})`);
    }
    if (this.pendingCount === 0) this.pendingFrom = queueOffset;
    const need = (this.pendingCount + 1) * CQ_UNIT_SIZE;
    if (this.pending === undefined || this.pending.length < need) {
      const grown = Buffer.allocUnsafe(Math.max(need * 2, INITIAL_PENDING_UNITS * CQ_UNIT_SIZE));
      if (this.pending !== undefined) this.pending.copy(grown, 0, 0, this.pendingCount * CQ_UNIT_SIZE);
      this.pending = grown;
    }
    const p = this.pendingCount * CQ_UNIT_SIZE;
    writeInt64(this.pending, phy, p);
    this.pending.writeInt32BE(size, p + 8);
    writeInt64(this.pending, tagsCode, p + 12);
    this.pendingCount++;
    if (queueOffset + 1 > this.nextOffset) this.nextOffset = queueOffset + 1;
    this.maxPhyEnd = Math.max(this.maxPhyEnd, phy + size);
    return true;
  }

  get hasPending(): boolean {
    return this.pendingCount > 0;
  }

  /**
   * Writes staged units (one pwrite per file touched) and makes them readable. When a write fails (a full
   * disk) the units from that file on stay staged, the part of them that reached the file is cut off
   * again, and it throws; the next call retries them.
   */
  flushPending(): void {
    if (this.pendingCount === 0 || this.pending === undefined) return;
    const wasEmpty = this.isEmpty;
    let unit = this.pendingFrom;
    let done = 0;
    let failed = false;
    try {
      while (done < this.pendingCount) {
        const bytePos = unit * CQ_UNIT_SIZE;
        const start = bytePos - (bytePos % this.fileSize);
        const file = this.ensureFile(start);
        const count = Math.min(this.pendingCount - done, (start + this.fileSize - bytePos) / CQ_UNIT_SIZE);
        try {
          this.pool.write(file, this.pending.subarray(done * CQ_UNIT_SIZE, (done + count) * CQ_UNIT_SIZE), bytePos - start);
        } catch (e) {
          this.zeroTail(file, bytePos - start);
          throw e;
        }
        this.dirtyFiles.add(file);
        done += count;
        unit += count;
      }
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      if (done > 0) {
        if (wasEmpty) this.minOffset = this.pendingFrom;
        this.maxOffset = this.pendingFrom + done;
      }
      if (failed) {
        this.pending.copy(this.pending, 0, done * CQ_UNIT_SIZE, this.pendingCount * CQ_UNIT_SIZE);
        this.pendingFrom += done;
        this.pendingCount -= done;
      } else {
        this.pendingCount = 0;
        if (this.pending.length > INITIAL_PENDING_UNITS * CQ_UNIT_SIZE * 4) this.pending = undefined;
      }
    }
  }

  /** Zeroes a file from `filePos` on without writing (shrink and re-grow), after a failed append. */
  private zeroTail(file: string, filePos: number): void {
    try {
      fs.truncateSync(file, filePos);
      fs.truncateSync(file, this.fileSize);
    } catch (e) {
      this.log.error(`consume queue ${this.topic}/${this.queueId}: cannot cut a failed write off ${file}: ${(e as Error).message}`);
    }
  }

  // ---------------------------------------------------------------- retention

  /**
   * RocketMQ deleteExpiredFile: deletes files, oldest first and never the last one, whose last unit points
   * below `minPhy` (the commit log's new start), then moves minOffset up (correctMinOffset). Returns the
   * number of files deleted.
   */
  deleteExpiredFiles(minPhy: number): number {
    const probe = Buffer.allocUnsafe(CQ_UNIT_SIZE);
    let deleted = 0;
    while (this.starts.length > 1) {
      const file = this.filePath(this.starts[0]!);
      const n = this.pool.read(file, probe, 0, CQ_UNIT_SIZE, this.fileSize - CQ_UNIT_SIZE);
      if (n === CQ_UNIT_SIZE && readInt64(probe, 0, 'consume queue phy offset') >= minPhy) break;
      this.pool.forget(file);
      try {
        fs.unlinkSync(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      this.dirtyFiles.delete(file);
      this.starts.shift();
      deleted++;
    }
    if (deleted > 0) fsyncDir(this.dir);
    this.correctMinOffset(minPhy);
    return deleted;
  }

  /**
   * minOffset becomes the first unit whose message is at or after `minPhy`; when every unit is below it the
   * queue reads as empty at maxOffset (RocketMQ leaves minOffset alone then; a consumer would get
   * MESSAGE_WAS_REMOVING instead of being moved on).
   */
  correctMinOffset(minPhy: number): void {
    const firstKept = this.starts.length > 0 ? this.starts[0]! / CQ_UNIT_SIZE : this.maxOffset;
    let lo = Math.max(this.minOffset, Math.min(firstKept, this.maxOffset));
    let hi = this.maxOffset; // the first unit at or after minPhy lies in [lo, hi]
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const u = this.unitAt(mid);
      if (u === undefined || u.size <= 0 || u.phy < minPhy) lo = mid + 1;
      else hi = mid;
    }
    if (lo > this.minOffset) {
      this.log.info(`consume queue ${this.topic}/${this.queueId}: min offset ${this.minOffset} -> ${lo} (commit log starts at ${minPhy})`);
      this.minOffset = lo;
    }
  }

  /** The file for `start`, creating it and any missing files before it, so the files stay contiguous. */
  private ensureFile(start: number): string {
    const last = this.starts.length > 0 ? this.starts[this.starts.length - 1]! : start - this.fileSize;
    if (start <= last) return this.filePath(start);
    fs.mkdirSync(this.dir, { recursive: true });
    for (let s = last + this.fileSize; s <= start; s += this.fileSize) {
      createSizedFile(this.filePath(s), this.fileSize);
      this.starts.push(s);
    }
    fsyncDir(this.dir);
    return this.filePath(start);
  }

  private hasFile(start: number): boolean {
    return this.starts.length > 0 && start >= this.starts[0]! && start <= this.starts[this.starts.length - 1]!;
  }

  /** The unit at a queue offset, or undefined outside [minOffset, maxOffset). */
  unitAt(offset: number): CqUnit | undefined {
    if (!Number.isSafeInteger(offset) || offset < this.minOffset || offset >= this.maxOffset) return undefined;
    const buf = Buffer.allocUnsafe(CQ_UNIT_SIZE);
    if (this.readUnits(offset, buf, CQ_UNIT_SIZE) < CQ_UNIT_SIZE) return undefined;
    return { phy: readInt64(buf, 0, 'consume queue phy offset'), size: buf.readInt32BE(8), tagsCode: readInt64(buf, 12, 'tagsCode') };
  }

  /**
   * Copies units from `offset` up to the end of that file's data (like RocketMQ's getIndexBuffer) into
   * `target`, at most `maxBytes`. Returns the byte count (a multiple of 20), 0 when the file is missing.
   */
  readUnits(offset: number, target: Buffer, maxBytes: number): number {
    if (!Number.isSafeInteger(offset) || offset < this.minOffset || offset >= this.maxOffset) return 0;
    const bytePos = offset * CQ_UNIT_SIZE;
    const start = bytePos - (bytePos % this.fileSize);
    if (!this.hasFile(start)) return 0;
    const available = Math.min(start + this.fileSize, this.maxOffset * CQ_UNIT_SIZE) - bytePos;
    const length = Math.min(available, maxBytes, target.length);
    const n = this.pool.read(this.filePath(start), target, 0, length - (length % CQ_UNIT_SIZE), bytePos - start);
    return n - (n % CQ_UNIT_SIZE);
  }

  /** Queue offset where the file after the one holding `offset` starts (RocketMQ rollNextFile). */
  nextFileOffset(offset: number): number {
    const perFile = this.fileSize / CQ_UNIT_SIZE;
    return offset + perFile - (offset % perFile);
  }

  /** Drops units whose message ends beyond `commitLogEnd` (recovery after the log was cut). */
  truncateByPhy(commitLogEnd: number): number {
    if (this.isEmpty || this.maxPhyEnd <= commitLogEnd) return 0;
    let lo = this.minOffset;
    let hi = this.maxOffset; // first unit to drop lies in [lo, hi]
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const u = this.unitAt(mid);
      if (u !== undefined && u.phy + u.size <= commitLogEnd) lo = mid + 1;
      else hi = mid;
    }
    const dropped = this.maxOffset - lo;
    this.truncateTo(lo);
    return dropped;
  }

  /** Keeps units below `offset`, zeroing the rest and deleting files that hold none of them. */
  truncateTo(offset: number): void {
    const bytePos = offset * CQ_UNIT_SIZE;
    while (this.starts.length > 0 && this.starts[this.starts.length - 1]! > bytePos) {
      const file = this.filePath(this.starts.pop()!);
      this.pool.forget(file);
      fs.unlinkSync(file);
    }
    if (this.starts.length > 0 && bytePos < this.starts[this.starts.length - 1]! + this.fileSize) {
      const file = this.filePath(this.starts[this.starts.length - 1]!);
      this.pool.forget(file);
      fs.truncateSync(file, bytePos - this.starts[this.starts.length - 1]!);
      fs.truncateSync(file, this.fileSize);
    }
    this.maxOffset = Math.min(this.maxOffset, offset);
    this.minOffset = Math.min(this.minOffset, this.maxOffset);
    this.nextOffset = this.maxOffset;
    const tail = this.maxOffset > this.minOffset ? this.unitAt(this.maxOffset - 1) : undefined;
    this.maxPhyEnd = tail ? tail.phy + tail.size : 0;
  }

  /** Deletes the queue's folder (topic deletion). */
  destroy(): void {
    this.pool.forgetUnder(this.dir + path.sep);
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.starts = [];
    this.minOffset = this.maxOffset = this.nextOffset = this.maxPhyEnd = 0;
    this.pendingCount = 0;
  }
}
