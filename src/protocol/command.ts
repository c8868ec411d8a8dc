// The RemotingCommand: one decoded frame (spec/remoting-protocol.md §1-2).
import { OUR_VERSION } from './codes.js';
import { HeaderError } from '../common/errors.js';

export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

export const FLAG_RESPONSE = 1;
export const FLAG_ONEWAY = 2;

export interface RemotingCommand {
  code: number;
  /** Language enum name, e.g. "JAVA". */
  language: string;
  version: number;
  opaque: number;
  flag: number;
  remark?: string;
  /** Custom header fields; values are always strings after decoding (JSON scalars coerced). */
  extFields: Record<string, string>;
  body?: Buffer;
  /** How this command's header is (or will be) encoded on the wire. */
  serializeType: SerializeType;
}

export function isResponse(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_RESPONSE) !== 0;
}

export function isOneway(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_ONEWAY) !== 0;
}


let nextOpaque = 0;

/** A new request with a process-wide increasing opaque, as the Java client does. */
export function createRequest(
  code: number,
  extFields: Record<string, string> = {},
  body?: Buffer,
  serializeType: SerializeType = SerializeType.JSON,
): RemotingCommand {
  nextOpaque = (nextOpaque + 1) | 0;
  return { code, language: 'JAVA', version: OUR_VERSION, opaque: nextOpaque, flag: 0, extFields, body, serializeType };
}

/** The answer to `request`: same opaque and serialization, response flag set. */
export function createResponse(
  request: RemotingCommand,
  code: number,
  remark?: string,
  extFields: Record<string, string> = {},
  body?: Buffer,
): RemotingCommand {
  return {
    code,
    language: 'JAVA',
    version: OUR_VERSION,
    opaque: request.opaque,
    flag: FLAG_RESPONSE,
    remark,
    extFields,
    body,
    serializeType: request.serializeType,
  };
}

// Typed access to custom header fields (spec §2.3). Every failure names the field and the value.

export function requireString(ext: Record<string, string>, name: string): string {
  const v = ext[name];
  if (v === undefined) throw new HeaderError(`the custom field <${name}> is null`);
  return v;
}

export function optionalString(ext: Record<string, string>, name: string): string | undefined {
  return ext[name];
}

function parseInteger(name: string, v: string, bits: 32 | 64): number {
  if (!/^-?\d+$/.test(v.trim())) throw new HeaderError(`the custom field <${name}> is not an integer: "${v}"`);
  const n = Number(v.trim());
  if (bits === 32 && (n > 2147483647 || n < -2147483648)) {
    throw new HeaderError(`the custom field <${name}> is out of int range: "${v}"`);
  }
  if (!Number.isSafeInteger(n)) throw new HeaderError(`the custom field <${name}> is out of range: "${v}"`);
  return n;
}

export function requireInt(ext: Record<string, string>, name: string): number {
  return parseInteger(name, requireString(ext, name), 32);
}

export function optionalInt(ext: Record<string, string>, name: string, fallback: number): number {
  const v = ext[name];
  return v === undefined || v === '' ? fallback : parseInteger(name, v, 32);
}

export function requireLong(ext: Record<string, string>, name: string): number {
  return parseInteger(name, requireString(ext, name), 64);
}

export function optionalLong(ext: Record<string, string>, name: string, fallback: number): number {
  const v = ext[name];
  return v === undefined || v === '' ? fallback : parseInteger(name, v, 64);
}

/** Java's Boolean.parseBoolean: "true" in any case is true, anything else false. */
export function requireBool(ext: Record<string, string>, name: string): boolean {
  return requireString(ext, name).toLowerCase() === 'true';
}

export function optionalBool(ext: Record<string, string>, name: string, fallback: boolean): boolean {
  const v = ext[name];
  return v === undefined ? fallback : v.toLowerCase() === 'true';
}
