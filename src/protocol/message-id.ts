// Message ids (spec/message-format.md §8) and the host-address bytes they and the stored record use.
import { ProtocolError } from '../common/errors.js';

/** An IP literal and port; structurally the same as store/types.ts HostAddress (protocol/ must not import store/). */
export interface HostAddress {
  host: string;
  port: number;
}

// ---- host addresses: 4 or 16 address bytes ----

const IPV4_PART = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function parseIPv4Into(text: string, out: Buffer, pos: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    if (!IPV4_PART.test(parts[i]!)) return false;
    out[pos + i] = Number(parts[i]);
  }
  return true;
}

function groupsOf(parts: string[], allowV4Tail: boolean): number[] | undefined {
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const g = parts[i]!;
    if (allowV4Tail && i === parts.length - 1 && g.includes('.')) {
      const v4 = Buffer.alloc(4);
      if (!parseIPv4Into(g, v4, 0)) return undefined;
      out.push(v4.readUInt16BE(0), v4.readUInt16BE(2));
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
      out.push(parseInt(g, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

function parseIPv6(text: string): Buffer | undefined {
  const zone = text.indexOf('%');
  const halves = (zone >= 0 ? text.slice(0, zone) : text).split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] === '' ? [] : halves[0]!.split(':'), halves.length === 1);
  const tail = groupsOf(halves.length === 2 && halves[1] !== '' ? halves[1]!.split(':') : [], true);
  if (!head || !tail) return undefined;
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  const out = Buffer.allocUnsafe(16);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(groups[i]!, i * 2);
  return out;
}

/** The 4 (IPv4) or 16 (IPv6) address bytes of a host text; throws ProtocolError naming it when malformed. */
export function hostToBytes(host: string): Buffer {
  const v4 = Buffer.alloc(4);
  if (parseIPv4Into(host, v4, 0)) return v4;
  const v6 = host.includes(':') ? parseIPv6(host) : undefined;
  if (!v6) throw new ProtocolError(`host address "${host}" is neither an IPv4 nor an IPv6 literal`);
  return v6;
}

/** Text form: dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run as "::"). */
export function bytesToHost(buf: Buffer, pos: number, length: 4 | 16): string {
  if (length === 4) return `${buf[pos]}.${buf[pos + 1]}.${buf[pos + 2]}.${buf[pos + 3]}`;
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(pos + i * 2));
  let bestStart = -1;
  let bestLen = 1; // a single zero group is not compressed
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

const ADDRESS_CACHE_LIMIT = 4096;
const addressCache = new Map<string, Buffer>();

const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * Cached address bytes for records and ids: the hot send path sees the same few hosts over and over.
 * An IPv4-mapped IPv6 peer (::ffff:a.b.c.d) is stored as IPv4, since ali-ons cannot read v6 host fields.
 * Do not modify the result.
 */
export function cachedHostBytes(host: string): Buffer {
  let bytes = addressCache.get(host);
  if (bytes === undefined) {
    const mapped = IPV4_MAPPED.exec(host);
    bytes = hostToBytes(mapped ? mapped[1]! : host);
    if (addressCache.size >= ADDRESS_CACHE_LIMIT) addressCache.clear();
    addressCache.set(host, bytes);
  }
  return bytes;
}

/** Address bytes + int32 port: the 8- or 20-byte BORNHOST / STOREHOSTADDRESS field. */
export function encodeSocketAddress(addr: HostAddress): Buffer {
  checkPort(addr);
  const ip = cachedHostBytes(addr.host);
  const out = Buffer.allocUnsafe(ip.length + 4);
  ip.copy(out, 0);
  out.writeInt32BE(addr.port, ip.length);
  return out;
}

function checkPort(addr: HostAddress): void {
  if (!Number.isInteger(addr.port) || addr.port < 0 || addr.port > 0x7fffffff) {
    throw new ProtocolError(`port ${addr.port} of host ${addr.host} is not a valid port number`);
  }
}

// ---- offsetMsgId (§8.1) ----

const HEX_ID = /^[0-9A-Fa-f]+$/;

/** Store host address + port + int64 commit-log offset, uppercase hex: 32 chars (IPv4) or 56 (IPv6). */
export function createOffsetMsgId(host: HostAddress, commitLogOffset: number): string {
  const addr = encodeSocketAddress(host);
  return createOffsetMsgIdFromBytes(addr, 0, addr.length, commitLogOffset);
}

/** Same, from the STOREHOSTADDRESS bytes already in a record (8 or 20 bytes at `pos`). */
export function createOffsetMsgIdFromBytes(buf: Buffer, pos: number, length: number, commitLogOffset: number): string {
  const offsetHex = commitLogOffset.toString(16).toUpperCase().padStart(16, '0');
  return buf.toString('hex', pos, pos + length).toUpperCase() + offsetHex;
}

export function decodeOffsetMsgId(id: string): { host: HostAddress; commitLogOffset: number } {
  if ((id.length !== 32 && id.length !== 56) || !HEX_ID.test(id)) {
    throw new ProtocolError(`message id "${id}" is not 32 or 56 hex characters`);
  }
  const bytes = Buffer.from(id, 'hex');
  const ipLen = id.length === 32 ? 4 : 16;
  const port = bytes.readInt32BE(ipLen);
  const offset = bytes.readBigInt64BE(ipLen + 4);
  if (offset < 0n || offset > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ProtocolError(`message id "${id}" carries commit-log offset ${offset}, outside 0..2^53`);
  }
  return { host: { host: bytesToHost(bytes, 0, ipLen), port }, commitLogOffset: Number(offset) };
}

// ---- UNIQ_KEY (§8.2, Java MessageClientIDSetter) ----

/** The fixed part of every UNIQ_KEY a client makes: ip + int16 pid + int32 salt (Java: classloader hash). */
export function uniqIdPrefix(clientHost: string, pid: number, salt: number): string {
  const ip = hostToBytes(clientHost);
  const buf = Buffer.allocUnsafe(ip.length + 6);
  ip.copy(buf, 0);
  buf.writeUInt16BE(pid & 0xffff, ip.length);
  buf.writeInt32BE(salt | 0, ip.length + 2);
  return buf.toString('hex').toUpperCase();
}

/** Start of the current month, local time: the UNIQ_KEY time field counts ms from there. */
export function monthStart(now: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), 1, 0, 0, 0, 0).getTime();
}

