// NameServer commands (updateKvConfig, deleteKvConfig, getNamesrvConfig, updateNamesrvConfig) and startMonitoring.
import { deleteKvConfig, deleteMsgsEventText, getNamesrvConfig, MonitorService, updateKvConfig, updateNamesrvConfig, type MonitorListener } from '../../admin/index.js';
import { untilStopped } from './loop.js';
import type { CommandContext, CommandSpec } from './spec.js';

const MONITOR = '[MONITOR] ';

export const NAMESRV_COMMANDS: CommandSpec[] = [
  {
    name: 'updateKvConfig',
    desc: 'Create or update a KV config item on the NameServers',
    group: 'NameServer',
    options: [
      { short: 's', long: 'namespace', arg: true, desc: 'namespace', required: true },
      { short: 'k', long: 'key', arg: true, desc: 'key', required: true },
      { short: 'v', long: 'value', arg: true, desc: 'value', required: true },
    ],
    async run(ctx) {
      await updateKvConfig(ctx.admin(), ctx.req('s'), ctx.req('k'), ctx.req('v'));
      ctx.printf('create or update kv config to namespace success.%n');
    },
  },
  {
    name: 'deleteKvConfig',
    desc: 'Delete a KV config item from the NameServers',
    group: 'NameServer',
    options: [
      { short: 's', long: 'namespace', arg: true, desc: 'namespace', required: true },
      { short: 'k', long: 'key', arg: true, desc: 'key', required: true },
    ],
    async run(ctx) {
      await deleteKvConfig(ctx.admin(), ctx.req('s'), ctx.req('k'));
      ctx.printf('delete kv config from namespace success.%n');
    },
  },
  {
    name: 'getNamesrvConfig',
    desc: 'Print the config of each NameServer',
    group: 'NameServer',
    options: [],
    async run(ctx) {
      for (const d of await getNamesrvConfig(ctx.admin())) {
        ctx.printf('============%s============\n', d.namesrvAddr);
        for (const [k, v] of d.entries) ctx.printf('%-50s=  %s\n', k, v);
      }
    },
  },
  {
    name: 'updateNamesrvConfig',
    desc: 'Change a setting of each NameServer',
    group: 'NameServer',
    options: [
      { short: 'k', long: 'key', arg: true, desc: 'config key', required: true },
      { short: 'v', long: 'value', arg: true, desc: 'config value', required: true },
    ],
    async run(ctx) {
      const key = ctx.req('k');
      const value = ctx.req('v');
      const servers = await updateNamesrvConfig(ctx.admin(), key, value);
      ctx.printf('update name server config success!%s\n%s : %s\n', ctx.has('n') ? `[${servers.join(', ')}]` : '', key, value);
    },
  },
  {
    name: 'startMonitoring',
    desc: 'Watch every consumer group (backlog, stuck queues, subscriptions) each minute, and report skipped ranges (OFFSET_MOVED_EVENT) as they happen; '
      + 'prints to stdout (4.9.8 writes the same lines to rocketmq_client.log)',
    group: 'Other',
    options: [],
    async run(ctx) {
      const monitor = new MonitorService(ctx.admin(), printingListener(ctx), ctx.seams.monitor ?? {});
      await monitor.start();
      try {
        await untilStopped(ctx.seams.signal);
      } finally {
        await monitor.stop();
      }
    },
  },
];

/** DefaultMonitorListener's lines. */
function printingListener(ctx: CommandContext): MonitorListener {
  return {
    beginRound: () => ctx.printf('%s=========================================beginRound%n', MONITOR),
    reportUndoneMsgs: (u) => ctx.printf('%sreportUndoneMsgs: UndoneMsgs [consumerGroup=%s, topic=%s, undoneMsgsTotal=%d, undoneMsgsSingleMQ=%d, undoneMsgsDelayTimeMills=%d]%n',
      MONITOR, u.consumerGroup, u.topic, u.undoneMsgsTotal, u.undoneMsgsSingleMQ, u.undoneMsgsDelayTimeMills),
    reportConsumerRunningInfo: (r) => {
      if (r.subscriptionDifferent) ctx.printf('%s [NOTIFY] reportConsumerRunningInfo: ConsumerGroup: %s, Subscription different%n', MONITOR, r.consumerGroup);
      for (const w of r.warnings) {
        ctx.printf('%s [NOTIFY] reportConsumerRunningInfo: ConsumerGroup: %s, ClientId: %s, %s%n', MONITOR, r.consumerGroup, w.clientId, w.text);
      }
    },
    reportDeleteMsgsEvent: (e) => ctx.printf('%sreportDeleteMsgsEvent: %s%n', MONITOR, deleteMsgsEventText(e)),
    endRound: (round) => {
      ctx.printf('%s=========================================endRound%n', MONITOR);
      ctx.printf('Execute one round monitor work, spent timemills: %d%n', round.spentTimeMills);
    },
  };
}
