// Cluster and broker commands: clusterList, clusterRT, updateBrokerConfig, brokerStatus, brokerConsumeStats,
// getBrokerConfig, wipeWritePerm, addWritePerm, cleanExpiredCQ, cleanUnusedTopic, sendMsgStatus.
import {
  addWritePerm,
  brokerConsumeStats,
  brokerStatus,
  cleanExpiredCQ,
  cleanUnusedTopics,
  clusterList,
  clusterRT,
  getBrokerConfigs,
  sendMsgStatus,
  updateBrokerConfigs,
  wipeWritePerm,
  type WritePermResult,
} from '../../admin/index.js';
import type { SendResult } from '../../client/send-request.js';
import { compareMessageQueues } from '../../client/allocate.js';
import { formatDate, front, mqString, sprintf } from './format.js';
import { CommandFailure, type CommandContext, type CommandSpec } from './spec.js';
import { sleepUnlessStopped } from './loop.js';

const BASE_FORMAT = '%-16s  %-22s  %-4s  %-22s %-16s %19s %19s %10s %5s %6s%n';
const MORE_FORMAT_HEAD = '%-16s  %-32s %14s %14s %14s %14s%n';
const MORE_FORMAT = '%-16s  %-32s %14d %14d %14d %14d%n';

async function printClusterList(ctx: CommandContext, more: boolean): Promise<string[]> {
  const rows = await clusterList(ctx.admin());
  const failures = rows.filter((r) => r.error !== undefined).map((r) => `${r.brokerName} ${r.addr}: ${r.error}`);
  if (more) {
    ctx.printf(MORE_FORMAT_HEAD, '#Cluster Name', '#Broker Name', '#InTotalYest', '#OutTotalYest', '#InTotalToday', '#OutTotalToday');
    for (const r of rows) ctx.printf(MORE_FORMAT, r.clusterName, r.brokerName, r.inTotalYest, r.outTotalYest, r.inTotalToday, r.outTotalToday);
    return failures;
  }
  ctx.printf(BASE_FORMAT, '#Cluster Name', '#Broker Name', '#BID', '#Addr', '#Version', '#InTPS(LOAD)', '#OutTPS(LOAD)', '#PCWait(ms)', '#Hour', '#SPACE');
  for (const r of rows) {
    ctx.printf(BASE_FORMAT, r.clusterName, r.brokerName, r.brokerId, r.addr, r.version,
      sprintf('%9.2f(%s,%sms)', r.inTps, r.sendThreadPoolQueueSize, r.sendThreadPoolQueueHeadWaitTimeMills),
      sprintf('%9.2f(%s,%sms)', r.outTps, r.pullThreadPoolQueueSize, r.pullThreadPoolQueueHeadWaitTimeMills),
      r.pageCacheLockTimeMills, sprintf('%2.2f', r.hours), sprintf('%.4f', r.space));
  }
  return failures;
}

function sendResultString(r: SendResult): string {
  return `SendResult [sendStatus=${r.sendStatus}, msgId=${r.msgId}, offsetMsgId=${r.offsetMsgId}, messageQueue=${mqString(r.messageQueue)}, queueOffset=${r.queueOffset}]`;
}

function target(ctx: CommandContext): { brokerAddr?: string; clusterName?: string } {
  const b = ctx.str('b');
  if (b !== undefined) return { brokerAddr: b };
  const c = ctx.str('c');
  return c !== undefined ? { clusterName: c } : {};
}

function printWritePerm(ctx: CommandContext, verb: string, brokerName: string, results: WritePermResult[]): void {
  const failed: string[] = [];
  for (const r of results) {
    if (r.error === undefined) ctx.printf('%s write perm of broker[%s] in name server[%s] OK, %d%n', verb, brokerName, r.namesrvAddr, r.topicCount ?? 0);
    else {
      ctx.printf('%s write perm of broker[%s] in name server[%s] Failed%n', verb, brokerName, r.namesrvAddr);
      failed.push(`${r.namesrvAddr}: ${r.error}`);
    }
  }
  if (failed.length > 0) throw new CommandFailure(failed.join('; '));
}

/** "yyyy-MM-dd HH:mm:ss" in GMT+8, as CLusterSendMsgRTCommand.getCurTime writes its -p lines. */
function chinaTime(t: number): string {
  return formatDate(t + 8 * 3_600_000 + new Date(t).getTimezoneOffset() * 60_000);
}

type BrokerTarget = ReturnType<typeof target>;

/** cleanExpiredCQ and cleanUnusedTopic: one broker (-b) or every broker of a cluster (-c); prints success/false. */
function cleanCommand(name: string, desc: string, clean: (admin: ReturnType<CommandContext['admin']>, t: BrokerTarget) => Promise<boolean>, failure: string): CommandSpec {
  return {
    name,
    desc,
    group: 'Broker',
    options: [
      { short: 'b', long: 'brokerAddr', arg: true, desc: 'this broker (ip:port)' },
      { short: 'c', long: 'cluster', arg: true, desc: 'every broker of this cluster (default: all clusters)' },
    ],
    async run(ctx) {
      const ok = await clean(ctx.admin(), target(ctx));
      ctx.print(ok ? 'success\n' : 'false\n');
      if (!ok) throw new CommandFailure(failure);
    },
  };
}

