// Counters behind GET_BROKER_RUNTIME_INFO, GET_CONSUME_STATS and VIEW_BROKER_STATS_DATA (RocketMQ's
// StoreStatsService, BrokerStats and BrokerStatsManager, reduced to what the admin tools show):
// - totals of messages put / pulled, pull calls that found or missed, failures;
// - one snapshot per second (the broker calls sample() every second) for the "10 s, 1 min, 10 min" TPS strings;
// - put latencies in StoreStatsService's buckets, for putLatency99/999 and putMessageDistributeTime (last full minute);
// - per topic (TOPIC_PUT_NUMS) and per topic@group (GROUP_GET_NUMS) stats items with minute/hour/day windows;
// - the totals at this and yesterday's midnight, for clusterList -m.
import fs from 'node:fs';
import { formatJavaDouble } from '../protocol/fastjson.js';
import { readInt64, storeTimestampPosition } from '../protocol/message.js';

export const MAX_GROUP_TOPIC_RATES = 100_000;
/** StoreStatsService keeps ten minutes of one-second snapshots. */
const MAX_SNAPSHOTS = 601;
const TPS_WINDOWS_S = [10, 60, 600] as const;
const MINUTE_MS = 60_000;

/** Names of the stats items VIEW_BROKER_STATS_DATA knows (BrokerStatsManager). */
export const STATS_TOPIC_PUT_NUMS = 'TOPIC_PUT_NUMS';
export const STATS_TOPIC_PUT_SIZE = 'TOPIC_PUT_SIZE';
export const STATS_GROUP_GET_NUMS = 'GROUP_GET_NUMS';

interface Snapshot {
  t: number;
  puts: number;
  found: number;
  miss: number;
  transferred: number;
}

interface CallSnapshot {
  t: number;
  value: number;
  times: number;
}

/** One window of a stats item: sum over the window, per second, and per call. */
export interface StatsWindow {
  sum: number;
  tps: number;
  avgpt: number;
}

export interface StatsItemData {
  minute: StatsWindow;
  hour: StatsWindow;
  day: StatsWindow;
}

/** RocketMQ's StatsItem: a value and a call count, snapshotted every 10 s / 10 min / 1 h. */
class StatsItem {
  value = 0;
  times = 0;
  private readonly minute: CallSnapshot[];
  private readonly hour: CallSnapshot[];
  private readonly day: CallSnapshot[];

  constructor(now: number) {
    // As StatsItem's first sampling: a zero point one period back.
    this.minute = [{ t: now - 10_000, value: 0, times: 0 }];
    this.hour = [{ t: now - 10 * MINUTE_MS, value: 0, times: 0 }];
    this.day = [{ t: now - 60 * MINUTE_MS, value: 0, times: 0 }];
  }

  add(value: number, times: number): void {
    this.value += value;
    this.times += times;
  }

  sample(now: number): void {
    push(this.minute, now, 10_000, 7, this.value, this.times);
    push(this.hour, now, 10 * MINUTE_MS, 7, this.value, this.times);
    push(this.day, now, 60 * MINUTE_MS, 25, this.value, this.times);
  }

  /** Windows from their oldest snapshot to the live counters. */
  data(now: number): StatsItemData {
    return { minute: this.window(this.minute, now), hour: this.window(this.hour, now), day: this.window(this.day, now) };
  }

  private window(list: CallSnapshot[], now: number): StatsWindow {
    const first = list[0]!;
    const sum = this.value - first.value;
    const timesDiff = this.times - first.times;
    const ms = now - first.t;
    return { sum, tps: ms > 0 ? (sum * 1000) / ms : 0, avgpt: timesDiff > 0 ? sum / timesDiff : 0 };
  }
}

function push(list: CallSnapshot[], now: number, period: number, keep: number, value: number, times: number): void {
  if (now - list[list.length - 1]!.t < period) return;
  list.push({ t: now, value, times });
  if (list.length > keep) list.shift();
}

/** StoreStatsService's latency buckets: 1 ms steps to 20, 2 to 50, 5 to 100, 10 to 200, 50 to 500, 100 to 1 s, 1 s to 10 s. */
const LATENCY_BUCKETS: number[] = (() => {
  const out: number[] = [];
  let at = 0;
  for (const [step, times] of [[1, 20], [2, 15], [5, 10], [10, 10], [50, 6], [100, 5], [1000, 9]] as const) {
    for (let i = 0; i < times; i++) out.push((at += step));
  }
  out.push(Number.MAX_SAFE_INTEGER);
  return out;
})();

