// The performance matrix: for each case and run, a fresh NameServer and broker as their own processes on a
// fresh store, timed until their ports accept connections; the benchmark client (mqtools benchmark) in a
// third process; broker CPU time from /proc/<pid>/stat over the measured period; RSS from /proc/<pid>/status
// after the run. Prints progress and writes the median table into docs/performance.md.
//
//   npx tsc -p . && node dist/bench/run.js [--duration 60] [--warmup 5] [--runs 3] [--cases a,b] [--no-doc]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { positive } from './lib/options.js';
import { CASES, prepareTopic, type CaseSpec, type Metrics } from './lib/cases.js';
import { BenchCluster } from './lib/cluster.js';
import { memoryOf } from './lib/procfs.js';
import { fmt, fmtInt, medians, targetTable, writeBlock, type TargetRow } from './lib/report.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MB = 1024 * 1024;

const program = new Command('bench/run')
  .description('run the rocketmq-ts performance matrix and write docs/performance.md')
  .option('--duration <s>', 'measured seconds per timed case', positive('--duration', false), 60)
  .option('--warmup <s>', 'seconds of load before measuring', positive('--warmup', false), 5)
  .option('--runs <n>', 'runs per case (the table shows the median)', positive('--runs', true), 3)
  .option('--backlog <n>', 'messages in the backlog-drain case', positive('--backlog', true), 500_000)
  .option('--size <bytes>', 'message body size', positive('--size', true), 1024)
  .option('--cases <ids>', `comma-separated subset of: ${CASES.map((c) => c.id).join(', ')}`)
  .option('--max-other <cores>', 'repeat a run (up to 3 times) when other programs kept more than this many cores busy during it', positive('--max-other', false), 0.3)
  .option('--broker-node-args <args>', 'Node.js options for the broker process, e.g. "--max-semi-space-size=4"', '')
  .option('--dir <dir>', 'folder for the temporary stores', os.tmpdir())
  .option('--doc <file>', 'markdown file to write the table into', path.join(REPO, 'docs', 'performance.md'))
  .option('--no-doc', 'print only, do not write the markdown file')
  .parse();

interface Opts {
  duration: number;
  warmup: number;
  runs: number;
  backlog: number;
  size: number;
  cases?: string;
  maxOther: number;
  brokerNodeArgs: string;
  dir: string;
  doc: string | false;
}
const opts = program.opts<Opts>();

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

interface RunOutcome {
  metrics: Metrics;
}

