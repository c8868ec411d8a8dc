// `mqtools benchmark producer|consumer`: RocketMQ's benchmark Producer and Consumer. The producer keeps
// `threads` sync sends (or `--async N` sends) in flight on one producer and reports send TPS, average and
// maximum RT and failures every report interval and at the end; the consumer reports TPS and end-to-end
// latency (born -> consumed, stored -> consumed) and, when given a count, how long draining it took.
import { Message, Producer, PushConsumer, type MessageExt } from '../client/index.js';
import { formatTime, grouped } from './format.js';
import { consumeFromWhere, makeBody, type StartPoint } from './options.js';
import { errorMessage, type Output } from './quickstart.js';
import { LatencyStats, ms, nowUs } from './stats.js';

/** Printed when the measured period starts (after the warm-up); bench/run.ts samples the broker's CPU here. */
export const MEASURE_START_LINE = 'Measurement started';
/** Prefix of the one-line JSON summary printed with --json. */
export const RESULT_PREFIX = 'BENCHMARK_RESULT ';

export interface BenchProducerOptions {
  namesrvAddr: string;
  topic: string;
  group: string;
  /** Concurrent sync senders (Java's thread count). */
  threads: number;
  /** When > 0: this many sends in flight from one producer instead of `threads` senders. */
  asyncInFlight: number;
  /** Producer instances (connections) the senders are spread over. */
  producers: number;
  messageSize: number;
  tag?: string;
  /** Give every message a unique KEYS value (exercises the index). */
  keys: boolean;
  /** Measured seconds (0 = until stopped or `count` is reached). */
  durationSec: number;
  /** Stop after this many sends (0 = no limit). */
  count: number;
  warmupSec: number;
  reportIntervalSec: number;
  sendTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface BenchProducerResult {
  mode: 'sync' | 'async';
  concurrency: number;
  messageSize: number;
  sent: number;
  failed: number;
  elapsedSec: number;
  tps: number;
  avgRtMs: number;
  maxRtMs: number;
  p50RtMs: number;
  p99RtMs: number;
  /** First failure messages (at most 5), to say why. */
  errors: string[];
}

function windowLine(label: string, s: LatencyStats, seconds: number, now: number): string {
  return `Current Time: ${formatTime(now)} ${label} TPS: ${Math.round(s.count / seconds)} Max RT(ms): ${ms(s.maxUs)} `
    + `Average RT(ms): ${ms(s.averageUs)} Send Failed: ${s.failures}`;
}

/** Calls `onTick` every `seconds` until the returned stop function is called. */
function every(seconds: number, onTick: () => void): () => void {
  if (seconds <= 0) return () => undefined;
  const timer = setInterval(onTick, seconds * 1000);
  return () => clearInterval(timer);
}

/** Resolves after `sec` seconds or when `signal` aborts, whichever is first; 0 = only on abort. */
function sleepOrAbort(sec: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = sec > 0 ? setTimeout(done, sec * 1000) : undefined;
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

export async function runBenchProducer(o: BenchProducerOptions, out: Output): Promise<BenchProducerResult> {
  const producers: Producer[] = [];
  for (let i = 0; i < o.producers; i++) {
    producers.push(new Producer({ producerGroup: o.group, namesrvAddr: o.namesrvAddr, sendMsgTimeout: o.sendTimeoutMs }));
  }
  await Promise.all(producers.map((p) => p.start()));
  const body = makeBody(o.messageSize);
  const concurrency = o.asyncInFlight > 0 ? o.asyncInFlight : o.threads;
  const mode = o.asyncInFlight > 0 ? 'async' : 'sync';
  const total = new LatencyStats();
  const window = new LatencyStats();
  const errors: string[] = [];
  let issued = 0;
  let stopping = false;
  let measuring = o.warmupSec <= 0;
  let measureStart = nowUs();
  let lastCompletion = measureStart;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });

  const sender = async (producer: Producer): Promise<void> => {
    while (!stopping && (o.count === 0 || issued < o.count)) {
      issued++;
      const msg = new Message({ topic: o.topic, body, tags: o.tag, keys: o.keys ? `bench-${process.pid}-${issued}` : undefined });
      const started = nowUs();
      try {
        await producer.send(msg);
        const done = nowUs();
        const rt = done - started;
        window.record(rt);
        if (measuring) {
          total.record(rt);
          lastCompletion = done;
        }
      } catch (err) {
        window.fail();
        if (measuring) total.fail();
        if (errors.length < 5) errors.push(errorMessage(err));
      }
    }
    if (o.count > 0 && issued >= o.count) stop.abort();
  };

