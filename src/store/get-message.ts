// Reading a batch for a pull: RocketMQ 4.9.8 DefaultMessageStore.getMessage — statuses, nextBeginOffset
// corrections, tag filtering on the consume queue, and the in-memory / on-disk count and byte caps.
import os from 'node:os';
import type { Logger } from '../common/logger.js';
import { readInt64 } from '../protocol/message.js';
import type { CommitLog } from './commit-log.js';
import { CQ_UNIT_SIZE, type ConsumeQueue } from './consume-queue.js';
import type { StoreOptions } from './options.js';
import type { GetMessageResult, GetMessageStatus, TagsCodeFilter } from './types.js';

/** RocketMQ scans at most max(16000 bytes, maxMsgNums units) of consume queue per pull. */
const MIN_SCAN_BYTES = 16000;
/** Upper bound on maxMsgNums, which only bounds the scan buffer here (the broker caps it lower). */
export const MAX_PULL_BATCH = 10_000;
/** Commit-log bytes fetched at most per read while collecting a batch. */
const READ_WINDOW = 64 * 1024;
/** A read extends over the next record only when at most this many unwanted bytes lie between them. */
const MAX_READ_GAP = 4096;

const TOTAL_MEMORY = os.totalmem();

export type GetMessageOptions = Pick<
  StoreOptions,
  | 'maxTransferCountOnMessageInMemory'
  | 'maxTransferBytesOnMessageInMemory'
  | 'maxTransferCountOnMessageInDisk'
  | 'maxTransferBytesOnMessageInDisk'
  | 'accessMessageInMemoryMaxRatio'
  | 'brokerRole'
  | 'offsetCheckInSlave'
>;

/**
 * Fetches whole records from the commit log. A read covers the wanted record and the following units' records
 * while each lies within MAX_READ_GAP of the previous and all within READ_WINDOW (and the byte budget) of the
 * first, and no more: a queue's records lying back to back come from one read (and leave as one view, see
 * joinRecords), while records of a queue scattered among many others' (RocketMQ's BenchmarkTest has 1024
 * queues) cost one small read each, not a 64 KiB window each.
 */
class RecordReader {
  private buf: Buffer | undefined;
  private start = 0;
  private end = 0;

  constructor(
    private readonly commitLog: CommitLog,
    private readonly units: Buffer,
    private readonly unitBytes: number,
  ) {}

  /** The record of the unit at byte `unitPos` of the units, which says it is at `phy` and `size` bytes long. */
  get(unitPos: number, phy: number, size: number, budget: number): Buffer | undefined {
    if (this.buf !== undefined && phy >= this.start && phy + size <= this.end) {
      return this.buf.subarray(phy - this.start, phy - this.start + size);
    }
    const limit = Math.max(size, Math.min(READ_WINDOW, budget));
    let want = phy + size;
    for (let j = unitPos + CQ_UNIT_SIZE; j < this.unitBytes; j += CQ_UNIT_SIZE) {
      const next = readInt64(this.units, j, 'consume queue phy offset');
      const nextEnd = next + this.units.readInt32BE(j + 8);
      if (next < phy || next - want > MAX_READ_GAP || nextEnd - phy > limit) break;
      if (nextEnd > want) want = nextEnd;
    }
    const length = want - phy;
    const buf = Buffer.allocUnsafe(length);
    const n = this.commitLog.read(phy, buf, 0, length);
    if (n < size) return undefined;
    this.buf = buf;
    this.start = phy;
    this.end = phy + n;
    return buf.subarray(0, size);
  }
}

export class MessageGetter {
  private scratch = Buffer.allocUnsafe(MIN_SCAN_BYTES);
  private readonly memoryBytes: number;

  constructor(
    private readonly commitLog: CommitLog,
    private readonly options: GetMessageOptions,
    private readonly log: Logger,
  ) {
    this.memoryBytes = Math.floor(TOTAL_MEMORY * (options.accessMessageInMemoryMaxRatio / 100));
  }

  /** A SLAVE leaves the consumer's offset alone unless offsetCheckInSlave (RocketMQ nextOffsetCorrection). */
  private correct(oldOffset: number, newOffset: number): number {
    return this.options.brokerRole !== 'SLAVE' || this.options.offsetCheckInSlave ? newOffset : oldOffset;
  }

  private result(status: GetMessageStatus, nextBeginOffset: number, minOffset: number, maxOffset: number): GetMessageResult {
    return { status, messages: [], nextBeginOffset, minOffset, maxOffset, suggestPullingFromSlave: false };
  }

