// The standard matrix: what each case runs against a fresh NameServer + broker, and what it measures.
// Every case first sends one message to BenchmarkTest (like RocketMQ 4.9.8, the broker has this topic built in,
// with 1024 queues) and waits for its route at the NameServer, so producers and consumers find it at once.
import type { BenchConsumerResult, BenchProducerResult } from '../../src/tools/benchmark.js';
import { decodeTopicRouteData } from '../../src/protocol/bodies.js';
import { createRequest } from '../../src/protocol/command.js';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import { RemotingClient } from '../../src/remoting/client.js';
import type { Child } from './child.js';
import type { BenchCluster, FlushDiskType } from './cluster.js';
import { cpuMicros, machineBusyMicros } from './procfs.js';

export const TOPIC = 'BenchmarkTest';
const RESULT_PREFIX = 'BENCHMARK_RESULT ';

export interface CaseContext {
  cluster: BenchCluster;
  /** Measured seconds of a timed case. */
  duration: number;
  /** Seconds of sending before measuring (JIT warm-up, topic creation). */
  warmup: number;
  /** Messages in the backlog-drain case. */
  backlog: number;
  bodySize: number;
  log: (line: string) => void;
}

export type Metrics = Record<string, number>;

export interface CaseSpec {
  id: string;
  title: string;
  flush: FlushDiskType;
  run(ctx: CaseContext): Promise<Metrics>;
}

export function parseResult<T>(child: Child): T {
  const line = child.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) throw new Error(`${child.label} printed no result\n${child.describe()}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as T;
}

/** Waits for the process to exit 0; throws with its output otherwise. */
export async function succeeded(child: Child): Promise<void> {
  const exit = await child.exited;
  if (exit.code !== 0) throw new Error(`${child.label} failed\n${child.describe()}`);
}

/** Rejections of promises we may never await (the process failed earlier) must not crash the runner. */
export function settled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** Sends one message to the topic, then waits until the NameServer has its route. */
export async function prepareTopic(ctx: CaseContext): Promise<void> {
  const one = ctx.cluster.tool('create topic', ['producer', '-t', TOPIC, '-c', '1']);
  await succeeded(one);
  const client = new RemotingClient({ name: 'bench-route-check' });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await client.invoke(ctx.cluster.namesrvAddr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: TOPIC }), 3000);
      if (r.code === ResponseCode.SUCCESS && r.body !== undefined && decodeTopicRouteData(r.body).queueDatas.length > 0) return;
      if (Date.now() > deadline) throw new Error(`no route of ${TOPIC} at the NameServer after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await client.shutdown();
  }
}

interface ProducerRun {
  result: BenchProducerResult;
  brokerCpuUsPerMsg: number;
  clientCpuUsPerMsg: number;
  /** Cores busy with anything but the broker, the NameServer and this client (other programs, kernel threads). */
  otherCores: number;
}

/** CPU of the benchmark's own processes and of the whole machine, sampled together. */
function sample(ctx: CaseContext, pids: number[]): { ours: number; machine: number; at: number } {
  let ours = 0;
  for (const pid of [ctx.cluster.broker.pid, ctx.cluster.namesrv.pid, ...pids]) ours += cpuMicros(pid) ?? 0;
  return { ours, machine: machineBusyMicros(), at: performance.now() * 1000 };
}

function otherCores(a: { ours: number; machine: number; at: number }, b: { ours: number; machine: number; at: number }): number {
  return Math.max(0, (b.machine - a.machine) - (b.ours - a.ours)) / (b.at - a.at);
}

/**
 * Runs `mqtools benchmark producer`; CPU of broker and client is sampled over the measured period only, and so is
 * the rest of the machine's (`others`: pids of further benchmark processes, e.g. a consumer, that count as ours).
 */
export async function measureProducer(ctx: CaseContext, label: string, args: string[], others: number[] = []): Promise<ProducerRun> {
  const client = ctx.cluster.tool(label, ['benchmark', 'producer', '-t', TOPIC, '-s', String(ctx.bodySize), '--report-interval', '0', '--json', ...args]);
  const brokerPid = ctx.cluster.broker.pid;
  const started = settled(client.waitLine(/^Measurement started/, 120_000));
  const complete = settled(client.waitLine(/^\[Complete\]/, (ctx.warmup + ctx.duration) * 1000 + 600_000));
  await started;
  const b0 = cpuMicros(brokerPid) ?? NaN;
  const c0 = cpuMicros(client.pid) ?? NaN;
  const s0 = sample(ctx, [client.pid, ...others]);
  await complete;
  const b1 = cpuMicros(brokerPid) ?? NaN;
  const c1 = cpuMicros(client.pid) ?? NaN;
  const s1 = sample(ctx, [client.pid, ...others]);
  await succeeded(client);
  const result = parseResult<BenchProducerResult>(client);
  if (result.failed > 0) ctx.log(`  ${label}: ${result.failed} failed sends, e.g. ${result.errors[0] ?? '?'}`);
  const completed = result.sent + result.failed;
  return { result, brokerCpuUsPerMsg: (b1 - b0) / completed, clientCpuUsPerMsg: (c1 - c0) / completed, otherCores: otherCores(s0, s1) };
}