  let windowStart = nowUs();
  const stopReports = every(o.reportIntervalSec, () => {
    const now = nowUs();
    out.line(windowLine('Send', window, (now - windowStart) / 1e6, Date.now()));
    window.reset();
    windowStart = now;
  });
  out.line(`Benchmark producer: topic ${o.topic}, ${mode === 'async' ? `${concurrency} async sends in flight` : `${concurrency} sync senders`}`
    + ` on ${o.producers} producer(s), ${o.messageSize}-byte bodies, ${o.durationSec > 0 ? `${o.durationSec} s` : 'until stopped'}`
    + `${o.warmupSec > 0 ? ` after ${o.warmupSec} s of warm-up` : ''}`);
  const senders = Array.from({ length: concurrency }, (_, i) => sender(producers[i % producers.length]!));
  if (!measuring) {
    await sleepOrAbort(o.warmupSec, stop.signal);
    measuring = true;
    measureStart = lastCompletion = nowUs();
  }
  out.line(`${MEASURE_START_LINE} at ${formatTime(Date.now())}`);
  await sleepOrAbort(o.durationSec, stop.signal);
  stopping = true;
  await Promise.all(senders);
  stopReports();
  o.signal?.removeEventListener('abort', onAbort);
  await Promise.all(producers.map((p) => p.shutdown()));

  const elapsedSec = Math.max(lastCompletion - measureStart, 1) / 1e6;
  const result: BenchProducerResult = {
    mode,
    concurrency,
    messageSize: o.messageSize,
    sent: total.count,
    failed: total.failures,
    elapsedSec,
    tps: total.count / elapsedSec,
    avgRtMs: total.averageUs / 1000,
    maxRtMs: total.maxUs / 1000,
    p50RtMs: total.percentileUs(50) / 1000,
    p99RtMs: total.percentileUs(99) / 1000,
    errors,
  };
  out.line(`[Complete] Send Total: ${result.sent} Send Failed: ${result.failed} Elapsed(s): ${elapsedSec.toFixed(2)} `
    + `Send TPS: ${grouped(result.tps)} Average RT(ms): ${ms(total.averageUs)} Max RT(ms): ${ms(total.maxUs)} `
    + `p50 RT(ms): ${result.p50RtMs.toFixed(2)} p99 RT(ms): ${result.p99RtMs.toFixed(2)}`);
  for (const e of errors) out.error(`send failure: ${e}`);
  return result;
}

export interface BenchConsumerOptions {
  namesrvAddr: string;
  topic: string;
  group: string;
  expression: string;
  from: StartPoint;
  /** Stop after this many messages (0 = no limit): a backlog drain. */
  count: number;
  /** Measured seconds (0 = until stopped or `count` is reached). */
  durationSec: number;
  /** Seconds after the first message before measuring. */
  warmupSec: number;
  reportIntervalSec: number;
  consumeThreadMax: number;
  pullBatchSize: number;
  consumeBatchSize: number;
  signal?: AbortSignal;
  onStarted?: () => void;
}

export interface BenchConsumerResult {
  received: number;
  elapsedSec: number;
  tps: number;
  avgB2CMs: number;
  maxB2CMs: number;
  avgS2CMs: number;
  maxS2CMs: number;
  /** With a count: seconds from start() until the count-th message; else 0. */
  drainSec: number;
}

