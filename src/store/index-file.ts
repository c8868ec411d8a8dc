// One index file (message-format.md §7.3): 40-byte header, slotNum int32 slots, indexNum 20-byte entries.
// Entries are appended with one pwrite per batch; the slot table of the file being written lives in
// memory and reaches disk on flush ticks (it can be rebuilt from the entries, which carry their chain).
import fs from 'node:fs';
import { javaHashCode, readInt64, writeInt64 } from '../protocol/message.js';
import type { FilePool } from './file-pool.js';

export const INDEX_HEADER_SIZE = 40;
export const HASH_SLOT_SIZE = 4;
export const INDEX_ENTRY_SIZE = 20;
const SLOTS_PER_PAGE = 1024;
/** Slot pages per pwrite when persisting (1 MiB). */
const MAX_PAGES_PER_WRITE = 256;
const INT_MAX = 0x7fffffff;
/** Entries read per pread when recovering the tail of a file. */
const SCAN_ENTRIES = 4096;

export interface IndexHeader {
  beginTimestamp: number;
  endTimestamp: number;
  beginPhyOffset: number;
  endPhyOffset: number;
  hashSlotCount: number;
  /** Next entry number; starts at 1 (entry 0 is never used). */
  indexCount: number;
}

/** RocketMQ indexKeyHashMethod: abs(String.hashCode), and 0 for Integer.MIN_VALUE whose abs stays negative. */
export function indexKeyHash(key: string): number {
  const h = javaHashCode(key);
  return h === -0x80000000 ? 0 : Math.abs(h);
}

export function indexFileSize(slotNum: number, indexNum: number): number {
  return INDEX_HEADER_SIZE + slotNum * HASH_SLOT_SIZE + indexNum * INDEX_ENTRY_SIZE;
}

export class IndexFile {
  readonly header: IndexHeader;
  /** The slot table as on disk (big-endian int32s) while this file takes keys; undefined once full or read-only. */
  private slots: Buffer | undefined;
  private readonly dirtyPages = new Set<number>();
  private headerDirty = false;
  private pending: Buffer | undefined;
  private pendingFrom = 0;
  private pendingCount = 0;

  private constructor(
    readonly file: string,
    readonly slotNum: number,
    readonly indexNum: number,
    private readonly pool: FilePool,
    header: IndexHeader,
  ) {
    this.header = header;
  }

