// Where UPDATE_BROKER_CONFIG changes are kept so that they survive a restart.
// - Broker started with `mqbroker -c FILE`: FILE itself is rewritten, as RocketMQ does (the seed guides say
//   updateBrokerConfig "modifies broker.conf"). Only the updated keys' lines change; comments and the order of the
//   other lines stay. The previous content is kept as FILE.bak (MixAll.string2File does the same).
// - Broker started without a file (the all-in-one `start`, tests): the updated keys go to
//   `<storePathRootDir>/config/broker.properties`, which the broker reads at start and applies over its config.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../common/errors.js';
import { applyBrokerConfigUpdates, type BrokerConfig } from '../config/broker-config.js';
import { parseJavaProperties, type PropertyEntry } from '../config/java-properties.js';
import { ConfigFile, MAX_CONFIG_FILE_BYTES } from './config-file.js';

export const BROKER_OVERRIDE_FILE = 'broker.properties';

/** The override file of a broker that was started without a config file. */
export function overrideFileOf(storePathRootDir: string): string {
  return path.join(storePathRootDir, 'config', BROKER_OVERRIDE_FILE);
}

/** Java Properties.store escaping for a key or a value. */
function escape(s: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') out += '\\\\';
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\f') out += '\\f';
    else if (c === ' ' && (isKey || i === 0)) out += '\\ ';
    else if (c === '=' || c === ':' || c === '#' || c === '!') out += `\\${c}`;
    else out += c;
  }
  return out;
}

/** Index just past the natural lines of the logical line that starts at `start` (continuations included). */
function logicalLineEnd(lines: string[], start: number): number {
  let i = start;
  for (;;) {
    const line = lines[i] ?? '';
    let backslashes = 0;
    for (let j = line.length - 1; j >= 0 && line[j] === '\\'; j--) backslashes++;
    i++;
    if (backslashes % 2 === 0 || i >= lines.length) return i;
  }
}

/** `text` with each key of `updates` set: its existing line(s) replaced in place, new keys appended. */
export function rewriteProperties(text: string, updates: ReadonlyArray<Pick<PropertyEntry, 'key' | 'value'>>, source: string): string {
  const lines = text === '' ? [] : text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const existing = parseJavaProperties(text, source);
  const last = new Map<string, string>();
  for (const u of updates) last.set(u.key, u.value);
  const replaced = new Set<string>();
  // Bottom-up, so that replacing a multi-line entry does not shift the entries still to be visited.
  for (const entry of [...existing].reverse()) {
    const value = last.get(entry.key);
    if (value === undefined) continue;
    const start = entry.line - 1;
    lines.splice(start, logicalLineEnd(lines, start) - start, `${escape(entry.key, true)}=${escape(value, false)}`);
    replaced.add(entry.key);
  }
  for (const [key, value] of last) if (!replaced.has(key)) lines.push(`${escape(key, true)}=${escape(value, false)}`);
  return lines.join('\n') + '\n';
}

function readIfExists(file: string): string | undefined {
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_CONFIG_FILE_BYTES) throw new ConfigError(`${file} is ${size} bytes, too big for a broker config`);
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export class BrokerConfigStore {
  private readonly file: ConfigFile;

  /** `configFile`: the file the broker was started from, if any. */
  constructor(readonly configFile: string | undefined, storePathRootDir: string) {
    const target = configFile ?? overrideFileOf(storePathRootDir);
    this.file = new ConfigFile(path.dirname(target), path.basename(target));
  }

  /** The file updates are written to. */
  get target(): string {
    return this.file.file;
  }

  /** A broker without a config file applies the kept overrides to `config`; returns the keys it applied. */
  applyOverrides(config: BrokerConfig): { keys: string[]; warnings: string[] } {
    if (this.configFile !== undefined) return { keys: [], warnings: [] };
    const text = readIfExists(this.file.file);
    if (text === undefined || text.trim() === '') return { keys: [], warnings: [] };
    const keys = parseJavaProperties(text, this.file.file).map((e) => e.key);
    // listenPort 0 (pick a free port: tests, embedded brokers) is not a port the config checks accept, so the
    // overrides are applied to a copy with a placeholder and the free-port request is kept.
    const anyPort = config.listenPort === 0 && !keys.includes('listenPort');
    const copy: BrokerConfig = { ...config, ...(anyPort ? { listenPort: 10911 } : {}) };
    const update = applyBrokerConfigUpdates(copy, text, this.file.file);
    const { listenPort, haListenPort } = config;
    Object.assign(config, copy);
    if (anyPort) Object.assign(config, { listenPort, ...(keys.includes('haListenPort') ? {} : { haListenPort }) });
    return { keys, warnings: update.warnings };
  }

  /** Writes the entries of an applied UPDATE_BROKER_CONFIG body into the file (atomically, previous content in .bak). */
  async persist(updateText: string): Promise<void> {
    const updates = parseJavaProperties(updateText, 'UPDATE_BROKER_CONFIG');
    if (updates.length === 0) return;
    const current = readIfExists(this.file.file) ?? '';
    await this.file.persist(rewriteProperties(current, updates, this.file.file));
  }
}
