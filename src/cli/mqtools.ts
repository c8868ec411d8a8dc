#!/usr/bin/env node
// mqtools: RocketMQ's example and benchmark programs as one command.
//   mqtools producer            the quickstart Producer: 1000 x "Hello RocketMQ N" to TopicTest, each SendResult printed
//   mqtools consumer            the quickstart Consumer: prints every message of a topic
//   mqtools benchmark producer  send TPS and RT, like RocketMQ's benchmark/producer.sh
//   mqtools benchmark consumer  consume TPS and end-to-end latency, like benchmark/consumer.sh
//   mqtools os-check            the kernel settings RocketMQ's guides tune, and which matter here
//   mqtools cluster start|stop|status <mode>  a deployment mode of conf/ as local NameServer and broker processes
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Argument, Command, Option } from 'commander';
import { parseBrokerConfig } from '../config/broker-config.js';
import {
  DEFAULT_BOOT_TIMEOUT_MS,
  DEFAULT_STOP_TIMEOUT_MS,
  clusterStatus,
  clustersHome,
  defaultClusterDir,
  formatStateTable,
  runningClusterDirs,
  startCluster,
  stopCluster,
} from '../tools/cluster.js';
import { ClusterError, DEFAULT_BASE_PORT, MAX_NAMESRV_COUNT, clusterModeNames, type ClusterMode } from '../tools/cluster-plan.js';
import { runBenchConsumer, runBenchProducer, RESULT_PREFIX } from '../tools/benchmark.js';
import { configureToolLogging, shutdownToolLogging } from '../tools/logging.js';
import { intArg, numberArg, resolveNamesrv, startPointArg, type StartPoint } from '../tools/options.js';
import { applyOs, checkOs, defaultOsCheckEnv, formatOsTable } from '../tools/os-check.js';
import { errorMessage, runQuickConsumer, runQuickProducer, stdOutput } from '../tools/quickstart.js';

const MB = 1024 * 1024;

/** Ctrl-C stops the running command cleanly (offsets committed, summary printed); a second one exits at once. */
function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

async function finish(code: number): Promise<never> {
  await shutdownToolLogging();
  process.exit(code);
}

async function run(task: () => Promise<number>): Promise<void> {
  configureToolLogging();
  let code: number;
  try {
    code = await task();
  } catch (err) {
    process.stderr.write(`mqtools: ${errorMessage(err)}\n`);
    code = 1;
  }
  await finish(code);
}

const program = new Command('mqtools')
  .description('RocketMQ quickstart, benchmark and OS-check tools for rocketmq-ts (and any RocketMQ 4.x cluster)')
  .showHelpAfterError();

const namesrvOption = (): Option => new Option('-n, --namesrvAddr <addrs>', 'NameServer list "host:port;host:port" (default: $NAMESRV_ADDR, then 127.0.0.1:9876)');

interface ProducerCli {
  namesrvAddr?: string;
  topic: string;
  count: number;
  tag: string;
  keys?: string;
  bodySize?: number;
  body?: string;
  group: string;
  delayLevel?: number;
}

program.command('producer')
  .description('send messages like RocketMQ\'s quickstart Producer, printing each SendResult')
  .addOption(namesrvOption())
  .option('-t, --topic <topic>', 'topic', 'TopicTest')
  .option('-c, --count <n>', 'messages to send', intArg('--count', 1, Number.MAX_SAFE_INTEGER), 1000)
  .option('--tag <tag>', 'tag of every message', 'TagA')
  .option('-k, --keys <keys>', 'KEYS of every message (space-separated)')
  .addOption(new Option('-s, --body-size <bytes>', 'body of this many bytes instead of "Hello RocketMQ N"').argParser(intArg('--body-size', 1, 4 * MB)).conflicts('body'))
  .option('-b, --body <text>', 'this text as every body instead of "Hello RocketMQ N"')
  .option('-g, --group <group>', 'producer group', 'please_rename_unique_group_name')
  .option('-d, --delay-level <level>', 'delay level 1..18 (1s 5s 10s 30s 1m ... 2h)', intArg('--delay-level', 0, 18))
  .action((o: ProducerCli) => run(async () => {
    const summary = await runQuickProducer({
      namesrvAddr: resolveNamesrv(o.namesrvAddr),
      topic: o.topic,
      count: o.count,
      group: o.group,
      tag: o.tag === '' ? undefined : o.tag,
      keys: o.keys,
      body: o.body,
      bodySize: o.bodySize,
      delayLevel: o.delayLevel,
      signal: stopSignal(),
    }, stdOutput);
    if (summary.failed > 0) process.stderr.write(`${summary.failed} of ${summary.sent + summary.failed} sends failed\n`);
    return summary.failed > 0 ? 1 : 0;
  }));

