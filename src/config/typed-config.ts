// Applies .properties entries to a flat typed config, the way RocketMQ's MixAll.properties2Object does
// (one key per setter, values trimmed), but strictly: a malformed value is an error naming the key, value,
// line and file; an unknown key is a warning instead of a silent ignore.
import { ConfigError } from '../common/errors.js';
import type { PropertyEntry } from './java-properties.js';

export type ConfigValue = string | number | boolean;

/** How a key's text is read: Java int (32-bit), long, boolean, String, or an enum's names. */
export type ConfigKind = 'int' | 'long' | 'bool' | 'string' | { readonly enum: readonly string[] };

/** The kind a field of type T may have (keeps the schema in step with the config interface). */
export type KindFor<T> = [T] extends [number]
  ? 'int' | 'long'
  : [T] extends [boolean]
    ? 'bool'
    : string extends T
      ? 'string'
      : { readonly enum: readonly T[] };

export type ConfigSchema<C> = { readonly [K in keyof C]: KindFor<C[K]> };

export interface ApplyOptions<C> {
  /** Other spellings of a key, e.g. mapedFileSizeCommitLog -> mappedFileSizeCommitLog. */
  aliases?: Readonly<Record<string, keyof C & string>>;
  /** Keys that are accepted with no effect (RocketMQ itself ignores them); returned in `ignored`. */
  ignoredKeys?: ReadonlySet<string>;
}

export interface ApplyResult<C> {
  config: C;
  warnings: string[];
  /** Keys given a value, with the line that set it. */
  lines: Map<keyof C & string, number>;
  ignored: PropertyEntry[];
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

export function describeKind(kind: ConfigKind): string {
  if (kind === 'int' || kind === 'long') return 'an integer';
  if (kind === 'bool') return 'a boolean (true or false)';
  if (kind === 'string') return 'a string';
  return `one of ${kind.enum.join(', ')}`;
}

/** Reads one value; throws ConfigError `<where>: <key>: "<text>" is not ...`. */
export function parseConfigValue(key: string, text: string, kind: ConfigKind, where: string): ConfigValue {
  const v = text.trim();
  const bad = (why: string): never => {
    throw new ConfigError(`${where}: ${key}: ${JSON.stringify(text)} ${why}`);
  };
  if (kind === 'string') return v;
  if (kind === 'bool') {
    const lower = v.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    return bad('is not a boolean (true or false)');
  }
  if (kind === 'int' || kind === 'long') {
    if (!/^[-+]?\d+$/.test(v)) return bad('is not an integer');
    const n = Number(v);
    if (kind === 'int' && (n < INT_MIN || n > INT_MAX)) return bad('is out of range for a 32-bit int');
    if (!Number.isSafeInteger(n)) return bad('is out of range (more than 2^53)');
    return n;
  }
  if (kind.enum.includes(v)) return v;
  return bad(`is not one of ${kind.enum.join(', ')}`);
}

function setField<C extends object>(config: C, key: keyof C & string, value: ConfigValue): void {
  (config as Record<string, ConfigValue>)[key] = value;
}

function suggestion<C>(key: string, schema: ConfigSchema<C>): string {
  const lower = key.toLowerCase();
  const match = Object.keys(schema).find((k) => k.toLowerCase() === lower);
  return match ? ` (did you mean ${match}?)` : '';
}

/**
 * Returns a copy of `base` with `entries` applied. A canonical key wins over its alias; a repeated key's
 * last value wins (as in Java), with a warning when the values differ.
 */
export function applyProperties<C extends object>(
  base: C,
  schema: ConfigSchema<C>,
  entries: readonly PropertyEntry[],
  source: string,
  options: ApplyOptions<C> = {},
): ApplyResult<C> {
  const config = { ...base };
  const warnings: string[] = [];
  const lines = new Map<keyof C & string, number>();
  const given = new Map<keyof C & string, { entry: PropertyEntry; viaAlias: boolean; value: ConfigValue }>();
  const ignored: PropertyEntry[] = [];
  const kinds = schema as Readonly<Record<string, ConfigKind>>;

  for (const entry of entries) {
    const where = `${source}:${entry.line}`;
    if (options.ignoredKeys?.has(entry.key)) {
      ignored.push(entry);
      continue;
    }
    const alias = options.aliases?.[entry.key];
    const key = (alias ?? entry.key) as keyof C & string;
    const kind = kinds[key];
    if (kind === undefined) {
      warnings.push(`${where}: unknown key "${entry.key}" ignored${suggestion(entry.key, schema)}`);
      continue;
    }
    const value = parseConfigValue(entry.key, entry.value, kind, where);
    const viaAlias = alias !== undefined;
    const previous = given.get(key);
    if (previous) {
      const differ = previous.value !== value;
      const shown = `${entry.key}=${entry.value.trim()}`;
      const before = `${previous.entry.key}=${previous.entry.value.trim()} (line ${previous.entry.line})`;
      if (viaAlias && !previous.viaAlias) {
        // the canonical spelling wins whatever the order
        if (differ) warnings.push(`${where}: ${shown} disagrees with ${before}; using ${key}`);
        continue;
      }
      if (differ && !viaAlias && previous.viaAlias) warnings.push(`${where}: ${shown} disagrees with ${before}; using ${key}`);
      else if (differ) warnings.push(`${where}: ${entry.key} is set again (first on line ${previous.entry.line}); the last value wins`);
    }
    given.set(key, { entry, viaAlias, value });
    setField(config, key, value);
    lines.set(key, entry.line);
  }
  return { config, warnings, lines, ignored };
}

/** `key=value` lines in schema order, as RocketMQ's GET_BROKER_CONFIG / `-p` print them. */
export function formatConfig<C extends object>(config: C, schema: ConfigSchema<C>, omitWhenEmpty: ReadonlySet<string>): string {
  const values = config as Readonly<Record<string, ConfigValue>>;
  let out = '';
  for (const key of Object.keys(schema)) {
    const v = values[key];
    if (v === undefined || (v === '' && omitWhenEmpty.has(key))) continue;
    out += `${key}=${String(v)}\n`;
  }
  return out;
}