const DISTRIBUTE_DESC = [
  '[<=0ms]', '[0~10ms]', '[10~50ms]', '[50~100ms]', '[100~200ms]', '[200~500ms]', '[500ms~1s]', '[1~2s]', '[2~3s]', '[3~4s]', '[4~5s]',
  '[5~10s]', '[10s~]',
];
const DISTRIBUTE_LIMITS = [0, 10, 50, 100, 200, 500, 1000, 2000, 3000, 4000, 5000, 10000];

function distributeIndex(ms: number): number {
  for (let i = 0; i < DISTRIBUTE_LIMITS.length; i++) {
    if (i === 0 ? ms <= 0 : ms < DISTRIBUTE_LIMITS[i]!) return i;
  }
  return DISTRIBUTE_LIMITS.length;
}

export interface BrokerStatsOptions {
  /** Clock, for tests. */
  now?: () => number;
  /** The commit-log folder, for commitLogDiskRatio. */
  commitLogDir?: string;
  /** The consume-queue folder, for consumeQueueDiskRatio. */
  consumeQueueDir?: string;
}

export class BrokerStats {
  readonly bootTimestamp: number;
  putMessageTimesTotal = 0;
  putMessageSizeTotal = 0;
  putMessageFailedTimes = 0;
  getMessageFoundTimes = 0;
  getMessageMissTimes = 0;
  getMessageTransferredMsgs = 0;
  putMessageEntireTimeMax = 0;
  private readonly now: () => number;
  private readonly snapshots: Snapshot[] = [];
  private readonly topicPuts = new Map<string, StatsItem>();
  private readonly topicPutSizes = new Map<string, StatsItem>();
  private readonly groupGets = new Map<string, StatsItem>();
  private latency = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  private lastLatency = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  private distribute = new Array<number>(DISTRIBUTE_DESC.length).fill(0);
  private lastDistribute = new Array<number>(DISTRIBUTE_DESC.length).fill(0);
  private lastMinuteRoll: number;
  private todayStart: number;
  private readonly commitLogDir: string | undefined;
  private readonly consumeQueueDir: string | undefined;
  private putTotalTodayMorning = 0;
  private getTotalTodayMorning = 0;
  private putTotalYesterdayMorning = 0;
  private getTotalYesterdayMorning = 0;

  constructor(options: BrokerStatsOptions | (() => number) = {}) {
    const opts = typeof options === 'function' ? { now: options } : options;
    this.now = opts.now ?? Date.now;
    this.commitLogDir = opts.commitLogDir;
    this.consumeQueueDir = opts.consumeQueueDir;
    this.bootTimestamp = this.now();
    this.lastMinuteRoll = this.bootTimestamp;
    this.todayStart = startOfDay(this.bootTimestamp);
    this.snapshots.push(this.snapshot(this.bootTimestamp));
  }

  /** `count` messages of `bytes` stored by one send to `topic`, which took `latencyMs` (when measured). */
  recordPut(count: number, bytes: number, topic?: string, latencyMs?: number): void {
    this.putMessageTimesTotal += count;
    this.putMessageSizeTotal += bytes;
    if (topic !== undefined) {
      this.item(this.topicPuts, topic)?.add(count, 1);
      this.item(this.topicPutSizes, topic)?.add(bytes, 1);
    }
    if (latencyMs !== undefined) this.recordPutLatency(latencyMs);
  }

  recordPutFailure(): void {
    this.putMessageFailedTimes++;
  }

  /** A pull by `group` of `topic` that returned `count` messages. */
  recordGet(group: string, topic: string, count: number): void {
    if (count === 0) {
      this.getMessageMissTimes++;
      return;
    }
    this.getMessageFoundTimes++;
    this.getMessageTransferredMsgs += count;
    this.item(this.groupGets, `${topic}@${group}`)?.add(count, 1);
  }

  /** Messages per second `group` pulled from `topic` over about the last minute (BrokerStatsManager.tpsGroupGetNums). */
  groupGetTps(group: string, topic: string): number {
    return this.groupGets.get(`${topic}@${group}`)?.data(this.now()).minute.tps ?? 0;
  }

