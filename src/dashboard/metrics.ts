// The dashboard's server-side sampler: every few seconds the brokers' in/out TPS (one runtime-info request per
// broker) and per-topic put rates, kept for a bit more than an hour. Topic rates cost a bounded number of requests
// per sample however many topics exist: one GET_BROKER_CONSUME_STATS per master covers every consumed topic, and
// a rotating handful of the others is probed by their queue offsets.
import {
  clusterList,
  consumedTopicPutTotals,
  topicListWithKinds,
  topicPutTotal,
  type MQAdmin,
} from '../admin/index.js';
import { getLogger } from '../common/logger.js';
import type { MetricsResponse } from './api-types.js';

const log = getLogger('dashboard');

export interface SamplerOptions {
  /** ms between samples (default 10 s). */
  intervalMs?: number;
  /** How far back samples are kept (default 65 minutes). */
  keepMs?: number;
  /** Quiet unconsumed topics probed per sample, round-robin (default 25). */
  probesPerSample?: number;
  /** How often the topic list is refreshed for probing (default 60 s). */
  topicListRefreshMs?: number;
  now?: () => number;
}

interface BrokerFigures {
  brokerName: string;
  inTps: number;
  outTps: number;
}

interface Sample {
  time: number;
  brokers: Map<string, BrokerFigures>;
  /** Only the busiest topics of this sample, so that memory does not grow with the number of topics. */
  topics: Map<string, number>;
}

/** Topics kept per sample; the answer shows the top TOP_TOPICS over the window. */
const TOPICS_PER_SAMPLE = 50;
const TOP_TOPICS = 10;
/** A topic's rate is shown until this old (a quiet topic is measured about every 7 minutes at 1,000 topics). */
const RATE_MAX_AGE_MS = 10 * 60_000;
const MAX_TRACKED_TOPICS = 100_000;
/** Busy unconsumed topics re-measured every sample. */
const MAX_BUSY_PROBES = 20;

export class MetricsSampler {
  readonly intervalMs: number;
  private readonly keepMs: number;
  private readonly probesPerSample: number;
  private readonly topicListRefreshMs: number;
  private readonly now: () => number;
  private readonly samples: Sample[] = [];
  /** Last put total seen per topic and when; the next total gives the rate between. */
  private readonly totals = new Map<string, { total: number; time: number }>();
  private readonly rates = new Map<string, { tps: number; time: number }>();
  private probeTopics: string[] = [];
  private probeCursor = 0;
  private probeListAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  lastError: string | undefined;

  constructor(private readonly adminOf: () => MQAdmin, o: SamplerOptions = {}) {
    this.intervalMs = o.intervalMs ?? 10_000;
    this.keepMs = o.keepMs ?? 65 * 60_000;
    this.probesPerSample = o.probesPerSample ?? 25;
    this.topicListRefreshMs = o.topicListRefreshMs ?? 60_000;
    this.now = o.now ?? Date.now;
  }

