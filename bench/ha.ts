// Replication figures: SYNC_MASTER against ASYNC_MASTER throughput, ASYNC replication lag, a slave catching up
// 1 GiB, and how long a consumer pauses when the master is killed. Every run starts a fresh NameServer, master
// and slave, each its own process on loopback (see bench/lib/ha-cases.ts). Prints progress and a summary and
// writes the "## Replication" block of docs/performance.md.
//
//   npx tsc -p . && node dist/bench/ha.js [--duration 30] [--runs 3] [--cases sync-vs-async,async-lag] [--no-doc]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { Command } from 'commander';
import { positive } from './lib/options.js';
import type { Metrics } from './lib/cases.js';
import { asyncLag, catchUp, failoverResume, syncVsAsync, type HaContext } from './lib/ha-cases.js';
import { fmt, fmtInt, median, writeBlock } from './lib/report.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MARKERS = {
  begin: '<!-- bench-ha:begin (written by bench/ha.ts; edits inside are overwritten) -->',
  end: '<!-- bench-ha:end -->',
};
const CASE_IDS = ['sync-vs-async', 'async-lag', 'catch-up-1g', 'failover-resume'] as const;
type CaseId = (typeof CASE_IDS)[number];

const program = new Command('bench/ha')
  .description('Replication benchmark: NameServer, master and slave as separate processes on 127.0.0.1 (ASYNC_FLUSH), fresh per run.')
  .addHelpText('after', [
    '',
    'Cases:',
    '  sync-vs-async    --senders sync senders against SYNC_MASTER and ASYNC_MASTER (order alternates per run):',
    '                   TPS of each, SYNC/ASYNC ratio per pair and its median, CPU µs/msg of master and slave',
    '  async-lag        the same load on ASYNC_MASTER while commitLogMaxOffset of both (GET_BROKER_RUNTIME_INFO)',
    '                   is sampled every --sample-ms: lag in bytes and in ms, p50/p99/max',
    '  catch-up-1g      slave level, stopped, --catch-up-mib MiB written to the master, slave started: time until level',
    '  failover-resume  a push consumer drains a backlog at --consume-rate msg/s; kill -9 of the master: time until',
    '                   the consumer gets a message again (pulled from the slave)',
    '',
    'Example: node dist/bench/ha.js --duration 15 --runs 5 --cases sync-vs-async --no-doc',
  ].join('\n'))
  .option('--duration <s>', 'measured seconds per load run', positive('--duration', false), 30)
  .option('--warmup <s>', 'seconds of load before measuring', positive('--warmup', false), 5)
  .option('--runs <n>', 'runs per case (sync-vs-async: pairs); figures are medians', positive('--runs', true), 3)
  .option('--cases <ids>', `comma-separated subset of: ${CASE_IDS.join(', ')}`)
  .option('--senders <n>', 'concurrent sync senders', positive('--senders', true), 16)
  .option('--size <bytes>', 'message body size', positive('--size', true), 1024)
  .option('--sample-ms <ms>', 'async-lag: offset sampling interval', positive('--sample-ms', false), 25)
  .option('--catch-up-mib <MiB>', 'catch-up-1g: MiB the slave must catch up', positive('--catch-up-mib', true), 1024)
  .option('--backlog <n>', 'failover-resume: messages in the backlog', positive('--backlog', true), 100_000)
  .option('--consume-rate <n>', 'failover-resume: the consumer\'s steady rate, msg/s', positive('--consume-rate', true), 2000)
  .option('--max-other <cores>', 'sync-vs-async: repeat a pair (up to 3 times) when other programs kept more than this many cores busy during either side', positive('--max-other', false), 0.3)
  .option('--broker-node-args <args>', 'Node.js options for both brokers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"', '')
  .option('--dir <dir>', 'folder for the temporary stores', os.tmpdir())
  .option('--doc <file>', 'markdown file to write the block into', path.join(REPO, 'docs', 'performance.md'))
  .option('--no-doc', 'print only, do not write the markdown file')
  .parse();

interface Opts {
  duration: number;
  warmup: number;
  runs: number;
  cases?: string;
  senders: number;
  size: number;
  sampleMs: number;
  catchUpMib: number;
  backlog: number;
  consumeRate: number;
  maxOther: number;
  brokerNodeArgs: string;
  dir: string;
  doc: string | false;
}
const opts = program.opts<Opts>();

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? '?';
  return `${os.cpus().length} × ${cpu}, ${fmt(os.totalmem() / 1024 ** 3, 1)} GiB RAM, Linux ${os.release()}, Node.js ${process.version}`;
}

