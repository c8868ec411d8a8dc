// startMonitoring (4.9.8 tools/monitor/MonitorService): every round (first after 20 s, then every minute), for every
// group with a %RETRY% topic, the backlog per topic (UndoneMsgs) and the clients' running info analysed; and all
// the time a push consumer of OFFSET_MOVED_EVENT reporting each range a consumer skipped (DeleteMsgsEvent).
import { getLogger } from '../common/logger.js';
import { PushConsumer } from '../client/index.js';
import { RETRY_GROUP_TOPIC_PREFIX, TOPIC_OFFSET_MOVED_EVENT } from '../protocol/message-const.js';
import { decodeOffsetMovedEvent, offsetMovedEventText, type OffsetMovedEvent } from '../protocol/offset-moved-event.js';
import type { MQAdmin } from './admin-client.js';
import { examineTopicRouteInfo, fetchAllTopicList, getMaxOffset, masterOfRoute, pullAt } from './api.js';
import { analyzeProcessQueue, analyzeSubscription } from './consumer.js';
import { examineConsumeStats, examineConsumerConnectionInfo, getConsumerRunningInfo } from './examine.js';
import type { ConsumerRunningInfo } from '../protocol/admin-bodies.js';

const log = getLogger('admin');
/** MixAll.MONITOR_CONSUMER_GROUP: the group of the OFFSET_MOVED_EVENT consumer. */
export const MONITOR_CONSUMER_GROUP = '__MONITOR_CONSUMER';
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

/** 4.9.8 DeleteMsgsEvent: an OffsetMovedEvent and the store time of its message. */
export interface DeleteMsgsEvent {
  offsetMovedEvent: OffsetMovedEvent;
  eventTimestamp: number;
}

/** DeleteMsgsEvent.toString, as DefaultMonitorListener prints it. */
export function deleteMsgsEventText(e: DeleteMsgsEvent): string {
  return `DeleteMsgsEvent [offsetMovedEvent=${offsetMovedEventText(e.offsetMovedEvent)}, eventTimestamp=${e.eventTimestamp}]`;
}

/** 4.9.8 MonitorListener (reportFailedMsgs is never called there, so it is left out). */
export interface MonitorListener {
  beginRound(): void;
  reportUndoneMsgs(u: UndoneMsgs): void;
  reportConsumerRunningInfo(r: RunningInfoReport): void;
  reportDeleteMsgsEvent(e: DeleteMsgsEvent): void;
  endRound(round: MonitorRound): void;
}

export interface MonitorOptions {
  /** Before the first round; default 20 s as 4.9.8. */
  firstDelayMs?: number;
  /** Between round starts; default 60 s (MonitorConfig.roundInterval). */
  roundIntervalMs?: number;
}

/** MonitorService: rounds on a timer plus the OFFSET_MOVED_EVENT consumer, until stop(). */
export class MonitorService {
  private readonly consumer: PushConsumer;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly admin: MQAdmin, private readonly listener: MonitorListener, private readonly options: MonitorOptions = {}) {
    this.consumer = new PushConsumer({
      consumerGroup: MONITOR_CONSUMER_GROUP,
      namesrvAddr: admin.namesrvAddrs.join(';'),
      instanceName: `MonitorService_${process.pid}_${Date.now()}`,
      consumeThreadMax: 1,
    });
    this.consumer.subscribe(TOPIC_OFFSET_MOVED_EVENT, '*');
    this.consumer.registerMessageListener(async (msgs) => {
      const first = msgs[0];
      try {
        // As 4.9.8: only the first message of a batch (batches are of one message by default).
        if (first !== undefined) this.listener.reportDeleteMsgsEvent({ offsetMovedEvent: decodeOffsetMovedEvent(first.body), eventTimestamp: first.storeTimestamp });
      } catch (err) {
        log.warn(`startMonitoring: an OFFSET_MOVED_EVENT message ${first?.msgId ?? ''} is not an OffsetMovedEvent: ${err instanceof Error ? err.message : String(err)}`);
      }
      return 'CONSUME_SUCCESS';
    });
  }

  async start(): Promise<void> {
    await this.consumer.start();
    this.schedule(this.options.firstDelayMs ?? MONITOR_FIRST_DELAY_MS);
  }

  /** Ends the timer, waits for a round under way, shuts the consumer down. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
    await this.consumer.shutdown();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const begin = Date.now();
      this.round = this.doMonitorWork().finally(() => {
        this.round = undefined;
        const interval = this.options.roundIntervalMs ?? MONITOR_ROUND_INTERVAL_MS;
        this.schedule(Math.max(0, begin + interval - Date.now()));
      });
    }, delayMs);
  }

  private async doMonitorWork(): Promise<void> {
    try {
      this.listener.beginRound();
      const round = await monitorRound(this.admin);
      for (const u of round.undone) this.listener.reportUndoneMsgs(u);
      for (const r of round.runningInfo) this.listener.reportConsumerRunningInfo(r);
      this.listener.endRound(round);
    } catch (err) {
      log.error(`doMonitorWork Exception: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
