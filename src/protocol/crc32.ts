// CRC-32 (IEEE, the java.util.zip.CRC32 polynomial) for message bodies and REGISTER_BROKER's bodyCrc32.
// Node >= 20.15 has a native zlib.crc32; older Node 20 releases get the table-driven fallback below.
import zlib from 'node:zlib';

let table: Int32Array | undefined;

function crcTable(): Int32Array {
  if (table) return table;
  table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
}

/** Table-driven CRC-32; exported so tests can check it against the native one. */
export function crc32Portable(buf: Uint8Array, start = 0, end = buf.length): number {
  const t = crcTable();
  let crc = -1;
  for (let i = start; i < end; i++) crc = t[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

const nativeCrc32: ((data: Uint8Array) => number) | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (data) => zlib.crc32(data) : undefined;

/** CRC-32 of `buf` as an unsigned 32-bit number (what Java's CRC32.getValue() returns). */
export function crc32(buf: Uint8Array): number {
  return nativeCrc32 ? nativeCrc32(buf) : crc32Portable(buf);
}

/** RocketMQ's UtilAll.crc32: the CRC masked to a non-negative int (message bodyCRC, bodyCrc32 header). */
export function bodyCrc32(buf: Uint8Array): number {
  return crc32(buf) & 0x7fffffff;
}