export async function runBenchConsumer(o: BenchConsumerOptions, out: Output): Promise<BenchConsumerResult> {
  const consumer = new PushConsumer({
    consumerGroup: o.group,
    namesrvAddr: o.namesrvAddr,
    consumeFromWhere: consumeFromWhere(o.from),
    consumeThreadMax: o.consumeThreadMax,
    pullBatchSize: o.pullBatchSize,
    consumeMessageBatchMaxSize: o.consumeBatchSize,
  });
  consumer.subscribe(o.topic, o.expression);
  const b2c = new LatencyStats();
  const s2c = new LatencyStats();
  const windowB2C = new LatencyStats();
  const windowS2C = new LatencyStats();
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let received = 0;
  let measuring = false;
  let measureStart = 0;
  let countAtMeasureStart = 0;
  let countReachedAt = 0;
  const measureBegins = new AbortController();
  const beginMeasuring = (): void => {
    if (measuring) return;
    measuring = true;
    measureStart = nowUs();
    countAtMeasureStart = received;
    measureBegins.abort();
  };
  let warmupTimer: NodeJS.Timeout | undefined;

  consumer.registerMessageListener(async (msgs: MessageExt[]) => {
    if (received === 0) {
      // Measure from the first message on: finding routes and offsets is not throughput.
      if (o.warmupSec > 0) warmupTimer = setTimeout(beginMeasuring, o.warmupSec * 1000);
      else beginMeasuring();
    }
    const now = Date.now();
    for (const m of msgs) {
      const born = (now - m.bornTimestamp) * 1000;
      const stored = (now - m.storeTimestamp) * 1000;
      windowB2C.record(born);
      windowS2C.record(stored);
      if (measuring) {
        b2c.record(born);
        s2c.record(stored);
      }
      received++;
    }
    if (o.count > 0 && received >= o.count && countReachedAt === 0) {
      countReachedAt = nowUs();
      stop.abort();
    }
    return 'CONSUME_SUCCESS';
  });

  let windowStart = nowUs();
  const stopReports = every(o.reportIntervalSec, () => {
    const now = nowUs();
    const secs = (now - windowStart) / 1e6;
    out.line(`Current Time: ${formatTime(Date.now())} TPS: ${Math.round(windowB2C.count / secs)} FAIL: 0 `
      + `AVG(B2C) RT(ms): ${ms(windowB2C.averageUs)} AVG(S2C) RT(ms): ${ms(windowS2C.averageUs)} `
      + `MAX(B2C) RT(ms): ${ms(windowB2C.maxUs)} MAX(S2C) RT(ms): ${ms(windowS2C.maxUs)}`);
    windowB2C.reset();
    windowS2C.reset();
    windowStart = now;
  });
  const startedAt = nowUs();
  try {
    await consumer.start();
    out.line(`Benchmark consumer started: group ${o.group}, topic ${o.topic}, from ${o.from}`
      + `${o.count > 0 ? `, until ${o.count} messages` : ''}`);
    o.onStarted?.();
    await sleepOrAbort(0, AbortSignal.any([measureBegins.signal, stop.signal]));
    if (measuring) {
      out.line(`${MEASURE_START_LINE} at ${formatTime(Date.now())}`);
      await sleepOrAbort(o.durationSec, stop.signal);
    }
    const end = countReachedAt > 0 ? countReachedAt : nowUs();
    const drainSec = countReachedAt > 0 ? (countReachedAt - startedAt) / 1e6 : 0;
    const elapsedSec = measuring ? Math.max(end - measureStart, 1) / 1e6 : 0;
    const measured = measuring ? Math.min(received, o.count > 0 ? o.count : received) - countAtMeasureStart : 0;
    stopReports();
    const result: BenchConsumerResult = {
      received,
      elapsedSec,
      tps: elapsedSec > 0 ? measured / elapsedSec : 0,
      avgB2CMs: b2c.averageUs / 1000,
      maxB2CMs: b2c.maxUs / 1000,
      avgS2CMs: s2c.averageUs / 1000,
      maxS2CMs: s2c.maxUs / 1000,
      drainSec,
    };
    out.line(`[Complete] Consume Total: ${received} Elapsed(s): ${elapsedSec.toFixed(2)} TPS: ${grouped(result.tps)} `
      + `AVG(B2C) RT(ms): ${result.avgB2CMs.toFixed(3)} MAX(B2C) RT(ms): ${result.maxB2CMs.toFixed(3)} `
      + `AVG(S2C) RT(ms): ${result.avgS2CMs.toFixed(3)} MAX(S2C) RT(ms): ${result.maxS2CMs.toFixed(3)}`
      + (drainSec > 0 ? ` Drained ${o.count} messages in ${drainSec.toFixed(2)} s (${grouped(o.count / drainSec)} msg/s)` : ''));
    return result;
  } finally {
    stopReports();
    clearTimeout(warmupTimer);
    o.signal?.removeEventListener('abort', onAbort);
    await consumer.shutdown();
  }
}
