// Java fastjson's JSON dialect (spec/remoting-protocol.md §6.1). RocketMQ bodies and store files are not
// always valid JSON: maps with Long or MessageQueue keys are written with unquoted / object-literal keys.
// This file parses that dialect leniently, coerces values the way fastjson does, and emits what fastjson emits.
import { ProtocolError } from '../common/errors.js';

// ---------------------------------------------------------------------------------------------- values

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A parsed `{...}`. Keys may be strings, numbers or objects (fastjson maps), so entries keep them as values. */
export class JsonObject {
  readonly entries: Array<[JsonValue, JsonValue]>;
  // Built on first lookup of a big object; beans are small enough for a linear scan.
  private index: Map<string, JsonValue> | undefined;

  constructor(entries: Array<[JsonValue, JsonValue]> = []) {
    this.entries = entries;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Value of the string key `name` (the last one if repeated, as fastjson does), or undefined. */
  get(name: string): JsonValue | undefined {
    const entries = this.entries;
    if (entries.length <= 16) {
      for (let i = entries.length - 1; i >= 0; i--) {
        const e = entries[i]!;
        if (e[0] === name) return e[1];
      }
      return undefined;
    }
    if (!this.index) {
      this.index = new Map();
      for (const [k, v] of entries) if (typeof k === 'string') this.index.set(k, v);
    }
    return this.index.get(name);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

/** Marks a number as a Java double so it is written with a decimal point (`0.0`, `1.0E7`). */
export class JsonDouble {
  constructor(readonly value: number) {}
}

/** A Java bean: written with its fields in alphabetical order; null/undefined fields are omitted. */
export interface JsonBean {
  readonly [field: string]: JsonInput;
}

/**
 * What the emitter accepts. Plain objects are beans (sorted fields); Maps and JsonObjects are Java maps
 * (insertion order; string keys quoted, number keys bare, object keys written as JSON objects).
 */
export type JsonInput =
  | null
  | undefined
  | boolean
  | number
  | string
  | JsonDouble
  | JsonObject
  | readonly JsonInput[]
  | ReadonlyMap<JsonInput, JsonInput>
  | JsonBean;

// ---------------------------------------------------------------------------------------------- parser

export const DEFAULT_MAX_JSON_LENGTH = 64 * 1024 * 1024;
export const DEFAULT_MAX_JSON_DEPTH = 128;

export interface FastjsonParseOptions {
  /** Reject longer input (characters for strings, bytes for Buffers). */
  maxLength?: number;
  /** Reject deeper nesting of objects/arrays. */
  maxDepth?: number;
  /** Named in error messages, e.g. "TopicRouteData". */
  what?: string;
}

/** Parses fastjson text: standard JSON plus unquoted keys, object keys, single quotes, tabs/pretty files. */
export function parseFastjson(input: string | Buffer, options: FastjsonParseOptions = {}): JsonValue {
  const what = options.what ?? 'JSON';
  const maxLength = options.maxLength ?? DEFAULT_MAX_JSON_LENGTH;
  if (input.length > maxLength) {
    throw new ProtocolError(`${what}: ${input.length} bytes exceeds the limit of ${maxLength}`);
  }
  const text = typeof input === 'string' ? input : input.toString('utf8');
  const parser = new Parser(text, what, options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH);
  return parser.parseDocument();
}

const CH_TAB = 9,
  CH_LF = 10,
  CH_CR = 13,
  CH_SPACE = 32,
  CH_QUOTE = 34,
  CH_APOS = 39,
  CH_COMMA = 44,
  CH_MINUS = 45,
  CH_DOT = 46,
  CH_0 = 48,
  CH_9 = 57,
  CH_COLON = 58,
  CH_LBRACKET = 91,
  CH_BACKSLASH = 92,
  CH_RBRACKET = 93,
  CH_LBRACE = 123,
  CH_RBRACE = 125;

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly what: string,
    private readonly maxDepth: number,
  ) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1; // BOM written by some editors
  }

