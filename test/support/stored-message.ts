// An independent reader of RocketMQ's stored message format (spec/message-format.md §1), used as the test
// oracle for what the broker serves: it checks every field it can (magic, TOTALSIZE against the computed
// length, body CRC) and throws on the first inconsistency, so a torn or half-written record cannot slip by.
import zlib from 'node:zlib';

export const MESSAGE_MAGIC = 0xdaa320a7 | 0;
export const BLANK_MAGIC = 0xcbd43194 | 0;

export interface StoredMessage {
  totalSize: number;
  bodyCrc: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  physicalOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  storeTimestamp: number;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  body: Buffer;
  topic: string;
  properties: Record<string, string>;
  /** offsetMsgId: store host bytes + port + physical offset, uppercase hex. */
  offsetMsgId: string;
}

/** Standard CRC-32 (java.util.zip.CRC32) & 0x7FFFFFFF, as RocketMQ stores it. */
export function bodyCrc(body: Buffer): number {
  return (zlib.crc32(body) & 0x7fffffff) >>> 0;
}

/** `key 0x01 value 0x02` pairs; accepts a trailing 0x02 or none, skips empty segments. */
export function decodeProperties(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const seg of text.split('\u0002')) {
    const i = seg.indexOf('\u0001');
    if (i <= 0 || i === seg.length - 1) continue;
    props[seg.slice(0, i)] = seg.slice(i + 1);
  }
  return props;
}

export function encodeProperties(props: Record<string, string>): string {
  return Object.entries(props).map(([k, v]) => `${k}\u0001${v}\u0002`).join('');
}

function readLong(buf: Buffer, pos: number, what: string): number {
  const v = buf.readBigInt64BE(pos);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new Error(`${what} ${v} at byte ${pos} is out of the safe integer range`);
  }
  return Number(v);
}

function readHost(buf: Buffer, pos: number, v6: boolean): { text: string; bytes: Buffer; next: number } {
  const len = v6 ? 16 : 4;
  const bytes = buf.subarray(pos, pos + len + 4);
  const port = buf.readInt32BE(pos + len);
  let host: string;
  if (v6) {
    const parts: string[] = [];
    for (let i = 0; i < 16; i += 2) parts.push(buf.readUInt16BE(pos + i).toString(16));
    host = `[${parts.join(':')}]`;
  } else {
    host = Array.from(buf.subarray(pos, pos + 4)).join('.');
  }
  return { text: `${host}:${port}`, bytes, next: pos + len + 4 };
}

/** Decodes one record at `pos`; throws with a precise reason when anything is inconsistent. */
export function decodeStoredMessage(buf: Buffer, pos = 0): StoredMessage {
  const where = (field: string) => `record at byte ${pos}: ${field}`;
  if (buf.length - pos < 4 + 4) throw new Error(where(`only ${buf.length - pos} bytes left, not even a header`));
  const totalSize = buf.readInt32BE(pos);
  const magic = buf.readInt32BE(pos + 4);
  if (magic !== MESSAGE_MAGIC) {
    throw new Error(where(`magic 0x${(magic >>> 0).toString(16)} is not the message magic 0xdaa320a7`));
  }
  if (totalSize < 91 || pos + totalSize > buf.length) {
    throw new Error(where(`TOTALSIZE ${totalSize} does not fit in the ${buf.length - pos} bytes left`));
  }
  const rec = buf.subarray(pos, pos + totalSize);
  let p = 8;
  const storedCrc = rec.readInt32BE(p); p += 4;
  const queueId = rec.readInt32BE(p); p += 4;
  const flag = rec.readInt32BE(p); p += 4;
  const queueOffset = readLong(rec, p, 'QUEUEOFFSET'); p += 8;
  const physicalOffset = readLong(rec, p, 'PHYSICALOFFSET'); p += 8;
  const sysFlag = rec.readInt32BE(p); p += 4;
  const bornTimestamp = readLong(rec, p, 'BORNTIMESTAMP'); p += 8;
  const born = readHost(rec, p, (sysFlag & 0x10) !== 0); p = born.next;
  const storeTimestamp = readLong(rec, p, 'STORETIMESTAMP'); p += 8;
  const store = readHost(rec, p, (sysFlag & 0x20) !== 0); p = store.next;
  const reconsumeTimes = rec.readInt32BE(p); p += 4;
  const preparedTransactionOffset = readLong(rec, p, 'PREPARED TRANSACTION OFFSET'); p += 8;
  const bodyLength = rec.readInt32BE(p); p += 4;
  if (bodyLength < 0 || p + bodyLength > totalSize) throw new Error(where(`BODYLENGTH ${bodyLength} overruns TOTALSIZE ${totalSize}`));
  const body = Buffer.from(rec.subarray(p, p + bodyLength)); p += bodyLength;
  if (p + 1 > totalSize) throw new Error(where('no room for TOPICLENGTH'));
  const topicLength = rec.readInt8(p); p += 1;
  if (topicLength < 0 || p + topicLength > totalSize) throw new Error(where(`TOPICLENGTH ${topicLength} overruns TOTALSIZE ${totalSize}`));
  const topic = rec.toString('utf8', p, p + topicLength); p += topicLength;
  if (p + 2 > totalSize) throw new Error(where('no room for PROPERTIESLENGTH'));
  const propertiesLength = rec.readInt16BE(p); p += 2;
  if (propertiesLength < 0 || p + propertiesLength > totalSize) {
    throw new Error(where(`PROPERTIESLENGTH ${propertiesLength} overruns TOTALSIZE ${totalSize}`));
  }
  const properties = decodeProperties(rec.toString('utf8', p, p + propertiesLength)); p += propertiesLength;
  if (p !== totalSize) throw new Error(where(`fields end at ${p} but TOTALSIZE says ${totalSize}`));
  const crc = bodyCrc(body);
  if ((storedCrc >>> 0) !== crc) {
    throw new Error(where(`BODYCRC ${storedCrc >>> 0} != crc32(body) & 0x7fffffff = ${crc} (topic ${topic}, queue ${queueId}, offset ${queueOffset})`));
  }
  const idBuf = Buffer.alloc(store.bytes.length + 8);
  store.bytes.copy(idBuf, 0);
  idBuf.writeBigInt64BE(BigInt(physicalOffset), store.bytes.length);
  return {
    totalSize, bodyCrc: storedCrc, queueId, flag, queueOffset, physicalOffset, sysFlag, bornTimestamp,
    bornHost: born.text, storeTimestamp, storeHost: store.text, reconsumeTimes, preparedTransactionOffset,
    body, topic, properties, offsetMsgId: idBuf.toString('hex').toUpperCase(),
  };
}

/** Decodes a PULL/QUERY body: whole records back to back, nothing left over. */
export function decodeStoredMessages(buf: Buffer | undefined): StoredMessage[] {
  const out: StoredMessage[] = [];
  if (!buf) return out;
  let pos = 0;
  while (pos < buf.length) {
    const m = decodeStoredMessage(buf, pos);
    out.push(m);
    pos += m.totalSize;
  }
  return out;
}
