// What a topic route means to a producer (writable queues on brokers with a master) and to a consumer
// (readable queues), plus the producer's queue choice with latency-based fault avoidance (Java MQFaultStrategy).
import type { BrokerData, TopicRouteData } from '../protocol/body-types.js';
import { Perm } from '../protocol/codes.js';
import type { MessageQueue } from './allocate.js';

export const MASTER_ID = 0;

export interface TopicPublishInfo {
  topic: string;
  /** Queues in send order: brokers sorted by name, then queue ids. */
  queues: MessageQueue[];
  orderTopic: boolean;
  /** Round-robin position (Java ThreadLocalIndex, starting at a random place). */
  sendWhichQueue: number;
}

export function isWriteable(perm: number): boolean {
  return (perm & Perm.WRITE) === Perm.WRITE;
}

export function isReadable(perm: number): boolean {
  return (perm & Perm.READ) === Perm.READ;
}

export function masterAddr(bd: BrokerData | undefined): string | undefined {
  return bd?.brokerAddrs.get(MASTER_ID);
}

/** Java topicRouteData2TopicPublishInfo: orderTopicConf wins; else every writable queue of a broker with a master. */
export function toPublishInfo(topic: string, route: TopicRouteData): TopicPublishInfo {
  const queues: MessageQueue[] = [];
  let orderTopic = false;
  if (route.orderTopicConf !== undefined && route.orderTopicConf.trim() !== '') {
    orderTopic = true;
    for (const item of route.orderTopicConf.split(';')) {
      const [brokerName, nums] = item.split(':');
      const n = Number(nums);
      if (!brokerName || !Number.isInteger(n) || n < 0) continue;
      for (let i = 0; i < n; i++) queues.push({ topic, brokerName, queueId: i });
    }
  } else {
    const qds = [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0));
    for (const qd of qds) {
      if (!isWriteable(qd.perm)) continue;
      const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
      if (masterAddr(bd) === undefined) continue;
      for (let i = 0; i < qd.writeQueueNums; i++) queues.push({ topic, brokerName: qd.brokerName, queueId: i });
    }
  }
  return { topic, queues, orderTopic, sendWhichQueue: Math.floor(Math.random() * 1024) };
}

/** Java topicRouteData2TopicSubscribeInfo: readQueueNums queues of every readable QueueData. */
export function toSubscribeQueues(topic: string, route: TopicRouteData): MessageQueue[] {
  const out: MessageQueue[] = [];
  for (const qd of route.queueDatas) {
    if (!isReadable(qd.perm)) continue;
    for (let i = 0; i < qd.readQueueNums; i++) out.push({ topic, brokerName: qd.brokerName, queueId: i });
  }
  return out;
}

/**
 * Java's TBW102 fallback: a topic with no route is sent through the default topic's brokers, with
 * min(defaultTopicQueueNums, queues of the default topic) queues each, so the broker auto-creates it.
 */
export function routeFromDefaultTopic(defaultRoute: TopicRouteData, defaultTopicQueueNums: number): TopicRouteData {
  return {
    ...defaultRoute,
    queueDatas: defaultRoute.queueDatas.map((qd) => {
      const n = Math.min(defaultTopicQueueNums, qd.readQueueNums);
      return { ...qd, readQueueNums: n, writeQueueNums: n };
    }),
  };
}

/** Two routes mean the same thing (Java TopicRouteData.equals, ignoring order of the lists). */
export function sameRoute(a: TopicRouteData | undefined, b: TopicRouteData | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return routeSignature(a) === routeSignature(b);
}

function routeSignature(r: TopicRouteData): string {
  const qds = r.queueDatas.map((q) => `${q.brokerName}/${q.readQueueNums}/${q.writeQueueNums}/${q.perm}/${q.topicSysFlag}`).sort();
  const bds = r.brokerDatas
    .map((b) => `${b.cluster}/${b.brokerName}/${[...b.brokerAddrs].sort((x, y) => x[0] - y[0]).map(([id, addr]) => `${id}=${addr}`).join(',')}`)
    .sort();
  return JSON.stringify([r.orderTopicConf ?? '', qds, bds]);
}