  /** A new sparse file; like RocketMQ it starts from the previous file's end offset and time. */
  static create(file: string, slotNum: number, indexNum: number, pool: FilePool, prevEndPhy: number, prevEndTimestamp: number): IndexFile {
    const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL);
    try {
      fs.ftruncateSync(fd, indexFileSize(slotNum, indexNum));
    } finally {
      fs.closeSync(fd);
    }
    const f = new IndexFile(file, slotNum, indexNum, pool, {
      beginTimestamp: Math.max(0, prevEndTimestamp),
      endTimestamp: Math.max(0, prevEndTimestamp),
      beginPhyOffset: Math.max(0, prevEndPhy),
      endPhyOffset: Math.max(0, prevEndPhy),
      hashSlotCount: 0,
      indexCount: 1,
    });
    f.slots = Buffer.alloc(slotNum * HASH_SLOT_SIZE);
    f.headerDirty = true;
    f.persist();
    return f;
  }

  /** Opens an existing file; throws naming it when its size does not match slotNum/indexNum. */
  static open(file: string, slotNum: number, indexNum: number, pool: FilePool): IndexFile {
    const size = fs.statSync(file).size;
    if (size !== indexFileSize(slotNum, indexNum)) {
      throw new Error(`index file ${file} is ${size} bytes, expected ${indexFileSize(slotNum, indexNum)} for maxHashSlotNum=${slotNum} maxIndexNum=${indexNum}`);
    }
    const h = Buffer.alloc(INDEX_HEADER_SIZE);
    pool.read(file, h, 0, INDEX_HEADER_SIZE, 0);
    const indexCount = h.readInt32BE(36);
    return new IndexFile(file, slotNum, indexNum, pool, {
      beginTimestamp: readInt64(h, 0, `${file} beginTimestamp`),
      endTimestamp: readInt64(h, 8, `${file} endTimestamp`),
      beginPhyOffset: readInt64(h, 16, `${file} beginPhyOffset`),
      endPhyOffset: readInt64(h, 24, `${file} endPhyOffset`),
      hashSlotCount: Math.max(0, h.readInt32BE(32)),
      indexCount: Math.min(Math.max(1, indexCount), indexNum),
    });
  }

  get isFull(): boolean {
    return this.header.indexCount >= this.indexNum;
  }

  /** Entries in use (entry 0 never is). */
  get entryCount(): number {
    return this.header.indexCount - 1;
  }

  /** Loads the slot table into memory so keys can be added. */
  makeWritable(): void {
    if (this.slots !== undefined) return;
    const slots = Buffer.alloc(this.slotNum * HASH_SLOT_SIZE);
    this.pool.read(this.file, slots, 0, slots.length, INDEX_HEADER_SIZE);
    this.slots = slots;
  }

  /** Drops the in-memory slot table (the file is full and persisted). */
  release(): void {
    this.persist();
    this.slots = undefined;
  }

  private slot(pos: number): number {
    if (this.slots !== undefined) return this.slots.readInt32BE(pos * HASH_SLOT_SIZE);
    const b = Buffer.allocUnsafe(HASH_SLOT_SIZE);
    this.pool.read(this.file, b, 0, HASH_SLOT_SIZE, INDEX_HEADER_SIZE + pos * HASH_SLOT_SIZE);
    return b.readInt32BE(0);
  }

  private setSlot(pos: number, value: number): void {
    this.slots!.writeInt32BE(value, pos * HASH_SLOT_SIZE);
    this.dirtyPages.add(Math.floor(pos / SLOTS_PER_PAGE));
  }

  private entryPos(n: number): number {
    return INDEX_HEADER_SIZE + this.slotNum * HASH_SLOT_SIZE + n * INDEX_ENTRY_SIZE;
  }

  /** RocketMQ IndexFile.putKey; false when the file is full. Call makeWritable() first. */
  putKey(key: string, phy: number, storeTimestamp: number): boolean {
    const h = this.header;
    if (h.indexCount >= this.indexNum) return false;
    const keyHash = indexKeyHash(key);
    const slotPos = keyHash % this.slotNum;
    let prev = this.slot(slotPos);
    if (prev <= 0 || prev > h.indexCount) prev = 0;
    let timeDiff = Math.trunc((storeTimestamp - h.beginTimestamp) / 1000);
    if (h.beginTimestamp <= 0 || timeDiff < 0) timeDiff = 0;
    else if (timeDiff > INT_MAX) timeDiff = INT_MAX;
    this.stageEntry(h.indexCount, keyHash, phy, timeDiff, prev);
    this.setSlot(slotPos, h.indexCount);
    if (h.indexCount <= 1) {
      h.beginPhyOffset = phy;
      h.beginTimestamp = storeTimestamp;
    }
    if (prev === 0) h.hashSlotCount++;
    h.indexCount++;
    h.endPhyOffset = phy;
    h.endTimestamp = storeTimestamp;
    this.headerDirty = true;
    return true;
  }

  private stageEntry(n: number, keyHash: number, phy: number, timeDiff: number, prev: number): void {
    if (this.pendingCount === 0) this.pendingFrom = n;
    const need = (this.pendingCount + 1) * INDEX_ENTRY_SIZE;
    if (this.pending === undefined || this.pending.length < need) {
      const grown = Buffer.allocUnsafe(Math.max(need * 2, 64 * INDEX_ENTRY_SIZE));
      if (this.pending !== undefined) this.pending.copy(grown, 0, 0, this.pendingCount * INDEX_ENTRY_SIZE);
      this.pending = grown;
    }
    const p = this.pendingCount * INDEX_ENTRY_SIZE;
    this.pending.writeInt32BE(keyHash, p);
    writeInt64(this.pending, phy, p + 4);
    this.pending.writeInt32BE(timeDiff, p + 12);
    this.pending.writeInt32BE(prev, p + 16);
    this.pendingCount++;
  }

  /**
   * Writes staged entries with one pwrite; the header follows when it holds the file's first entry. When the
   * write fails (a full disk) the entries stay staged for the next call, which writes them at the same place.
   */
  flushPending(): void {
    if (this.pendingCount === 0 || this.pending === undefined) return;
    const count = this.pendingCount;
    this.pool.write(this.file, this.pending.subarray(0, count * INDEX_ENTRY_SIZE), this.entryPos(this.pendingFrom));
    this.pendingCount = 0;
    // The begin time is needed to read timeDiffs back: keep it on disk from the first entry on.
    if (this.pendingFrom <= 1) this.writeHeader();
  }

  /** Writes the changed slot pages and the header (flush ticks, shutdown, a full file). */
  persist(): void {
    this.flushPending();
    if (this.slots !== undefined && this.dirtyPages.size > 0) {
      // Consecutive dirty pages go out in one pwrite (at high rates nearly every page is dirty).
      const pages = [...this.dirtyPages].sort((a, b) => a - b);
      this.dirtyPages.clear();
      for (let i = 0; i < pages.length; ) {
        let j = i + 1;
        while (j < pages.length && pages[j] === pages[j - 1]! + 1 && j - i < MAX_PAGES_PER_WRITE) j++;
        const from = pages[i]! * SLOTS_PER_PAGE * HASH_SLOT_SIZE;
        const to = Math.min((pages[j - 1]! + 1) * SLOTS_PER_PAGE * HASH_SLOT_SIZE, this.slots.length);
        this.pool.write(this.file, this.slots.subarray(from, to), INDEX_HEADER_SIZE + from);
        i = j;
      }
    }
    if (this.headerDirty) this.writeHeader();
  }

  private writeHeader(): void {
    const h = this.header;
    const b = Buffer.allocUnsafe(INDEX_HEADER_SIZE);
    writeInt64(b, h.beginTimestamp, 0);
    writeInt64(b, h.endTimestamp, 8);
    writeInt64(b, h.beginPhyOffset, 16);
    writeInt64(b, h.endPhyOffset, 24);
    b.writeInt32BE(h.hashSlotCount, 32);
    b.writeInt32BE(h.indexCount, 36);
    this.pool.write(this.file, b, 0);
    this.headerDirty = false;
  }

  private readEntry(n: number, b: Buffer): { keyHash: number; phy: number; timeDiff: number; prev: number } {
    this.pool.read(this.file, b, 0, INDEX_ENTRY_SIZE, this.entryPos(n));
    return { keyHash: b.readInt32BE(0), phy: readInt64(b, 4, `${this.file} entry ${n} phyOffset`), timeDiff: b.readInt32BE(12), prev: b.readInt32BE(16) };
  }

  /** RocketMQ isTimeMatched: the file's time span overlaps [begin, end]. */
  isTimeMatched(begin: number, end: number): boolean {
    const h = this.header;
    return (begin < h.beginTimestamp && end > h.endTimestamp)
      || (begin >= h.beginTimestamp && begin <= h.endTimestamp)
      || (end >= h.beginTimestamp && end <= h.endTimestamp);
  }

  /** RocketMQ selectPhyOffset: walks the slot chain newest first, adding matching offsets to `out`. */
  select(key: string, maxNum: number, begin: number, end: number, out: number[]): void {
    const h = this.header;
    if (h.indexCount <= 1) return;
    const keyHash = indexKeyHash(key);
    const first = this.slot(keyHash % this.slotNum);
    if (first <= 0 || first > h.indexCount) return;
    const b = Buffer.allocUnsafe(INDEX_ENTRY_SIZE);
    // A chain visits each entry at most once; the bound guards against a corrupt file's cycles.
    for (let n = first, steps = 0; out.length < maxNum && steps < h.indexCount; steps++) {
      const e = this.readEntry(n, b);
      if (e.timeDiff < 0) break;
      const time = h.beginTimestamp + e.timeDiff * 1000;
      if (e.keyHash === keyHash && time >= begin && time <= end) out.push(e.phy);
      if (e.prev <= 0 || e.prev > h.indexCount || e.prev === n || time < begin) break;
      n = e.prev;
    }
  }

  /**
   * After a crash: entries written past the header's indexCount are adopted (slots re-applied in order,
   * which reproduces the chains). `storeTimestampAt` gives the exact end time from the commit log.
   */
  recoverTail(storeTimestampAt: (phy: number) => number): number {
    this.makeWritable();
    const h = this.header;
    const buf = Buffer.allocUnsafe(SCAN_ENTRIES * INDEX_ENTRY_SIZE);
    let adopted = 0;
    scan: for (let n = h.indexCount; n < this.indexNum; n += SCAN_ENTRIES) {
      const count = Math.min(SCAN_ENTRIES, this.indexNum - n);
      this.pool.read(this.file, buf, 0, count * INDEX_ENTRY_SIZE, this.entryPos(n));
      for (let i = 0; i < count; i++) {
        const p = i * INDEX_ENTRY_SIZE;
        const entry = buf.subarray(p, p + INDEX_ENTRY_SIZE);
        if (entry.every((x) => x === 0)) break scan;
        const keyHash = entry.readInt32BE(0);
        const phy = readInt64(entry, 4, `${this.file} entry ${n + i} phyOffset`);
        const slotPos = keyHash % this.slotNum;
        const cur = this.slot(slotPos);
        if (cur <= 0 || cur > h.indexCount) h.hashSlotCount++;
        this.setSlot(slotPos, h.indexCount);
        if (h.indexCount <= 1) h.beginPhyOffset = phy;
        h.indexCount++;
        h.endPhyOffset = phy;
        adopted++;
      }
    }
    if (adopted > 0) {
      const t = storeTimestampAt(h.endPhyOffset);
      if (t > 0) h.endTimestamp = t;
      this.headerDirty = true;
      this.persist();
    }
    return adopted;
  }

  /** Removes entries for messages at or after `commitLogEnd`, restoring each slot to its previous head. */
  truncateByPhy(commitLogEnd: number, storeTimestampAt: (phy: number) => number): number {
    const h = this.header;
    if (h.indexCount <= 1 || h.endPhyOffset < commitLogEnd) return 0;
    this.makeWritable();
    const b = Buffer.allocUnsafe(INDEX_ENTRY_SIZE);
    const zero = Buffer.alloc(INDEX_ENTRY_SIZE);
    let removed = 0;
    while (h.indexCount > 1) {
      const n = h.indexCount - 1;
      const e = this.readEntry(n, b);
      if (e.phy < commitLogEnd) {
        h.endPhyOffset = e.phy;
        const t = storeTimestampAt(e.phy);
        if (t > 0) h.endTimestamp = t;
        break;
      }
      const slotPos = e.keyHash % this.slotNum;
      if (this.slot(slotPos) === n) {
        this.setSlot(slotPos, e.prev > 0 && e.prev < n ? e.prev : 0);
        if (this.slot(slotPos) === 0) h.hashSlotCount = Math.max(0, h.hashSlotCount - 1);
      }
      this.pool.write(this.file, zero, this.entryPos(n));
      h.indexCount--;
      removed++;
    }
    this.headerDirty = true;
    this.persist();
    return removed;
  }
}