  /** Samples now and then every intervalMs (never two at once) until stop(). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Forget the rates (the NameServer list changed: these may be another cluster's topics). */
  reset(): void {
    this.samples.length = 0;
    this.totals.clear();
    this.rates.clear();
    this.probeTopics = [];
    this.probeListAt = -Infinity;
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  private tick(): void {
    this.running = this.sampleOnce().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      this.timer = setTimeout(() => this.tick(), this.intervalMs);
      this.timer.unref();
    });
  }

  /** One sample; a failure is remembered as lastError (one log line) and leaves no sample. */
  async sampleOnce(): Promise<void> {
    const admin = this.adminOf();
    try {
      const rows = await clusterList(admin);
      const brokers = new Map<string, BrokerFigures>();
      for (const r of rows) if (r.error === undefined) brokers.set(r.addr, { brokerName: r.brokerName, inTps: r.inTps, outTps: r.outTps });
      const masters = rows.filter((r) => r.brokerId === 0 && r.error === undefined).map((r) => r.addr);
      await this.measureTopics(admin, masters);
      this.record({ time: this.now(), brokers, topics: this.topTopicsNow() });
      this.lastError = undefined;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.lastError) log.warn(`metrics sample failed: ${message}`);
      this.lastError = message;
    }
  }

  private async measureTopics(admin: MQAdmin, masters: string[]): Promise<void> {
    const consumed = new Map<string, number>();
    for (const addr of masters) {
      try {
        for (const [topic, total] of await consumedTopicPutTotals(admin, addr)) consumed.set(topic, (consumed.get(topic) ?? 0) + total);
      } catch (err) {
        log.warn(`metrics: consume stats of ${addr}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    for (const [topic, total] of consumed) this.observe(topic, total);
    for (const topic of await this.nextProbes(admin, consumed)) {
      try {
        this.observe(topic, await topicPutTotal(admin, topic));
      } catch {
        // Deleted since the list was read, or a pseudo-topic: nothing to measure.
      }
    }
  }

  /**
   * Unconsumed NORMAL topics to probe this sample: the busy ones (a rate above zero) every time, so their series
   * stay continuous, plus the next few of the rest round-robin, so a topic that becomes busy is found within
   * (topics / probesPerSample) samples.
   */
  private async nextProbes(admin: MQAdmin, consumed: ReadonlyMap<string, number>): Promise<string[]> {
    if (this.now() - this.probeListAt >= this.topicListRefreshMs) {
      this.probeTopics = (await topicListWithKinds(admin)).filter((t) => t.kind === 'NORMAL').map((t) => t.topic);
      this.probeListAt = this.now();
    }
    const known = new Set(this.probeTopics);
    const busy = [...this.rates].filter(([t, r]) => r.tps > 0 && known.has(t) && !consumed.has(t))
      .sort((a, b) => b[1].tps - a[1].tps).slice(0, MAX_BUSY_PROBES).map(([t]) => t);
    const busySet = new Set(busy);
    const candidates = this.probeTopics.filter((t) => !consumed.has(t) && !busySet.has(t));
    const out: string[] = [];
    for (let i = 0; i < Math.min(this.probesPerSample, candidates.length); i++) {
      out.push(candidates[(this.probeCursor + i) % candidates.length]!);
    }
    this.probeCursor = candidates.length === 0 ? 0 : (this.probeCursor + out.length) % candidates.length;
    return [...busy, ...out];
  }

  private observe(topic: string, total: number): void {
    const time = this.now();
    const prev = this.totals.get(topic);
    if (prev !== undefined && time > prev.time && total >= prev.total) {
      this.rates.set(topic, { tps: ((total - prev.total) * 1000) / (time - prev.time), time });
    }
    if (prev === undefined && this.totals.size >= MAX_TRACKED_TOPICS) return;
    this.totals.set(topic, { total, time });
  }

  private topTopicsNow(): Map<string, number> {
    const fresh = [...this.rates].filter(([, r]) => this.now() - r.time <= RATE_MAX_AGE_MS);
    fresh.sort((a, b) => b[1].tps - a[1].tps);
    return new Map(fresh.slice(0, TOPICS_PER_SAMPLE).map(([topic, r]) => [topic, r.tps]));
  }

  private record(sample: Sample): void {
    this.samples.push(sample);
    const oldest = this.now() - this.keepMs;
    const maxCount = Math.ceil(this.keepMs / this.intervalMs) + 1;
    while (this.samples.length > 0 && (this.samples[0]!.time < oldest || this.samples.length > maxCount)) this.samples.shift();
  }

  /** The samples of the last `minutes`, as aligned series: every broker, and the busiest topics of the window. */
  snapshot(minutes: number): MetricsResponse {
    const since = this.now() - minutes * 60_000;
    const window = this.samples.filter((s) => s.time >= since);
    const brokers = new Map<string, string>();
    const topicSums = new Map<string, number>();
    for (const s of window) {
      for (const [addr, b] of s.brokers) brokers.set(addr, b.brokerName);
      for (const [topic, tps] of s.topics) topicSums.set(topic, (topicSums.get(topic) ?? 0) + tps);
    }
    const top = [...topicSums].sort((a, b) => b[1] - a[1]).slice(0, TOP_TOPICS).map(([t]) => t);
    const response: MetricsResponse = {
      intervalMs: this.intervalMs,
      times: window.map((s) => s.time),
      brokers: [...brokers].sort((a, b) => `${a[1]} ${a[0]}`.localeCompare(`${b[1]} ${b[0]}`)).map(([addr, brokerName]) => ({
        addr,
        brokerName,
        inTps: window.map((s) => s.brokers.get(addr)?.inTps ?? null),
        outTps: window.map((s) => s.brokers.get(addr)?.outTps ?? null),
      })),
      topics: top.map((topic) => ({ topic, inTps: window.map((s) => s.topics.get(topic) ?? null) })),
    };
    if (this.lastError !== undefined) response.lastError = this.lastError;
    return response;
  }
}
