// The stored-message record (spec/message-format.md §1-§6): the same bytes live in the commit log,
// in PULL / QUERY / VIEW_MESSAGE_BY_ID response bodies and in the HA stream. Big-endian throughout.
import zlib from 'node:zlib';
import { ProtocolError } from '../common/errors.js';
import {
  BLANK_MAGIC_CODE,
  MAGIC_CODE,
  MAX_PROPERTIES_LENGTH,
  MAX_TOPIC_LENGTH,
  NAME_VALUE_SEPARATOR,
  PROPERTY_SEPARATOR,
  SysFlag,
} from './message-const.js';
import { bytesToHost, cachedHostBytes, createOffsetMsgIdFromBytes, type HostAddress } from './message-id.js';

export { MAX_PROPERTIES_LENGTH, MAX_TOPIC_LENGTH } from './message-const.js';

/** Length of every fixed field for IPv4 born and store hosts; add 12 per IPv6 host. */
export const FIXED_PART_V4 = 91;
/** Largest record a reader accepts before believing TOTALSIZE (4 MiB body default + generous headroom). */
export const MAX_RECORD_SIZE = 64 * 1024 * 1024;
/** Decoding a batch body or a response body stops with an error beyond this many records. */
export const MAX_RECORDS_PER_BUFFER = 100_000;

export interface DecodedMessage {
  storeSize: number;
  magic: number;
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  commitLogOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: HostAddress;
  storeTimestamp: number;
  storeHost: HostAddress;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** A view into the decoded buffer (no copy); stored bytes, compressed when sysFlag bit 0 is set. */
  body: Buffer;
  topic: string;
  propertiesString: string;
  properties: Map<string, string>;
  /** offsetMsgId: store host + commit-log offset (§8.1). */
  msgId: string;
}

/** What the encoder needs; structurally the store's MessageToStore (protocol/ must not import store/). */
export interface StorableMessage {
  topic: string;
  queueId: number;
  flag: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: HostAddress;
  body: Buffer;
  properties: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** The sender's WAIT property when the broker stripped it from `properties`; absent: read WAIT from them. */
  waitStoreMsgOK?: boolean;
}

// ---- int64 as JS numbers: exact within ±2^53, which covers offsets and millisecond timestamps ----

const TWO_32 = 4294967296;
const MAX_SAFE_HIGH = 0x1fffff; // high word of 2^53 - 1

/** Reads an int64; throws ProtocolError naming `field` when it does not fit a JS number exactly. */
export function readInt64(buf: Buffer, pos: number, field: string): number {
  const hi = buf.readInt32BE(pos);
  if (hi > MAX_SAFE_HIGH || hi < -MAX_SAFE_HIGH - 1) {
    throw new ProtocolError(`${field} at offset ${pos} is ${buf.readBigInt64BE(pos)}, beyond ±2^53`);
  }
  return hi * TWO_32 + buf.readUInt32BE(pos + 4);
}

export function writeInt64(buf: Buffer, value: number, pos: number): void {
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4);
}

// ---- CRC, hashes ----

/** BODYCRC: CRC-32 (java.util.zip.CRC32) of the stored body, masked to a non-negative int. */
export function messageBodyCrc(body: Buffer): number {
  return zlib.crc32(body) & 0x7fffffff;
}

/** Java String.hashCode(): 31-polynomial over UTF-16 code units with int32 overflow. */
export function javaHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Consume-queue tagsCode of a TAGS value (§5): its hash, 0 when absent or empty. */
export function tagsCodeOf(tags: string | undefined): number {
  return tags === undefined || tags.length === 0 ? 0 : javaHashCode(tags);
}

// ---- properties (§4) ----

const NVS = NAME_VALUE_SEPARATOR.charCodeAt(0);

/**
 * RocketMQ 4.9.8 string2messageProperties: segments split on 0x02; a segment is used only when it is at
 * least 3 chars and its first 0x01 is neither its first nor its last char. Later duplicates win.
 */