/** A Java-style UNIQ_KEY: prefix + int32 ms since month start + int16 counter (wraps). */
export function createUniqId(prefix: string, now: number, counter: number): string {
  let diff = (now - monthStart(now)) | 0;
  if (diff < 0 && diff > -1_000_000) diff = 0; // clock stepped back (NTP), as Java does
  const tail = Buffer.allocUnsafe(6);
  tail.writeInt32BE(diff, 0);
  tail.writeUInt16BE(counter & 0xffff, 4);
  return prefix + tail.toString('hex').toUpperCase();
}

export interface UniqIdParts {
  host: string;
  pid: number;
  salt: number;
  msSinceMonthStart: number;
  counter: number;
}

export function decodeUniqId(id: string): UniqIdParts {
  if ((id.length !== 32 && id.length !== 56) || !HEX_ID.test(id)) {
    throw new ProtocolError(`UNIQ_KEY "${id}" is not 32 or 56 hex characters`);
  }
  const b = Buffer.from(id, 'hex');
  const ipLen = id.length === 32 ? 4 : 16;
  return {
    host: bytesToHost(b, 0, ipLen),
    pid: b.readUInt16BE(ipLen),
    salt: b.readInt32BE(ipLen + 2),
    msSinceMonthStart: b.readInt32BE(ipLen + 6),
    counter: b.readUInt16BE(ipLen + 10),
  };
}
