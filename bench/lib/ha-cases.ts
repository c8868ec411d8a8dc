// The replication cases of bench/ha.ts, each on fresh NameServer, master and slave processes (ha-cluster.ts):
//   sync-vs-async   16 sync senders against SYNC_MASTER and against ASYNC_MASTER, order alternating per run;
//   async-lag       the same ASYNC load while both commit-log max offsets are sampled (ha-lag.ts);
//   catch-up-1g     a stopped slave starts again 1 GiB behind: time until it holds what the master holds;
//   failover-resume a push consumer drains a backlog at a steady rate; kill -9 of the master; time until it
//                   gets messages again (from the slave).
import fs from 'node:fs';
import path from 'node:path';
import type { BenchProducerResult } from '../../src/tools/benchmark.js';
import { PushConsumer, type MessageExt } from '../../src/client/index.js';
import { decodeTopicConfigSerializeWrapper, decodeTopicRouteData } from '../../src/protocol/bodies.js';
import { createRequest } from '../../src/protocol/command.js';
import { RequestCode, ResponseCode } from '../../src/protocol/codes.js';
import { parseResult, settled, succeeded, TOPIC, type Metrics } from './cases.js';
import { HaBenchCluster, type MasterRole } from './ha-cluster.js';
import { lagFigures, resumeAfterKill, type OffsetSample } from './ha-lag.js';
import { cpuMicros, machineBusyMicros } from './procfs.js';

const MB = 1024 * 1024;
const FAILOVER_TOPIC = 'HaFailoverTest';

export interface HaContext {
  /** Folder for the temporary stores. */
  dir: string;
  duration: number;
  warmup: number;
  bodySize: number;
  senders: number;
  /** Bytes the slave must catch up in catch-up-1g. */
  catchUpBytes: number;
  /** async-lag: sampling interval, ms. */
  sampleMs: number;
  /** failover-resume: messages in the backlog and the consumer's steady rate (msg/s). */
  backlog: number;
  consumeRate: number;
  brokerNodeArgs: string[];
  log: (line: string) => void;
}

