// Counters behind GET_BROKER_RUNTIME_INFO and GET_CONSUME_STATS: messages put and got, failures, and
// rates sampled every few seconds (RocketMQ's BrokerStats / BrokerStatsManager, reduced to what we report).
export const MAX_GROUP_TOPIC_RATES = 100_000;

interface Rate {
  total: number;
  sampledTotal: number;
  perSecond: number;
}

function newRate(): Rate {
  return { total: 0, sampledTotal: 0, perSecond: 0 };
}

function sample(rate: Rate, seconds: number): void {
  rate.perSecond = seconds > 0 ? (rate.total - rate.sampledTotal) / seconds : 0;
  rate.sampledTotal = rate.total;
}

export class BrokerStats {
  readonly bootTimestamp: number;
  putMessageTimesTotal = 0;
  putMessageSizeTotal = 0;
  putMessageFailedTimes = 0;
  getMessageFoundTimes = 0;
  getMessageMissTimes = 0;
  private readonly puts = newRate();
  private readonly gets = newRate();
  private readonly groupGets = new Map<string, Rate>();
  private lastSample: number;
  private todayStart: number;
  private putTotalTodayMorning = 0;
  private getTotalTodayMorning = 0;
  private putTotalYesterdayMorning = 0;
  private getTotalYesterdayMorning = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.bootTimestamp = now();
    this.lastSample = this.bootTimestamp;
    this.todayStart = startOfDay(this.bootTimestamp);
  }

  /** `count` messages of `bytes` stored by one send. */
  recordPut(count: number, bytes: number): void {
    this.putMessageTimesTotal += count;
    this.putMessageSizeTotal += bytes;
    this.puts.total += count;
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
    this.gets.total += count;
    const key = `${topic}@${group}`;
    let rate = this.groupGets.get(key);
    if (rate === undefined) {
      if (this.groupGets.size >= MAX_GROUP_TOPIC_RATES) return;
      rate = newRate();
      this.groupGets.set(key, rate);
    }
    rate.total += count;
  }

  /** Messages per second `group` pulled from `topic` over the last sampling period. */
  groupGetTps(group: string, topic: string): number {
    return this.groupGets.get(`${topic}@${group}`)?.perSecond ?? 0;
  }

  /** Called every few seconds by the broker's housekeeping timer. */
  sample(): void {
    const now = this.now();
    const seconds = (now - this.lastSample) / 1000;
    this.lastSample = now;
    sample(this.puts, seconds);
    sample(this.gets, seconds);
    for (const rate of this.groupGets.values()) sample(rate, seconds);
    const day = startOfDay(now);
    if (day !== this.todayStart) {
      this.todayStart = day;
      this.putTotalYesterdayMorning = this.putTotalTodayMorning;
      this.getTotalYesterdayMorning = this.getTotalTodayMorning;
      this.putTotalTodayMorning = this.puts.total;
      this.getTotalTodayMorning = this.gets.total;
    }
  }

  /** The counter entries of the runtime info table, values as strings like Java's. */
  runtimeEntries(): Record<string, string> {
    const now = this.now();
    return {
      bootTimestamp: String(this.bootTimestamp),
      runtime: formatRuntime(now - this.bootTimestamp),
      msgPutTotalTodayNow: String(this.puts.total),
      msgGetTotalTodayNow: String(this.gets.total),
      msgPutTotalTodayMorning: String(this.putTotalTodayMorning),
      msgGetTotalTodayMorning: String(this.getTotalTodayMorning),
      msgPutTotalYesterdayMorning: String(this.putTotalYesterdayMorning),
      msgGetTotalYesterdayMorning: String(this.getTotalYesterdayMorning),
      putMessageTimesTotal: String(this.putMessageTimesTotal),
      putMessageSizeTotal: String(this.putMessageSizeTotal),
      putMessageFailedTimes: String(this.putMessageFailedTimes),
      putMessageAverageSize: String(this.putMessageTimesTotal === 0 ? 0 : this.putMessageSizeTotal / this.putMessageTimesTotal),
      putTps: formatTps(this.puts.perSecond),
      getTransferedTps: formatTps(this.gets.perSecond),
      getFoundTps: formatTps(this.getMessageFoundTimes === 0 ? 0 : this.gets.perSecond),
    };
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

function formatTps(v: number): string {
  return Number.isInteger(v) ? `${v}.0` : String(v);
}