  parseDocument(): JsonValue {
    const value = this.parseValue();
    this.skipWs();
    if (this.pos < this.text.length) this.fail('expected end of input');
    return value;
  }

  private parseValue(): JsonValue {
    this.skipWs();
    const c = this.text.charCodeAt(this.pos);
    if (c === CH_LBRACE) return this.parseObject();
    if (c === CH_LBRACKET) return this.parseArray();
    if (c === CH_QUOTE || c === CH_APOS) return this.parseString(c);
    if (c === CH_MINUS || isDigit(c)) return this.parseNumber();
    if (this.text.startsWith('true', this.pos)) return this.literal(4, true);
    if (this.text.startsWith('false', this.pos)) return this.literal(5, false);
    if (this.text.startsWith('null', this.pos)) return this.literal(4, null);
    return this.fail('expected a value');
  }

  private literal<T>(length: number, value: T): T {
    this.pos += length;
    return value;
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`);
    this.pos++;
  }

  private parseObject(): JsonObject {
    this.enter();
    const entries: Array<[JsonValue, JsonValue]> = [];
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === CH_RBRACE) {
      this.pos++;
      this.depth--;
      return new JsonObject(entries);
    }
    for (;;) {
      const key = this.parseKey();
      this.skipWs();
      if (this.text.charCodeAt(this.pos) !== CH_COLON) this.fail("expected ':' after an object key");
      this.pos++;
      entries.push([key, this.parseValue()]);
      this.skipWs();
      const c = this.text.charCodeAt(this.pos++);
      if (c === CH_COMMA) continue;
      if (c === CH_RBRACE) break;
      this.pos--;
      this.fail("expected ',' or '}' in an object");
    }
    this.depth--;
    return new JsonObject(entries);
  }

  private parseKey(): JsonValue {
    this.skipWs();
    const c = this.text.charCodeAt(this.pos);
    if (c === CH_QUOTE || c === CH_APOS) return this.parseString(c);
    if (c === CH_MINUS || isDigit(c)) return this.parseNumber();
    if (c === CH_LBRACE) return this.parseObject();
    if (c === CH_LBRACKET) return this.parseArray();
    if (isIdentStart(c)) {
      const start = this.pos;
      while (isIdentPart(this.text.charCodeAt(this.pos))) this.pos++;
      return this.text.slice(start, this.pos);
    }
    return this.fail('expected an object key');
  }

  private parseArray(): JsonValue[] {
    this.enter();
    const items: JsonValue[] = [];
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === CH_RBRACKET) {
      this.pos++;
      this.depth--;
      return items;
    }
    for (;;) {
      items.push(this.parseValue());
      this.skipWs();
      const c = this.text.charCodeAt(this.pos++);
      if (c === CH_COMMA) continue;
      if (c === CH_RBRACKET) break;
      this.pos--;
      this.fail("expected ',' or ']' in an array");
    }
    this.depth--;
    return items;
  }

  private parseString(quote: number): string {
    const text = this.text;
    const start = ++this.pos;
    // Fast path: no escapes.
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === quote) {
        this.pos = i + 1;
        return text.slice(start, i);
      }
      if (c === CH_BACKSLASH) return this.parseEscapedString(quote, start, i);
    }
    this.pos = start - 1;
    return this.fail('unterminated string');
  }

  private parseEscapedString(quote: number, start: number, firstEscape: number): string {
    const text = this.text;
    let out = text.slice(start, firstEscape);
    let i = firstEscape;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === quote) {
        this.pos = i + 1;
        return out;
      }
      if (c !== CH_BACKSLASH) {
        out += text[i];
        i++;
        continue;
      }
      const e = text[i + 1];
      i += 2;
      switch (e) {
        case '"': case "'": case '\\': case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case 'u': out += this.hexChar(i, 4); i += 4; break;
        case 'x': out += this.hexChar(i, 2); i += 2; break;
        default:
          this.pos = i - 2;
          this.fail(`invalid escape '\\${e ?? ''}' in a string`);
      }
    }
    this.pos = start - 1;
    return this.fail('unterminated string');
  }

  private hexChar(at: number, digits: number): string {
    const hex = this.text.slice(at, at + digits);
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) {
      this.pos = at;
      this.fail(`expected ${digits} hex digits in an escape`);
    }
    return String.fromCharCode(parseInt(hex, 16));
  }

  private parseNumber(): number {
    const text = this.text;
    const start = this.pos;
    let i = start;
    if (text.charCodeAt(i) === CH_MINUS) i++;
    const intStart = i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === intStart) {
      this.pos = i;
      this.fail('expected a digit');
    }
    if (text.charCodeAt(i) === CH_DOT) {
      const fracStart = ++i;
      while (isDigit(text.charCodeAt(i))) i++;
      if (i === fracStart) {
        this.pos = i;
        this.fail("expected a digit after '.'");
      }
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      i++;
      const s = text.charCodeAt(i);
      if (s === 43 || s === CH_MINUS) i++;
      const expStart = i;
      while (isDigit(text.charCodeAt(i))) i++;
      if (i === expStart) {
        this.pos = i;
        this.fail('expected a digit in the exponent');
      }
    }
    const value = Number(text.slice(start, i));
    // fastjson's type suffixes (written with WriteClassName): 1L, 1S, 1B, 1.0F, 1.0D.
    if (/[LSBFD]/i.test(text[i] ?? '') && !isIdentPart(text.charCodeAt(i + 1))) i++;
    this.pos = i;
    return value;
  }

  private skipWs(): void {
    const text = this.text;
    let i = this.pos;
    for (;;) {
      const c = text.charCodeAt(i);
      // fastjson also skips \b and \f between tokens
      if (c === CH_SPACE || c === CH_LF || c === CH_CR || c === CH_TAB || c === 8 || c === 12) i++;
      else break;
    }
    this.pos = i;
  }

  private fail(expected: string): never {
    const text = this.text;
    const at = Math.min(this.pos, text.length);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      if (text.charCodeAt(i) === CH_LF) {
        line++;
        lineStart = i + 1;
      }
    }
    const found = at >= text.length ? 'end of input' : JSON.stringify(text.slice(at, at + 12));
    throw new ProtocolError(
      `${this.what}: ${expected} at offset ${at} (line ${line}, column ${at - lineStart + 1}), found ${found}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------- coercion
// fastjson converts between scalars when a bean field's type asks for it: "12" for an int, 12 for a String,
// "true"/1 for a boolean. Each reader names the field (`where`) when the value cannot be used.

function describe(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof JsonObject) return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function missing(where: string): never {
  throw new ProtocolError(`${where} is missing`);
}

function wrongType(where: string, expected: string, v: JsonValue): never {
  throw new ProtocolError(`${where}: expected ${expected}, got ${describe(v)}`);
}

const INTEGER_TEXT = /^\s*[-+]?\d+\s*$/;
const NUMBER_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** A required String field; numbers and booleans become their text, as fastjson does. */
export function asString(v: JsonValue | undefined, where: string): string {
  if (v === undefined || v === null) return missing(where);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return wrongType(where, 'a string', v);
}

/** A required long field (integral; precision beyond 2^53 is not kept). */
export function asLong(v: JsonValue | undefined, where: string): number {
  if (v === undefined || v === null) return missing(where);
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return Math.trunc(v);
  } else if (typeof v === 'string') {
    if (INTEGER_TEXT.test(v)) return Number(v);
    if (NUMBER_TEXT.test(v)) return Math.trunc(Number(v));
  } else if (typeof v === 'boolean') {
    return v ? 1 : 0;
  }
  return wrongType(where, 'an integer', v);
}

/** A required int field: like asLong but must fit a Java int. */
export function asInt(v: JsonValue | undefined, where: string): number {
  const n = asLong(v, where);
  if (n < -2147483648 || n > 2147483647) throw new ProtocolError(`${where}: ${n} does not fit a 32-bit int`);
  return n;
}

/** A required double field. */
export function asDouble(v: JsonValue | undefined, where: string): number {
  if (v === undefined || v === null) return missing(where);
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && NUMBER_TEXT.test(v)) return Number(v);
  return wrongType(where, 'a number', v);
}