/** Runs `fn` on a fresh cluster whose slave holds the topic's first message; always stops and deletes it. */
async function withCluster<T>(ctx: HaContext, role: MasterRole, fn: (c: HaBenchCluster) => Promise<T>): Promise<T> {
  const root = fs.mkdtempSync(path.join(ctx.dir, `rmqts-bench-ha-${role.toLowerCase()}-`));
  try {
    const c = await HaBenchCluster.start({ root, masterRole: role, brokerNodeArgs: ctx.brokerNodeArgs });
    try {
      await prepare(c, TOPIC);
      return await fn(c);
    } finally {
      await c.stop();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** One message to `topic` (SLAVE_NOT_AVAILABLE is fine: it is stored), its route known, the slave level with the master. */
async function prepare(c: HaBenchCluster, topic: string): Promise<void> {
  await succeeded(c.tool(`create ${topic}`, ['producer', '-t', topic, '-c', '1']));
  const deadline = performance.now() + 30_000;
  for (;;) {
    const r = await c.admin.invoke(c.namesrvAddr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 3000);
    if (r.code === ResponseCode.SUCCESS && r.body !== undefined && decodeTopicRouteData(r.body).queueDatas.length > 0) break;
    if (performance.now() > deadline) throw new Error(`no route of ${topic} at the NameServer after 30 s`);
    await sleep(20);
  }
  await c.untilSlaveCaughtUp(60_000);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

interface SendersRun {
  result: BenchProducerResult;
  masterCpuUsPerMsg: number;
  slaveCpuUsPerMsg: number;
  clientCpuUsPerMsg: number;
  otherCores: number;
  /** performance.now() at the start and end of the measured period. */
  from: number;
  to: number;
}

function cpuOf(pids: number[]): number[] {
  return pids.map((p) => cpuMicros(p) ?? NaN);
}

/** `mqtools benchmark producer -w N` (sync senders); `during` runs from the measured period's start until its end. */
async function measureSenders(c: HaBenchCluster, ctx: HaContext, label: string, during?: (done: Promise<unknown>) => Promise<void>): Promise<SendersRun> {
  const client = c.tool(label, ['benchmark', 'producer', '-t', TOPIC, '-s', String(ctx.bodySize), '-w', String(ctx.senders),
    '--warmup', String(ctx.warmup), '--duration', String(ctx.duration), '--report-interval', '0', '--json']);
  const started = settled(client.waitLine(/^Measurement started/, 120_000));
  const complete = settled(client.waitLine(/^\[Complete\]/, (ctx.warmup + ctx.duration) * 1000 + 600_000));
  await started;
  const pids = [c.master.pid, c.slave.pid, client.pid, c.namesrv.pid];
  const from = performance.now();
  const cpu0 = cpuOf(pids);
  const machine0 = machineBusyMicros();
  const side = during?.(complete);
  await complete;
  const to = performance.now();
  const cpu1 = cpuOf(pids);
  const machine1 = machineBusyMicros();
  await side;
  await succeeded(client);
  const result = parseResult<BenchProducerResult>(client);
  if (result.failed > 0) ctx.log(`  ${label}: ${result.failed} failed sends, e.g. ${result.errors[0] ?? '?'}`);
  const n = result.sent + result.failed;
  const used = cpu1.map((v, i) => v - cpu0[i]!);
  const ours = used.reduce((a, b) => a + b, 0);
  return {
    result,
    masterCpuUsPerMsg: used[0]! / n,
    slaveCpuUsPerMsg: used[1]! / n,
    clientCpuUsPerMsg: used[2]! / n,
    otherCores: Math.max(0, machine1 - machine0 - ours) / ((to - from) * 1000),
    from,
    to,
  };
}

function senderMetrics(r: SendersRun): Metrics {
  return {
    sendTps: r.result.tps,
    avgRtMs: r.result.avgRtMs,
    p99RtMs: r.result.p99RtMs,
    failed: r.result.failed,
    masterCpuUsPerMsg: r.masterCpuUsPerMsg,
    slaveCpuUsPerMsg: r.slaveCpuUsPerMsg,
    clientCpuUsPerMsg: r.clientCpuUsPerMsg,
    otherCores: r.otherCores,
  };
}

/** One pair: both roles, SYNC first in odd runs and ASYNC first in even ones. */
export async function syncVsAsync(ctx: HaContext, run: number): Promise<{ sync: Metrics; async: Metrics; ratio: number }> {
  const order: MasterRole[] = run % 2 === 1 ? ['SYNC_MASTER', 'ASYNC_MASTER'] : ['ASYNC_MASTER', 'SYNC_MASTER'];
  const out = new Map<MasterRole, Metrics>();
  for (const role of order) {
    const m = await withCluster(ctx, role, async (c) => senderMetrics(await measureSenders(c, ctx, `${ctx.senders} senders (${role})`)));
    ctx.log(`  run ${run} ${role}: ${Math.round(m.sendTps!)} msg/s, avg RT ${m.avgRtMs!.toFixed(3)} ms, CPU/msg master ${m.masterCpuUsPerMsg!.toFixed(1)} µs, `
      + `slave ${m.slaveCpuUsPerMsg!.toFixed(1)} µs, other load ${m.otherCores!.toFixed(2)} cores`);
    out.set(role, m);
  }
  const sync = out.get('SYNC_MASTER')!;
  const asyncM = out.get('ASYNC_MASTER')!;
  return { sync, async: asyncM, ratio: sync.sendTps! / asyncM.sendTps! };
}

/** Both offsets, requested at once; each sample's time is the midpoint of its request. */
async function sampleBoth(c: HaBenchCluster): Promise<{ master: OffsetSample; slave: OffsetSample }> {
  const one = async (addr: string): Promise<OffsetSample> => {
    const t0 = performance.now();
    const offset = await c.maxOffset(addr);
    return { t: (t0 + performance.now()) / 2, offset };
  };
  const [master, slave] = await Promise.all([one(c.masterAddr), one(c.slaveAddr)]);
  return { master, slave };
}

export async function asyncLag(ctx: HaContext): Promise<Metrics> {
  return withCluster(ctx, 'ASYNC_MASTER', async (c) => {
    const pairs: Array<{ master: OffsetSample; slave: OffsetSample }> = [];
    const run = await measureSenders(c, ctx, `${ctx.senders} senders (ASYNC_MASTER, offsets sampled)`, async (done) => {
      let loading = true;
      void done.then(() => (loading = false), () => (loading = false));
      while (loading) {
        const next = performance.now() + ctx.sampleMs;
        pairs.push(await sampleBoth(c));
        await sleep(Math.max(0, next - performance.now()));
      }
      // Keep sampling until the slave holds the last byte the master had under load.
      const last = pairs[pairs.length - 1]?.master.offset ?? 0;
      const deadline = performance.now() + 30_000;
      while (performance.now() < deadline) {
        const p = await sampleBoth(c);
        pairs.push(p);
        if (p.slave.offset >= last) break;
        await sleep(ctx.sampleMs);
      }
    });
    const lag = lagFigures(pairs, (t) => t >= run.from && t <= run.to);
    return {
      sendTps: run.result.tps,
      samples: lag.samples,
      lagBytesP50: lag.bytesP50,
      lagBytesP99: lag.bytesP99,
      lagBytesMax: lag.bytesMax,
      lagMsP50: lag.msP50,
      lagMsP99: lag.msP99,
      lagMsMax: lag.msMax,
      unreached: lag.unreached,
      otherCores: run.otherCores,
    };
  });
}

export async function catchUp(ctx: HaContext): Promise<Metrics> {
  return withCluster(ctx, 'ASYNC_MASTER', async (c) => {
    const before = await c.untilSlaveCaughtUp(60_000);
    await c.stopSlave();
    // 4000-byte bodies (the client compresses from 4096 on), 256 in flight: the commit log grows fast.
    const body = 4000;
    const count = Math.ceil(ctx.catchUpBytes / (body + 150)); // + the record's header, topic and properties
    ctx.log(`  slave stopped at offset ${before}; writing ${count} messages of ${body} bytes to the master`);
    const fill = c.tool('fill', ['benchmark', 'producer', '-t', TOPIC, '-s', String(body), '--async', '256', '-c', String(count), '--report-interval', '0', '--json']);
    await succeeded(fill);
    const written = parseResult<BenchProducerResult>(fill);
    if (written.failed > 0) throw new Error(`fill: ${written.failed} sends failed, e.g. ${written.errors[0] ?? '?'}`);
    const target = await c.maxOffset(c.masterAddr);
    const bytes = target - before;
    ctx.log(`  master at ${target} (${(bytes / MB).toFixed(0)} MiB ahead, written at ${(written.tps * body / MB).toFixed(0)} MB/s); starting the slave`);
    const t0 = performance.now();
    await c.startSlave();
    const booted = performance.now();
    await c.untilSlaveCaughtUp(1_800_000);
    const t1 = performance.now();
    return {
      bytes,
      catchUpSec: (t1 - t0) / 1000,
      slaveBootSec: (booted - t0) / 1000,
      replicateSec: (t1 - booted) / 1000,
      mbPerSec: bytes / MB / ((t1 - booted) / 1000),
    };
  });
}

/** Waits until the slave has the topic's config (its metadata copy runs 3 s after start, then every 10 s). */
async function untilSlaveKnowsTopic(c: HaBenchCluster, topic: string): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const r = await c.admin.invoke(c.slaveAddr, createRequest(RequestCode.GET_ALL_TOPIC_CONFIG, {}), 3000);
    if (r.code === ResponseCode.SUCCESS && r.body !== undefined && decodeTopicConfigSerializeWrapper(r.body).topicConfigTable.has(topic)) return;
    if (performance.now() > deadline) throw new Error(`the slave has no config of ${topic} after 60 s`);
    await sleep(200);
  }
}

/** The client refreshes routes every 30 s (pollNameServerInterval): the kills are spread over one such period. */
const ROUTE_REFRESH_MS = 30_000;

/**
 * Run `run` of `runs` kills the master 3 s + (run - 0.5) / runs of a route-refresh period after the consumer
 * started, so that the runs sample the whole period instead of always hitting the same phase of it.
 */
export async function failoverResume(ctx: HaContext, run: number, runs: number): Promise<Metrics> {
  const killAfterMs = 3000 + (ROUTE_REFRESH_MS * (run - 0.5)) / runs;
  return withCluster(ctx, 'ASYNC_MASTER', async (c) => {
    const fill = c.tool('backlog', ['benchmark', 'producer', '-t', FAILOVER_TOPIC, '-s', String(ctx.bodySize), '--async', '256', '-c', String(ctx.backlog), '--report-interval', '0', '--json']);
    await succeeded(fill);
    await c.untilSlaveCaughtUp(120_000);
    await untilSlaveKnowsTopic(c, FAILOVER_TOPIC);
    ctx.log(`  backlog of ${ctx.backlog} messages on master and slave; consuming at ${ctx.consumeRate} msg/s, kill after ${(killAfterMs / 1000).toFixed(1)} s`);
    const deliveries: number[] = [];
    // Small flow-control limits: little is buffered in the client when the master dies.
    const consumer = new PushConsumer({
      consumerGroup: 'bench_failover', namesrvAddr: c.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      consumeThreadMax: 1, pullBatchSize: 32, pullThresholdForQueue: 32,
    });
    consumer.subscribe(FAILOVER_TOPIC, '*');
    let nextAt = 0;
    const interval = 1000 / ctx.consumeRate;
    consumer.registerMessageListener(async (msgs: MessageExt[]) => {
      for (let i = 0; i < msgs.length; i++) deliveries.push(performance.now());
      // A steady rate: sleep whenever we are more than 5 ms ahead of it.
      nextAt = Math.max(nextAt + interval * msgs.length, performance.now() - 50);
      const ahead = nextAt - performance.now();
      if (ahead > 5) await sleep(ahead);
      return 'CONSUME_SUCCESS';
    });
    const startedAt = performance.now();
    await consumer.start();
    try {
      while (performance.now() - startedAt < killAfterMs) await sleep(20);
      if (deliveries.length === 0) throw new Error(`the consumer got nothing from the master in ${killAfterMs} ms`);
      if (deliveries.length + ctx.consumeRate * 2 > ctx.backlog) throw new Error(`${deliveries.length} of ${ctx.backlog} messages consumed before the kill: raise --backlog`);
      const killAt = c.killMaster();
      await c.master.exited;
      ctx.log('  master killed (SIGKILL)');
      const seenAtKill = deliveries.length;
      const deadline = killAt + 120_000;
      // Resumed: two seconds' worth of messages after the kill (more than the client can have buffered).
      while (deliveries.length - seenAtKill < ctx.consumeRate * 2 && performance.now() < deadline) await sleep(50);
      const r = resumeAfterKill(deliveries, killAt);
      if (r === undefined || deliveries.length - seenAtKill < ctx.consumeRate * 2) throw new Error(`the consumer did not resume within 120 s of the kill (${deliveries.length - seenAtKill} messages after it)`);
      return { killAfterSec: (killAt - startedAt) / 1000, resumeSec: r.resumeMs / 1000, fromBuffer: r.fromBuffer };
    } finally {
      await Promise.race([consumer.shutdown(), sleep(15_000)]);
    }
  });
}