async function runCase(spec: CaseSpec, run: number): Promise<RunOutcome> {
  const root = fs.mkdtempSync(path.join(opts.dir, `rmqts-bench-${spec.id}-`));
  try {
    const brokerNodeArgs = opts.brokerNodeArgs.split(/\s+/).filter((a) => a !== '');
    const cluster = await BenchCluster.start({ root, flushDiskType: spec.flush, brokerNodeArgs });
    try {
      const ctx = { cluster, duration: opts.duration, warmup: opts.warmup, backlog: opts.backlog, bodySize: opts.size, log };
      await prepareTopic(ctx);
      const metrics = await spec.run(ctx);
      const broker = memoryOf(cluster.broker.pid);
      const namesrv = memoryOf(cluster.namesrv.pid);
      Object.assign(metrics, {
        brokerStartupMs: cluster.brokerStartupMs,
        namesrvStartupMs: cluster.namesrvStartupMs,
        brokerRssMB: (broker?.rss ?? NaN) / MB,
        brokerPeakRssMB: (broker?.peak ?? NaN) / MB,
        namesrvRssMB: (namesrv?.rss ?? NaN) / MB,
      });
      log(`  run ${run}: ${Object.entries(metrics).map(([k, v]) => `${k}=${fmt(v, v >= 100 ? 0 : 3)}`).join(' ')}`);
      return { metrics };
    } finally {
      await cluster.stop();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { cwd: REPO, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? '?';
  return `${os.cpus().length} × ${cpu}, ${fmt(os.totalmem() / 1024 ** 3, 1)} GiB RAM, Linux ${os.release()}, Node.js ${process.version}`;
}

function commit(): string {
  const hash = sh('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src']) !== '';
  return dirty ? `${hash} (with uncommitted changes under src/)` : hash;
}

function rows(m: Map<string, Metrics>): TargetRow[] {
  const get = (id: string, key: string): number => m.get(id)?.[key] ?? NaN;
  const row = (what: string, target: string, value: number, text: string, apache: string, ok: (v: number) => boolean): TargetRow => ({
    what, target, measured: text, apache, met: Number.isFinite(value) ? ok(value) : undefined,
  });
  const asyncRss = maxOf([get('async-16', 'brokerRssMB'), get('async-inflight-256', 'brokerRssMB')]);
  const all = [...m.values()];
  const startupBroker = medianOf(all.map((x) => x.brokerStartupMs ?? NaN));
  const startupNs = medianOf(all.map((x) => x.namesrvStartupMs ?? NaN));
  const nsRss = maxOf(all.map((x) => x.namesrvRssMB ?? NaN));
  return [
    row('ASYNC_FLUSH, 16 concurrent sync senders: send TPS', '≥ 25,000 msg/s', get('async-16', 'sendTps'), fmtInt(get('async-16', 'sendTps')), '11,200', (v) => v >= 25_000),
    row('ASYNC_FLUSH, async sends, 256 in flight: send TPS', '≥ 60,000 msg/s', get('async-inflight-256', 'sendTps'), fmtInt(get('async-inflight-256', 'sendTps')), '16,100', (v) => v >= 60_000),
    row('… broker CPU per message', '≤ 20 µs', get('async-inflight-256', 'brokerCpuUsPerMsg'), `${fmt(get('async-inflight-256', 'brokerCpuUsPerMsg'), 1)} µs`, '51 µs', (v) => v <= 20),
    row('SYNC_FLUSH, 16 concurrent sync senders: send TPS', '≥ 12,000 msg/s', get('sync-flush-16', 'sendTps'), fmtInt(get('sync-flush-16', 'sendTps')), '6,300', (v) => v >= 12_000),
    row('ASYNC_FLUSH, 1 sender: average RT', '≤ 0.25 ms', get('async-1', 'avgRtMs'), `${fmt(get('async-1', 'avgRtMs'), 3)} ms`, '0.40 ms', (v) => v <= 0.25),
    row(`draining a backlog of ${fmtInt(get('drain', 'backlog'))} messages, new group`, '≥ 100,000 msg/s', get('drain', 'drainTps'), `${fmtInt(get('drain', 'drainTps'))} msg/s (${fmt(get('drain', 'drainSec'), 1)} s)`, '~54,000', (v) => v >= 100_000),
    row('16 senders + 1 push consumer: send TPS', '≥ 12,000 msg/s', get('produce-consume', 'sendTps'), fmtInt(get('produce-consume', 'sendTps')), '7,000', (v) => v >= 12_000),
    row('16 senders + 1 push consumer: consume TPS', '≥ 12,000 msg/s', get('produce-consume', 'consumeTps'), fmtInt(get('produce-consume', 'consumeTps')), '7,000', (v) => v >= 12_000),
    row('broker RSS after the ASYNC_FLUSH runs', '≤ 150 MB', asyncRss, `${fmt(asyncRss, 0)} MB`, '1.5 GB', (v) => v <= 150),
    row('NameServer RSS', '≤ 60 MB', nsRss, `${fmt(nsRss, 0)} MB`, '120 MB', (v) => v <= 60),
    row('broker start-up until its port accepts connections', '≤ 500 ms', startupBroker, `${fmt(startupBroker, 0)} ms`, '4.4 s', (v) => v <= 500),
    row('NameServer start-up until its port accepts connections', '≤ 300 ms', startupNs, `${fmt(startupNs, 0)} ms`, '3.5 s', (v) => v <= 300),
  ];
}

/** The largest finite value, NaN when there is none. */
function maxOf(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length > 0 ? Math.max(...finite) : NaN;
}

function medianOf(values: number[]): number {
  return medians(values.map((v) => ({ v })))['v'] ?? NaN;
}

const DETAIL_KEYS: Array<[string, string, number]> = [
  ['sendTps', 'send TPS', 0], ['avgRtMs', 'avg RT ms', 3], ['p99RtMs', 'p99 RT ms', 2], ['maxRtMs', 'max RT ms', 1],
  ['brokerCpuUsPerMsg', 'broker CPU µs/msg', 1], ['clientCpuUsPerMsg', 'client CPU µs/msg', 1], ['consumeTps', 'consume TPS', 0],
  ['avgB2CMs', 'avg born→consumed ms', 1], ['fillTps', 'backlog fill TPS', 0], ['drainTps', 'drain TPS', 0],
  ['brokerRssMB', 'broker RSS MB', 0], ['brokerPeakRssMB', 'broker peak RSS MB', 0], ['namesrvRssMB', 'NameServer RSS MB', 0],
  ['brokerStartupMs', 'broker start ms', 0], ['namesrvStartupMs', 'NameServer start ms', 0],
  ['otherCores', 'other load (cores)', 2],
];

function details(selected: CaseSpec[], all: Map<string, Metrics[]>): string {
  const out = ['| case | figures: median (all runs) |', '| --- | --- |'];
  for (const spec of selected) {
    const runs = all.get(spec.id) ?? [];
    const med = medians(runs);
    const parts = DETAIL_KEYS.filter(([k]) => k in med).map(([k, label, d]) =>
      `${label} **${d === 0 ? fmtInt(med[k]!) : fmt(med[k]!, d)}** (${runs.map((r) => (d === 0 ? fmtInt(r[k] ?? NaN) : fmt(r[k] ?? NaN, d))).join(' / ')})`);
    out.push(`| ${spec.title} | ${parts.join('; ')} |`);
  }
  return out.join('\n');
}

const SKELETON = '# Performance\n\nFigures are written by `bench/run.ts` between the markers below.\n';

async function main(): Promise<void> {
  const ids = opts.cases?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = ids?.filter((id) => !CASES.some((c) => c.id === id)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown case(s) ${unknown.join(', ')}; known: ${CASES.map((c) => c.id).join(', ')}`);
  const selected = ids === undefined ? CASES : CASES.filter((c) => ids.includes(c.id));
  const command = `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`.trim();
  const startedAt = new Date();
  log(`rocketmq-ts benchmark on ${machine()}, commit ${commit()}`);
  log(`${command}: ${selected.length} case(s) × ${opts.runs} run(s), ${opts.warmup} s warm-up + ${opts.duration} s measured, ${opts.size}-byte bodies`);
  const all = new Map<string, Metrics[]>();
  let discarded = 0;
  for (const spec of selected) {
    log(`${spec.id}: ${spec.title}`);
    const runs: Metrics[] = [];
    for (let i = 1; i <= opts.runs; i++) {
      let metrics = (await runCase(spec, i)).metrics;
      for (let retry = 1; retry <= 3 && (metrics.otherCores ?? 0) > opts.maxOther; retry++) {
        log(`  run ${i}: other programs kept ${fmt(metrics.otherCores!, 2)} cores busy; discarded, running again`);
        discarded++;
        metrics = (await runCase(spec, i)).metrics;
      }
      runs.push(metrics);
    }
    all.set(spec.id, runs);
  }
  const med = new Map([...all].map(([id, runs]) => [id, medians(runs)]));
  const table = targetTable(rows(med));
  const detailTable = details(selected, all);
  log(`\n${table}\n\n${detailTable}`);
  if (opts.doc === false) return;
  const block = [
    `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}; commit ${commit()}.`,
    '',
    `Command: \`npx tsc -p . && ${command}\` — ${selected.length} case(s) × ${opts.runs} run(s), each on a fresh NameServer, broker and store; `
      + `${opts.warmup} s warm-up then ${opts.duration} s measured; ${opts.size}-byte bodies; topic ${'`BenchmarkTest`'} (built into the broker as in RocketMQ 4.9.8: 1024 queues). `
      + `A run during which other programs kept more than ${opts.maxOther} cores busy was repeated (${discarded} run(s) discarded).`,
    '',
    table,
    '',
    'Per case, median and every run (run 1 / run 2 / …); CPU is utime+stime from /proc over the measured period divided by the messages sent in it:',
    '',
    detailTable,
  ].join('\n');
  writeBlock(opts.doc, block, SKELETON);
  log(`\nwrote ${path.relative(process.cwd(), opts.doc)}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/run: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
