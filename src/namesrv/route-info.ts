// The NameServer's route table (RocketMQ's RouteInfoManager): which brokers are alive, which topics they
// serve, and the routes clients ask for. Pure state: no sockets, no timers, time comes from `now()`.
// Lists come out in the order Java's HashMaps give them (see java-order.ts) so our bodies match real ones.
import type {
  BrokerData,
  ClusterInfo,
  DataVersion,
  QueueData,
  TopicConfig,
  TopicConfigSerializeWrapper,
  TopicList,
  TopicRouteData,
} from '../protocol/body-types.js';
import { Perm } from '../protocol/codes.js';
import type { Connection } from '../remoting/types.js';
import { javaHashOrder, javaSetFromMapOrder, javaTableCapacity, JAVA_DEFAULT_CAPACITY } from './java-order.js';

export const MASTER_ID = 0;
/** A broker not heard from for this long is dropped (RocketMQ's BROKER_CHANNEL_EXPIRED_TIME). */
export const BROKER_EXPIRY_MS = 120_000;

// Initial capacities of RocketMQ's tables; they decide the iteration order of what we emit.
const TOPIC_TABLE_CAPACITY = 1024;
const BROKER_TABLE_CAPACITY = 128;
const CLUSTER_TABLE_CAPACITY = 32;

// TopicSysFlag bits.
const FLAG_UNIT = 1;
const FLAG_UNIT_SUB = 2;

export interface RouteTableLimits {
  /** Distinct topics across all brokers. */
  maxTopics: number;
  /** Live broker addresses. */
  maxBrokers: number;
  /** Filter servers one broker may announce. */
  maxFilterServers: number;
}

export const DEFAULT_ROUTE_LIMITS: RouteTableLimits = { maxTopics: 1_000_000, maxBrokers: 10_000, maxFilterServers: 64 };

export interface RouteTableOptions {
  now?: () => number;
  expiryMs?: number;
  limits?: Partial<RouteTableLimits>;
}

/** What a REGISTER_BROKER request says, already decoded and validated. */
export interface BrokerRegistration {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string;
  /** Absent when the request had no body; the broker's data version is then {0, 0}. */
  topicConfig?: TopicConfigSerializeWrapper;
  filterServerList?: readonly string[];
  /** The connection the registration came on; closing it drops the broker. */
  connection?: Connection;
}

export interface RegisterResult {
  /** For a slave: its master's address and HA address, when the master is alive. */
  masterAddr?: string;
  haServerAddr?: string;
  /** The address was not alive before this registration. */
  newBroker: boolean;
  /** The topic configs were (re)applied to the queue table. */
  topicsApplied: boolean;
}

export interface LiveBroker {
  readonly brokerAddr: string;
  readonly clusterName: string;
  readonly brokerName: string;
  readonly brokerId: number;
  readonly haServerAddr: string;
  lastUpdateTimestamp: number;
  readonly dataVersion: DataVersion;
  readonly connection?: Connection;
}

/** A broker address that went away, with what it was. */
export interface RemovedBroker {
  brokerAddr: string;
  brokerName: string;
  clusterName: string;
  connection?: Connection;
  /** Its brokerName had no address left, so its queue datas were dropped too. */
  brokerNameRemoved: boolean;
}

/** Exceeding a table limit; the request is refused and nothing is changed. */
export class RouteLimitError extends Error {
  override readonly name = 'RouteLimitError';
}

const NO_DATA_VERSION: DataVersion = { timestamp: 0, counter: 0 };

export class RouteInfo {
  private readonly topicQueueTable = new Map<string, Map<string, QueueData>>();
  private readonly brokerAddrTable = new Map<string, BrokerData>();
  private readonly clusterAddrTable = new Map<string, Set<string>>();
  private readonly brokerLiveTable = new Map<string, LiveBroker>();
  private readonly filterServerTable = new Map<string, string[]>();
  private readonly now: () => number;
  private readonly expiryMs: number;
  private readonly limits: RouteTableLimits;

  constructor(options: RouteTableOptions = {}) {
    this.now = options.now ?? Date.now;
    this.expiryMs = options.expiryMs ?? BROKER_EXPIRY_MS;
    this.limits = { ...DEFAULT_ROUTE_LIMITS, ...options.limits };
  }