interface ConsumerCli {
  namesrvAddr?: string;
  group: string;
  topic: string;
  expression: string;
  broadcast?: boolean;
  from: StartPoint;
  timestamp?: string;
  count: number;
}

program.command('consumer')
  .description('print every message of a topic, like RocketMQ\'s quickstart Consumer')
  .addOption(namesrvOption())
  .option('-g, --group <group>', 'consumer group', 'please_rename_unique_group_name_4')
  .option('-t, --topic <topic>', 'topic', 'TopicTest')
  .option('-e, --expression <expr>', 'tag subscription: "*" or "TagA || TagB"', '*')
  .option('--broadcast', 'BROADCASTING instead of CLUSTERING (offsets kept in ~/.rocketmq_offsets)')
  .option('--from <where>', 'where a group without a committed offset starts: last, first or timestamp', startPointArg, 'first')
  .option('--timestamp <time>', 'for --from timestamp: yyyyMMddHHmmss (local time) or epoch ms; default 30 minutes ago')
  .option('-c, --count <n>', 'exit after this many messages (0 = until Ctrl-C)', intArg('--count', 0, Number.MAX_SAFE_INTEGER), 0)
  .action((o: ConsumerCli) => run(async () => {
    const timestamp = o.timestamp === undefined ? undefined : /^\d{14}$/.test(o.timestamp) ? o.timestamp : Number(o.timestamp);
    const summary = await runQuickConsumer({
      namesrvAddr: resolveNamesrv(o.namesrvAddr),
      group: o.group,
      topic: o.topic,
      expression: o.expression,
      broadcast: o.broadcast === true,
      from: o.from,
      timestamp,
      count: o.count,
      signal: stopSignal(),
      onStarted: () => process.stderr.write(`Consumer Started. group ${o.group}, topic ${o.topic}, expression ${o.expression}\n`),
    }, stdOutput);
    return o.count > 0 && summary.received < o.count ? 1 : 0;
  }));

const benchmark = program.command('benchmark').description('throughput and latency, like RocketMQ\'s benchmark tools');

interface BenchProducerCli {
  namesrvAddr?: string;
  topic: string;
  group: string;
  threads: number;
  async?: number;
  producers: number;
  size: number;
  tag?: string;
  keyEnable?: boolean;
  duration: number;
  count: number;
  warmup: number;
  reportInterval: number;
  sendTimeout: number;
  json?: boolean;
}

benchmark.command('producer')
  .description('send as fast as the broker takes it; print TPS, average/max RT and failures every interval and at the end')
  .addOption(namesrvOption())
  .option('-t, --topic <topic>', 'topic', 'BenchmarkTest')
  .option('-g, --group <group>', 'producer group', 'benchmark_producer')
  .option('-w, --threads <n>', 'concurrent sync senders (RocketMQ: threads)', intArg('--threads', 1, 10_000), 64)
  .option('--async <n>', 'instead: keep this many async sends in flight from one producer', intArg('--async', 1, 65_536))
  .option('-p, --producers <n>', 'spread the senders over this many producers (connections)', intArg('--producers', 1, 256), 1)
  .option('-s, --size <bytes>', 'message body size', intArg('--size', 1, 4 * MB), 128)
  .option('--tag <tag>', 'tag of every message')
  .option('-k, --key-enable', 'give every message a unique key (indexed by the broker)')
  .option('--duration <seconds>', 'measure this long (0 = until Ctrl-C or --count)', numberArg('--duration', 0, 1e7), 0)
  .option('-c, --count <n>', 'stop after this many sends (0 = no limit)', intArg('--count', 0, Number.MAX_SAFE_INTEGER), 0)
  .option('--warmup <seconds>', 'send this long before measuring', numberArg('--warmup', 0, 3600), 0)
  .option('--report-interval <seconds>', 'print a line every this many seconds (0 = only the summary)', numberArg('--report-interval', 0, 3600), 10)
  .option('--send-timeout <ms>', 'send timeout', intArg('--send-timeout', 1, 600_000), 3000)
  .option('--json', `also print the summary as one "${RESULT_PREFIX.trim()} {...}" line`)
  .action((o: BenchProducerCli) => run(async () => {
    const result = await runBenchProducer({
      namesrvAddr: resolveNamesrv(o.namesrvAddr),
      topic: o.topic,
      group: o.group,
      threads: o.threads,
      asyncInFlight: o.async ?? 0,
      producers: o.producers,
      messageSize: o.size,
      tag: o.tag,
      keys: o.keyEnable === true,
      durationSec: o.duration,
      count: o.count,
      warmupSec: o.warmup,
      reportIntervalSec: o.reportInterval,
      sendTimeoutMs: o.sendTimeout,
      signal: stopSignal(),
    }, stdOutput);
    if (o.json) process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
    return result.sent > 0 ? 0 : 1;
  }));