/** A required boolean field: true/false, "true"/"false" (any case), 1/0, "1"/"0". */
export function asBoolean(v: JsonValue | undefined, where: string): boolean {
  if (v === undefined || v === null) return missing(where);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' && (v === 0 || v === 1)) return v === 1;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  return wrongType(where, 'a boolean', v);
}

export function asObject(v: JsonValue | undefined, where: string): JsonObject {
  if (v === undefined || v === null) return missing(where);
  if (v instanceof JsonObject) return v;
  return wrongType(where, 'an object', v);
}

/** A required array (a Java List or Set). */
export function asArray(v: JsonValue | undefined, where: string): JsonValue[] {
  if (v === undefined || v === null) return missing(where);
  if (Array.isArray(v)) return v;
  return wrongType(where, 'an array', v);
}

/** A Java enum: its name, or its ordinal (fastjson accepts both). */
export function asEnum<T extends string>(v: JsonValue | undefined, names: readonly T[], where: string): T {
  if (v === undefined || v === null) return missing(where);
  if (typeof v === 'string') {
    const found = names.find((n) => n === v);
    if (found !== undefined) return found;
    throw new ProtocolError(`${where}: ${JSON.stringify(v)} is not one of ${names.join(', ')}`);
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < names.length) return names[v]!;
  return wrongType(where, `one of ${names.join(', ')}`, v);
}