export function parseProperties(s: string): Map<string, string> {
  const map = new Map<string, string>();
  const len = s.length;
  let index = 0;
  while (index < len) {
    let end = s.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = len;
    if (end - index >= 3) {
      const sep = s.indexOf(NAME_VALUE_SEPARATOR, index);
      if (sep > index && sep < end - 1) map.set(s.slice(index, sep), s.slice(sep + 1, end));
    }
    index = end + 1;
  }
  return map;
}

/** One property by the same rules as parseProperties, without building the map (hot path). */
export function getProperty(s: string, name: string): string | undefined {
  let found: string | undefined;
  const len = s.length;
  let index = 0;
  while (index < len) {
    let end = s.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = len;
    const sep = index + name.length;
    if (sep < end - 1 && s.charCodeAt(sep) === NVS && s.startsWith(name, index) && name.length > 0) {
      found = s.slice(sep + 1, end);
    }
    index = end + 1;
  }
  return found;
}

/** 4.9.8 messageProperties2String: `k 0x01 v 0x02` pairs, the final 0x02 dropped. */
export function encodeProperties(m: Map<string, string>): string {
  let out = '';
  for (const [k, v] of m) out += k + NAME_VALUE_SEPARATOR + v + PROPERTY_SEPARATOR;
  return out.length > 0 ? out.slice(0, -1) : out;
}

/** Stored properties of a batch record (§6): inner + 0x02 (unless inner is empty or ends with it) + batch-level. */
export function joinBatchProperties(inner: string, batchLevel: string): string {
  if (inner.length === 0) return batchLevel;
  if (batchLevel.length === 0 || inner.endsWith(PROPERTY_SEPARATOR)) return inner + batchLevel;
  return inner + PROPERTY_SEPARATOR + batchLevel;
}

// ---- decoding ----

function fail(offset: number, what: string): never {
  throw new ProtocolError(`stored message at offset ${offset}: ${what}`);
}

function hostLength(sysFlag: number, v6Bit: number): 8 | 20 {
  return (sysFlag & v6Bit) === 0 ? 8 : 20;
}

/** Where the variable parts of one record sit (absolute positions in the buffer). */
export interface RecordLayout {
  storeSize: number;
  sysFlag: number;
  bornHostPos: number;
  bornHostLength: 8 | 20;
  storeTimestampPos: number;
  storeHostPos: number;
  storeHostLength: 8 | 20;
  reconsumeTimesPos: number;
  bodyPos: number;
  bodyLength: number;
  topicPos: number;
  topicLength: number;
  propertiesPos: number;
  propertiesLength: number;
}

/**
 * Validates the record at `offset` (magic, bounds, TOTALSIZE against the fields) without building strings:
 * the store's recovery scan runs this over whole segments. Throws ProtocolError naming offset and field.
 */