interface BenchConsumerCli {
  namesrvAddr?: string;
  topic: string;
  group?: string;
  expression: string;
  from: StartPoint;
  count: number;
  duration: number;
  warmup: number;
  reportInterval: number;
  threads: number;
  pullBatch: number;
  consumeBatch: number;
  json?: boolean;
}

benchmark.command('consumer')
  .description('consume and print TPS and end-to-end latency (born -> consumed, stored -> consumed); with --count, the drain time')
  .addOption(namesrvOption())
  .option('-t, --topic <topic>', 'topic', 'BenchmarkTest')
  .option('-g, --group <group>', 'consumer group (default benchmark_consumer_<0..99>)')
  .option('-e, --expression <expr>', 'tag subscription', '*')
  .option('--from <where>', 'where a new group starts: last, first or timestamp', startPointArg, 'last')
  .option('-c, --count <n>', 'stop after this many messages and report how long the drain took (0 = no limit)', intArg('--count', 0, Number.MAX_SAFE_INTEGER), 0)
  .option('--duration <seconds>', 'measure this long (0 = until Ctrl-C or --count)', numberArg('--duration', 0, 1e7), 0)
  .option('--warmup <seconds>', 'consume this long after the first message before measuring', numberArg('--warmup', 0, 3600), 0)
  .option('--report-interval <seconds>', 'print a line every this many seconds (0 = only the summary)', numberArg('--report-interval', 0, 3600), 10)
  .option('--threads <n>', 'listener calls at once (consumeThreadMax)', intArg('--threads', 1, 1000), 20)
  .option('--pull-batch <n>', 'messages per pull (pullBatchSize)', intArg('--pull-batch', 1, 1024), 32)
  .option('--consume-batch <n>', 'messages per listener call (consumeMessageBatchMaxSize)', intArg('--consume-batch', 1, 1024), 1)
  .option('--json', `also print the summary as one "${RESULT_PREFIX.trim()} {...}" line`)
  .action((o: BenchConsumerCli) => run(async () => {
    const result = await runBenchConsumer({
      namesrvAddr: resolveNamesrv(o.namesrvAddr),
      topic: o.topic,
      group: o.group ?? `benchmark_consumer_${Date.now() % 100}`,
      expression: o.expression,
      from: o.from,
      count: o.count,
      durationSec: o.duration,
      warmupSec: o.warmup,
      reportIntervalSec: o.reportInterval,
      consumeThreadMax: o.threads,
      pullBatchSize: o.pullBatch,
      consumeBatchSize: o.consumeBatch,
      signal: stopSignal(),
    }, stdOutput);
    if (o.json) process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
    return result.received > 0 ? 0 : 1;
  }));

interface OsCheckCli {
  storeDir?: string;
  configFile?: string;
  apply?: boolean;
}

program.command('os-check')
  .description('report the kernel settings RocketMQ\'s guides tune, what they recommend and what matters here; --apply (root) sets them')
  .option('--store-dir <dir>', 'store folder whose disk\'s I/O scheduler is checked (default ~/store, or storePathCommitLog of -c)')
  .option('-c, --configFile <file>', 'broker config whose storePathCommitLog names the store folder')
  .option('--apply', 'write the recommended values of the settings that matter and differ (root only; not persistent)')
  .action((o: OsCheckCli) => run(async () => {
    let storeDir = o.storeDir ?? path.join(os.homedir(), 'store');
    if (o.storeDir === undefined && o.configFile !== undefined) {
      storeDir = parseBrokerConfig(fs.readFileSync(o.configFile, 'utf8'), o.configFile).config.storePathCommitLog;
    }
    const settings = checkOs(defaultOsCheckEnv(storeDir));
    process.stdout.write(formatOsTable(settings));
    if (!o.apply) {
      const differs = settings.filter((s) => s.status === 'DIFFERS').length;
      process.stdout.write(`\n${differs === 0 ? 'Nothing to change.' : `${differs} setting(s) differ; nothing was changed (--apply as root sets the sysctls).`}\n`);
      return 0;
    }
    if (process.getuid?.() !== 0) {
      process.stderr.write('--apply writes /proc/sys and /sys: run it as root\n');
      return 1;
    }
    const applied = applyOs(settings);
    for (const w of applied.written) process.stdout.write(`set ${w}\n`);
    for (const f of applied.failed) process.stderr.write(`could not set ${f}\n`);
    if (applied.written.length === 0 && applied.failed.length === 0) process.stdout.write('Nothing to change.\n');
    if (applied.persist.length > 0) process.stdout.write(`\nTo keep these after a reboot:\n${applied.persist.map((p) => `  ${p}`).join('\n')}\n`);
    return applied.failed.length > 0 ? 1 : 0;
  }));

