// Consumer, consumer-group and connection commands: consumerProgress, consumerStatus, getConsumerStatus,
// updateSubGroup, deleteSubGroup, cloneGroupOffset, consumerConnection, producerConnection.
import fs from 'node:fs';
import path from 'node:path';
import {
  cloneGroupOffset,
  consumerConnection,
  consumerProgress,
  consumerProgressAll,
  consumerStatus,
  deleteSubGroup,
  getConsumerStatus,
  producerConnection,
  updateSubGroup,
  versionDesc,
} from '../../admin/index.js';
import type { ConsumerRunningInfo } from '../../protocol/admin-bodies.js';
import type { SubscriptionGroupConfig } from '../../protocol/body-types.js';
import { formatDate, front, humanString, sprintf } from './format.js';
import { CommandFailure, type CommandContext, type CommandSpec } from './spec.js';

function groupConfigString(g: SubscriptionGroupConfig): string {
  return `SubscriptionGroupConfig [groupName=${g.groupName}, consumeEnable=${g.consumeEnable}, consumeFromMinEnable=${g.consumeFromMinEnable}, `
    + `consumeBroadcastEnable=${g.consumeBroadcastEnable}, retryQueueNums=${g.retryQueueNums}, retryMaxTimes=${g.retryMaxTimes}, brokerId=${g.brokerId}, `
    + `whichBrokerWhenConsumeSlowly=${g.whichBrokerWhenConsumeSlowly}, notifyConsumerIdsChangedEnable=${g.notifyConsumerIdsChangedEnable}]`;
}

/** ConsumerRunningInfo.formatString of 4.9.8. */
export function runningInfoText(info: ConsumerRunningInfo): string {
  let sb = '#Consumer Properties#\n';
  for (const [k, v] of info.properties) sb += sprintf('%-40s: %s%n', k, v);
  sb += '\n\n#Consumer Subscription#\n';
  info.subscriptionSet.forEach((sd, i) => {
    sb += sprintf('%03d Topic: %-40s ClassFilter: %-8s SubExpression: %s%n', i + 1, sd.topic, sd.classFilterMode, sd.subString);
  });
  sb += '\n\n#Consumer Offset#\n';
  sb += sprintf('%-64s  %-32s  %-4s  %-20s%n', '#Topic', '#Broker Name', '#QID', '#Consumer Offset');
  for (const [mq, pq] of info.mqTable) sb += sprintf('%-32s  %-32s  %-4d  %-20d%n', mq.topic, mq.brokerName, mq.queueId, pq.commitOffset);
  sb += '\n\n#Consumer MQ Detail#\n';
  sb += sprintf('%-64s  %-32s  %-4s  %-20s%n', '#Topic', '#Broker Name', '#QID', '#ProcessQueueInfo');
  for (const [mq, pq] of info.mqTable) {
    const pqText = `ProcessQueueInfo [commitOffset=${pq.commitOffset}, cachedMsgMinOffset=${pq.cachedMsgMinOffset}, cachedMsgMaxOffset=${pq.cachedMsgMaxOffset}, `
      + `cachedMsgCount=${pq.cachedMsgCount}, cachedMsgSizeInMiB=${pq.cachedMsgSizeInMiB}, transactionMsgMinOffset=${pq.transactionMsgMinOffset}, `
      + `transactionMsgMaxOffset=${pq.transactionMsgMaxOffset}, transactionMsgCount=${pq.transactionMsgCount}, locked=${pq.locked}, `
      + `tryUnlockTimes=${pq.tryUnlockTimes}, lastLockTimestamp=${humanString(pq.lastLockTimestamp)}, droped=${pq.droped}, `
      + `lastPullTimestamp=${humanString(pq.lastPullTimestamp)}, lastConsumeTimestamp=${humanString(pq.lastConsumeTimestamp)}]`;
    sb += sprintf('%-64s  %-32s  %-4d  %s%n', mq.topic, mq.brokerName, mq.queueId, pqText);
  }
  sb += '\n\n#Consumer RT&TPS#\n';
  sb += sprintf('%-64s  %14s %14s %14s %14s %18s %25s%n', '#Topic', '#Pull RT', '#Pull TPS', '#Consume RT', '#ConsumeOK TPS', '#ConsumeFailed TPS', '#ConsumeFailedMsgsInHour');
  for (const [topic, s] of info.statusTable) {
    sb += sprintf('%-32s  %14.2f %14.2f %14.2f %14.2f %18.2f %25d%n', topic, s.pullRT, s.pullTPS, s.consumeRT, s.consumeOKTPS, s.consumeFailedTPS, s.consumeFailedMsgs);
  }
  if (info.jstack !== undefined) sb += `\n\n#Consumer jstack#\n${info.jstack}`;
  return sb;
}