// ---------------------------------------------------------------------------------------------- emitter

export interface FastjsonStringifyOptions {
  /** fastjson PrettyFormat: tab indentation, as the broker's config/*.json files are written. */
  pretty?: boolean;
  /** fastjson BrowserCompatible: quote non-string map keys, escape '/' and non-ASCII as \uXXXX. */
  browserCompatible?: boolean;
  /** fastjson MapSortField: write map entries sorted by key (numbers numerically). */
  sortMapKeys?: boolean;
}

/** Writes `value` the way fastjson's JSON.toJSONString does (see JsonInput for how types map). */
export function stringifyFastjson(value: JsonInput, options: FastjsonStringifyOptions = {}): string {
  const emitter = new Emitter(options);
  emitter.value(value, 0);
  return emitter.out;
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f]/;
const NEEDS_ESCAPE_BROWSER = /["\\/\u0000-\u001f\u007f-\uffff]/;
const SHORT_ESCAPES: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };

function unicodeEscape(c: number): string {
  return '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
}

/** Java's Double.toString layout (fastjson's double output): `0.0`, `100.1`, `1.0E7`, `1.5E-4`. */
export function formatJavaDouble(v: number): string {
  if (!Number.isFinite(v)) return 'null'; // fastjson writes NaN and Infinity as null
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(v);
    return s.includes('.') ? s : s + '.0';
  }
  const [mantissa, exponent] = v.toExponential().split('e') as [string, string];
  const m = mantissa.includes('.') ? mantissa : mantissa + '.0';
  return `${m}E${exponent.startsWith('+') ? exponent.slice(1) : exponent}`;
}

function compareKeys(a: JsonInput, b: JsonInput): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return 0;
}

class Emitter {
  out = '';
  private readonly pretty: boolean;
  private readonly browser: boolean;
  private readonly sortMaps: boolean;
  private readonly indents: string[] = ['\n'];

