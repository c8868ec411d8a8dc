// The broker's topic table, persisted as config/topics.json (RocketMQ's TopicConfigManager): the system
// topics a 4.9.8 broker creates at start, auto-creation from a default topic on send, retry/DLQ topics,
// admin updates, and the DataVersion the NameServer registration carries.
import { getLogger } from '../common/logger.js';
import { Perm, ResponseCode } from '../protocol/codes.js';
import type { DataVersion, TopicConfig, TopicConfigSerializeWrapper } from '../protocol/body-types.js';
import { decodeTopicConfigSerializeWrapper, encodeTopicConfigSerializeWrapper } from '../protocol/bodies.js';
import {
  REPLY_TOPIC_POSTFIX,
  TOPIC_AUTO_CREATE,
  TOPIC_BENCHMARK,
  TOPIC_OFFSET_MOVED_EVENT,
  TOPIC_SCHEDULE,
  TOPIC_SELF_TEST,
} from '../protocol/message-const.js';
import { BrokerError } from './broker-error.js';
import { ConfigFile } from './config-file.js';
import { newDataVersion, nextVersion } from './data-version.js';

export const TOPICS_FILE = 'topics.json';
export const SCHEDULE_TOPIC_QUEUE_NUM = 18;
/** Topics one broker holds at most; auto-creation beyond it is refused. */
export const MAX_TOPICS = 100_000;
/** Queue counts beyond this are refused (RocketMQ has no cap; a typo like 100000 would create that many files). */
export const MAX_QUEUE_NUMS = 65_536;

const log = getLogger('broker');

/** The BrokerConfig keys the topic table depends on. */
export interface TopicTableSettings {
  brokerClusterName: string;
  brokerName: string;
  autoCreateTopicEnable: boolean;
  defaultTopicQueueNums: number;
  clusterTopicEnable: boolean;
  brokerTopicEnable: boolean;
  traceTopicEnable: boolean;
  msgTraceTopicName: string;
}

/** Java's `new TopicConfig(name)`: 16/16 queues, perm RW, single tag. */
export function newTopicConfig(topicName: string, queueNums = 16, perm: number = Perm.READ | Perm.WRITE): TopicConfig {
  return {
    topicName,
    readQueueNums: queueNums,
    writeQueueNums: queueNums,
    perm,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
  };
}

export function isWriteable(perm: number): boolean {
  return (perm & Perm.WRITE) === Perm.WRITE;
}

export function isReadable(perm: number): boolean {
  return (perm & Perm.READ) === Perm.READ;
}

export function isInherited(perm: number): boolean {
  return (perm & Perm.INHERIT) === Perm.INHERIT;
}

/** How TopicConfig.toString reads in 4.9.8 remarks and logs. */
export function describeTopicConfig(tc: TopicConfig): string {
  return `TopicConfig [topicName=${tc.topicName}, readQueueNums=${tc.readQueueNums}, writeQueueNums=${tc.writeQueueNums}, perm=${permToString(tc.perm)}, topicFilterType=${tc.topicFilterType}, topicSysFlag=${tc.topicSysFlag}, order=${tc.order}]`;
}

function permToString(perm: number): string {
  return `${isReadable(perm) ? 'R' : '-'}${isWriteable(perm) ? 'W' : '-'}${isInherited(perm) ? 'X' : '-'}`;
}

export class TopicConfigManager {
  private readonly table = new Map<string, TopicConfig>();
  /** This broker's own system topics: cluster, broker name, reply and trace topics. */
  readonly instanceSystemTopics = new Set<string>();
  readonly dataVersion: DataVersion;
  private readonly file: ConfigFile;

  /** `onCreated` runs after a topic appears through send or send-back (the broker re-registers oneway). */
  constructor(
    configDir: string,
    private readonly settings: TopicTableSettings,
    private readonly onCreated: (tc: TopicConfig) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.file = new ConfigFile(configDir, TOPICS_FILE);
    this.dataVersion = newDataVersion(now());
    this.addSystemTopics();
  }

