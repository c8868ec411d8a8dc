// NameServer commands (updateKvConfig, deleteKvConfig, getNamesrvConfig, updateNamesrvConfig) and startMonitoring.
import { deleteKvConfig, getNamesrvConfig, MONITOR_FIRST_DELAY_MS, MONITOR_ROUND_INTERVAL_MS, monitorRound, updateKvConfig, updateNamesrvConfig } from '../../admin/index.js';
import { sleepUnlessStopped } from './loop.js';
import type { CommandSpec } from './spec.js';

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
    desc: 'Watch every consumer group (backlog, stuck queues, subscriptions) and report each minute',
    group: 'Other',
    options: [],
    async run(ctx) {
      let wait = MONITOR_FIRST_DELAY_MS;
      while (await sleepUnlessStopped(wait)) {
        wait = MONITOR_ROUND_INTERVAL_MS;
        ctx.printf('%s=========================================beginRound%n', MONITOR);
        const round = await monitorRound(ctx.admin());
        for (const u of round.undone) {
          ctx.printf('%sreportUndoneMsgs: UndoneMsgs [consumerGroup=%s, topic=%s, undoneMsgsTotal=%d, undoneMsgsSingleMQ=%d, undoneMsgsDelayTimeMills=%d]%n',
            MONITOR, u.consumerGroup, u.topic, u.undoneMsgsTotal, u.undoneMsgsSingleMQ, u.undoneMsgsDelayTimeMills);
        }
        for (const r of round.runningInfo) {
          if (r.subscriptionDifferent) ctx.printf('%s [NOTIFY] reportConsumerRunningInfo: ConsumerGroup: %s, Subscription different%n', MONITOR, r.consumerGroup);
          for (const w of r.warnings) {
            ctx.printf('%s [NOTIFY] reportConsumerRunningInfo: ConsumerGroup: %s, ClientId: %s, %s%n', MONITOR, r.consumerGroup, w.clientId, w.text);
          }
        }
        ctx.printf('%s=========================================endRound%n', MONITOR);
        ctx.printf('Execute one round monitor work, spent timemills: %d%n', round.spentTimeMills);
      }
    },
  },
];
