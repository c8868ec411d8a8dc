// JSON header codec (spec/remoting-protocol.md §2): what Java (fastjson) and ali-ons put between the
// headerLenAndType word and the body when the serialize type is 0.
import { ProtocolError } from '../common/errors.js';
import { SerializeType, type RemotingCommand } from './command.js';

/** A decoded header: everything of the command except the body. */
export type DecodedHeader = Omit<RemotingCommand, 'body'>;

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** fastjson accepts an int field given as a number or a numeric string; so do we. */
function readIntField(header: JsonObject, name: string, fallback: number | undefined): number {
  const v = header[name];
  if (v === undefined || v === null) {
    if (fallback === undefined) throw new ProtocolError(`JSON header: field "${name}" is missing`);
    return fallback;
  }
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n > 2147483647 || n < -2147483648) {
    throw new ProtocolError(`JSON header: field "${name}" is not a 32-bit integer: ${JSON.stringify(v)}`);
  }
  return n;
}

function readRemark(header: JsonObject): string | undefined {
  const v = header.remark;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new ProtocolError('JSON header: field "remark" is not a string');
}

function readLanguage(header: JsonObject): string {
  const v = header.language;
  if (v === undefined || v === null) return 'JAVA'; // Java's default for a command without one
  if (typeof v !== 'string') throw new ProtocolError(`JSON header: field "language" is not a string: ${JSON.stringify(v)}`);
  return v;
}

/**
 * Custom fields are strings in Java, but ali-ons sends numbers and booleans: coerce scalars to their
 * string form, drop nulls, refuse nested values (no header field is structured).
 */
function readExtFields(header: JsonObject): Record<string, string> {
  const raw = header.extFields;
  const ext: Record<string, string> = {};
  if (raw === undefined || raw === null) return ext;
  if (!isObject(raw)) throw new ProtocolError('JSON header: field "extFields" is not an object');
  for (const key of Object.keys(raw)) {
    const v = raw[key];
    if (v === null) continue;
    if (key === '__proto__') throw new ProtocolError('JSON header: extFields key "__proto__" is not allowed');
    if (typeof v === 'string') ext[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') ext[key] = String(v);
    else throw new ProtocolError(`JSON header: extFields.${key} is not a scalar (${Array.isArray(v) ? 'array' : 'object'})`);
  }
  return ext;
}

/** Decode a JSON header (the header bytes only). Unknown keys are ignored. */
export function decodeJsonHeader(bytes: Buffer): DecodedHeader {
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError(`header is not JSON: ${(err as Error).message}; starts with ${JSON.stringify(text.slice(0, 40))}`);
  }
  if (!isObject(parsed)) throw new ProtocolError(`header is not JSON: expected an object, got ${JSON.stringify(text.slice(0, 40))}`);
  return {
    code: readIntField(parsed, 'code', undefined),
    language: readLanguage(parsed),
    version: readIntField(parsed, 'version', 0),
    opaque: readIntField(parsed, 'opaque', 0),
    flag: readIntField(parsed, 'flag', 0),
    remark: readRemark(parsed),
    extFields: readExtFields(parsed),
    serializeType: SerializeType.JSON,
  };
}

function hasKeys(o: Record<string, string>): boolean {
  for (const _ in o) return true;
  return false;
}

/**
 * The header as Java's fastjson writes it: top-level keys alphabetical, remark and empty extFields
 * omitted (most 4.9.8 processors leave extFields null), serializeTypeCurrentRPC "JSON". extFields keep
 * their insertion order (Java's is hash order anyway).
 */
export function encodeJsonHeader(cmd: RemotingCommand): string {
  // Object literal order is the emitted order; JSON.stringify drops undefined members.
  return JSON.stringify({
    code: cmd.code,
    extFields: hasKeys(cmd.extFields) ? cmd.extFields : undefined,
    flag: cmd.flag,
    language: cmd.language,
    opaque: cmd.opaque,
    remark: cmd.remark,
    serializeTypeCurrentRPC: 'JSON',
    version: cmd.version,
  });
}