const cluster = program.command('cluster')
  .description('one of RocketMQ\'s deployment modes (conf/<mode>) as NameServer and broker processes on this machine');

const modeArgument = (required: boolean): Argument =>
  new Argument(required ? '<mode>' : '[mode]', 'deployment mode').choices(clusterModeNames());

/** --dir, else ~/rocketmq-cluster/<mode>; without either, every cluster with a state file there. */
function clusterDirs(mode: ClusterMode | undefined, dir: string | undefined): string[] {
  if (dir !== undefined) return [path.resolve(dir)];
  if (mode !== undefined) return [defaultClusterDir(mode)];
  const found = runningClusterDirs(clustersHome());
  if (found.length === 0) throw new ClusterError(`no cluster state under ${clustersHome()}: name the folder with --dir`);
  return found;
}

interface ClusterStartCli {
  dir?: string;
  namesrvCount: number;
  basePort: number;
  host: string;
  timeout: number;
}

cluster.command('start')
  .description('start the mode\'s NameServers and brokers (detached; they keep running after this command), print where')
  .addArgument(modeArgument(true))
  .option('--dir <dir>', 'cluster folder: configs, stores, logs, state file (default ~/rocketmq-cluster/<mode>)')
  .option('--namesrv-count <n>', 'NameServers to start, on base-port, base-port+1, ...', intArg('--namesrv-count', 1, MAX_NAMESRV_COUNT), 1)
  .option('--base-port <port>', 'first NameServer port; broker i listens on base-port + 1035 + 10 i (10911, 10921, ...)', intArg('--base-port', 1, 65535), DEFAULT_BASE_PORT)
  .option('--host <ip>', 'IPv4 address the brokers register (brokerIP1, brokerIP2)', '127.0.0.1')
  .option('--timeout <seconds>', 'longest wait for each process\'s boot line', numberArg('--timeout', 1, 3600), DEFAULT_BOOT_TIMEOUT_MS / 1000)
  .action((mode: ClusterMode, o: ClusterStartCli) => run(async () => {
    await startCluster({
      mode,
      dir: path.resolve(o.dir ?? defaultClusterDir(mode)),
      host: o.host,
      namesrvCount: o.namesrvCount,
      basePort: o.basePort,
      bootTimeoutMs: o.timeout * 1000,
      signal: stopSignal(),
    }, stdOutput);
    return 0;
  }));

cluster.command('stop')
  .description('SIGTERM every process of the cluster (brokers, then NameServers), SIGKILL after --timeout; remove the state file')
  .addArgument(modeArgument(false))
  .option('--dir <dir>', 'cluster folder (default ~/rocketmq-cluster/<mode>, or every cluster there)')
  .option('--timeout <seconds>', 'wait this long for each group to exit before SIGKILL', numberArg('--timeout', 1, 3600), DEFAULT_STOP_TIMEOUT_MS / 1000)
  .action((mode: ClusterMode | undefined, o: { dir?: string; timeout: number }) => run(async () => {
    for (const dir of clusterDirs(mode, o.dir)) await stopCluster(dir, o.timeout * 1000, stdOutput);
    return 0;
  }));

cluster.command('status')
  .description('which processes of the cluster run (exit status 1 when one does not)')
  .addArgument(modeArgument(false))
  .option('--dir <dir>', 'cluster folder (default ~/rocketmq-cluster/<mode>, or every cluster there)')
  .action((mode: ClusterMode | undefined, o: { dir?: string }) => run(async () => {
    let down = 0;
    for (const dir of clusterDirs(mode, o.dir)) {
      const { state, rows } = clusterStatus(dir);
      process.stdout.write(`${formatStateTable(state, new Map(rows.map((r) => [r.record, r.alive])))}\n`);
      process.stdout.write(`export NAMESRV_ADDR='${state.namesrvAddr}'\n\n`);
      down += rows.filter((r) => !r.alive).length;
    }
    if (down > 0) process.stderr.write(`${down} process(es) not running\n`);
    return down > 0 ? 1 : 0;
  }));

await program.parseAsync();