  constructor(options: FastjsonStringifyOptions) {
    this.pretty = options.pretty ?? false;
    this.browser = options.browserCompatible ?? false;
    this.sortMaps = options.sortMapKeys ?? false;
  }

  value(v: JsonInput, indent: number): void {
    if (v === null || v === undefined) this.out += 'null';
    else if (typeof v === 'string') this.string(v);
    else if (typeof v === 'number') this.out += Number.isFinite(v) ? String(v) : 'null';
    else if (typeof v === 'boolean') this.out += v ? 'true' : 'false';
    else if (isArray(v)) this.array(v, indent);
    else if (v instanceof JsonDouble) this.out += formatJavaDouble(v.value);
    else if (v instanceof JsonObject) this.map(v.entries, v.size, indent);
    else if (v instanceof Map) this.map(v, v.size, indent);
    else this.bean(v as JsonBean, indent);
  }

  private newline(indent: number): void {
    let s = this.indents[indent];
    if (s === undefined) {
      s = '\n' + '\t'.repeat(indent);
      this.indents[indent] = s;
    }
    this.out += s;
  }

  private string(s: string): void {
    const special = this.browser ? NEEDS_ESCAPE_BROWSER : NEEDS_ESCAPE;
    if (!special.test(s)) {
      this.out += '"' + s + '"';
      return;
    }
    let r = '"';
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const short = SHORT_ESCAPES[c];
      if (short !== undefined) r += short;
      else if (c < 0x20 || c === 0x7f) r += unicodeEscape(c);
      else if (this.browser && c === 0x2f) r += '\\/';
      else if (this.browser && c > 0x7f) r += unicodeEscape(c);
      else r += s[i];
    }
    this.out += r + '"';
  }

  private array(items: readonly JsonInput[], indent: number): void {
    // fastjson's ListSerializer only breaks lines for lists of two or more items.
    if (this.pretty && items.length > 1) {
      this.out += '[';
      for (let i = 0; i < items.length; i++) {
        if (i > 0) this.out += ',';
        this.newline(indent + 1);
        this.value(items[i], indent + 1);
      }
      this.newline(indent);
      this.out += ']';
      return;
    }
    this.out += '[';
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.out += ',';
      this.value(items[i], indent);
    }
    this.out += ']';
  }

  private bean(bean: JsonBean, indent: number): void {
    const names = Object.keys(bean).sort();
    this.out += '{';
    let first = true;
    for (const name of names) {
      const v = bean[name];
      if (v === undefined || v === null) continue;
      if (!first) this.out += ',';
      first = false;
      if (this.pretty) this.newline(indent + 1);
      this.string(name);
      this.out += ':';
      this.value(v, indent + 1);
    }
    if (this.pretty && !first) this.newline(indent);
    this.out += '}';
  }

  private map(entries: Iterable<readonly [JsonInput, JsonInput]>, size: number, indent: number): void {
    let list = entries;
    if (this.sortMaps) list = [...entries].sort((a, b) => compareKeys(a[0], b[0]));
    this.out += '{';
    let first = true;
    for (const [k, v] of list) {
      if (v === undefined || v === null) continue;
      if (!first) this.out += ',';
      first = false;
      this.key(k, indent);
      this.out += ':';
      this.value(v, indent + 1);
    }
    // fastjson's MapSerializer: a line break before each *string* key and before '}' of a non-empty map.
    if (this.pretty && size > 0) this.newline(indent);
    this.out += '}';
  }

  private key(k: JsonInput, indent: number): void {
    if (typeof k === 'string') {
      if (this.pretty) this.newline(indent + 1);
      this.string(k);
    } else if (this.browser) {
      this.string(typeof k === 'number' ? String(k) : stringifyFastjson(k));
    } else {
      this.value(k, indent + 1);
    }
  }
}

function isArray(v: JsonInput): v is readonly JsonInput[] {
  return Array.isArray(v);
}