  /** VIEW_BROKER_STATS_DATA: undefined when nothing was ever counted under that name and key. */
  statsItem(statsName: string, statsKey: string): StatsItemData | undefined {
    const table =
      statsName === STATS_TOPIC_PUT_NUMS ? this.topicPuts
        : statsName === STATS_TOPIC_PUT_SIZE ? this.topicPutSizes
          : statsName === STATS_GROUP_GET_NUMS ? this.groupGets
            : undefined;
    return table?.get(statsKey)?.data(this.now());
  }

  /** Called every second by the broker's timer. */
  sample(): void {
    const now = this.now();
    this.snapshots.push(this.snapshot(now));
    if (this.snapshots.length > MAX_SNAPSHOTS) this.snapshots.shift();
    for (const table of [this.topicPuts, this.topicPutSizes, this.groupGets]) for (const item of table.values()) item.sample(now);
    if (now - this.lastMinuteRoll >= MINUTE_MS) {
      this.lastMinuteRoll = now;
      this.lastLatency = this.latency;
      this.latency = new Array<number>(LATENCY_BUCKETS.length).fill(0);
      this.lastDistribute = this.distribute;
      this.distribute = new Array<number>(DISTRIBUTE_DESC.length).fill(0);
    }
    const day = startOfDay(now);
    if (day !== this.todayStart) {
      this.todayStart = day;
      this.putTotalYesterdayMorning = this.putTotalTodayMorning;
      this.getTotalYesterdayMorning = this.getTotalTodayMorning;
      this.putTotalTodayMorning = this.putMessageTimesTotal;
      this.getTotalTodayMorning = this.getMessageTransferredMsgs;
    }
  }

  /** The counter entries of the runtime info table, values as strings like Java's. */
  runtimeEntries(): Record<string, string> {
    const now = this.now();
    const entries: Record<string, string> = {
      bootTimestamp: String(this.bootTimestamp),
      runtime: formatRuntime(now - this.bootTimestamp),
      msgPutTotalTodayNow: String(this.putMessageTimesTotal),
      msgGetTotalTodayNow: String(this.getMessageTransferredMsgs),
      msgPutTotalTodayMorning: String(this.putTotalTodayMorning),
      msgGetTotalTodayMorning: String(this.getTotalTodayMorning),
      msgPutTotalYesterdayMorning: String(this.putTotalYesterdayMorning),
      msgGetTotalYesterdayMorning: String(this.getTotalYesterdayMorning),
      putMessageTimesTotal: String(this.putMessageTimesTotal),
      putMessageSizeTotal: String(this.putMessageSizeTotal),
      putMessageFailedTimes: String(this.putMessageFailedTimes),
      putMessageAverageSize: formatJavaDouble(this.putMessageTimesTotal === 0 ? 0 : this.putMessageSizeTotal / this.putMessageTimesTotal),
      putMessageEntireTimeMax: String(this.putMessageEntireTimeMax),
      putMessageDistributeTime: this.distributeText(),
      putLatency99: this.latencyPercentile(0.99).toFixed(2),
      putLatency999: this.latencyPercentile(0.999).toFixed(2),
      // Our store dispatches synchronously and times no reads: nothing to report beyond zero.
      dispatchMaxBuffer: '0',
      getMessageEntireTimeMax: '0',
      putTps: this.tpsText((s) => s.puts),
      getFoundTps: this.tpsText((s) => s.found),
      getMissTps: this.tpsText((s) => s.miss),
      getTransferedTps: this.tpsText((s) => s.transferred),
      getTotalTps: TPS_WINDOWS_S.map((w) => formatJavaDouble(this.tps(w, (s) => s.found) + this.tps(w, (s) => s.miss))).join(' '),
    };
    const commitLogRatio = diskUsedRatio(this.commitLogDir);
    if (commitLogRatio !== undefined) entries.commitLogDiskRatio = formatJavaDouble(commitLogRatio);
    const queueRatio = diskUsedRatio(this.consumeQueueDir);
    if (queueRatio !== undefined) entries.consumeQueueDiskRatio = formatJavaDouble(queueRatio);
    return entries;
  }

  private item(table: Map<string, StatsItem>, key: string): StatsItem | undefined {
    let item = table.get(key);
    if (item === undefined) {
      if (table.size >= MAX_GROUP_TOPIC_RATES) return undefined;
      item = new StatsItem(this.now());
      table.set(key, item);
    }
    return item;
  }

