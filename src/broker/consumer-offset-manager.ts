// Committed consumer offsets, "topic@group" → queueId → offset, persisted as config/consumerOffset.json
// (RocketMQ's ConsumerOffsetManager). Commits only touch memory; the broker persists every 5 s and at shutdown.
import { getLogger } from '../common/logger.js';
import { ResponseCode } from '../protocol/codes.js';
import { decodeConsumerOffsetSerializeWrapper, encodeConsumerOffsetSerializeWrapper } from '../protocol/bodies.js';
import { BrokerError } from './broker-error.js';
import { ConfigFile } from './config-file.js';

export const CONSUMER_OFFSET_FILE = 'consumerOffset.json';
export const TOPIC_GROUP_SEPARATOR = '@';
/** "topic@group" entries at most; a commit for a new pair beyond it is refused. */
export const MAX_OFFSET_KEYS = 1_000_000;
/** Queue ids above this are not queues of any topic config this broker accepts. */
export const MAX_QUEUE_ID = 65_535;

const log = getLogger('broker');

export class ConsumerOffsetManager {
  private readonly table = new Map<string, Map<number, number>>();
  private readonly file: ConfigFile;
  private dirty = false;

  constructor(configDir: string) {
    this.file = new ConfigFile(configDir, CONSUMER_OFFSET_FILE);
  }

  load(): void {
    const loaded = this.file.load((text) => decodeConsumerOffsetSerializeWrapper(text));
    if (loaded === undefined) return;
    for (const [key, queues] of loaded.value.offsetTable) this.table.set(key, queues);
    log.info(`load ${loaded.file} OK, ${loaded.value.offsetTable.size} topic@group entries`);
  }

  commit(clientHost: string, group: string, topic: string, queueId: number, offset: number): void {
    if (queueId < 0 || queueId > MAX_QUEUE_ID) {
      throw new BrokerError(ResponseCode.SYSTEM_ERROR, `queueId[${queueId}] is illegal, it must be 0..${MAX_QUEUE_ID}`);
    }
    const key = topic + TOPIC_GROUP_SEPARATOR + group;
    let queues = this.table.get(key);
    if (queues === undefined) {
      if (this.table.size >= MAX_OFFSET_KEYS) {
        throw new BrokerError(ResponseCode.SYSTEM_ERROR, `this broker already holds offsets of ${MAX_OFFSET_KEYS} topic@group pairs, cannot add ${key}`);
      }
      queues = new Map();
      this.table.set(key, queues);
    }
    const old = queues.get(queueId);
    queues.set(queueId, offset);
    this.dirty = true;
    if (old !== undefined && offset < old) {
      log.warn(`[NOTIFYME]update consumer offset less than store. clientHost=${clientHost}, key=${key}, queueId=${queueId}, requestOffset=${offset}, storeOffset=${old}`);
    }
  }

  /** The committed offset, or -1 when the group never committed for that queue. */
  query(group: string, topic: string, queueId: number): number {
    return this.table.get(topic + TOPIC_GROUP_SEPARATOR + group)?.get(queueId) ?? -1;
  }

  /** Topics the group committed offsets for. */
  topicsOfGroup(group: string): string[] {
    const topics: string[] = [];
    for (const key of this.table.keys()) {
      const [topic, g] = splitKey(key);
      if (g === group) topics.push(topic);
    }
    return topics;
  }

  /** Groups that committed offsets for the topic. */
  groupsOfTopic(topic: string): string[] {
    const groups: string[] = [];
    for (const key of this.table.keys()) {
      const [t, group] = splitKey(key);
      if (t === topic) groups.push(group);
    }
    return groups;
  }

  removeGroup(group: string): void {
    for (const key of [...this.table.keys()]) {
      if (splitKey(key)[1] === group) {
        this.table.delete(key);
        this.dirty = true;
        log.warn(`clean group offset ${key}`);
      }
    }
  }

  removeTopic(topic: string): void {
    for (const key of [...this.table.keys()]) {
      if (splitKey(key)[0] === topic) {
        this.table.delete(key);
        this.dirty = true;
        log.warn(`clean topic offset ${key}`);
      }
    }
  }

  /** A slave takes its master's offsets (SlaveSynchronize.syncConsumerOffset): each topic@group entry is replaced. */
  putAll(master: Map<string, Map<number, number>>): void {
    for (const [key, queues] of master) this.table.set(key, new Map(queues));
    this.dirty = true;
  }

  encode(pretty = false): Buffer {
    return encodeConsumerOffsetSerializeWrapper({ offsetTable: this.table }, { pretty });
  }

  /** Writes the file when something changed since the last write. */
  persistIfDirty(): Promise<void> {
    if (!this.dirty) return Promise.resolve();
    this.dirty = false;
    return this.file.persist(this.encode(true).toString('utf8')).catch((err: unknown) => {
      this.dirty = true;
      throw err;
    });
  }

  persistSync(): void {
    this.dirty = false;
    this.file.persistSync(this.encode(true).toString('utf8'));
  }
}

/** "topic@group": topics cannot contain '@', so the first '@' separates (groups may, in theory). */
function splitKey(key: string): [string, string] {
  const at = key.indexOf(TOPIC_GROUP_SEPARATOR);
  return at < 0 ? [key, ''] : [key.slice(0, at), key.slice(at + 1)];
}