  /** Reads topics.json (or its .bak); its entries win over the built-in ones, as in RocketMQ. */
  load(): void {
    const loaded = this.file.load((text) => decodeTopicConfigSerializeWrapper(text));
    if (loaded === undefined) return;
    for (const [name, tc] of loaded.value.topicConfigTable) this.table.set(name, tc);
    this.dataVersion.timestamp = loaded.value.dataVersion.timestamp;
    this.dataVersion.counter = loaded.value.dataVersion.counter;
    log.info(`load ${loaded.file} OK, ${loaded.value.topicConfigTable.size} topics`);
  }

  get(topic: string): TopicConfig | undefined {
    return this.table.get(topic);
  }

  names(): string[] {
    return [...this.table.keys()];
  }

  size(): number {
    return this.table.size;
  }

  isSystemTopicOfThisBroker(topic: string): boolean {
    return this.instanceSystemTopics.has(topic);
  }

  isOrderTopic(topic: string): boolean {
    return this.table.get(topic)?.order === true;
  }

  /**
   * createTopicInSendMessageMethod: a new topic shaped after `defaultTopic` when that one carries the
   * INHERIT perm; undefined when it cannot be created.
   */
  createOnSend(topic: string, defaultTopic: string, producer: string, clientQueueNums: number, topicSysFlag: number): TopicConfig | undefined {
    const existing = this.table.get(topic);
    if (existing !== undefined) return existing;
    const def = this.table.get(defaultTopic);
    if (def === undefined) {
      log.warn(`Create new topic failed, because the default topic[${defaultTopic}] not exist. producer:[${producer}]`);
      return undefined;
    }
    if (defaultTopic === TOPIC_AUTO_CREATE && !this.settings.autoCreateTopicEnable) def.perm = Perm.READ | Perm.WRITE;
    if (!isInherited(def.perm)) {
      log.warn(`Create new topic failed, because the default topic[${defaultTopic}] has no perm [${def.perm}] producer:[${producer}]`);
      return undefined;
    }
    const queueNums = Math.max(0, Math.min(clientQueueNums, def.writeQueueNums));
    const tc = newTopicConfig(topic, queueNums, def.perm & ~Perm.INHERIT);
    tc.topicSysFlag = topicSysFlag;
    tc.topicFilterType = def.topicFilterType;
    this.put(tc);
    log.info(`Create new topic by default topic:[${defaultTopic}] config:[${describeTopicConfig(tc)}] producer:[${producer}]`);
    this.onCreated(tc);
    return tc;
  }

  /** createTopicInSendMessageBackMethod: retry and DLQ topics, created with the given shape if absent. */
  createOnSendBack(topic: string, queueNums: number, perm: number, topicSysFlag: number): TopicConfig {
    const existing = this.table.get(topic);
    if (existing !== undefined) return existing;
    const tc = newTopicConfig(topic, queueNums, perm);
    tc.topicSysFlag = topicSysFlag;
    this.put(tc);
    log.info(`create new topic ${describeTopicConfig(tc)}`);
    this.onCreated(tc);
    return tc;
  }

  /** UPDATE_AND_CREATE_TOPIC. */
  update(tc: TopicConfig): void {
    if (tc.readQueueNums < 0 || tc.writeQueueNums < 0 || tc.readQueueNums > MAX_QUEUE_NUMS || tc.writeQueueNums > MAX_QUEUE_NUMS) {
      throw new BrokerError(
        ResponseCode.SYSTEM_ERROR,
        `the queue numbers of topic[${tc.topicName}] must be 0..${MAX_QUEUE_NUMS}, got read ${tc.readQueueNums} write ${tc.writeQueueNums}`,
      );
    }
    const old = this.table.get(tc.topicName);
    if (old !== undefined) log.info(`update topic config, old:[${describeTopicConfig(old)}] new:[${describeTopicConfig(tc)}]`);
    else log.info(`create new topic [${describeTopicConfig(tc)}]`);
    this.put(tc);
  }

  /** True when the topic existed. */
  delete(topic: string): boolean {
    const old = this.table.get(topic);
    if (old === undefined) {
      log.warn(`delete topic config failed, topic: ${topic} not exists`);
      return false;
    }
    this.table.delete(topic);
    log.info(`delete topic config OK, topic: ${describeTopicConfig(old)}`);
    this.changed();
    return true;
  }