function producerMetrics(p: ProducerRun): Metrics {
  return {
    sendTps: p.result.tps,
    avgRtMs: p.result.avgRtMs,
    p99RtMs: p.result.p99RtMs,
    maxRtMs: p.result.maxRtMs,
    failed: p.result.failed,
    brokerCpuUsPerMsg: p.brokerCpuUsPerMsg,
    clientCpuUsPerMsg: p.clientCpuUsPerMsg,
    otherCores: p.otherCores,
  };
}

function timed(ctx: CaseContext): string[] {
  return ['--warmup', String(ctx.warmup), '--duration', String(ctx.duration)];
}

export const CASES: CaseSpec[] = [
  {
    id: 'async-16',
    title: 'ASYNC_FLUSH, 16 concurrent sync senders',
    flush: 'ASYNC_FLUSH',
    run: async (ctx) => producerMetrics(await measureProducer(ctx, 'producer -w 16', ['-w', '16', ...timed(ctx)])),
  },
  {
    id: 'async-inflight-256',
    title: 'ASYNC_FLUSH, async sends, 256 in flight from one client',
    flush: 'ASYNC_FLUSH',
    run: async (ctx) => producerMetrics(await measureProducer(ctx, 'producer --async 256', ['--async', '256', ...timed(ctx)])),
  },
  {
    id: 'sync-flush-16',
    title: 'SYNC_FLUSH, 16 concurrent sync senders',
    flush: 'SYNC_FLUSH',
    run: async (ctx) => producerMetrics(await measureProducer(ctx, 'producer -w 16 (SYNC_FLUSH)', ['-w', '16', ...timed(ctx)])),
  },
  {
    id: 'async-1',
    title: 'ASYNC_FLUSH, 1 sender',
    flush: 'ASYNC_FLUSH',
    run: async (ctx) => producerMetrics(await measureProducer(ctx, 'producer -w 1', ['-w', '1', ...timed(ctx)])),
  },
  {
    id: 'drain',
    title: 'draining a backlog with a new consumer group',
    flush: 'ASYNC_FLUSH',
    run: async (ctx) => {
      const fill = await measureProducer(ctx, `fill ${ctx.backlog}`, ['--async', '256', '-c', String(ctx.backlog)]);
      ctx.log(`  backlog of ${fill.result.sent} messages written at ${Math.round(fill.result.tps)} msg/s`);
      const total = fill.result.sent + 1; // + the message that created the topic
      const consumer = ctx.cluster.tool('consumer drain', ['benchmark', 'consumer', '-t', TOPIC, '-g', 'bench_drain', '--from', 'first',
        '-c', String(total), '--report-interval', '0', '--json']);
      const b0 = cpuMicros(ctx.cluster.broker.pid) ?? NaN;
      const s0 = sample(ctx, [consumer.pid]);
      await settled(consumer.waitLine(/^\[Complete\]/, 1_800_000));
      const b1 = cpuMicros(ctx.cluster.broker.pid) ?? NaN;
      const s1 = sample(ctx, [consumer.pid]);
      await succeeded(consumer);
      const r = parseResult<BenchConsumerResult>(consumer);
      return {
        backlog: total,
        fillTps: fill.result.tps,
        drainSec: r.drainSec,
        drainTps: total / r.drainSec,
        brokerCpuUsPerMsg: (b1 - b0) / total,
        otherCores: otherCores(s0, s1),
      };
    },
  },
  {
    id: 'produce-consume',
    title: 'producing and consuming at once: 16 sync senders + 1 push consumer',
    flush: 'ASYNC_FLUSH',
    run: async (ctx) => {
      const consumer = ctx.cluster.tool('consumer (live)', ['benchmark', 'consumer', '-t', TOPIC, '-g', 'bench_live', '--from', 'last',
        '--warmup', String(ctx.warmup), '--report-interval', '0', '--json']);
      await settled(consumer.waitLine(/^Benchmark consumer started/, 60_000));
      const p = await measureProducer(ctx, 'producer -w 16 (with consumer)', ['-w', '16', ...timed(ctx)], [consumer.pid]);
      consumer.signal('SIGINT');
      await succeeded(consumer);
      const c = parseResult<BenchConsumerResult>(consumer);
      return {
        ...producerMetrics(p),
        consumeTps: c.tps,
        avgB2CMs: c.avgB2CMs,
        maxB2CMs: c.maxB2CMs,
      };
    },
  },
];
