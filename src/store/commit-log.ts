// The commit log: fixed-size segment files named by their start offset, records appended with pwrite
// (spec/message-format.md §7.1). No mmap: bytes go to the page cache with one write per batch, so a
// killed process loses nothing that was acknowledged; fdatasync (see flush.ts) makes them power-safe.
import fs from 'node:fs';
import path from 'node:path';
import { ProtocolError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { BLANK_MAGIC_CODE, MAGIC_CODE } from '../protocol/message-const.js';
import { FIXED_PART_V4, messageBodyCrc, readInt64, readRecordLayout, storeTimestampPosition, type RecordLayout } from '../protocol/message.js';
import { createSizedFile, fsyncDir, listOffsetFiles, offsetFileName, writeFully, type FilePool } from './file-pool.js';

/** An END record: int32 remaining bytes + BLANK magic; written when the next record does not fit. */
export const END_RECORD_LENGTH = 8;
/** Appends of one tick are gathered here and written with one pwrite. */
const PENDING_BUFFER_SIZE = 1024 * 1024;
/** Recovery reads segments in chunks of this size. */
const SCAN_CHUNK_SIZE = 4 * 1024 * 1024;
/** Enough bytes to reach STORETIMESTAMP with an IPv6 born host. */
const STORE_TIMESTAMP_PROBE = 48 + 20 + 8;

export type RecordVisitor = (buf: Buffer, pos: number, layout: RecordLayout, phy: number) => void;

export interface ScanResult {
  /** First offset after the last good record: the new write position. */
  end: number;
  /** Why the scan stopped before the end of data; undefined when it met zeros or an END record. */
  reason?: string;
}

export const Room = { OK: 0, BUFFER_FULL: 1, ROLL: 2, TOO_BIG: 3 } as const;
export type Room = (typeof Room)[keyof typeof Room];

export class CommitLog {
  /** Start offsets of the segment files, ascending and contiguous. */
  private starts: number[] = [];
  private paths: string[] = [];
  /** Committed end: every byte below is in the file. */
  private writePos = 0;
  private pending = Buffer.allocUnsafe(PENDING_BUFFER_SIZE);
  private pendingLen = 0;
  private activeFd = -1;
  private activeStart = -1;
  /** Write fds of segments with bytes not yet fdatasynced, by start offset (the active one included). */
  private readonly unsyncedFds = new Map<number, number>();
  private flushedPos = 0;
  /** STORETIMESTAMP of the last committed record (for the checkpoint). */
  lastCommittedTimestamp = 0;

  constructor(
    private readonly dir: string,
    readonly segmentSize: number,
    private readonly pool: FilePool,
    private readonly log: Logger,
  ) {}

  /** Finds the segment files. Throws naming a file with a foreign name, a gap or a wrong size. */
  load(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const { offsets, others } = listOffsetFiles(this.dir);
    if (others.length > 0) this.log.warn(`commitlog: ignoring files that are not segments: ${others.join(', ')}`);
    for (let i = 0; i < offsets.length; i++) {
      const start = offsets[i]!;
      const file = path.join(this.dir, offsetFileName(start));
      if (start % this.segmentSize !== 0) throw new Error(`commitlog segment ${file}: offset is not a multiple of mappedFileSizeCommitLog ${this.segmentSize}`);
      if (i > 0 && start !== offsets[i - 1]! + this.segmentSize) throw new Error(`commitlog segment ${file}: gap after ${offsetFileName(offsets[i - 1]!)}`);
      const size = fs.statSync(file).size;
      if (size !== this.segmentSize) {
        // Only the last file may be short: a crash between the two truncates of recovery's zeroing.
        if (i !== offsets.length - 1 || size > this.segmentSize) {
          throw new Error(`commitlog segment ${file}: size ${size} != mappedFileSizeCommitLog ${this.segmentSize}`);
        }
        this.log.warn(`commitlog: last segment ${file} is ${size} bytes, extending to ${this.segmentSize}`);
        fs.truncateSync(file, this.segmentSize);
      }
      this.starts.push(start);
      this.paths.push(file);
    }
    // Until recovery finds the real end, everything in the files is readable (the scan reads through read()).
    this.writePos = this.starts.length > 0 ? this.starts[this.starts.length - 1]! + this.segmentSize : 0;
    this.flushedPos = this.writePos;
  }

  get minOffset(): number {
    return this.starts.length > 0 ? this.starts[0]! : 0;
  }

  /** Committed end (readers never see pending bytes). */
  get maxOffset(): number {
    return this.writePos;
  }

  get flushedOffset(): number {
    return this.flushedPos;
  }

  get segmentCount(): number {
    return this.starts.length;
  }

  segmentStart(index: number): number {
    return this.starts[index]!;
  }

  /** Index of the segment holding `offset`, or -1. */
  segmentIndexOf(offset: number): number {
    if (this.starts.length === 0 || offset < this.starts[0]!) return -1;
    const i = Math.floor((offset - this.starts[0]!) / this.segmentSize);
    return i < this.starts.length ? i : -1;
  }

  // ---------------------------------------------------------------- recovery

  /** Validates records from segment `fromIndex` on, calling `visit` for each good one. */
  scan(fromIndex: number, checkCrc: boolean, visit: RecordVisitor): ScanResult {
    const reader = new ChunkReader(this.pool, this.segmentSize);
    for (let idx = Math.max(0, fromIndex); idx < this.starts.length; idx++) {
      const stop = this.scanSegment(idx, reader, checkCrc, visit);
      if (stop !== undefined) return stop;
    }
    return { end: this.starts.length > 0 ? this.starts[this.starts.length - 1]! + this.segmentSize : 0 };
  }

  /** Scans one segment; undefined when it ended with an END record and the next segment follows. */
  private scanSegment(idx: number, reader: ChunkReader, checkCrc: boolean, visit: RecordVisitor): ScanResult | undefined {
    const start = this.starts[idx]!;
    reader.open(this.paths[idx]!);
    for (let filePos = 0; ; ) {
      const phy = start + filePos;
      const remaining = this.segmentSize - filePos;
      if (remaining < END_RECORD_LENGTH) return { end: phy, reason: `segment ${offsetFileName(start)} ends without an END record` };
      const head = reader.view(filePos, END_RECORD_LENGTH);
      if (head === undefined) return { end: phy, reason: `cannot read 8 bytes at ${phy}` };
      const size = head.buf.readInt32BE(head.pos);
      const magic = head.buf.readInt32BE(head.pos + 4);
      if (size === 0 && magic === 0) return { end: phy };
      if (magic === BLANK_MAGIC_CODE) {
        if (size !== remaining) return { end: phy, reason: `END record at ${phy} says ${size} bytes remain, ${remaining} do` };
        return idx + 1 < this.starts.length ? undefined : { end: phy };
      }
      if (magic !== MAGIC_CODE) return { end: phy, reason: `bad MAGICCODE 0x${(magic >>> 0).toString(16)} at ${phy}` };
      if (size < FIXED_PART_V4 || size > remaining) return { end: phy, reason: `TOTALSIZE ${size} at ${phy} does not fit the segment` };
      const rec = reader.view(filePos, size);
      if (rec === undefined) return { end: phy, reason: `record at ${phy} is cut short by the file end` };
      const layout = this.checkRecord(rec.buf, rec.pos, phy, checkCrc);
      if (typeof layout === 'string') return { end: phy, reason: layout };
      try {
        visit(rec.buf, rec.pos, layout, phy);
      } catch (e) {
        // Header fields are not covered by the CRC; one that cannot be dispatched ends the log like a bad CRC.
        if (e instanceof ProtocolError) return { end: phy, reason: `${e.message} (commit log ${phy})` };
        throw e;
      }
      filePos += size;
    }
  }

  private checkRecord(buf: Buffer, pos: number, phy: number, checkCrc: boolean): RecordLayout | string {
    let layout: RecordLayout;
    try {
      layout = readRecordLayout(buf, pos);
      const stored = readInt64(buf, pos + 28, 'PHYSICALOFFSET');
      if (stored !== phy) return `record at ${phy} says PHYSICALOFFSET ${stored}`;
    } catch (e) {
      if (e instanceof ProtocolError) return `${e.message} (commit log ${phy})`;
      throw e;
    }
    if (checkCrc) {
      const crc = messageBodyCrc(buf.subarray(layout.bodyPos, layout.bodyPos + layout.bodyLength));
      if (crc !== buf.readInt32BE(pos + 8)) return `body CRC mismatch at ${phy}`;
    }
    return layout;
  }

  /** Cuts the log at `end`: zeroes the rest of that segment and deletes the segments after it. */
  truncate(end: number): void {
    for (let i = this.starts.length - 1; i >= 0 && this.starts[i]! > end; i--) {
      const file = this.paths[i]!;
      this.pool.forget(file);
      fs.unlinkSync(file);
      this.log.warn(`commitlog: deleted segment ${file} beyond the recovered end ${end}`);
      this.starts.pop();
      this.paths.pop();
    }
    const idx = this.segmentIndexOf(end);
    if (idx >= 0) {
      const file = this.paths[idx]!;
      const keep = end - this.starts[idx]!;
      this.pool.forget(file);
      // Shrinking and re-growing zeroes the tail without writing a gigabyte of zeros.
      fs.truncateSync(file, keep);
      fs.truncateSync(file, this.segmentSize);
    }
    if (this.starts.length > 0) fsyncDir(this.dir);
  }

  /** Sets the write position after recovery and opens the segment it falls in. */
  startWriting(end: number): void {
    this.writePos = end;
    this.flushedPos = end;
    const idx = this.segmentIndexOf(end);
    if (idx >= 0) this.openActive(idx);
  }

  // ---------------------------------------------------------------- appending

  /** Whether a record (or a whole batch) of `size` bytes can be reserved now. */
  room(size: number): Room {
    if (size + END_RECORD_LENGTH > this.segmentSize) return Room.TOO_BIG;
    if (this.activeFd < 0) return this.pendingLen > 0 ? Room.BUFFER_FULL : Room.OK;
    const free = this.activeStart + this.segmentSize - (this.writePos + this.pendingLen);
    if (size + END_RECORD_LENGTH > free) return this.pendingLen > 0 ? Room.BUFFER_FULL : Room.ROLL;
    if (this.pendingLen > 0 && this.pendingLen + size > this.pending.length) return Room.BUFFER_FULL;
    return Room.OK;
  }

  /** Space for a record in the pending buffer; call only after room() said OK. Returns its position there. */
  reserve(size: number): { buf: Buffer; pos: number; phy: number } {
    if (this.activeFd < 0) this.createSegment(this.writePos - (this.writePos % this.segmentSize));
    if (this.pendingLen + size > this.pending.length) this.pending = Buffer.allocUnsafe(this.pendingLen + size);
    const pos = this.pendingLen;
    this.pendingLen += size;
    return { buf: this.pending, pos, phy: this.writePos + pos };
  }

  /** Undoes the latest reserve(s) back to `pendingLength` (a batch that failed half way). */
  unreserve(pendingLength: number): void {
    this.pendingLen = pendingLength;
  }

  get pendingLength(): number {
    return this.pendingLen;
  }

  /**
   * Writes the pending bytes with one pwrite. On error (ENOSPC, EIO) the pending bytes are dropped, whatever
   * part of them reached the file is cut off again, and it throws: the log ends where it ended before.
   */
  commit(lastTimestamp: number): void {
    if (this.pendingLen === 0) return;
    const length = this.pendingLen;
    this.pendingLen = 0;
    try {
      writeFully(this.activeFd, this.pending, 0, length, this.writePos - this.activeStart);
    } catch (e) {
      this.zeroFrom(this.writePos);
      throw e;
    }
    this.writePos += length;
    this.lastCommittedTimestamp = lastTimestamp;
    if (this.pending.length > PENDING_BUFFER_SIZE) this.pending = Buffer.allocUnsafe(PENDING_BUFFER_SIZE);
  }

  /** Drops pending bytes after a failed commit was reported to their writers. */
  discardPending(): void {
    this.pendingLen = 0;
  }

  /** Ends the active segment with an END record and opens the next one. Pending must be committed. */
  roll(): void {
    const segmentEnd = this.activeStart + this.segmentSize;
    const end = Buffer.allocUnsafe(END_RECORD_LENGTH);
    end.writeInt32BE(segmentEnd - this.writePos, 0);
    end.writeInt32BE(BLANK_MAGIC_CODE, 4);
    try {
      writeFully(this.activeFd, end, 0, END_RECORD_LENGTH, this.writePos - this.activeStart);
    } catch (e) {
      this.zeroFrom(this.writePos);
      throw e;
    }
    this.createSegment(segmentEnd);
    this.writePos = segmentEnd;
  }

  /**
   * HA slave: writes bytes received from the master at `offset`, which must be the committed end (or, for a
   * log without segments, a segment start). Opens segments as the bytes need them; on a write error the
   * log ends where it ended before and it throws.
   */
  appendRaw(offset: number, data: Buffer, lastTimestamp: number): void {
    if (this.pendingLen > 0) throw new Error('commitlog: replicated bytes cannot be appended while local puts are pending');
    if (this.starts.length === 0) {
      if (offset % this.segmentSize !== 0) throw new Error(`commitlog: an empty log can only start at a segment boundary, not at ${offset}`);
      this.writePos = this.flushedPos = offset;
    } else if (offset !== this.writePos) {
      throw new Error(`commitlog: replicated bytes for offset ${offset}, but the log ends at ${this.writePos}`);
    }
    let done = 0;
    while (done < data.length) {
      if (this.activeFd < 0 || this.writePos >= this.activeStart + this.segmentSize) {
        const start = this.writePos - (this.writePos % this.segmentSize);
        const idx = this.segmentIndexOf(start);
        if (idx >= 0) this.openActive(idx);
        else this.createSegment(start);
      }
      const n = Math.min(data.length - done, this.activeStart + this.segmentSize - this.writePos);
      try {
        writeFully(this.activeFd, data, done, n, this.writePos - this.activeStart);
      } catch (e) {
        this.zeroFrom(this.writePos);
        throw e;
      }
      this.writePos += n;
      done += n;
    }
    if (lastTimestamp > 0) this.lastCommittedTimestamp = lastTimestamp;
  }

  /**
   * After a failed write: the active segment holds zeros from `pos` on again. Shrinking and re-growing the
   * file frees the blocks instead of writing zeros, so it works on a full disk too.
   */
  private zeroFrom(pos: number): void {
    if (this.activeFd < 0) return;
    try {
      fs.ftruncateSync(this.activeFd, pos - this.activeStart);
      fs.ftruncateSync(this.activeFd, this.segmentSize);
    } catch (e) {
      this.log.error(`commitlog: cannot cut a failed write off ${offsetFileName(this.activeStart)} at ${pos}: ${(e as Error).message}`);
    }
  }

  // ---------------------------------------------------------------- retention

  /** Path of segment `index` (0 = oldest). */
  segmentPath(index: number): string {
    return this.paths[index]!;
  }

  /**
   * Deletes the oldest segment (retention). Never the newest one, which takes the writes, and never one with
   * bytes not yet fdatasynced. Returns false when the oldest segment may not go.
   */
  deleteOldestSegment(): boolean {
    if (this.starts.length < 2) return false;
    const start = this.starts[0]!;
    if (start === this.activeStart || this.unsyncedFds.has(start) || start + this.segmentSize > this.flushedPos) return false;
    const file = this.paths[0]!;
    this.pool.forget(file);
    try {
      fs.unlinkSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    this.starts.shift();
    this.paths.shift();
    return true;
  }

  /** fsync the commit-log folder (after deletions). */
  syncDir(): void {
    fsyncDir(this.dir);
  }

  private createSegment(start: number): void {
    const file = path.join(this.dir, offsetFileName(start));
    if (createSizedFile(file, this.segmentSize)) fsyncDir(this.dir);
    this.starts.push(start);
    this.paths.push(file);
    this.openActive(this.starts.length - 1);
    this.log.info(`commitlog: new segment ${file}`);
  }

  private openActive(idx: number): void {
    const start = this.starts[idx]!;
    let fd = this.unsyncedFds.get(start);
    if (fd === undefined) {
      fd = fs.openSync(this.paths[idx]!, 'r+');
      this.unsyncedFds.set(start, fd);
    }
    this.activeFd = fd;
    this.activeStart = start;
  }

  // ---------------------------------------------------------------- flushing

  /** Bytes committed but not yet fdatasynced. */
  get unflushedBytes(): number {
    return this.writePos - this.flushedPos;
  }

  /** fds to fdatasync so that everything below `maxOffset` is durable. */
  fdsToSync(): number[] {
    return [...this.unsyncedFds.values()];
  }

  /** Records a finished fdatasync that covered up to `pos`; closes fds of finished segments. */
  markFlushed(pos: number): void {
    if (pos > this.flushedPos) this.flushedPos = pos;
    for (const [start, fd] of this.unsyncedFds) {
      if (start !== this.activeStart && start + this.segmentSize <= this.flushedPos) {
        fs.closeSync(fd);
        this.unsyncedFds.delete(start);
      }
    }
  }

  close(): void {
    for (const fd of this.unsyncedFds.values()) fs.closeSync(fd);
    this.unsyncedFds.clear();
    this.activeFd = -1;
    this.activeStart = -1;
  }

  // ---------------------------------------------------------------- reading

  /**
   * Reads up to `length` committed bytes at `phy` into `target` without crossing a segment end.
   * Returns the number of bytes read (0 when `phy` is outside the log).
   */
  read(phy: number, target: Buffer, targetPos: number, length: number): number {
    const idx = this.segmentIndexOf(phy);
    if (idx < 0 || phy >= this.writePos) return 0;
    const start = this.starts[idx]!;
    const n = Math.min(length, start + this.segmentSize - phy, this.writePos - phy);
    return this.pool.read(this.paths[idx]!, target, targetPos, n, phy - start);
  }

  /** The whole record at `phy` (validated magic and size), or undefined. */
  recordAt(phy: number): Buffer | undefined {
    const head = Buffer.allocUnsafe(8);
    if (this.read(phy, head, 0, 8) !== 8) return undefined;
    const size = head.readInt32BE(0);
    if (head.readInt32BE(4) !== MAGIC_CODE || size < FIXED_PART_V4) return undefined;
    const record = Buffer.allocUnsafe(size);
    return this.read(phy, record, 0, size) === size ? record : undefined;
  }

  /** STORETIMESTAMP of the record at `phy`, or -1 (RocketMQ pickupStoreTimestamp). */
  storeTimestampAt(phy: number): number {
    const probe = Buffer.allocUnsafe(STORE_TIMESTAMP_PROBE);
    const n = this.read(phy, probe, 0, STORE_TIMESTAMP_PROBE);
    if (n < 48 || probe.readInt32BE(4) !== MAGIC_CODE) return -1;
    const pos = storeTimestampPosition(probe.readInt32BE(36));
    if (n < pos + 8) return -1;
    return readInt64(probe, pos, 'STORETIMESTAMP');
  }

  /** Start of the segment after the one holding `phy` (RocketMQ rollNextFile). */
  nextSegmentStart(phy: number): number {
    return phy + this.segmentSize - (phy % this.segmentSize);
  }
}

/** Sequential reads of one segment in large chunks; a view stays valid until the next view() call. */
class ChunkReader {
  private chunk = Buffer.allocUnsafe(SCAN_CHUNK_SIZE);
  private file = '';
  private from = 0;
  private length = 0;

  constructor(private readonly pool: FilePool, private readonly segmentSize: number) {}

  open(file: string): void {
    this.file = file;
    this.from = 0;
    this.length = 0;
  }

  /** `length` bytes at `filePos` (file-relative), or undefined when the file is shorter. */
  view(filePos: number, length: number): { buf: Buffer; pos: number } | undefined {
    if (filePos >= this.from && filePos + length <= this.from + this.length) return { buf: this.chunk, pos: filePos - this.from };
    if (length > this.chunk.length) this.chunk = Buffer.allocUnsafe(length);
    this.length = this.pool.read(this.file, this.chunk, 0, Math.min(this.chunk.length, this.segmentSize - filePos), filePos);
    this.from = filePos;
    return this.length >= length ? { buf: this.chunk, pos: 0 } : undefined;
  }
}