  private recordPutLatency(ms: number): void {
    const v = Math.max(0, Math.round(ms));
    if (v > this.putMessageEntireTimeMax) this.putMessageEntireTimeMax = v;
    const bucket = LATENCY_BUCKETS.findIndex((limit) => v <= limit);
    this.latency[bucket < 0 ? LATENCY_BUCKETS.length - 1 : bucket]!++;
    this.distribute[distributeIndex(v)]!++;
  }

  private snapshot(t: number): Snapshot {
    return {
      t,
      puts: this.putMessageTimesTotal,
      found: this.getMessageFoundTimes,
      miss: this.getMessageMissTimes,
      transferred: this.getMessageTransferredMsgs,
    };
  }

  /** Per second over the last `seconds` snapshots; 0 while there are not that many yet. */
  private tps(seconds: number, pick: (s: Snapshot) => number): number {
    return this.tpsOrUndefined(seconds, pick) ?? 0;
  }

  private tpsOrUndefined(seconds: number, pick: (s: Snapshot) => number): number | undefined {
    const n = this.snapshots.length;
    if (n <= seconds) return undefined;
    const last = this.snapshots[n - 1]!;
    const before = this.snapshots[n - 1 - seconds]!;
    const ms = last.t - before.t;
    return ms > 0 ? ((pick(last) - pick(before)) * 1000) / ms : 0;
  }

  /** "10s 1min 10min " with a window left empty until the broker has run that long, as StoreStatsService writes it. */
  private tpsText(pick: (s: Snapshot) => number): string {
    return TPS_WINDOWS_S.map((w) => {
      const v = this.tpsOrUndefined(w, pick);
      return v === undefined ? '' : formatJavaDouble(v);
    }).join(' ');
  }

  private distributeText(): string {
    return DISTRIBUTE_DESC.map((d, i) => `${d}:${this.lastDistribute[i]!} `).join('');
  }

  /** StoreStatsService.findPutMessageEntireTimePX over the last full minute. */
  private latencyPercentile(px: number): number {
    const total = this.lastLatency.reduce((a, b) => a + b, 0);
    const index = Math.floor(total * px);
    let passed = 0;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
      const count = this.lastLatency[i]!;
      if (index <= passed + count) {
        const relative = index - passed;
        const upper = LATENCY_BUCKETS[i]!;
        if (i === 0) return count === 0 ? 0 : (upper * relative) / count;
        const lower = LATENCY_BUCKETS[i - 1]!;
        return lower + (count === 0 ? 0 : ((upper - lower) * relative) / count);
      }
      passed += count;
    }
    return 0;
  }
}

function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** "[ 0 days, 0 hours, 1 minutes, 16 seconds ]" as BrokerStats prints the uptime. */
function formatRuntime(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `[ ${Math.floor(s / 86400)} days, ${Math.floor((s % 86400) / 3600)} hours, ${Math.floor((s % 3600) / 60)} minutes, ${s % 60} seconds ]`;
}

/** UtilAll.getDiskPartitionSpaceUsedPercent: used share of the partition, rounded up to hundredths; -1 when unknown. */
function diskUsedRatio(dir: string | undefined): number | undefined {
  if (dir === undefined) return undefined;
  try {
    const s = fs.statfsSync(dir);
    const used = (s.blocks - s.bfree) * s.bsize;
    const entire = used + s.bavail * s.bsize;
    if (entire <= 0) return -1;
    return Math.ceil((used * 100) / entire) / 100;
  } catch {
    return -1;
  }
}

/**
 * DefaultMessageStore.getEarliestMessageTime(): the store time of the first message still in the commit log, -1 when
 * there is none. clusterList's #Hour column is "now minus this".
 */
export function earliestMessageTimeStamp(store: { getMinPhyOffset(): number; lookMessageByOffset(offset: number): Buffer | undefined }): number {
  let record: Buffer | undefined;
  try {
    record = store.lookMessageByOffset(store.getMinPhyOffset());
  } catch {
    return -1;
  }
  if (record === undefined || record.length < 44) return -1;
  const pos = storeTimestampPosition(record.readInt32BE(36));
  return pos + 8 <= record.length ? readInt64(record, pos, 'STORETIMESTAMP') : -1;
}