  // ---- registration -------------------------------------------------------------------------------

  registerBroker(reg: BrokerRegistration): RegisterResult {
    this.checkRegistrationLimits(reg);
    this.clusterBrokerNames(reg.clusterName).add(reg.brokerName);

    let brokerData = this.brokerAddrTable.get(reg.brokerName);
    let registerFirst = false;
    if (!brokerData) {
      registerFirst = true;
      brokerData = { cluster: reg.clusterName, brokerName: reg.brokerName, brokerAddrs: new Map() };
      this.brokerAddrTable.set(reg.brokerName, brokerData);
    }
    // A slave promoted to master (or the reverse) keeps its address: one id per address.
    for (const [id, addr] of brokerData.brokerAddrs) {
      if (addr === reg.brokerAddr && id !== reg.brokerId) brokerData.brokerAddrs.delete(id);
    }
    const oldAddr = brokerData.brokerAddrs.get(reg.brokerId);
    brokerData.brokerAddrs.set(reg.brokerId, reg.brokerAddr);
    registerFirst ||= oldAddr === undefined;

    const dataVersion = reg.topicConfig?.dataVersion ?? NO_DATA_VERSION;
    // RocketMQ 4.9.8 takes topics from masters only; we also take a slave's while its brokerName has no
    // master, so consumers can still read from the slave when the namesrv never saw the master.
    const authoritative = reg.brokerId === MASTER_ID || !brokerData.brokerAddrs.has(MASTER_ID);
    let topicsApplied = false;
    if (reg.topicConfig && authoritative && (registerFirst || this.isTopicConfigChanged(reg.brokerAddr, dataVersion))) {
      for (const [key, config] of reg.topicConfig.topicConfigTable) this.putQueueData(reg.brokerName, key, config);
      topicsApplied = true;
    }

    const newBroker = !this.brokerLiveTable.has(reg.brokerAddr);
    this.brokerLiveTable.set(reg.brokerAddr, {
      brokerAddr: reg.brokerAddr,
      clusterName: reg.clusterName,
      brokerName: reg.brokerName,
      brokerId: reg.brokerId,
      haServerAddr: reg.haServerAddr,
      lastUpdateTimestamp: this.now(),
      dataVersion: { timestamp: dataVersion.timestamp, counter: dataVersion.counter },
      connection: reg.connection,
    });
    if (reg.filterServerList) {
      if (reg.filterServerList.length === 0) this.filterServerTable.delete(reg.brokerAddr);
      else this.filterServerTable.set(reg.brokerAddr, [...reg.filterServerList]);
    }

    const result: RegisterResult = { newBroker, topicsApplied };
    if (reg.brokerId !== MASTER_ID) {
      const masterAddr = brokerData.brokerAddrs.get(MASTER_ID);
      const master = masterAddr === undefined ? undefined : this.brokerLiveTable.get(masterAddr);
      if (masterAddr !== undefined && master) {
        result.masterAddr = masterAddr;
        result.haServerAddr = master.haServerAddr;
      }
    }
    return result;
  }

  private checkRegistrationLimits(reg: BrokerRegistration): void {
    if (!this.brokerLiveTable.has(reg.brokerAddr) && this.brokerLiveTable.size >= this.limits.maxBrokers) {
      throw new RouteLimitError(`too many brokers: the limit of ${this.limits.maxBrokers} live broker addresses is reached`);
    }
    const filterServers = reg.filterServerList?.length ?? 0;
    if (filterServers > this.limits.maxFilterServers) {
      throw new RouteLimitError(`too many filter servers: ${filterServers} > ${this.limits.maxFilterServers}`);
    }
    if (!reg.topicConfig) return;
    let newTopics = 0;
    for (const [key, config] of reg.topicConfig.topicConfigTable) {
      if (!this.topicQueueTable.has(config.topicName || key)) newTopics++;
    }
    if (this.topicQueueTable.size + newTopics > this.limits.maxTopics) {
      throw new RouteLimitError(
        `too many topics: registering ${newTopics} new topic(s) would exceed the limit of ${this.limits.maxTopics}`,
      );
    }
  }

  private clusterBrokerNames(clusterName: string): Set<string> {
    let names = this.clusterAddrTable.get(clusterName);
    if (!names) {
      names = new Set();
      this.clusterAddrTable.set(clusterName, names);
    }
    return names;
  }