  get(cq: ConsumeQueue | undefined, offset: number, maxMsgNums: number, filter: TagsCodeFilter | null): GetMessageResult {
    // RocketMQ creates the queue on lookup, so an unknown queue reads as an empty one.
    if (cq === undefined || cq.maxOffset === 0) return this.result('NO_MESSAGE_IN_QUEUE', this.correct(offset, 0), cq?.minOffset ?? 0, 0);
    const { minOffset, maxOffset } = cq;
    if (!Number.isSafeInteger(offset)) return this.result('OFFSET_OVERFLOW_BADLY', this.correct(offset, maxOffset), minOffset, maxOffset);
    if (offset < minOffset) return this.result('OFFSET_TOO_SMALL', this.correct(offset, minOffset), minOffset, maxOffset);
    if (offset === maxOffset) return this.result('OFFSET_OVERFLOW_ONE', this.correct(offset, offset), minOffset, maxOffset);
    if (offset > maxOffset) return this.result('OFFSET_OVERFLOW_BADLY', this.correct(offset, maxOffset), minOffset, maxOffset);

    const maxNums = Math.min(Math.max(maxMsgNums, 0), MAX_PULL_BATCH);
    const scanBytes = Math.max(MIN_SCAN_BYTES, maxNums * CQ_UNIT_SIZE);
    if (this.scratch.length < scanBytes) this.scratch = Buffer.allocUnsafe(scanBytes);
    const units = this.scratch;
    const unitBytes = cq.readUnits(offset, units, scanBytes);
    if (unitBytes === 0) {
      this.log.warn(`getMessage ${cq.topic}/${cq.queueId} offset ${offset} in [${minOffset}, ${maxOffset}): consume queue file missing`);
      return this.result('OFFSET_FOUND_NULL', this.correct(offset, cq.nextFileOffset(offset)), minOffset, maxOffset);
    }
    return this.collect(cq, offset, maxNums, filter, units, unitBytes);
  }

  private collect(cq: ConsumeQueue, offset: number, maxNums: number, filter: TagsCodeFilter | null, units: Buffer, unitBytes: number): GetMessageResult {
    const maxOffsetPy = this.commitLog.maxOffset;
    const messages: Buffer[] = [];
    const reader = new RecordReader(this.commitLog, units, unitBytes);
    let status: GetMessageStatus = 'NO_MATCHED_MESSAGE';
    let total = 0;
    let nextPhyFileStart = -1;
    let maxPhyPulling = 0;
    let i = 0;
    for (; i < unitBytes; i += CQ_UNIT_SIZE) {
      const phy = readInt64(units, i, 'consume queue phy offset');
      const size = units.readInt32BE(i + 8);
      const tagsCode = readInt64(units, i + 12, 'consume queue tagsCode');
      maxPhyPulling = phy;
      if (nextPhyFileStart >= 0 && phy < nextPhyFileStart) continue;
      const inDisk = maxOffsetPy - phy > this.memoryBytes;
      if (this.isBatchFull(size, maxNums, total, messages.length, inDisk)) break;
      if (filter !== null && !filter(tagsCode)) continue;
      const record = size > 0 ? reader.get(i, phy, size, this.byteBudget(inDisk) - total) : undefined;
      if (record === undefined || record.readInt32BE(0) !== size) {
        if (total === 0) status = 'MESSAGE_WAS_REMOVING';
        nextPhyFileStart = this.commitLog.nextSegmentStart(phy);
        continue;
      }
      messages.push(record);
      total += size;
      status = 'FOUND';
      nextPhyFileStart = -1;
    }
    return {
      status,
      messages,
      nextBeginOffset: offset + i / CQ_UNIT_SIZE,
      minOffset: cq.minOffset,
      maxOffset: cq.maxOffset,
      suggestPullingFromSlave: maxOffsetPy - maxPhyPulling > this.memoryBytes,
    };
  }

  private byteBudget(inDisk: boolean): number {
    return inDisk ? this.options.maxTransferBytesOnMessageInDisk : this.options.maxTransferBytesOnMessageInMemory;
  }

  /** RocketMQ isTheBatchFull: the first message always fits; then count and byte caps by where data lives. */
  private isBatchFull(size: number, maxNums: number, total: number, count: number, inDisk: boolean): boolean {
    if (total === 0 || count === 0) return false;
    if (maxNums <= count) return true;
    const o = this.options;
    if (inDisk) return total + size > o.maxTransferBytesOnMessageInDisk || count > o.maxTransferCountOnMessageInDisk - 1;
    return total + size > o.maxTransferBytesOnMessageInMemory || count > o.maxTransferCountOnMessageInMemory - 1;
  }
}
