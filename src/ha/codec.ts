// The two byte streams of RocketMQ 4.x master/slave replication (spec/ha-protocol.md §2), one TCP connection
// from the slave to the master's HA port, no handshake:
//   slave -> master: 8-byte reports, int64 big-endian = the slave's max commit-log offset (next byte it expects);
//   master -> slave: frames of int64 masterPhyOffset + int32 bodySize + bodySize raw commit-log bytes
//                    (bodySize 0 = heartbeat, offset = the next offset the master will send).
// Pure: Buffers in, values out. Reading is incremental because TCP splits and joins writes freely.
import { ProtocolError } from '../common/errors.js';

/** Bytes of one slave report. */
export const REPORT_SIZE = 8;
/** Bytes of a frame header: int64 offset + int32 body size. */
export const FRAME_HEADER_SIZE = 12;

const TWO_32 = 2 ** 32;
/** High 32 bits of Number.MAX_SAFE_INTEGER: offsets above are not exact as JS numbers. */
const MAX_SAFE_HIGH = 0x1fffff;
/** Smallest buffer FrameReader allocates when it must keep a partial frame. */
const MIN_GROWTH = 64 * 1024;

function readOffset(buf: Buffer, pos: number, what: string): number {
  const hi = buf.readInt32BE(pos);
  if (hi < 0 || hi > MAX_SAFE_HIGH) throw new ProtocolError(`HA ${what} ${buf.readBigInt64BE(pos)} is not an offset (negative or beyond 2^53)`);
  return hi * TWO_32 + buf.readUInt32BE(pos + 4);
}

function writeOffset(buf: Buffer, value: number, pos: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`HA offset ${value} is not a non-negative safe integer`);
  const hi = Math.floor(value / TWO_32);
  buf.writeUInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4);
}

/** One slave report (8 bytes). */
export function encodeReport(offset: number): Buffer {
  const buf = Buffer.allocUnsafe(REPORT_SIZE);
  writeOffset(buf, offset, 0);
  return buf;
}

/** A frame header; the body follows as its own buffer (no copy of commit-log bytes). */
export function encodeFrameHeader(offset: number, bodySize: number): Buffer {
  if (!Number.isInteger(bodySize) || bodySize < 0 || bodySize > 0x7fffffff) throw new RangeError(`HA frame body size ${bodySize} is not an int32 >= 0`);
  const buf = Buffer.allocUnsafe(FRAME_HEADER_SIZE);
  writeOffset(buf, offset, 0);
  buf.writeInt32BE(bodySize, 8);
  return buf;
}

/** A whole frame (header + body) in one buffer, for tests and small writes. */
export function encodeFrame(offset: number, body: Buffer): Buffer {
  return Buffer.concat([encodeFrameHeader(offset, body.length), body]);
}

/**
 * The master's side of the report stream. Like HAConnection.ReadSocketService it only cares about the newest
 * complete report: feed() returns the last complete 8-byte value in what arrived (undefined when no report
 * completed), keeping an incomplete tail for the next call.
 */
export class ReportReader {
  private readonly tail = Buffer.alloc(REPORT_SIZE);
  private tailLength = 0;

  feed(chunk: Buffer): number | undefined {
    const total = this.tailLength + chunk.length;
    if (total < REPORT_SIZE) {
      chunk.copy(this.tail, this.tailLength);
      this.tailLength = total;
      return undefined;
    }
    const lastStart = total - (total % REPORT_SIZE) - REPORT_SIZE;
    let value: number;
    if (lastStart >= this.tailLength) {
      value = readOffset(chunk, lastStart - this.tailLength, 'report');
    } else {
      // The last complete report began in the kept tail (only possible when it is the first one).
      const joined = Buffer.allocUnsafe(REPORT_SIZE);
      this.tail.copy(joined, 0, lastStart, this.tailLength);
      chunk.copy(joined, this.tailLength - lastStart, 0, REPORT_SIZE - (this.tailLength - lastStart));
      value = readOffset(joined, 0, 'report');
    }
    const rest = total % REPORT_SIZE;
    chunk.copy(this.tail, 0, chunk.length - rest);
    this.tailLength = rest;
    return value;
  }
}

/** Decodes every complete report of a whole captured stream (tests, tools). Throws on a trailing fragment. */
export function decodeReports(stream: Buffer): number[] {
  if (stream.length % REPORT_SIZE !== 0) throw new ProtocolError(`HA report stream of ${stream.length} bytes is not a multiple of ${REPORT_SIZE}`);
  const out: number[] = [];
  for (let pos = 0; pos < stream.length; pos += REPORT_SIZE) out.push(readOffset(stream, pos, 'report'));
  return out;
}

export interface HaFrame {
  /** Commit-log offset of the first body byte (for a heartbeat: the next offset the master sends). */
  offset: number;
  /** Raw commit-log bytes; empty for a heartbeat. */
  body: Buffer;
}

/**
 * The slave's side of the frame stream: feed() returns the frames completed by `chunk`, in order. A body is
 * handed out only when whole (HAClient.dispatchReadRequest does the same). `maxBodySize` bounds what one
 * frame may claim, so a garbage header cannot make us buffer gigabytes.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;

  constructor(private readonly maxBodySize: number) {}

  /** Bytes received but not yet part of a returned frame. */
  get buffered(): number {
    return this.end - this.start;
  }

  feed(chunk: Buffer): HaFrame[] {
    this.append(chunk);
    const frames: HaFrame[] = [];
    for (;;) {
      const available = this.end - this.start;
      if (available < FRAME_HEADER_SIZE) break;
      const offset = readOffset(this.buf, this.start, 'frame offset');
      const size = this.buf.readInt32BE(this.start + 8);
      if (size < 0 || size > this.maxBodySize) throw new ProtocolError(`HA frame at offset ${offset} claims ${size} body bytes (at most ${this.maxBodySize})`);
      if (available < FRAME_HEADER_SIZE + size) break;
      const bodyStart = this.start + FRAME_HEADER_SIZE;
      frames.push({ offset, body: this.buf.subarray(bodyStart, bodyStart + size) });
      this.start = bodyStart + size;
    }
    return frames;
  }

  private append(chunk: Buffer): void {
    if (this.end === this.start) {
      // Nothing kept: use the chunk as it is (no spare room in it, so it is never written to).
      this.buf = chunk;
      this.start = 0;
      this.end = chunk.length;
      return;
    }
    if (this.buf.length - this.end >= chunk.length) {
      // Room after the kept bytes: frames already returned lie before them and stay untouched.
      chunk.copy(this.buf, this.end);
      this.end += chunk.length;
      return;
    }
    const kept = this.end - this.start;
    // Returned bodies may still point into the old buffer, so a new one is allocated, with room to grow.
    const next = Buffer.allocUnsafe(Math.max(kept + chunk.length, kept * 2, MIN_GROWTH));
    this.buf.copy(next, 0, this.start, this.end);
    chunk.copy(next, kept);
    this.buf = next;
    this.start = 0;
    this.end = kept + chunk.length;
  }
}

/** Decodes every frame of a whole captured stream (tests, tools). Throws on a trailing fragment. */
export function decodeFrames(stream: Buffer, maxBodySize = 0x7fffffff): HaFrame[] {
  const reader = new FrameReader(maxBodySize);
  const frames = reader.feed(stream);
  if (reader.buffered !== 0) throw new ProtocolError(`HA frame stream ends with ${reader.buffered} bytes of an incomplete frame`);
  return frames;
}
