// Binary ("ROCKETMQ") header codec (spec/remoting-protocol.md §2.1), used when the serialize type is 1.
// Layout: int16 code, byte language, int16 version, int32 opaque, int32 flag, int32 remarkLen + remark,
// int32 extLen + repeated { int16 keyLen, key, int32 valLen, value }. Big-endian, UTF-8.
import { ProtocolError } from '../common/errors.js';
import { LANGUAGES } from './codes.js';
import { SerializeType, type RemotingCommand } from './command.js';
import type { DecodedHeader } from './header-json.js';

const FIXED_PART = 2 + 1 + 2 + 4 + 4 + 4 + 4;
const LANGUAGE_OTHER = LANGUAGES.indexOf('OTHER');
const LANGUAGE_CODES: ReadonlyMap<string, number> = new Map(LANGUAGES.map((name, code) => [name, code]));

/** Reads with bounds checks so that a bad length names the field and offset instead of reading garbage. */
class HeaderReader {
  offset = 0;
  constructor(private readonly buf: Buffer) {}

  need(n: number, what: string): void {
    if (n < 0 || this.offset + n > this.buf.length) {
      throw new ProtocolError(
        `binary header: ${what} needs ${n} bytes at offset ${this.offset}, header has ${this.buf.length}`,
      );
    }
  }

  int8(what: string): number {
    this.need(1, what);
    return this.buf.readUInt8(this.offset++);
  }

  int16(what: string): number {
    this.need(2, what);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(what: string): number {
    this.need(4, what);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  utf8(length: number, what: string): string {
    this.need(length, what);
    const s = this.buf.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return s;
  }
}

function decodeExtFields(r: HeaderReader, length: number): Record<string, string> {
  const ext: Record<string, string> = {};
  r.need(length, 'extFields');
  const end = r.offset + length;
  while (r.offset < end) {
    const key = r.utf8(r.int16('extFields key length'), 'extFields key');
    const value = r.utf8(r.int32(`extFields value length of "${key}"`), `extFields value of "${key}"`);
    if (r.offset > end) throw new ProtocolError(`binary header: extFields entry "${key}" runs past the extFields area`);
    if (key === '__proto__') throw new ProtocolError('binary header: extFields key "__proto__" is not allowed');
    ext[key] = value; // Java keeps a zero-length value as ""
  }
  return ext;
}

/** Decode a binary header (the header bytes only). An unknown language code reads as "OTHER". */
export function decodeBinaryHeader(bytes: Buffer): DecodedHeader {
  const r = new HeaderReader(bytes);
  const code = r.int16('code');
  const language = LANGUAGES[r.int8('language')] ?? LANGUAGES[LANGUAGE_OTHER];
  const version = r.int16('version');
  const opaque = r.int32('opaque');
  const flag = r.int32('flag');
  const remarkLength = r.int32('remark length');
  const remark = remarkLength === 0 ? undefined : r.utf8(remarkLength, 'remark');
  const extLength = r.int32('extFields length');
  const extFields = extLength === 0 ? {} : decodeExtFields(r, extLength);
  return { code, language, version, opaque, flag, remark, extFields, serializeType: SerializeType.ROCKETMQ };
}

/** Bytes the binary header of `cmd` takes; callers size one buffer for the whole frame with it. */
export function binaryHeaderLength(cmd: RemotingCommand): number {
  let n = FIXED_PART;
  if (cmd.remark) n += Buffer.byteLength(cmd.remark);
  const ext = cmd.extFields;
  for (const key in ext) n += 6 + Buffer.byteLength(key) + Buffer.byteLength(ext[key]);
  return n;
}

function writeString16(buf: Buffer, offset: number, s: string): number {
  const n = buf.write(s, offset + 2, 'utf8');
  if (n > 32767) throw new ProtocolError(`binary header: extFields key longer than 32767 bytes: "${s.slice(0, 40)}…"`);
  buf.writeInt16BE(n, offset);
  return offset + 2 + n;
}

function writeString32(buf: Buffer, offset: number, s: string): number {
  const n = buf.write(s, offset + 4, 'utf8');
  buf.writeInt32BE(n, offset);
  return offset + 4 + n;
}

/**
 * Write the binary header of `cmd` at `offset` (the buffer must have binaryHeaderLength(cmd) bytes there);
 * returns the offset after it. Code and version must fit in int16, as in Java.
 */
export function writeBinaryHeader(cmd: RemotingCommand, buf: Buffer, offset: number): number {
  let o = buf.writeInt16BE(cmd.code, offset);
  o = buf.writeUInt8(LANGUAGE_CODES.get(cmd.language) ?? LANGUAGE_OTHER, o);
  o = buf.writeInt16BE(cmd.version, o);
  o = buf.writeInt32BE(cmd.opaque, o);
  o = buf.writeInt32BE(cmd.flag, o);
  o = cmd.remark ? writeString32(buf, o, cmd.remark) : buf.writeInt32BE(0, o);
  const extStart = o;
  o += 4;
  const ext = cmd.extFields;
  for (const key in ext) {
    o = writeString16(buf, o, key);
    o = writeString32(buf, o, ext[key]);
  }
  buf.writeInt32BE(o - extStart - 4, extStart);
  return o;
}

/** The binary header of `cmd` as its own buffer. */
export function encodeBinaryHeader(cmd: RemotingCommand): Buffer {
  const buf = Buffer.allocUnsafe(binaryHeaderLength(cmd));
  writeBinaryHeader(cmd, buf, 0);
  return buf;
}