  private putQueueData(brokerName: string, key: string, config: TopicConfig): void {
    const topic = config.topicName || key;
    const queueData: QueueData = {
      brokerName,
      readQueueNums: config.readQueueNums,
      writeQueueNums: config.writeQueueNums,
      perm: config.perm,
      topicSysFlag: config.topicSysFlag,
    };
    let byBroker = this.topicQueueTable.get(topic);
    if (!byBroker) {
      byBroker = new Map();
      this.topicQueueTable.set(topic, byBroker);
    }
    byBroker.set(brokerName, queueData);
  }

  /** True when `brokerAddr` is unknown or registered a different data version. */
  isTopicConfigChanged(brokerAddr: string, dataVersion: DataVersion): boolean {
    const prev = this.brokerLiveTable.get(brokerAddr)?.dataVersion;
    return !prev || prev.timestamp !== dataVersion.timestamp || prev.counter !== dataVersion.counter;
  }

  /** The data version `brokerAddr` last registered, if it is alive. */
  brokerDataVersion(brokerAddr: string): DataVersion | undefined {
    return this.brokerLiveTable.get(brokerAddr)?.dataVersion;
  }

  /** Marks the broker as heard from now (QUERY_DATA_VERSION with an unchanged version). */
  touchBroker(brokerAddr: string): void {
    const live = this.brokerLiveTable.get(brokerAddr);
    if (live) live.lastUpdateTimestamp = this.now();
  }

  liveBroker(brokerAddr: string): Readonly<LiveBroker> | undefined {
    return this.brokerLiveTable.get(brokerAddr);
  }

  liveBrokers(): Readonly<LiveBroker>[] {
    return [...this.brokerLiveTable.values()];
  }

  // ---- removal -----------------------------------------------------------------------------------

  /** UNREGISTER_BROKER: drops the address and, when its brokerName is left empty, the name and its queues. */
  unregisterBroker(clusterName: string, brokerAddr: string, brokerName: string, brokerId: number): RemovedBroker | undefined {
    const live = this.brokerLiveTable.get(brokerAddr);
    this.brokerLiveTable.delete(brokerAddr);
    this.filterServerTable.delete(brokerAddr);
    const brokerData = this.brokerAddrTable.get(brokerName);
    if (!brokerData || !brokerData.brokerAddrs.delete(brokerId)) {
      return live ? { brokerAddr, brokerName, clusterName, connection: live.connection, brokerNameRemoved: false } : undefined;
    }
    let brokerNameRemoved = false;
    if (brokerData.brokerAddrs.size === 0) {
      this.brokerAddrTable.delete(brokerName);
      this.removeBrokerNameFromCluster(brokerName, clusterName);
      this.removeQueueDatasOf(brokerName);
      brokerNameRemoved = true;
    }
    return { brokerAddr, brokerName, clusterName, connection: live?.connection, brokerNameRemoved };
  }

  /** Drops brokers not heard from for the expiry time; the caller closes their connections. */
  scanExpiredBrokers(): RemovedBroker[] {
    const deadline = this.now() - this.expiryMs;
    const expired: RemovedBroker[] = [];
    for (const live of [...this.brokerLiveTable.values()]) {
      if (live.lastUpdateTimestamp < deadline) expired.push(this.removeBrokerAddr(live));
    }
    return expired;
  }

  /** Drops every broker that registered on `connection` (it closed). */
  onConnectionClosed(connection: Connection): RemovedBroker[] {
    const removed: RemovedBroker[] = [];
    for (const live of [...this.brokerLiveTable.values()]) {
      if (live.connection === connection) removed.push(this.removeBrokerAddr(live));
    }
    return removed;
  }