function target(ctx: CommandContext): { brokerAddr: string } | { clusterName: string } {
  const b = ctx.str('b');
  return b !== undefined ? { brokerAddr: b } : { clusterName: ctx.req('c') };
}

export const CONSUMER_COMMANDS: CommandSpec[] = [
  {
    name: 'consumerProgress',
    desc: 'Show a group\'s consume progress and lag per queue (or a summary of every group)',
    group: 'Consumer',
    options: [
      { short: 'g', long: 'groupName', arg: true, desc: 'consumer group (default: every group, summarised)' },
      { short: 's', long: 'showClientIP', arg: true, desc: 'true: show which client IP holds each queue' },
    ],
    async run(ctx) {
      const group = ctx.str('g');
      if (group === undefined) {
        ctx.printf('%-64s  %-6s  %-24s %-5s  %-14s  %-7s  %s%n', '#Group', '#Count', '#Version', '#Type', '#Model', '#TPS', '#Diff Total');
        for (const g of await consumerProgressAll(ctx.admin())) {
          const online = g.count > 0;
          const type = online ? (g.consumeType === 'CONSUME_ACTIVELY' ? 'PULL' : 'PUSH') : '';
          const model = online && g.consumeType === 'CONSUME_PASSIVELY' ? g.messageModel ?? '' : '';
          ctx.printf('%-64s  %-6d  %-24s %-5s  %-14s  %-7d  %d%n', front(g.group, 64), g.count, online ? versionDesc(g.version) : 'OFFLINE', type, model, g.consumeTps, g.diffTotal);
        }
        return;
      }
      const showIP = ctx.bool('s') === true;
      const p = await consumerProgress(ctx.admin(), group, showIP);
      if (showIP) {
        ctx.printf('%-64s  %-32s  %-4s  %-20s  %-20s  %-20s %-20s  %s%n', '#Topic', '#Broker Name', '#QID', '#Broker Offset', '#Consumer Offset', '#Client IP', '#Diff', '#LastTime');
      } else {
        ctx.printf('%-64s  %-32s  %-4s  %-20s  %-20s  %-20s  %s%n', '#Topic', '#Broker Name', '#QID', '#Broker Offset', '#Consumer Offset', '#Diff', '#LastTime');
      }
      for (const r of p.rows) {
        const lastTime = r.lastTimestamp === 0 ? 'N/A' : formatDate(r.lastTimestamp);
        if (showIP) {
          ctx.printf('%-64s  %-32s  %-4d  %-20d  %-20d  %-20s %-20d  %s%n', front(r.topic, 64), front(r.brokerName, 32), r.queueId, r.brokerOffset, r.consumerOffset,
            r.clientIP ?? 'N/A', r.diff, lastTime);
        } else {
          ctx.printf('%-64s  %-32s  %-4d  %-20d  %-20d  %-20d  %s%n', front(r.topic, 64), front(r.brokerName, 32), r.queueId, r.brokerOffset, r.consumerOffset, r.diff, lastTime);
        }
      }
      ctx.printf('%n');
      ctx.printf('Consume TPS: %.2f%n', p.consumeTps);
      ctx.printf('Diff Total: %d%n', p.diffTotal);
    },
  },
  {
    name: 'consumerStatus',
    desc: 'Fetch each consumer\'s internal state (subscriptions, process queues, TPS) and check them',
    group: 'Consumer',
    options: [
      { short: 'g', long: 'consumerGroup', arg: true, desc: 'consumer group', required: true },
      { short: 'i', long: 'clientId', arg: true, desc: 'only this client (printed in full)' },
      { short: 'b', long: 'brokerAddr', arg: true, desc: 'ask this broker for the group\'s connections' },
      { short: 's', long: 'jstack', arg: false, desc: 'ask the clients for a stack dump too' },
    ],
    async run(ctx) {
      const group = ctx.req('g');
      const clientId = ctx.str('i');
      const report = await consumerStatus(ctx.admin(), { group, clientId, brokerAddr: ctx.str('b'), jstack: ctx.has('s') });
      if (clientId !== undefined) {
        ctx.print(runningInfoText(report.clients[0]!.info));
        return;
      }
      const now = Date.now();
      ctx.printf('%-10s %-40s %-20s %s%n', '#Index', '#ClientId', '#Version', '#ConsumerRunningInfoFile');
      report.clients.forEach((c, i) => {
        const file = `${now}/${c.clientId}`;
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, runningInfoText(c.info));
        ctx.printf('%-10d %-40s %-20s %s%n', i + 1, c.clientId, versionDesc(c.version), file);
      });
      if (report.clients.length > 0) {
        if (report.subscriptionSame) {
          ctx.printf('%n%nSame subscription in the same group of consumer');
          ctx.printf('%n%nRebalance %s%n', report.rebalanceOK ? 'OK' : 'Failed');
          for (const w of report.warnings) ctx.printf('%s%n', w);
        } else {
          ctx.printf('%n%nWARN: Different subscription in the same group of consumer!!!%n');
        }
      }
      if (report.failures.length > 0) throw new CommandFailure(report.failures.map((f) => `${f.clientId}: ${f.error}`).join('; '));
    },
  },
  {
    name: 'getConsumerStatus',
    desc: 'Ask each consumer of a group which offsets it holds for a topic',
    group: 'Consumer',
    options: [
      { short: 'g', long: 'group', arg: true, desc: 'consumer group', required: true },
      { short: 't', long: 'topic', arg: true, desc: 'topic name', required: true },
      { short: 'i', long: 'originClientId', arg: true, desc: 'only this client id' },
    ],
    async run(ctx) {
      const group = ctx.req('g');
      const topic = ctx.req('t');
      const origin = ctx.str('i') ?? '';
      const table = await getConsumerStatus(ctx.admin(), { group, topic, originClientId: origin });
      ctx.printf('get consumer status from client. group=%s, topic=%s, originClientId=%s%n', group, topic, origin);
      ctx.printf('%-50s  %-15s  %-15s  %-20s%n', '#clientId', '#brokerName', '#queueId', '#offset');
      for (const [clientId, pairs] of table) {
        for (const [mq, offset] of pairs) ctx.printf('%-50s  %-15s  %-15d  %-20d%n', front(clientId, 50), mq.brokerName, mq.queueId, offset);
      }
    },
  },
  {
    name: 'updateSubGroup',
    desc: 'Create a subscription (consumer) group or update its settings',
    group: 'Consumer',
    oneOf: ['b', 'c'],
    options: [
      { short: 'b', long: 'brokerAddr', arg: true, desc: 'on this broker (ip:port)' },
      { short: 'c', long: 'clusterName', arg: true, desc: 'on every master of this cluster' },
      { short: 'g', long: 'groupName', arg: true, desc: 'consumer group name', required: true },
      { short: 's', long: 'consumeEnable', arg: true, desc: 'the group may consume: true (default) | false' },
      { short: 'm', long: 'consumeFromMinEnable', arg: true, desc: 'start from the min offset: true | false (default)' },
      { short: 'd', long: 'consumeBroadcastEnable', arg: true, desc: 'broadcasting allowed: true | false (default)' },
      { short: 'q', long: 'retryQueueNums', arg: true, desc: 'retry queue count (default 1)' },
      { short: 'r', long: 'retryMaxTimes', arg: true, desc: 'retries before the dead-letter queue (default 16)' },
      { short: 'i', long: 'brokerId', arg: true, desc: 'broker id to consume from (with slaveReadEnable)' },
      { short: 'w', long: 'whichBrokerWhenConsumeSlowly', arg: true, desc: 'broker id to consume from when the group lags (default 1)' },
      { short: 'a', long: 'notifyConsumerIdsChanged', arg: true, desc: 'tell the consumers when the group changes: true (default) | false' },
    ],
    async run(ctx) {
      const t = target(ctx);
      const r = await updateSubGroup(ctx.admin(), {
        groupName: ctx.req('g'),
        ...t,
        consumeEnable: ctx.bool('s'),
        consumeFromMinEnable: ctx.bool('m'),
        consumeBroadcastEnable: ctx.bool('d'),
        retryQueueNums: ctx.int('q'),
        retryMaxTimes: ctx.int('r'),
        brokerId: ctx.int('i'),
        whichBrokerWhenConsumeSlowly: ctx.int('w'),
        notifyConsumerIdsChangedEnable: ctx.bool('a'),
      });
      const failed: string[] = [];
      for (const a of r.results) {
        if (a.error === undefined) ctx.printf('create subscription group to %s success.%n', a.addr);
        else failed.push(`${a.addr}: ${a.error}`);
      }
      ctx.printf('%s%n', groupConfigString(r.config));
      if (failed.length > 0) throw new CommandFailure(failed.join('; '));
    },
  },
  {
    name: 'deleteSubGroup',
    desc: 'Delete a subscription group (with -c also its retry and DLQ topics)',
    group: 'Consumer',
    oneOf: ['b', 'c'],
    options: [
      { short: 'b', long: 'brokerAddr', arg: true, desc: 'from this broker (ip:port)' },
      { short: 'c', long: 'clusterName', arg: true, desc: 'from every master of this cluster' },
      { short: 'g', long: 'groupName', arg: true, desc: 'consumer group name', required: true },
      { short: 'r', long: 'removeOffset', arg: true, desc: 'also delete its offsets: true | false (default)' },
    ],
    async run(ctx) {
      const group = ctx.req('g');
      const t = target(ctx);
      const r = await deleteSubGroup(ctx.admin(), { groupName: group, ...t, removeOffset: ctx.bool('r') === true });
      if ('brokerAddr' in t) {
        ctx.printf('delete subscription group [%s] from broker [%s] success.%n', group, t.brokerAddr);
        return;
      }
      for (const addr of r.brokerAddrs) ctx.printf('delete subscription group [%s] from broker [%s] in cluster [%s] success.%n', group, addr, t.clusterName);
      for (const topic of r.topics) {
        if (topic.error !== undefined) continue;
        ctx.printf('delete topic [%s] from cluster [%s] success.%n', topic.topic, t.clusterName);
        ctx.printf('delete topic [%s] from NameServer success.%n', topic.topic);
      }
    },
  },
  {
    name: 'cloneGroupOffset',
    desc: 'Give a group the committed offsets another group has on a topic',
    group: 'Consumer',
    options: [
      { short: 's', long: 'srcGroup', arg: true, desc: 'source consumer group', required: true },
      { short: 'd', long: 'destGroup', arg: true, desc: 'destination consumer group', required: true },
      { short: 't', long: 'topic', arg: true, desc: 'topic name', required: true },
      { short: 'o', long: 'offline', arg: true, desc: 'the group or topic is offline (not used)' },
    ],
    async run(ctx) {
      const src = ctx.req('s');
      const dest = ctx.req('d');
      const topic = ctx.req('t');
      await cloneGroupOffset(ctx.admin(), { srcGroup: src, destGroup: dest, topic });
      ctx.printf('clone group offset success. srcGroup[%s], destGroup=[%s], topic[%s]%n', src, dest, topic);
    },
  },
  {
    name: 'consumerConnection',
    desc: 'Show the connections, versions and subscriptions of a consumer group',
    group: 'Connection',
    options: [
      { short: 'g', long: 'consumerGroup', arg: true, desc: 'consumer group', required: true },
      { short: 'b', long: 'brokerAddr', arg: true, desc: 'ask this broker (default: one serving the group)' },
    ],
    async run(ctx) {
      const cc = await consumerConnection(ctx.admin(), ctx.req('g'), ctx.str('b'));
      ctx.printf('%-36s %-22s %-10s %s%n', '#ClientId', '#ClientAddr', '#Language', '#Version');
      for (const c of cc.connectionSet) ctx.printf('%-36s %-22s %-10s %s%n', c.clientId, c.clientAddr, c.language, versionDesc(c.version));
      ctx.printf('%nBelow is subscription:\n');
      ctx.printf('%-20s %s%n', '#Topic', '#SubExpression');
      for (const sd of cc.subscriptionTable.values()) ctx.printf('%-20s %s%n', sd.topic, sd.subString);
      ctx.print('\n');
      ctx.printf('ConsumeType: %s%n', cc.consumeType);
      ctx.printf('MessageModel: %s%n', cc.messageModel);
      ctx.printf('ConsumeFromWhere: %s%n', cc.consumeFromWhere);
    },
  },
  {
    name: 'producerConnection',
    desc: 'Show the connections and versions of a producer group',
    group: 'Connection',
    options: [
      { short: 'g', long: 'producerGroup', arg: true, desc: 'producer group', required: true },
      { short: 't', long: 'topic', arg: true, desc: 'a topic it sends to', required: true },
    ],
    async run(ctx) {
      const pc = await producerConnection(ctx.admin(), ctx.req('g'), ctx.req('t'));
      pc.connectionSet.forEach((c, i) => ctx.printf('%04d  %-32s %-22s %-8s %s%n', i + 1, c.clientId, c.clientAddr, c.language, versionDesc(c.version)));
    },
  },
];