export function readRecordLayout(buf: Buffer, offset = 0): RecordLayout {
  if (offset < 0 || offset + 8 > buf.length) fail(offset, `needs 8 bytes for TOTALSIZE and MAGICCODE, ${buf.length - offset} left`);
  const storeSize = buf.readInt32BE(offset);
  const magic = buf.readInt32BE(offset + 4);
  if (magic === BLANK_MAGIC_CODE) fail(offset, 'is a BLANK (end-of-file) record, not a message');
  if (magic !== MAGIC_CODE) fail(offset, `MAGICCODE is 0x${(magic >>> 0).toString(16)}, expected 0xdaa320a7`);
  if (storeSize < FIXED_PART_V4 || storeSize > MAX_RECORD_SIZE) fail(offset, `TOTALSIZE ${storeSize} is outside ${FIXED_PART_V4}..${MAX_RECORD_SIZE}`);
  const end = offset + storeSize;
  if (end > buf.length) fail(offset, `TOTALSIZE ${storeSize} runs past the buffer end (${buf.length - offset} bytes left)`);

  const sysFlag = buf.readInt32BE(offset + 36);
  const bornHostLength = hostLength(sysFlag, SysFlag.BORNHOST_V6_FLAG);
  const storeHostLength = hostLength(sysFlag, SysFlag.STOREHOSTADDRESS_V6_FLAG);
  const bornHostPos = offset + 48;
  const storeTimestampPos = bornHostPos + bornHostLength;
  const storeHostPos = storeTimestampPos + 8;
  const reconsumeTimesPos = storeHostPos + storeHostLength;
  let p = reconsumeTimesPos + 12;
  if (p + 4 > end) fail(offset, `TOTALSIZE ${storeSize} is too small for the fixed fields of sysFlag ${sysFlag}`);
  const bodyLength = buf.readInt32BE(p);
  p += 4;
  if (bodyLength < 0 || p + bodyLength + 1 > end) fail(offset, `BODYLENGTH ${bodyLength} does not fit TOTALSIZE ${storeSize}`);
  const bodyPos = p;
  p += bodyLength;
  const topicLength = buf.readInt8(p);
  p += 1;
  if (topicLength < 0 || p + topicLength + 2 > end) fail(offset, `TOPICLENGTH ${topicLength} does not fit TOTALSIZE ${storeSize}`);
  const topicPos = p;
  p += topicLength;
  const propertiesLength = buf.readInt16BE(p);
  p += 2;
  if (propertiesLength < 0) fail(offset, `PROPERTIESLENGTH ${propertiesLength} is negative`);
  if (p + propertiesLength !== end) fail(offset, `TOTALSIZE ${storeSize} != computed length ${p + propertiesLength - offset}`);
  return {
    storeSize, sysFlag, bornHostPos, bornHostLength, storeTimestampPos, storeHostPos, storeHostLength, reconsumeTimesPos,
    bodyPos, bodyLength, topicPos, topicLength, propertiesPos: p, propertiesLength,
  };
}

/** Decodes the record at `offset`; validates magic, TOTALSIZE against the fields, and bounds. */
export function decodeMessage(buf: Buffer, offset = 0): DecodedMessage {
  const l = readRecordLayout(buf, offset);
  const propertiesString = buf.toString('utf8', l.propertiesPos, l.propertiesPos + l.propertiesLength);
  const commitLogOffset = readInt64(buf, offset + 28, 'PHYSICALOFFSET');
  return {
    storeSize: l.storeSize,
    magic: MAGIC_CODE,
    bodyCRC: buf.readInt32BE(offset + 8),
    queueId: buf.readInt32BE(offset + 12),
    flag: buf.readInt32BE(offset + 16),
    queueOffset: readInt64(buf, offset + 20, 'QUEUEOFFSET'),
    commitLogOffset,
    sysFlag: l.sysFlag,
    bornTimestamp: readInt64(buf, offset + 40, 'BORNTIMESTAMP'),
    bornHost: readSocketAddress(buf, l.bornHostPos, l.bornHostLength),
    storeTimestamp: readInt64(buf, l.storeTimestampPos, 'STORETIMESTAMP'),
    storeHost: readSocketAddress(buf, l.storeHostPos, l.storeHostLength),
    reconsumeTimes: buf.readInt32BE(l.reconsumeTimesPos),
    preparedTransactionOffset: readInt64(buf, l.reconsumeTimesPos + 4, 'PREPARED_TRANSACTION_OFFSET'),
    body: buf.subarray(l.bodyPos, l.bodyPos + l.bodyLength),
    topic: buf.toString('utf8', l.topicPos, l.topicPos + l.topicLength),
    propertiesString,
    properties: parseProperties(propertiesString),
    msgId: createOffsetMsgIdFromBytes(buf, l.storeHostPos, l.storeHostLength, commitLogOffset),
  };
}

function readSocketAddress(buf: Buffer, pos: number, length: 8 | 20): HostAddress {
  const ipLen = length === 8 ? 4 : 16;
  return { host: bytesToHost(buf, pos, ipLen), port: buf.readInt32BE(pos + ipLen) };
}