  private removeBrokerAddr(live: LiveBroker): RemovedBroker {
    this.brokerLiveTable.delete(live.brokerAddr);
    this.filterServerTable.delete(live.brokerAddr);
    let brokerNameRemoved = false;
    for (const brokerData of [...this.brokerAddrTable.values()]) {
      let found = false;
      for (const [id, addr] of brokerData.brokerAddrs) {
        if (addr === live.brokerAddr) {
          brokerData.brokerAddrs.delete(id);
          found = true;
        }
      }
      if (found && brokerData.brokerAddrs.size === 0) {
        this.brokerAddrTable.delete(brokerData.brokerName);
        this.removeBrokerNameFromCluster(brokerData.brokerName);
        this.removeQueueDatasOf(brokerData.brokerName);
        brokerNameRemoved = true;
      }
    }
    return {
      brokerAddr: live.brokerAddr,
      brokerName: live.brokerName,
      clusterName: live.clusterName,
      connection: live.connection,
      brokerNameRemoved,
    };
  }

  /** Removes `brokerName` from `clusterName`'s set (or from every cluster when not given). */
  private removeBrokerNameFromCluster(brokerName: string, clusterName?: string): void {
    for (const [cluster, names] of this.clusterAddrTable) {
      if (clusterName !== undefined && cluster !== clusterName) continue;
      if (names.delete(brokerName) && names.size === 0) this.clusterAddrTable.delete(cluster);
    }
  }

  private removeQueueDatasOf(brokerName: string): void {
    for (const [topic, byBroker] of this.topicQueueTable) {
      if (byBroker.delete(brokerName) && byBroker.size === 0) this.topicQueueTable.delete(topic);
    }
  }

  // ---- admin operations --------------------------------------------------------------------------

  /**
   * DELETE_TOPIC_IN_NAMESRV: drops the topic, or only its queue datas on the brokers of `clusterName`.
   * Returns how many queue datas were removed.
   */
  deleteTopic(topic: string, clusterName?: string): number {
    const byBroker = this.topicQueueTable.get(topic);
    if (!byBroker) return 0;
    if (clusterName === undefined) {
      this.topicQueueTable.delete(topic);
      return byBroker.size;
    }
    let removed = 0;
    for (const brokerName of this.clusterAddrTable.get(clusterName) ?? []) {
      if (byBroker.delete(brokerName)) removed++;
    }
    if (byBroker.size === 0) this.topicQueueTable.delete(topic);
    return removed;
  }

  /** Clears the write bit on every queue data of `brokerName`; returns how many topics it touched. */
  wipeWritePerm(brokerName: string): number {
    return this.updatePermOf(brokerName, (perm) => perm & ~Perm.WRITE);
  }

  /** Sets the queue datas of `brokerName` to read+write (as RocketMQ does); returns how many topics. */
  addWritePerm(brokerName: string): number {
    return this.updatePermOf(brokerName, () => Perm.READ | Perm.WRITE);
  }

  private updatePermOf(brokerName: string, update: (perm: number) => number): number {
    let count = 0;
    for (const byBroker of this.topicQueueTable.values()) {
      const queueData = byBroker.get(brokerName);
      if (queueData) {
        queueData.perm = update(queueData.perm);
        count++;
      }
    }
    return count;
  }

  // ---- queries -----------------------------------------------------------------------------------

  /** The route of `topic` (without orderTopicConf), or undefined when no live broker serves it. */
  topicRoute(topic: string): TopicRouteData | undefined {
    const byBroker = this.topicQueueTable.get(topic);
    if (!byBroker) return undefined;
    const brokerNames = byBroker.size === 1 ? [...byBroker.keys()] : javaHashOrder([...byBroker.keys()], JAVA_DEFAULT_CAPACITY);
    const queueDatas: QueueData[] = [];
    const brokerDatas: BrokerData[] = [];
    const filterServerTable: Record<string, string[]> = {};
    for (const brokerName of brokerNames) {
      const q = byBroker.get(brokerName);
      if (q) queueDatas.push({ ...q });
      const brokerData = this.brokerAddrTable.get(brokerName);
      if (!brokerData) continue;
      brokerDatas.push(copyBrokerData(brokerData));
      if (this.filterServerTable.size === 0) continue;
      for (const addr of brokerData.brokerAddrs.values()) {
        const filterServers = this.filterServerTable.get(addr);
        if (filterServers) filterServerTable[addr] = [...filterServers];
      }
    }
    if (brokerDatas.length === 0) return undefined;
    return { queueDatas, brokerDatas, filterServerTable };
  }