function commit(): string {
  const sh = (args: string[]): string => {
    try {
      return execFileSync('git', args, { cwd: REPO, encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  };
  const dirty = sh(['status', '--porcelain', '--untracked-files=no', '--', 'src']) !== '';
  return `${sh(['rev-parse', '--short', 'HEAD'])}${dirty ? ' (with uncommitted changes under src/)' : ''}`;
}

/** "median (run 1 / run 2 / …)". */
function spread(values: number[], digits: number): string {
  const f = (v: number): string => (digits === 0 ? fmtInt(v) : fmt(v, digits));
  return `**${f(median(values))}** (${values.map(f).join(' / ')})`;
}

function col(runs: Metrics[], key: string): number[] {
  return runs.map((r) => r[key] ?? NaN);
}

type Section = { lines: string[] };

function disturbed(p: { sync: Metrics; async: Metrics }): boolean {
  return Math.max(p.sync.otherCores ?? 0, p.async.otherCores ?? 0) > opts.maxOther;
}

async function runSyncVsAsync(ctx: HaContext): Promise<Section> {
  const pairs: Array<{ sync: Metrics; async: Metrics; ratio: number }> = [];
  let discarded = 0;
  for (let i = 1; i <= opts.runs; i++) {
    let p = await syncVsAsync(ctx, i);
    for (let retry = 1; retry <= 3 && disturbed(p); retry++) {
      log(`  pair ${i}: SYNC/ASYNC = ${fmt(100 * p.ratio, 1)} %, but other programs kept more than ${opts.maxOther} cores busy; discarded, running again`);
      discarded++;
      p = await syncVsAsync(ctx, i);
    }
    log(`  pair ${i}: SYNC/ASYNC = ${fmt(100 * p.ratio, 1)} %`);
    pairs.push(p);
  }
  const s = pairs.map((p) => p.sync);
  const a = pairs.map((p) => p.async);
  const ratios = pairs.map((p) => 100 * p.ratio);
  return {
    lines: [
      `| ${opts.senders} sync senders, ${opts.size}-byte bodies | SYNC_MASTER | ASYNC_MASTER |`,
      '| --- | --- | --- |',
      `| send TPS | ${spread(col(s, 'sendTps'), 0)} | ${spread(col(a, 'sendTps'), 0)} |`,
      `| average RT, ms | ${spread(col(s, 'avgRtMs'), 3)} | ${spread(col(a, 'avgRtMs'), 3)} |`,
      `| p99 RT, ms | ${spread(col(s, 'p99RtMs'), 2)} | ${spread(col(a, 'p99RtMs'), 2)} |`,
      `| master CPU µs/msg | ${spread(col(s, 'masterCpuUsPerMsg'), 1)} | ${spread(col(a, 'masterCpuUsPerMsg'), 1)} |`,
      `| slave CPU µs/msg | ${spread(col(s, 'slaveCpuUsPerMsg'), 1)} | ${spread(col(a, 'slaveCpuUsPerMsg'), 1)} |`,
      `| client CPU µs/msg | ${spread(col(s, 'clientCpuUsPerMsg'), 1)} | ${spread(col(a, 'clientCpuUsPerMsg'), 1)} |`,
      `| other programs' load, cores | ${spread(col(s, 'otherCores'), 2)} | ${spread(col(a, 'otherCores'), 2)} |`,
      '',
      `**SYNC_MASTER throughput = ${fmt(median(ratios), 1)} % of ASYNC_MASTER's** (median of ${pairs.length} pairs; per pair: `
        + `${ratios.map((r) => `${fmt(r, 1)} %`).join(' / ')}; target ≥ 85 %). A pair during which other programs kept more than `
        + `${opts.maxOther} cores busy was repeated, at most 3 times (${discarded} discarded).`,
    ],
  };
}

async function runAsyncLag(ctx: HaContext): Promise<Section> {
  const runs: Metrics[] = [];
  for (let i = 1; i <= opts.runs; i++) {
    const m = await asyncLag(ctx);
    log(`  run ${i}: ${fmtInt(m.sendTps!)} msg/s; lag p50/p99/max ${fmtInt(m.lagBytesP50!)} / ${fmtInt(m.lagBytesP99!)} / ${fmtInt(m.lagBytesMax!)} bytes, `
      + `${fmt(m.lagMsP50!, 2)} / ${fmt(m.lagMsP99!, 2)} / ${fmt(m.lagMsMax!, 2)} ms (${m.samples} samples, ${m.unreached} unreached)`);
    runs.push(m);
  }
  return {
    lines: [
      `| ASYNC_MASTER, ${opts.senders} sync senders | p50 | p99 | max |`,
      '| --- | --- | --- | --- |',
      `| lag, bytes | ${spread(col(runs, 'lagBytesP50'), 0)} | ${spread(col(runs, 'lagBytesP99'), 0)} | ${spread(col(runs, 'lagBytesMax'), 0)} |`,
      `| lag, ms | ${spread(col(runs, 'lagMsP50'), 2)} | ${spread(col(runs, 'lagMsP99'), 2)} | ${spread(col(runs, 'lagMsMax'), 2)} |`,
      '',
      `Send TPS during the sampling ${spread(col(runs, 'sendTps'), 0)}; ${spread(col(runs, 'samples'), 0)} samples per run, one every ${opts.sampleMs} ms; `
        + `other programs' load ${spread(col(runs, 'otherCores'), 2)} cores.`,
    ],
  };
}

async function runCatchUp(ctx: HaContext): Promise<Section> {
  const runs: Metrics[] = [];
  for (let i = 1; i <= opts.runs; i++) {
    const m = await catchUp(ctx);
    log(`  run ${i}: ${fmt(m.bytes! / 2 ** 20, 0)} MiB in ${fmt(m.catchUpSec!, 2)} s from spawn (slave boot ${fmt(m.slaveBootSec!, 2)} s, replication ${fmt(m.replicateSec!, 2)} s = ${fmt(m.mbPerSec!, 0)} MiB/s)`);
    runs.push(m);
  }
  return {
    lines: [
      `| slave ${fmt(median(col(runs, 'bytes')) / 2 ** 20, 0)} MiB behind | figure |`,
      '| --- | --- |',
      `| from the slave's spawn until it is level, s | ${spread(col(runs, 'catchUpSec'), 2)} |`,
      `| … of which its start-up (boot line), s | ${spread(col(runs, 'slaveBootSec'), 2)} |`,
      `| replication after start-up, s | ${spread(col(runs, 'replicateSec'), 2)} |`,
      `| replication rate, MiB/s | ${spread(col(runs, 'mbPerSec'), 0)} |`,
    ],
  };
}

async function runFailover(ctx: HaContext): Promise<Section> {
  const runs: Metrics[] = [];
  for (let i = 1; i <= opts.runs; i++) {
    const m = await failoverResume(ctx, i, opts.runs);
    log(`  run ${i}: killed ${fmt(m.killAfterSec!, 1)} s after the consumer started; next message ${fmt(m.resumeSec!, 2)} s after the kill (${m.fromBuffer} buffered messages consumed meanwhile)`);
    runs.push(m);
  }
  return {
    lines: [
      `| push consumer at ${opts.consumeRate} msg/s, master killed | figure |`,
      '| --- | --- |',
      `| master killed this long after the consumer started, s | ${spread(col(runs, 'killAfterSec'), 1)} |`,
      `| from kill -9 until the consumer gets a message pulled from the slave, s | ${spread(col(runs, 'resumeSec'), 2)} |`,
      `| messages it had buffered and consumed meanwhile | ${spread(col(runs, 'fromBuffer'), 0)} |`,
    ],
  };
}

const RUNNERS: Record<CaseId, { title: string; run: (ctx: HaContext) => Promise<Section> }> = {
  'sync-vs-async': { title: 'SYNC_MASTER against ASYNC_MASTER', run: runSyncVsAsync },
  'async-lag': { title: 'Replication lag under load (ASYNC_MASTER)', run: runAsyncLag },
  'catch-up-1g': { title: 'A slave catching up', run: runCatchUp },
  'failover-resume': { title: 'Consumer resuming after the master is killed', run: runFailover },
};

async function main(): Promise<void> {
  const ids = opts.cases?.split(',').map((s) => s.trim()).filter((s) => s !== '') ?? [...CASE_IDS];
  const unknown = ids.filter((id) => !(CASE_IDS as readonly string[]).includes(id));
  if (unknown.length > 0) throw new Error(`unknown case(s) ${unknown.join(', ')}; known: ${CASE_IDS.join(', ')}`);
  fs.mkdirSync(opts.dir, { recursive: true });
  const ctx: HaContext = {
    dir: opts.dir, duration: opts.duration, warmup: opts.warmup, bodySize: opts.size, senders: opts.senders,
    catchUpBytes: opts.catchUpMib * 2 ** 20, sampleMs: opts.sampleMs, backlog: opts.backlog, consumeRate: opts.consumeRate,
    brokerNodeArgs: opts.brokerNodeArgs.split(/\s+/).filter((a) => a !== ''), log,
  };
  const command = `node dist/bench/ha.js ${process.argv.slice(2).join(' ')}`.trim();
  const startedAt = new Date();
  log(`rocketmq-ts replication benchmark on ${machine()}, commit ${commit()}`);
  log(`${command}: ${ids.join(', ')}; ${opts.runs} run(s) each; load runs ${opts.warmup} s warm-up + ${opts.duration} s measured`);
  const out: string[] = [];
  for (const id of ids as CaseId[]) {
    const r = RUNNERS[id];
    log(`${id}: ${r.title}`);
    const section = await r.run(ctx);
    out.push(`### ${r.title} (\`${id}\`)`, '', ...section.lines, '');
  }
  const body = out.join('\n');
  log(`\n${body}`);
  if (opts.doc === false) return;
  const block = [
    `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}; commit ${commit()}.`,
    '',
    `Command: \`npx tsc -p . && ${command}\`. Figures: **median** (each run).`,
    '',
    body,
  ].join('\n');
  const existing = fs.existsSync(opts.doc) ? fs.readFileSync(opts.doc, 'utf8') : undefined;
  if (existing !== undefined && !existing.includes(MARKERS.begin) && !/^## Replication$/m.test(existing)) {
    fs.appendFileSync(opts.doc, '\n## Replication\n\nWritten by `bench/ha.ts`.\n');
  }
  writeBlock(opts.doc, block, '# Performance\n\n## Replication\n\nWritten by `bench/ha.ts`.\n', MARKERS);
  log(`\nwrote ${path.relative(process.cwd(), opts.doc)}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/ha: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