/** Concatenated records (a pull body or a commit-log segment); stops at a BLANK record. */
export function decodeMessages(buf: Buffer): DecodedMessage[] {
  const out: DecodedMessage[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (pos + 8 <= buf.length && buf.readInt32BE(pos + 4) === BLANK_MAGIC_CODE) break;
    if (out.length >= MAX_RECORDS_PER_BUFFER) fail(pos, `more than ${MAX_RECORDS_PER_BUFFER} records in one buffer`);
    const msg = decodeMessage(buf, pos);
    out.push(msg);
    pos += msg.storeSize;
  }
  return out;
}

/** Offset of STORETIMESTAMP inside a record with this sysFlag. */
export function storeTimestampPosition(sysFlag: number): number {
  return 48 + hostLength(sysFlag, SysFlag.BORNHOST_V6_FLAG);
}

// ---- encoding ----

/** Sizes worked out once, then used to check space and to write without a second UTF-8 pass. */
export interface StoredMessagePlan {
  totalSize: number;
  /** sysFlag with the host-v6 bits set from the actual addresses. */
  sysFlag: number;
  topicLength: number;
  propertiesLength: number;
  bornHost: Buffer;
  storeHost: Buffer;
}

/** Sizes a record. Limits are not enforced here: callers check topicLength and propertiesLength. */
export function planStoredMessage(msg: StorableMessage, storeHost: Buffer): StoredMessagePlan {
  const bornIp = cachedHostBytes(msg.bornHost.host);
  const bornHost = Buffer.allocUnsafe(bornIp.length + 4);
  bornIp.copy(bornHost, 0);
  bornHost.writeInt32BE(msg.bornHost.port | 0, bornIp.length);
  const topicLength = Buffer.byteLength(msg.topic, 'utf8');
  const propertiesLength = Buffer.byteLength(msg.properties, 'utf8');
  let sysFlag = msg.sysFlag & ~(SysFlag.BORNHOST_V6_FLAG | SysFlag.STOREHOSTADDRESS_V6_FLAG);
  if (bornHost.length === 20) sysFlag |= SysFlag.BORNHOST_V6_FLAG;
  if (storeHost.length === 20) sysFlag |= SysFlag.STOREHOSTADDRESS_V6_FLAG;
  const totalSize = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + bornHost.length + 8 + storeHost.length + 4 + 8
    + 4 + msg.body.length + 1 + topicLength + 2 + propertiesLength;
  return { totalSize, sysFlag, topicLength, propertiesLength, bornHost, storeHost };
}

/** Writes the record at target[pos]; `plan` must come from planStoredMessage for this message. */
export function writeStoredMessage(
  target: Buffer,
  pos: number,
  msg: StorableMessage,
  plan: StoredMessagePlan,
  queueOffset: number,
  commitLogOffset: number,
  storeTimestamp: number,
): void {
  if (plan.topicLength > MAX_TOPIC_LENGTH) throw new ProtocolError(`topic "${msg.topic}" is ${plan.topicLength} bytes, max ${MAX_TOPIC_LENGTH}`);
  if (plan.propertiesLength > MAX_PROPERTIES_LENGTH) {
    throw new ProtocolError(`properties are ${plan.propertiesLength} bytes, max ${MAX_PROPERTIES_LENGTH}`);
  }
  target.writeInt32BE(plan.totalSize, pos);
  target.writeInt32BE(MAGIC_CODE, pos + 4);
  target.writeInt32BE(messageBodyCrc(msg.body), pos + 8);
  target.writeInt32BE(msg.queueId, pos + 12);
  target.writeInt32BE(msg.flag | 0, pos + 16);
  writeInt64(target, queueOffset, pos + 20);
  writeInt64(target, commitLogOffset, pos + 28);
  target.writeInt32BE(plan.sysFlag, pos + 36);
  writeInt64(target, msg.bornTimestamp, pos + 40);
  let p = pos + 48;
  p += plan.bornHost.copy(target, p);
  writeInt64(target, storeTimestamp, p);
  p += 8;
  p += plan.storeHost.copy(target, p);
  target.writeInt32BE(msg.reconsumeTimes | 0, p);
  writeInt64(target, msg.preparedTransactionOffset, p + 4);
  p += 12;
  target.writeInt32BE(msg.body.length, p);
  p += 4;
  p += msg.body.copy(target, p);
  target.writeInt8(plan.topicLength, p);
  p += 1;
  p += target.write(msg.topic, p, plan.topicLength, 'utf8');
  target.writeInt16BE(plan.propertiesLength, p);
  p += 2;
  if (plan.propertiesLength > 0) target.write(msg.properties, p, plan.propertiesLength, 'utf8');
}

