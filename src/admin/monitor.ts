// startMonitoring: one round of MonitorService's work, returned as data (the CLI repeats it every minute).
// For every group with a %RETRY% topic: the backlog per topic (UndoneMsgs) and the clients' running info analysed.
import { RETRY_GROUP_TOPIC_PREFIX } from '../protocol/message-const.js';
import type { MQAdmin } from './admin-client.js';
import { examineTopicRouteInfo, fetchAllTopicList, getMaxOffset, masterOfRoute, pullAt } from './api.js';
import { analyzeProcessQueue, analyzeSubscription } from './consumer.js';
import { examineConsumeStats, examineConsumerConnectionInfo, getConsumerRunningInfo } from './examine.js';
import type { ConsumerRunningInfo } from '../protocol/admin-bodies.js';

export const MONITOR_ROUND_INTERVAL_MS = 60_000;
export const MONITOR_FIRST_DELAY_MS = 20_000;
/** MQVersion.Version.V3_1_8_SNAPSHOT.ordinal() */
const V3_1_8_SNAPSHOT = 62;

export interface UndoneMsgs {
  consumerGroup: string;
  topic: string;
  /** Messages not consumed yet, summed over the queues. */
  undoneMsgsTotal: number;
  /** The largest backlog of one queue. */
  undoneMsgsSingleMQ: number;
  /** How far behind (ms) the newest message the group's last consumed message is, at most over the queues. */
  undoneMsgsDelayTimeMills: number;
}

export interface RunningInfoReport {
  consumerGroup: string;
  subscriptionDifferent: boolean;
  warnings: Array<{ clientId: string; text: string }>;
}

export interface MonitorRound {
  undone: UndoneMsgs[];
  runningInfo: RunningInfoReport[];
  spentTimeMills: number;
}

async function undoneOf(admin: MQAdmin, group: string): Promise<UndoneMsgs[]> {
  const cs = await examineConsumeStats(admin, group);
  await examineConsumerConnectionInfo(admin, group);
  const byTopic = new Map<string, UndoneMsgs>();
  for (const [mq, ow] of cs.offsetTable) {
    let u = byTopic.get(mq.topic);
    if (u === undefined) {
      u = { consumerGroup: group, topic: mq.topic, undoneMsgsTotal: 0, undoneMsgsSingleMQ: 0, undoneMsgsDelayTimeMills: 0 };
      byTopic.set(mq.topic, u);
    }
    const diff = ow.brokerOffset - ow.consumerOffset;
    u.undoneMsgsSingleMQ = Math.max(u.undoneMsgsSingleMQ, diff);
    if (diff > 0) u.undoneMsgsTotal += diff;
    if (ow.lastTimestamp > 0) {
      try {
        const addr = masterOfRoute(await examineTopicRouteInfo(admin, mq.topic), mq.brokerName);
        const max = await getMaxOffset(admin, addr, mq);
        if (max > 0) {
          const r = await pullAt(admin, addr, mq, '*', max - 1, 1);
          const newest = r.status === 'FOUND' ? r.messages[0] : undefined;
          if (newest !== undefined) u.undoneMsgsDelayTimeMills = Math.max(u.undoneMsgsDelayTimeMills, newest.storeTimestamp - ow.lastTimestamp);
        }
      } catch {
        // as MonitorService: a queue that cannot be read adds no delay
      }
    }
  }
  return [...byTopic.values()];
}

async function runningInfoOf(admin: MQAdmin, group: string): Promise<RunningInfoReport | undefined> {
  const cc = await examineConsumerConnectionInfo(admin, group);
  const infos: Array<[string, ConsumerRunningInfo]> = [];
  for (const c of cc.connectionSet) {
    if (c.version < V3_1_8_SNAPSHOT) continue;
    try {
      infos.push([c.clientId, await getConsumerRunningInfo(admin, group, c.clientId, false)]);
    } catch {
      // skipped, as MonitorService does
    }
  }
  if (infos.length === 0) return undefined;
  infos.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    consumerGroup: group,
    subscriptionDifferent: !analyzeSubscription(infos.map(([, i]) => i)),
    warnings: infos.flatMap(([clientId, info]) => analyzeProcessQueue(clientId, info).map((text) => ({ clientId, text }))),
  };
}

export async function monitorRound(admin: MQAdmin): Promise<MonitorRound> {
  const begin = Date.now();
  const round: MonitorRound = { undone: [], runningInfo: [], spentTimeMills: 0 };
  for (const topic of await fetchAllTopicList(admin)) {
    if (!topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) continue;
    const group = topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
    try {
      round.undone.push(...(await undoneOf(admin, group)));
    } catch {
      // offline group or no offsets: nothing to report
    }
    try {
      const report = await runningInfoOf(admin, group);
      if (report !== undefined) round.runningInfo.push(report);
    } catch {
      // offline group
    }
  }
  round.spentTimeMills = Date.now() - begin;
  return round;
}