// ---- fault avoidance ----

interface FaultItem {
  latencyMs: number;
  /** The broker is avoided until this time. */
  availableAt: number;
}

/** Java MQFaultStrategy's tables: a send that took >= latencyMax[i] ms benches the broker for notAvailableDuration[i]. */
export const LATENCY_MAX = [50, 100, 550, 1000, 2000, 3000, 15000] as const;
export const NOT_AVAILABLE_DURATION = [0, 0, 30000, 60000, 120000, 180000, 600000] as const;
/** A failed send counts as this latency ("isolation"): the broker is avoided for 10 minutes, as in Java 4.9.8. */
export const ISOLATION_LATENCY = 30000;
/** Fault items of brokers we no longer hear about are dropped beyond this many. */
const MAX_FAULT_ITEMS = 1024;

export function notAvailableDuration(latencyMs: number): number {
  for (let i = LATENCY_MAX.length - 1; i >= 0; i--) {
    if (latencyMs >= LATENCY_MAX[i]!) return NOT_AVAILABLE_DURATION[i]!;
  }
  return 0;
}

export class FaultStrategy {
  private readonly items = new Map<string, FaultItem>();

  constructor(readonly enabled: boolean, private readonly clock: () => number = Date.now) {}

  /** Records how a send to `brokerName` went; `isolation` marks a network failure. */
  update(brokerName: string, latencyMs: number, isolation: boolean): void {
    if (!this.enabled) return;
    const effective = isolation ? ISOLATION_LATENCY : latencyMs;
    if (this.items.size >= MAX_FAULT_ITEMS && !this.items.has(brokerName)) this.items.clear();
    this.items.set(brokerName, { latencyMs: effective, availableAt: this.clock() + notAvailableDuration(effective) });
  }

  isAvailable(brokerName: string): boolean {
    const item = this.items.get(brokerName);
    return item === undefined || this.clock() >= item.availableAt;
  }

  /** When every broker is benched: the one that comes back first (then the lowest latency). */
  pickOneAtLeast(candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestItem: FaultItem | undefined;
    for (const name of candidates) {
      const item = this.items.get(name) ?? { latencyMs: 0, availableAt: 0 };
      if (bestItem === undefined || item.availableAt < bestItem.availableAt
        || (item.availableAt === bestItem.availableAt && item.latencyMs < bestItem.latencyMs)) {
        best = name;
        bestItem = item;
      }
    }
    return best;
  }

  /**
   * The next queue round-robin, preferring (1) an available broker other than the one that just failed,
   * (2) any available broker, (3) the broker that comes back first; without fault avoidance only (1)/(round-robin).
   */
  selectQueue(info: TopicPublishInfo, lastBrokerName?: string): MessageQueue | undefined {
    const n = info.queues.length;
    if (n === 0) return undefined;
    const start = info.sendWhichQueue++;
    if (info.sendWhichQueue > 0x3fffffff) info.sendWhichQueue = 0;
    const at = (i: number): MessageQueue => info.queues[(start + i) % n]!;
    const usable = (mq: MessageQueue, avoidLast: boolean): boolean =>
      (!avoidLast || mq.brokerName !== lastBrokerName) && (!this.enabled || this.isAvailable(mq.brokerName));
    for (const avoidLast of [true, false]) {
      for (let i = 0; i < n; i++) if (usable(at(i), avoidLast)) return at(i);
      if (!this.enabled) break;
    }
    if (this.enabled) {
      const names = [...new Set(info.queues.map((q) => q.brokerName))];
      const broker = this.pickOneAtLeast(names);
      for (let i = 0; i < n; i++) if (at(i).brokerName === broker) return at(i);
    }
    return at(0);
  }
}
