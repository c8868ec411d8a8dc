// Java .properties syntax (java.util.Properties.load), which RocketMQ's broker.conf / namesrv config use:
// `key=value`, `key: value`, `key value`, `#`/`!` comments, `\` line continuation, `\t \n \uXXXX` escapes.
// Text is read as Unicode (Java reads ISO-8859-1 from a stream; guides save UTF-8, so this is kinder).
import { ConfigError } from '../common/errors.js';

export interface PropertyEntry {
  key: string;
  value: string;
  /** 1-based line where the entry starts (continuations belong to it). */
  line: number;
}

export const MAX_PROPERTIES_LENGTH = 1024 * 1024;
export const MAX_PROPERTIES_ENTRIES = 10_000;

interface LogicalLine {
  text: string;
  line: number;
}

/** Parses properties text into entries in file order (a repeated key appears twice; the last one wins in Java). */
export function parseJavaProperties(text: string, source: string): PropertyEntry[] {
  if (text.length > MAX_PROPERTIES_LENGTH) {
    throw new ConfigError(`${source}: ${text.length} characters exceeds the limit of ${MAX_PROPERTIES_LENGTH}`);
  }
  const entries: PropertyEntry[] = [];
  for (const logical of logicalLines(text)) {
    if (entries.length >= MAX_PROPERTIES_ENTRIES) {
      throw new ConfigError(`${source}:${logical.line}: more than ${MAX_PROPERTIES_ENTRIES} entries`);
    }
    entries.push(splitEntry(logical, source));
  }
  return entries;
}

const WHITESPACE = new Set([' ', '\t', '\f']);

/** Joins continued lines and drops blank and comment lines. */
function* logicalLines(text: string): Generator<LogicalLine> {
  const natural = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < natural.length; i++) {
    const first = stripLeading(natural[i]!);
    if (first === '' || first.startsWith('#') || first.startsWith('!')) continue;
    const startLine = i + 1;
    let joined = first;
    while (endsWithContinuation(joined) && i + 1 < natural.length) {
      joined = joined.slice(0, -1) + stripLeading(natural[++i]!);
    }
    if (endsWithContinuation(joined)) joined = joined.slice(0, -1); // continuation at end of file
    yield { text: joined, line: startLine };
  }
}

function stripLeading(s: string): string {
  let i = 0;
  while (i < s.length && WHITESPACE.has(s[i]!)) i++;
  return s.slice(i);
}

/** An odd number of trailing backslashes continues the line. */
function endsWithContinuation(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function splitEntry(logical: LogicalLine, source: string): PropertyEntry {
  const s = logical.text;
  let i = 0;
  // The key ends at the first unescaped '=', ':' or whitespace.
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '=' || c === ':' || WHITESPACE.has(c)) break;
    i++;
  }
  const rawKey = s.slice(0, Math.min(i, s.length));
  while (i < s.length && WHITESPACE.has(s[i]!)) i++;
  if (s[i] === '=' || s[i] === ':') i++;
  while (i < s.length && WHITESPACE.has(s[i]!)) i++;
  const where = `${source}:${logical.line}`;
  return { key: unescape(rawKey, where), value: unescape(s.slice(i), where), line: logical.line };
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(s: string, where: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = s[++i];
    if (e === undefined) break;
    if (e === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new ConfigError(`${where}: malformed \\uxxxx escape "\\u${hex}"`);
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += ESCAPES[e] ?? e;
    }
  }
  return out;
}