export const CLUSTER_COMMANDS: CommandSpec[] = [
  {
    name: 'clusterList',
    desc: 'List the brokers of every cluster with version, TPS and load',
    group: 'Cluster',
    options: [
      { short: 'm', long: 'moreStats', arg: false, desc: 'print message totals of yesterday and today instead' },
      { short: 'i', long: 'interval', arg: true, desc: 'print again every this many seconds' },
    ],
    async run(ctx) {
      const interval = ctx.int('i');
      if (interval !== undefined && interval <= 0) throw new CommandFailure('option -i: the interval must be a positive number of seconds');
      for (let round = 0; ; round++) {
        if (round > 0 && !(await sleepUnlessStopped((interval ?? 0) * 1000))) return;
        const failures = await printClusterList(ctx, ctx.has('m'));
        if (interval === undefined) {
          if (failures.length > 0) throw new CommandFailure(`runtime info unavailable: ${failures.join('; ')}`);
          return;
        }
      }
    },
  },
  {
    name: 'clusterRT',
    desc: 'Measure the send RT of every broker of the cluster(s), repeatedly',
    group: 'Cluster',
    options: [
      { short: 'a', long: 'amount', arg: true, desc: 'sends per broker per round (default 100); RT = total time / amount' },
      { short: 's', long: 'size', arg: true, desc: 'message size in bytes (default 128)' },
      { short: 'c', long: 'cluster', arg: true, desc: 'only this cluster (default all)' },
      { short: 'p', long: 'printLog', arg: true, desc: 'print as "time|room|cluster|broker|rt" lines: true | false (default)' },
      { short: 'm', long: 'machineRoom', arg: true, desc: 'machine room name for -p lines (default noname)' },
      { short: 'i', long: 'interval', arg: true, desc: 'seconds between rounds (default 10)' },
    ],
    async run(ctx) {
      const amount = ctx.int('a') ?? 100;
      const size = ctx.int('s') ?? 128;
      const interval = ctx.int('i') ?? 10;
      const tlog = ctx.bool('p') === true;
      const room = ctx.str('m') ?? 'noname';
      const clusterName = ctx.str('c');
      if (!tlog) ctx.printf('%-24s  %-24s  %-4s  %-8s  %-8s%n', '#Cluster Name', '#Broker Name', '#RT', '#successCount', '#failCount');
      for (let round = 0; ; round++) {
        if (round > 0 && !(await sleepUnlessStopped(interval * 1000))) return;
        for (const r of await clusterRT(ctx.admin(), { amount, size, ...(clusterName !== undefined ? { clusterName } : {}) })) {
          if (tlog) ctx.printf('%s|%s|%s|%s|%s%n', chinaTime(Date.now()), room, r.clusterName, r.brokerName, Math.round(r.rt));
          else ctx.printf('%-24s  %-24s  %-8s  %-16s  %-16s%n', r.clusterName, r.brokerName, sprintf('%.2f', r.rt), r.successCount, r.failCount);
        }
      }
    },
  },
  {
    name: 'updateBrokerConfig',
    desc: 'Change a broker setting (persisted in the broker\'s config file)',
    group: 'Broker',
    oneOf: ['b', 'c'],
    options: [
      { short: 'b', long: 'brokerAddr', arg: true, desc: 'this broker (ip:port)' },
      { short: 'c', long: 'clusterName', arg: true, desc: 'every master of this cluster' },
      { short: 'k', long: 'key', arg: true, desc: 'config key', required: true },
      { short: 'v', long: 'value', arg: true, desc: 'config value', required: true },
    ],
    async run(ctx) {
      const results = await updateBrokerConfigs(ctx.admin(), target(ctx), ctx.req('k'), ctx.req('v'));
      const failed: string[] = [];
      for (const r of results) {
        if (r.error === undefined) ctx.printf('update broker config success, %s\n', r.addr);
        else failed.push(`${r.addr}: ${r.error}`);
      }
      if (failed.length > 0) throw new CommandFailure(failed.join('; '));
    },
  },
  {
    name: 'brokerStatus',
    desc: 'Print the runtime statistics of a broker (or of every broker of a cluster)',
    group: 'Broker',
    oneOf: ['b', 'c'],
    options: [
      { short: 'b', long: 'brokerAddr', arg: true, desc: 'broker address (ip:port)' },
      { short: 'c', long: 'clusterName', arg: true, desc: 'every master and slave of this cluster' },
    ],
    async run(ctx) {
      const t = target(ctx);
      for (const s of await brokerStatus(ctx.admin(), t)) {
        for (const [k, v] of s.table) {
          if (t.brokerAddr !== undefined) ctx.printf('%-32s: %s%n', k, v);
          else ctx.printf('%-24s %-32s: %s%n', s.brokerAddr, k, v);
        }
      }
    },
  },
  {
    name: 'brokerConsumeStats',
    desc: 'Consume offset, broker offset and lag of every group on every queue of one broker',
    group: 'Broker',
    options: [
      { short: 'b', long: 'brokerAddr', arg: true, desc: 'broker address (ip:port)', required: true },
      { short: 't', long: 'timeoutMillis', arg: true, desc: 'request timeout in ms (default 50000)' },
      { short: 'l', long: 'level', arg: true, desc: 'only queues whose lag is at least this' },
      { short: 'o', long: 'order', arg: true, desc: 'only order topics: true | false (default)' },
    ],
    async run(ctx) {
      const level = ctx.int('l') ?? 0;
      const list = await brokerConsumeStats(ctx.admin(), ctx.req('b'), ctx.bool('o') === true, ctx.int('t') ?? 50_000);
      ctx.printf('%-64s  %-64s  %-32s  %-4s  %-20s  %-20s  %-20s  %s%n', '#Topic', '#Group', '#Broker Name', '#QID', '#Broker Offset', '#Consumer Offset', '#Diff', '#LastTime');
      for (const m of list.consumeStatsList) {
        for (const [group, statsList] of m) {
          for (const cs of statsList) {
            for (const [mq, ow] of [...cs.offsetTable].sort((a, b) => compareMessageQueues(a[0], b[0]))) {
              const diff = ow.brokerOffset - ow.consumerOffset;
              if (diff < level || ow.lastTimestamp <= 0) continue;
              ctx.printf('%-64s  %-64s  %-32s  %-4d  %-20d  %-20d  %-20d  %s%n', front(mq.topic, 64), group, front(mq.brokerName, 32), mq.queueId,
                ow.brokerOffset, ow.consumerOffset, diff, formatDate(ow.lastTimestamp));
            }
          }
        }
      }
      ctx.printf('%nDiff Total: %d%n', list.totalDiff);
    },
  },
  {
    name: 'getBrokerConfig',
    desc: 'Print the config of a broker (or of every broker of a cluster)',
    group: 'Broker',
    oneOf: ['b', 'c'],
    options: [
      { short: 'b', long: 'brokerAddr', arg: true, desc: 'broker address (ip:port)' },
      { short: 'c', long: 'clusterName', arg: true, desc: 'every master and slave of this cluster' },
    ],
    async run(ctx) {
      for (const d of await getBrokerConfigs(ctx.admin(), target(ctx))) {
        if (d.role === 'broker') ctx.printf('============%s============\n', d.brokerAddr);
        else if (d.role === 'master') ctx.printf('============Master: %s============\n', d.brokerAddr);
        else ctx.printf('============My Master: %s=====Slave: %s============\n', d.masterAddr, d.brokerAddr);
        for (const [k, v] of d.entries) ctx.printf('%-50s=  %s\n', k, v);
        ctx.printf('%n');
      }
    },
  },
  {
    name: 'wipeWritePerm',
    desc: 'Take the write permission of a broker away, on every NameServer of -n',
    group: 'Broker',
    options: [{ short: 'b', long: 'brokerName', arg: true, desc: 'broker name (see clusterList)', required: true }],
    async run(ctx) {
      const name = ctx.req('b');
      printWritePerm(ctx, 'wipe', name, await wipeWritePerm(ctx.admin(), name));
    },
  },
  {
    name: 'addWritePerm',
    desc: 'Give the write permission of a broker back, on every NameServer of -n',
    group: 'Broker',
    options: [{ short: 'b', long: 'brokerName', arg: true, desc: 'broker name (see clusterList)', required: true }],
    async run(ctx) {
      const name = ctx.req('b');
      printWritePerm(ctx, 'add', name, await addWritePerm(ctx.admin(), name));
    },
  },
  cleanCommand('cleanExpiredCQ', 'Drop consume queues whose messages have all expired from the commit log',
    cleanExpiredCQ, 'a broker did not clean its expired consume queues'),
  cleanCommand('cleanUnusedTopic', 'Drop the consume queues of topics the broker no longer has',
    cleanUnusedTopics, 'a broker did not clean its unused topics'),
  {
    name: 'sendMsgStatus',
    desc: 'Send messages to a broker\'s own topic and print each send result and RT',
    group: 'Broker',
    options: [
      { short: 'b', long: 'brokerName', arg: true, desc: 'broker name (not its address)', required: true },
      { short: 's', long: 'messageSize', arg: true, desc: 'message size in bytes (default 128)' },
      { short: 'c', long: 'count', arg: true, desc: 'how many messages (default 50)' },
    ],
    async run(ctx) {
      const rows = await sendMsgStatus(ctx.admin(), { brokerName: ctx.req('b'), size: ctx.int('s') ?? 128, count: ctx.int('c') ?? 50 });
      for (const r of rows) ctx.printf('rt=%sms, SendResult=%s%n', r.rt, sendResultString(r.result));
    },
  },
];