/** One stored record as a new Buffer (the simple entry point; the store writes into its own buffer). */
export function encodeStoredMessage(
  msg: StorableMessage,
  queueOffset: number,
  commitLogOffset: number,
  storeTimestamp: number,
  storeHost: HostAddress,
): Buffer {
  const storeIp = cachedHostBytes(storeHost.host);
  const storeHostBytes = Buffer.allocUnsafe(storeIp.length + 4);
  storeIp.copy(storeHostBytes, 0);
  storeHostBytes.writeInt32BE(storeHost.port | 0, storeIp.length);
  const plan = planStoredMessage(msg, storeHostBytes);
  const out = Buffer.allocUnsafe(plan.totalSize);
  writeStoredMessage(out, 0, msg, plan, queueOffset, commitLogOffset, storeTimestamp);
  return out;
}

// ---- SEND_BATCH_MESSAGE body (§6) ----

export interface BatchRecord {
  flag: number;
  /** A view into the request body (no copy). */
  body: Buffer;
  properties: string;
}

/** Fixed bytes of one batch record: TOTALSIZE, MAGIC, BODYCRC, FLAG, BODYLENGTH, PROPERTIESLENGTH. */
const BATCH_RECORD_FIXED = 4 + 4 + 4 + 4 + 4 + 2;
/** The broker caps a batch at 4 MiB; the count cap keeps a malicious body from building a huge array. */
export const MAX_BATCH_RECORDS = 10_000;

export function decodeBatchBody(body: Buffer): BatchRecord[] {
  const out: BatchRecord[] = [];
  let pos = 0;
  while (pos < body.length) {
    const where = `batch record ${out.length} at offset ${pos}`;
    if (out.length >= MAX_BATCH_RECORDS) throw new ProtocolError(`${where}: more than ${MAX_BATCH_RECORDS} records in one batch`);
    if (pos + BATCH_RECORD_FIXED > body.length) {
      throw new ProtocolError(`${where}: needs at least ${BATCH_RECORD_FIXED} bytes, ${body.length - pos} left`);
    }
    const totalSize = body.readInt32BE(pos);
    const flag = body.readInt32BE(pos + 12);
    const bodyLength = body.readInt32BE(pos + 16);
    const bodyPos = pos + 20;
    if (bodyLength < 0 || bodyPos + bodyLength + 2 > body.length) {
      throw new ProtocolError(`${where}: BODYLENGTH ${bodyLength} runs past the batch end`);
    }
    const propertiesLength = body.readInt16BE(bodyPos + bodyLength);
    const propertiesPos = bodyPos + bodyLength + 2;
    if (propertiesLength < 0 || propertiesPos + propertiesLength > body.length) {
      throw new ProtocolError(`${where}: PROPERTIESLENGTH ${propertiesLength} runs past the batch end`);
    }
    const end = propertiesPos + propertiesLength;
    if (totalSize !== end - pos) throw new ProtocolError(`${where}: TOTALSIZE ${totalSize} != computed length ${end - pos}`);
    out.push({
      flag,
      body: body.subarray(bodyPos, bodyPos + bodyLength),
      properties: body.toString('utf8', propertiesPos, end),
    });
    pos = end;
  }
  return out;
}
