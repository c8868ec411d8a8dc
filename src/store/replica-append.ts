// The slave's write path (HA): commit-log bytes received from the master are written at exactly the offset
// they had there, and every whole record among them is dispatched to its consume queue and the index, as the
// master did (RocketMQ appendToCommitLog + ReputMessageService).
//
// Only whole units reach the file: a record (or the END record and the filler after it) that a frame cut
// short is held in memory until the next frame completes it. So a slave killed at any moment recovers a
// commit log that ends on a record boundary, and an ack the slave sends never covers half a message. The
// offset the slave reports is the committed end plus the held bytes: the next byte it expects.
//
// Dispatch comes one event-loop turn after the write (as RocketMQ's ReputMessageService trails the commit
// log), so the slave's acknowledgement never waits for consume-queue and index writes.
import { ProtocolError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { BLANK_MAGIC_CODE, MAGIC_CODE } from '../protocol/message-const.js';
import { FIXED_PART_V4, readInt64, readRecordLayout, type RecordLayout } from '../protocol/message.js';
import { END_RECORD_LENGTH, type CommitLog } from './commit-log.js';
import { dispatchEntryOfRecord, type DispatchEntry } from './dispatch.js';

export interface ReplicaAppendParts {
  commitLog: CommitLog;
  delayLevels: readonly number[];
  log: Logger;
  /** Stages a record for its consume queue and the index (PutService.dispatch). */
  dispatch(entry: DispatchEntry): void;
  /** Writes what dispatch staged; throws the first failure (PutService.flushDispatched). */
  flushDispatched(): void;
  /** The records are readable through their consume queues: wake long polls, advance the checkpoint. */
  dispatched(entries: DispatchEntry[]): void;
  /** Largest record accepted; bounds what a partial record can make us hold in memory. */
  maxRecordSize: number;
}

const EMPTY = Buffer.alloc(0);

/** A record written to the commit log, waiting for its dispatch. */
interface WrittenRecord {
  buf: Buffer;
  pos: number;
  layout: RecordLayout;
  phy: number;
}

export class ReplicaAppender {
  /** Bytes after the committed end that do not make a whole unit yet. */
  private held: Buffer = EMPTY;
  /** Offset of held[0]: the committed end, or where an empty log will start. */
  private heldAt = 0;
  /** A consume-queue or index write failed; staged units are retried with the next append. */
  private dispatchBehind = false;
  /** Written, not yet dispatched (next turn). */
  private written: WrittenRecord[] = [];
  private dispatchScheduled = false;
  private closed = false;
  private readonly dispatchNow = (): void => {
    this.dispatchScheduled = false;
    this.dispatchWritten();
  };

  constructor(private readonly p: ReplicaAppendParts) {}

  /** The next commit-log offset expected from the master. */
  get nextOffset(): number {
    return this.held.length > 0 ? this.heldAt + this.held.length : this.p.commitLog.maxOffset;
  }

  /** Bytes received but held back because their record is not complete yet. */
  get heldBytes(): number {
    return this.held.length;
  }

  /**
   * Takes the bytes of one transfer frame. `offset` must be nextOffset, except for an empty log, which starts
   * wherever the master starts it (a segment boundary). Throws ProtocolError for bytes that are not commit-log
   * records at that offset (whole units before them are kept), and the file error when a write fails.
   */
  append(offset: number, data: Buffer): void {
    const { commitLog } = this.p;
    const empty = commitLog.segmentCount === 0 && this.held.length === 0;
    if (!empty && offset !== this.nextOffset) {
      throw new ProtocolError(`replicated bytes for offset ${offset}, but this store expects ${this.nextOffset}`);
    }
    if (empty && offset % commitLog.segmentSize !== 0) {
      throw new ProtocolError(`an empty store can only start at a commit-log segment boundary, the master sent offset ${offset}`);
    }
    if (data.length === 0) return;
    const base = this.held.length > 0 ? this.heldAt : offset;
    const buf = this.held.length > 0 ? Buffer.concat([this.held, data]) : data;
    const records: WrittenRecord[] = [];
    let failure: ProtocolError | undefined;
    let pos = 0;
    try {
      for (;;) {
        const unit = this.unitLength(buf, pos, base + pos);
        if (unit === 0 || pos + unit > buf.length) break;
        if (buf.readInt32BE(pos + 4) === MAGIC_CODE) records.push(this.checkRecord(buf, pos, base + pos));
        pos += unit;
      }
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      failure = e;
    }
    if (pos > 0) {
      const last = records[records.length - 1];
      commitLog.appendRaw(base, buf.subarray(0, pos), last === undefined ? 0 : readInt64(last.buf, last.layout.storeTimestampPos, 'STORETIMESTAMP'));
      for (const r of records) this.written.push(r);
      if (!this.dispatchScheduled && !this.closed) {
        this.dispatchScheduled = true;
        setImmediate(this.dispatchNow);
      }
    }
    if (failure !== undefined) {
      this.held = EMPTY;
      throw failure;
    }
    // A copy: the frame's buffer belongs to the socket reader.
    this.held = pos === buf.length ? EMPTY : Buffer.from(buf.subarray(pos));
    this.heldAt = base + pos;
  }

  /** Dispatches every written record now (the store calls it before it closes). */
  dispatchWritten(): void {
    const written = this.written;
    if (written.length === 0 && !this.dispatchBehind) return;
    this.written = [];
    const entries: DispatchEntry[] = [];
    for (const r of written) {
      try {
        entries.push(dispatchEntryOfRecord(r.buf, r.pos, r.layout, r.phy, this.p.delayLevels));
      } catch (e) {
        // Topic or queue id the store cannot file: the record stays in the commit log, undispatched (as recovery).
        if (!(e instanceof ProtocolError)) throw e;
        this.p.log.error(`store: replicated record not dispatched: ${e.message}`);
      }
    }
    this.dispatch(entries);
  }

  /** Dispatches what is written and stops scheduling (store shutdown). */
  close(): void {
    this.dispatchWritten();
    this.closed = true;
  }

  /** Forgets a held partial record (the master will send it again from the committed end). */
  reset(): void {
    this.held = EMPTY;
  }

  /**
   * Length of the unit at `pos` (a record, or an END record with the rest of its segment), or 0 when not
   * enough bytes arrived to tell. Throws ProtocolError when the bytes are not a unit.
   */
  private unitLength(buf: Buffer, pos: number, phy: number): number {
    const segmentLeft = this.p.commitLog.nextSegmentStart(phy) - phy;
    if (buf.length - pos < END_RECORD_LENGTH) return 0;
    const size = buf.readInt32BE(pos);
    const magic = buf.readInt32BE(pos + 4);
    if (magic === BLANK_MAGIC_CODE) {
      if (size !== segmentLeft) throw new ProtocolError(`END record at ${phy} says ${size} bytes remain in the segment, ${segmentLeft} do`);
      // A segment ends early only when the next record did not fit, so the filler is smaller than a record.
      if (size > this.p.maxRecordSize + END_RECORD_LENGTH) throw new ProtocolError(`END record at ${phy} leaves ${size} bytes unused, more than a record can take`);
      return size;
    }
    if (magic !== MAGIC_CODE) throw new ProtocolError(`bad MAGICCODE 0x${(magic >>> 0).toString(16)} at replicated offset ${phy}`);
    if (size < FIXED_PART_V4 || size > segmentLeft || size > this.p.maxRecordSize) {
      throw new ProtocolError(`TOTALSIZE ${size} of the replicated record at ${phy} does not fit (segment has ${segmentLeft} bytes left)`);
    }
    return size;
  }

  private checkRecord(buf: Buffer, pos: number, phy: number): WrittenRecord {
    const layout = readRecordLayout(buf, pos);
    const stored = readInt64(buf, pos + 28, 'PHYSICALOFFSET');
    if (stored !== phy) throw new ProtocolError(`replicated record at ${phy} says PHYSICALOFFSET ${stored}`);
    return { buf, pos, layout, phy };
  }

  private dispatch(entries: DispatchEntry[]): void {
    if (entries.length === 0 && !this.dispatchBehind) return;
    for (const e of entries) this.p.dispatch(e);
    try {
      this.p.flushDispatched();
    } catch (e) {
      if (!this.dispatchBehind) this.p.log.error(`store: consume queue/index write of replicated records failed, retried with the next ones: ${(e as Error).message}`);
      this.dispatchBehind = true;
      return;
    }
    if (this.dispatchBehind) this.p.log.info('store: consume queues and index caught up with the replicated commit log');
    this.dispatchBehind = false;
    this.p.dispatched(entries);
  }
}
