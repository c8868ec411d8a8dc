// The NameServer's KV config (RocketMQ's KVConfigManager): namespace -> key -> value, kept in memory and
// written to `kvConfigPath` as `{"configTable":{ns:{k:v}}}` after every change, the file RocketMQ uses.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../common/errors.js';

export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';

export interface KvConfigLimits {
  maxNamespaces: number;
  /** Items across all namespaces. */
  maxItems: number;
  /** Characters in a namespace or key. */
  maxKeyLength: number;
  /** Characters in a value. */
  maxValueLength: number;
  /** Bytes of the kvConfig.json file we are willing to load. */
  maxFileBytes: number;
}

export const DEFAULT_KV_LIMITS: KvConfigLimits = {
  maxNamespaces: 1000,
  maxItems: 100_000,
  maxKeyLength: 1024,
  maxValueLength: 64 * 1024,
  maxFileBytes: 64 * 1024 * 1024,
};

/** A KV request that breaks a limit or a rule; nothing is changed. */
export class KvConfigError extends Error {
  override readonly name = 'KvConfigError';
}

export class KvConfig {
  private readonly table = new Map<string, Map<string, string>>();
  private items = 0;
  private readonly limits: KvConfigLimits;

  constructor(readonly filePath: string, limits: Partial<KvConfigLimits> = {}) {
    this.limits = { ...DEFAULT_KV_LIMITS, ...limits };
  }

  /** Reads the file if it exists. A file we cannot parse is an error: overwriting it would lose its items. */
  load(): void {
    let text: string;
    try {
      const size = fs.statSync(this.filePath).size;
      if (size > this.limits.maxFileBytes) {
        throw new ConfigError(`${this.filePath}: ${size} bytes is more than the limit of ${this.limits.maxFileBytes}`);
      }
      text = fs.readFileSync(this.filePath, 'utf8');
    } catch (err) {
      if (isNotFound(err)) return;
      throw err instanceof ConfigError ? err : new ConfigError(`${this.filePath}: cannot read: ${errorText(err)}`);
    }
    this.table.clear();
    this.items = 0;
    for (const [namespace, key, value] of parseKvFile(text, this.filePath)) {
      try {
        this.set(namespace, key, value);
      } catch (err) {
        throw new ConfigError(`${this.filePath}: ${errorText(err)}`);
      }
    }
  }

  get(namespace: string, key: string): string | undefined {
    return this.table.get(namespace)?.get(key);
  }

  /** The items of `namespace`, or undefined when it does not exist (RocketMQ then answers QUERY_NOT_FOUND). */
  namespace(namespace: string): Record<string, string> | undefined {
    const items = this.table.get(namespace);
    return items ? Object.fromEntries(items) : undefined;
  }

  /** Stores and persists; returns the previous value. */
  put(namespace: string, key: string, value: string): string | undefined {
    const prev = this.set(namespace, key, value);
    this.persist();
    return prev;
  }

  /** Removes and persists; returns the removed value. An empty namespace stays, as in RocketMQ. */
  delete(namespace: string, key: string): string | undefined {
    const items = this.table.get(namespace);
    const prev = items?.get(key);
    if (items && prev !== undefined) {
      items.delete(key);
      this.items--;
    }
    this.persist();
    return prev;
  }

  private set(namespace: string, key: string, value: string): string | undefined {
    this.checkItem(namespace, key, value);
    let items = this.table.get(namespace);
    if (!items) {
      if (this.table.size >= this.limits.maxNamespaces) {
        throw new KvConfigError(`too many KV namespaces: the limit is ${this.limits.maxNamespaces}`);
      }
      items = new Map();
      this.table.set(namespace, items);
    }
    const prev = items.get(key);
    if (prev === undefined) {
      if (this.items >= this.limits.maxItems) throw new KvConfigError(`too many KV items: the limit is ${this.limits.maxItems}`);
      this.items++;
    }
    items.set(key, value);
    return prev;
  }

  private checkItem(namespace: string, key: string, value: string): void {
    const { maxKeyLength, maxValueLength } = this.limits;
    if (namespace.length === 0 || namespace.length > maxKeyLength) {
      throw new KvConfigError(`KV namespace must be 1..${maxKeyLength} characters, got ${namespace.length}`);
    }
    if (key.length === 0 || key.length > maxKeyLength) {
      throw new KvConfigError(`KV key must be 1..${maxKeyLength} characters, got ${key.length}`);
    }
    if (value.length > maxValueLength) {
      throw new KvConfigError(`KV value of ${namespace}/${key} is ${value.length} characters, the limit is ${maxValueLength}`);
    }
  }

  /** Writes the whole table: temp file, fsync, rename, so a crash leaves the old or the new file. */
  persist(): void {
    const configTable: Record<string, Record<string, string>> = {};
    for (const [namespace, items] of this.table) configTable[namespace] = Object.fromEntries(items);
    const tmp = `${this.filePath}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.filePath), { recursive: true });
      const fd = fs.openSync(tmp, 'w');
      try {
        fs.writeSync(fd, JSON.stringify({ configTable }));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, this.filePath);
    } catch (err) {
      throw new KvConfigError(`cannot write KV config to ${this.filePath}: ${errorText(err)}`);
    }
  }
}

/** Parses kvConfig.json into [namespace, key, value] triples, naming the place of the first problem. */
export function parseKvFile(text: string, source: string): Array<[string, string, string]> {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${source}: not valid JSON: ${errorText(err)}`);
  }
  if (!isRecord(root)) throw new ConfigError(`${source}: expected a JSON object`);
  const configTable = root.configTable ?? {};
  if (!isRecord(configTable)) throw new ConfigError(`${source}: "configTable" is not an object`);
  const triples: Array<[string, string, string]> = [];
  for (const [namespace, items] of Object.entries(configTable)) {
    if (!isRecord(items)) throw new ConfigError(`${source}: configTable["${namespace}"] is not an object`);
    for (const [key, value] of Object.entries(items)) {
      if (value === null) continue; // fastjson omits nulls; tolerate them
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new ConfigError(`${source}: configTable["${namespace}"]["${key}"] is not a string`);
      }
      triples.push([namespace, key, String(value)]);
    }
  }
  return triples;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'ENOENT';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