  /** GET_BROKER_CLUSTER_INFO: every brokerName with its addresses, and the brokerNames of each cluster. */
  clusterInfo(): ClusterInfo {
    const brokerAddrTable = new Map<string, BrokerData>();
    const brokerNames = [...this.brokerAddrTable.keys()];
    for (const name of javaHashOrder(brokerNames, javaTableCapacity(BROKER_TABLE_CAPACITY, brokerNames.length))) {
      const brokerData = this.brokerAddrTable.get(name);
      if (brokerData) brokerAddrTable.set(name, copyBrokerData(brokerData));
    }
    const clusterAddrTable = new Map<string, string[]>();
    const clusters = [...this.clusterAddrTable.keys()];
    for (const cluster of javaHashOrder(clusters, javaTableCapacity(CLUSTER_TABLE_CAPACITY, clusters.length))) {
      const names = [...(this.clusterAddrTable.get(cluster) ?? [])];
      clusterAddrTable.set(cluster, javaHashOrder(names, javaTableCapacity(JAVA_DEFAULT_CAPACITY, names.length)));
    }
    return { brokerAddrTable, clusterAddrTable };
  }

  /** Every topic with a route; brokers register their cluster and brokerName as topics too. */
  allTopics(): TopicList {
    return { topicList: javaSetFromMapOrder([...this.topicQueueTable.keys()], TOPIC_TABLE_CAPACITY) };
  }

  /** Topics served by at least one broker of `cluster` (empty for an unknown cluster). */
  topicsByCluster(cluster: string): TopicList {
    const found = new Set<string>();
    const topics = this.orderedTopics();
    for (const brokerName of this.clusterAddrTable.get(cluster) ?? []) {
      for (const topic of topics) {
        if (this.topicQueueTable.get(topic)?.has(brokerName)) found.add(topic);
      }
    }
    return { topicList: asJavaSet(found) };
  }

  /** Cluster and broker names (the pseudo-topics brokers create), plus one broker address to ask. */
  systemTopics(): TopicList {
    const names = new Set<string>();
    for (const [cluster, brokerNames] of this.clusterAddrTable) {
      names.add(cluster);
      for (const name of brokerNames) names.add(name);
    }
    const list: TopicList = { topicList: asJavaSet(names) };
    for (const brokerData of this.brokerAddrTable.values()) {
      const first = sortedAddrs(brokerData.brokerAddrs).values().next();
      if (!first.done) {
        list.brokerAddr = first.value;
        break;
      }
    }
    return list;
  }

  /** Topics whose first queue data carries the unit flag. */
  unitTopics(): TopicList {
    return this.topicsWhoseFirstQueue((flag) => (flag & FLAG_UNIT) !== 0);
  }

  hasUnitSubTopics(): TopicList {
    return this.topicsWhoseFirstQueue((flag) => (flag & FLAG_UNIT_SUB) !== 0);
  }

  hasUnitSubUnUnitTopics(): TopicList {
    return this.topicsWhoseFirstQueue((flag) => (flag & FLAG_UNIT) === 0 && (flag & FLAG_UNIT_SUB) !== 0);
  }

  private topicsWhoseFirstQueue(test: (topicSysFlag: number) => boolean): TopicList {
    const found = new Set<string>();
    for (const topic of this.orderedTopics()) {
      const first = this.topicQueueTable.get(topic)?.values().next();
      if (first && !first.done && test(first.value.topicSysFlag)) found.add(topic);
    }
    return { topicList: asJavaSet(found) };
  }

  private orderedTopics(): string[] {
    const topics = [...this.topicQueueTable.keys()];
    return javaHashOrder(topics, javaTableCapacity(TOPIC_TABLE_CAPACITY, topics.length));
  }

  get topicCount(): number {
    return this.topicQueueTable.size;
  }
}

function sortedAddrs(addrs: Map<number, string>): Map<number, string> {
  // Java iterates a HashMap<Long, String> of small ids in id order.
  return new Map([...addrs].sort((a, b) => a[0] - b[0]));
}

function copyBrokerData(d: BrokerData): BrokerData {
  return { cluster: d.cluster, brokerName: d.brokerName, brokerAddrs: sortedAddrs(d.brokerAddrs) };
}

/** A TopicList's HashSet order for names added in `names`' order. */
function asJavaSet(names: Set<string>): string[] {
  return javaHashOrder([...names], javaTableCapacity(JAVA_DEFAULT_CAPACITY, names.size));
}
