// Frames on the wire (spec/remoting-protocol.md §1):
//   int32 length (not counting itself) | int32 (serializeType << 24 | headerLen) | header | body
// Every function here takes and returns WHOLE frames, i.e. including the 4-byte length prefix, so a
// captured frame file or a FrameDecoder output can be passed to decodeCommand as is.
import { ProtocolError } from '../common/errors.js';
import { SerializeType, type RemotingCommand } from './command.js';
import { binaryHeaderLength, decodeBinaryHeader, writeBinaryHeader } from './header-binary.js';
import { decodeJsonHeader, encodeJsonHeader } from './header-json.js';

/** Java's com.rocketmq.remoting.frameMaxLength default; counts the whole frame including the prefix. */
export const DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024;
const PREFIX = 8; // length + headerLenAndType
const MAX_HEADER_LENGTH = 0xffffff; // 24 bits

function headerLengthOf(cmd: RemotingCommand, json: string | undefined): number {
  return json === undefined ? binaryHeaderLength(cmd) : Buffer.byteLength(json);
}

/** Writes length, headerLenAndType and header into a new buffer with `extra` bytes left for the body. */
function encodeHead(cmd: RemotingCommand, bodyLength: number, extra: number): Buffer {
  const json = cmd.serializeType === SerializeType.JSON ? encodeJsonHeader(cmd) : undefined;
  const headerLength = headerLengthOf(cmd, json);
  if (headerLength > MAX_HEADER_LENGTH) throw new ProtocolError(`header of ${headerLength} bytes exceeds ${MAX_HEADER_LENGTH}`);
  const buf = Buffer.allocUnsafe(PREFIX + headerLength + extra);
  buf.writeUInt32BE(4 + headerLength + bodyLength, 0);
  buf.writeUInt32BE(((cmd.serializeType << 24) | headerLength) >>> 0, 4);
  if (json === undefined) writeBinaryHeader(cmd, buf, PREFIX);
  else buf.write(json, PREFIX, 'utf8');
  return buf;
}

/** The whole frame of `cmd` in one buffer (header in cmd.serializeType, body copied in). */
export function encodeCommand(cmd: RemotingCommand): Buffer {
  const bodyLength = cmd.body?.length ?? 0;
  const buf = encodeHead(cmd, bodyLength, bodyLength);
  if (cmd.body !== undefined && bodyLength > 0) cmd.body.copy(buf, buf.length - bodyLength);
  return buf;
}

/**
 * The frame of `cmd` up to the end of its header; the caller writes cmd.body right after it.
 * Lets the transport send a big body (pull results) without copying it.
 */
export function encodeCommandHead(cmd: RemotingCommand): Buffer {
  return encodeHead(cmd, cmd.body?.length ?? 0, 0);
}

/** Decode one whole frame (length prefix included). The body is a view into `frame`, not a copy. */
export function decodeCommand(frame: Buffer): RemotingCommand {
  if (frame.length < PREFIX) throw new ProtocolError(`frame of ${frame.length} bytes is shorter than ${PREFIX}`);
  const length = frame.readUInt32BE(0);
  if (length + 4 !== frame.length) {
    throw new ProtocolError(`frame length field says ${length} (+4) but the frame has ${frame.length} bytes`);
  }
  const word = frame.readUInt32BE(4);
  const type = word >>> 24;
  const headerLength = word & MAX_HEADER_LENGTH;
  if (headerLength > length - 4) {
    throw new ProtocolError(`header length ${headerLength} exceeds frame length ${length} - 4`);
  }
  const header = frame.subarray(PREFIX, PREFIX + headerLength);
  let cmd: RemotingCommand;
  if (type === SerializeType.JSON) cmd = decodeJsonHeader(header);
  else if (type === SerializeType.ROCKETMQ) cmd = decodeBinaryHeader(header);
  else throw new ProtocolError(`unknown serialize type ${type} (expected 0 = JSON or 1 = ROCKETMQ)`);
  if (frame.length > PREFIX + headerLength) cmd.body = frame.subarray(PREFIX + headerLength);
  return cmd;
}

/**
 * Cuts a TCP byte stream into whole frames (length prefix included). Frames lying wholly inside one
 * chunk are returned as views of it; a frame split across chunks is assembled with a single copy.
 * After a ProtocolError the stream is unusable: close the connection.
 */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes needed before it is worth looking at `pending` again. */
  private needed = 4;

  constructor(readonly maxFrameLength: number = DEFAULT_MAX_FRAME_LENGTH) {}

  /** Bytes received but not yet returned as part of a frame. */
  get buffered(): number {
    return this.pendingBytes;
  }

  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let buf = chunk;
    if (this.pendingBytes > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.needed) return frames;
      buf = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    let offset = 0;
    let total = 4;
    while (buf.length - offset >= 4) {
      total = this.frameLengthAt(buf, offset);
      if (buf.length - offset < total) break;
      frames.push(buf.subarray(offset, offset + total));
      offset += total;
      total = 4;
    }
    if (offset < buf.length) {
      this.pending.push(offset === 0 ? buf : buf.subarray(offset));
      this.pendingBytes = buf.length - offset;
      this.needed = total;
    }
    return frames;
  }

  /** Validates the frame starting at `offset` as far as its bytes are there; returns its whole length. */
  private frameLengthAt(buf: Buffer, offset: number): number {
    const length = buf.readUInt32BE(offset);
    if (length < 4) throw new ProtocolError(`frame length ${length} is less than 4 (it must cover the headerLenAndType word)`);
    const total = length + 4;
    if (total > this.maxFrameLength) {
      throw new ProtocolError(`frame of ${total} bytes exceeds the maximum frame length ${this.maxFrameLength}`);
    }
    if (buf.length - offset >= PREFIX) {
      const headerLength = buf.readUInt32BE(offset + 4) & MAX_HEADER_LENGTH;
      if (headerLength > length - 4) {
        throw new ProtocolError(`header length ${headerLength} exceeds frame length ${length} - 4`);
      }
    }
    return total;
  }
}