  /** Bumps the data version (brokerPermission changes re-register everything with a new version). */
  bumpVersion(): void {
    nextVersion(this.dataVersion, this.now());
  }

  /**
   * A slave copies its master's table (SlaveSynchronize.syncTopicConfig): when the data versions differ the
   * whole table and the version are replaced and persisted. True when something was replaced.
   */
  replaceFrom(master: TopicConfigSerializeWrapper): boolean {
    const dv = master.dataVersion;
    if (dv.timestamp === this.dataVersion.timestamp && dv.counter === this.dataVersion.counter) return false;
    this.table.clear();
    for (const [name, tc] of master.topicConfigTable) this.table.set(name, tc);
    this.dataVersion.timestamp = dv.timestamp;
    this.dataVersion.counter = dv.counter;
    this.persist().catch((err: unknown) => log.error(`persist ${this.file.file} failed: ${String(err)}`));
    return true;
  }

  /** A snapshot for GET_ALL_TOPIC_CONFIG and the NameServer registration. */
  wrapper(): TopicConfigSerializeWrapper {
    return { topicConfigTable: new Map(this.table), dataVersion: { ...this.dataVersion } };
  }

  encode(pretty = false): Buffer {
    return encodeTopicConfigSerializeWrapper({ topicConfigTable: this.table, dataVersion: this.dataVersion }, { pretty });
  }

  persist(): Promise<void> {
    return this.file.persist(this.encode(true).toString('utf8'));
  }

  persistSync(): void {
    this.file.persistSync(this.encode(true).toString('utf8'));
  }

  private put(tc: TopicConfig): void {
    if (!this.table.has(tc.topicName) && this.table.size >= MAX_TOPICS) {
      throw new BrokerError(ResponseCode.SYSTEM_ERROR, `this broker already holds ${MAX_TOPICS} topics, cannot create ${tc.topicName}`);
    }
    this.table.set(tc.topicName, tc);
    this.changed();
  }

  private changed(): void {
    nextVersion(this.dataVersion, this.now());
    this.persist().catch((err: unknown) => log.error(`persist ${this.file.file} failed: ${String(err)}`));
  }

  /** The topics TopicConfigManager's constructor creates in 4.9.8, in its order. */
  private addSystemTopics(): void {
    const s = this.settings;
    this.table.set(TOPIC_SELF_TEST, newTopicConfig(TOPIC_SELF_TEST, 1));
    if (s.autoCreateTopicEnable) {
      this.table.set(TOPIC_AUTO_CREATE, newTopicConfig(TOPIC_AUTO_CREATE, s.defaultTopicQueueNums, Perm.INHERIT | Perm.READ | Perm.WRITE));
    }
    this.table.set(TOPIC_BENCHMARK, newTopicConfig(TOPIC_BENCHMARK, 1024));
    const clusterPerm = Perm.INHERIT | (s.clusterTopicEnable ? Perm.READ | Perm.WRITE : 0);
    this.addInstanceTopic(newTopicConfig(s.brokerClusterName, 16, clusterPerm));
    const brokerPerm = Perm.INHERIT | (s.brokerTopicEnable ? Perm.READ | Perm.WRITE : 0);
    this.addInstanceTopic(newTopicConfig(s.brokerName, 1, brokerPerm));
    this.table.set(TOPIC_OFFSET_MOVED_EVENT, newTopicConfig(TOPIC_OFFSET_MOVED_EVENT, 1));
    this.table.set(TOPIC_SCHEDULE, newTopicConfig(TOPIC_SCHEDULE, SCHEDULE_TOPIC_QUEUE_NUM));
    if (s.traceTopicEnable) this.addInstanceTopic(newTopicConfig(s.msgTraceTopicName, 1));
    this.addInstanceTopic(newTopicConfig(`${s.brokerClusterName}_${REPLY_TOPIC_POSTFIX}`, 1));
  }

  private addInstanceTopic(tc: TopicConfig): void {
    this.instanceSystemTopics.add(tc.topicName);
    this.table.set(tc.topicName, tc);
  }
}
