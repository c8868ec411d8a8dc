// Topic commands: updateTopic, deleteTopic, topicList, topicRoute, topicStatus, topicClusterList, updateTopicPerm,
// updateOrderConf, allocateMQ, statsAll.
import {
  allocateMQ,
  deleteTopic,
  describeTopicConfig,
  statsAll,
  topicClusterList,
  topicList,
  topicListWithClusters,
  topicRoute,
  topicStatus,
  updateOrderConf,
  updateTopic,
  updateTopicPerm,
} from '../../admin/index.js';
import type { TopicRouteData } from '../../protocol/body-types.js';
import { stringifyFastjson, type JsonBean, type JsonInput } from '../../protocol/fastjson.js';
import { front, humanString2, javaMap, sprintf } from './format.js';
import type { CommandSpec } from './spec.js';

/** TopicRouteData.toJson(true): fastjson's pretty layout (tabs; Long-keyed broker addresses unquoted). */
export function routeJson(route: TopicRouteData): string {
  const bean: JsonBean = {
    brokerDatas: route.brokerDatas.map((bd): JsonBean => ({ brokerAddrs: bd.brokerAddrs, brokerName: bd.brokerName, cluster: bd.cluster })),
    filterServerTable: new Map<JsonInput, JsonInput>(Object.entries(route.filterServerTable)),
    orderTopicConf: route.orderTopicConf,
    queueDatas: route.queueDatas.map((qd): JsonBean => ({
      brokerName: qd.brokerName, perm: qd.perm, readQueueNums: qd.readQueueNums, topicSysFlag: qd.topicSysFlag, writeQueueNums: qd.writeQueueNums,
    })),
  };
  return stringifyFastjson(bean, { pretty: true });
}

const ROUTE_FORMAT = '%-45s %-32s %-50s %-10s %-11s %-5s%n';

/** topicRoute -l: one line per broker and the totals. */
export function routeTable(route: TopicRouteData): string {
  let out = sprintf(ROUTE_FORMAT, '#ClusterName', '#BrokerName', '#BrokerAddrs', '#ReadQueue', '#WriteQueue', '#Perm');
  let read = 0;
  let write = 0;
  const byName = new Map(route.queueDatas.map((q) => [q.brokerName, q]));
  for (const bd of [...route.brokerDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0))) {
    const qd = byName.get(bd.brokerName);
    read += qd?.readQueueNums ?? 0;
    write += qd?.writeQueueNums ?? 0;
    const addrs = javaMap([...bd.brokerAddrs].sort((a, b) => a[0] - b[0]).map(([id, a]) => [String(id), a]));
    out += sprintf(ROUTE_FORMAT, bd.cluster, bd.brokerName, addrs, qd?.readQueueNums, qd?.writeQueueNums, qd?.perm);
  }
  out += `${'-'.repeat(158)}\n`;
  out += sprintf(ROUTE_FORMAT, 'Total:', byName.size, '', read, write, '');
  return out;
}

export const TOPIC_COMMANDS: CommandSpec[] = [
  {
    name: 'updateTopic',
    desc: 'Create a topic or update its config',
    group: 'Topic',
    oneOf: ['b', 'c'],
    options: [
      { short: 'b', long: 'brokerAddr', arg: true, desc: 'create the topic on this broker (ip:port)' },
      { short: 'c', long: 'clusterName', arg: true, desc: 'create the topic on every master of this cluster' },
      { short: 't', long: 'topic', arg: true, desc: 'topic name, characters ^[%|a-zA-Z0-9_-]+$', required: true },
      { short: 'r', long: 'readQueueNums', arg: true, desc: 'read queue count (default 8)' },
      { short: 'w', long: 'writeQueueNums', arg: true, desc: 'write queue count (default 8)' },
      { short: 'p', long: 'perm', arg: true, desc: 'permission: 2 = W, 4 = R, 6 = RW (default 6)' },
      { short: 'o', long: 'order', arg: true, desc: 'order topic: true | false' },
      { short: 'u', long: 'unit', arg: true, desc: 'unit topic (topicSysFlag bit 0x1): true | false' },
      { short: 's', long: 'hasUnitSub', arg: true, desc: 'has unit subscription (topicSysFlag bit 0x2): true | false' },
    ],
    async run(ctx) {
      const opts = {
        topic: ctx.req('t'),
        ...(ctx.str('b') !== undefined ? { brokerAddr: ctx.req('b') } : { clusterName: ctx.req('c') }),
        readQueueNums: ctx.int('r'),
        writeQueueNums: ctx.int('w'),
        perm: ctx.int('p'),
        order: ctx.bool('o'),
        unit: ctx.bool('u'),
        hasUnitSub: ctx.bool('s'),
      };
      const r = await updateTopic(ctx.admin(), opts);
      for (const addr of r.brokerAddrs) ctx.printf('create topic to %s success.%n', addr);
      if (r.orderConf !== undefined) {
        ctx.printf('set %s orderConf. isOrder=%s, orderConf=[%s]%n', 'brokerAddr' in opts ? 'broker' : 'cluster', true, r.orderConf);
      }
      ctx.printf('%s%n', describeTopicConfig(r.topicConfig));
    },
  },
  {
    name: 'deleteTopic',
    desc: 'Delete a topic from the brokers of a cluster and from the NameServers',
    group: 'Topic',
    options: [
      { short: 't', long: 'topic', arg: true, desc: 'topic name', required: true },
      { short: 'c', long: 'clusterName', arg: true, desc: 'delete the topic from this cluster', required: true },
    ],
    async run(ctx) {
      const topic = ctx.req('t');
      const cluster = ctx.req('c');
      await deleteTopic(ctx.admin(), topic, cluster);
      ctx.printf('delete topic [%s] from cluster [%s] success.%n', topic, cluster);
      ctx.printf('delete topic [%s] from NameServer success.%n', topic);
    },
  },
  {
    name: 'topicList',
    desc: 'List all topics (with -c: their cluster and consumer groups)',
    group: 'Topic',
    options: [{ short: 'c', long: 'clusterModel', arg: false, desc: 'also print each topic\'s cluster and consuming groups' }],
    async run(ctx) {
      if (!ctx.has('c')) {
        for (const topic of await topicList(ctx.admin())) ctx.printf('%s%n', topic);
        return;
      }
      const rows = await topicListWithClusters(ctx.admin());
      ctx.printf('%-20s  %-48s  %-48s%n', '#Cluster Name', '#Topic', '#Consumer Group');
      for (const r of rows) ctx.printf('%-20s  %-64s  %-64s%n', front(r.clusterName, 20), front(r.topic, 64), front(r.consumerGroup, 64));
    },
  },
  {
    name: 'topicRoute',
    desc: 'Print the route of a topic',
    group: 'Topic',
    options: [
      { short: 't', long: 'topic', arg: true, desc: 'topic name', required: true },
      { short: 'l', long: 'list', arg: false, desc: 'print as a table instead of JSON' },
    ],
    async run(ctx) {
      const route = await topicRoute(ctx.admin(), ctx.req('t'));
      ctx.print(ctx.has('l') ? routeTable(route) : `${routeJson(route)}\n`);
    },
  },
  {
    name: 'topicStatus',
    desc: 'Print the min/max offset and last update time of each queue of a topic',
    group: 'Topic',
    options: [{ short: 't', long: 'topic', arg: true, desc: 'topic name', required: true }],
    async run(ctx) {
      const rows = await topicStatus(ctx.admin(), ctx.req('t'));
      ctx.printf('%-32s  %-4s  %-20s  %-20s    %s%n', '#Broker Name', '#QID', '#Min Offset', '#Max Offset', '#Last Updated');
      for (const r of rows) {
        ctx.printf('%-32s  %-4d  %-20d  %-20d    %s%n', front(r.brokerName, 32), r.queueId, r.minOffset, r.maxOffset,
          r.lastUpdateTimestamp > 0 ? humanString2(r.lastUpdateTimestamp) : '');
      }
    },
  },
  {
    name: 'topicClusterList',
    desc: 'Print the cluster(s) a topic is in',
    group: 'Topic',
    options: [{ short: 't', long: 'topic', arg: true, desc: 'topic name', required: true }],
    async run(ctx) {
      for (const cluster of await topicClusterList(ctx.admin(), ctx.req('t'))) ctx.printf('%s%n', cluster);
    },
  },
  {
    name: 'updateTopicPerm',
    desc: 'Change the read/write permission of a topic',
    group: 'Topic',
    oneOf: ['b', 'c'],
    options: [
      { short: 'b', long: 'brokerAddr', arg: true, desc: 'on this master broker (ip:port); wins over -c' },
      { short: 'c', long: 'clusterName', arg: true, desc: 'on every master of this cluster' },
      { short: 't', long: 'topic', arg: true, desc: 'topic name', required: true },
      { short: 'p', long: 'perm', arg: true, desc: 'permission: 2 = W, 4 = R, 6 = RW', required: true },
    ],
    async run(ctx) {
      const perm = ctx.int('p') ?? 0;
      const target = ctx.str('b') !== undefined ? { brokerAddr: ctx.req('b') } : { clusterName: ctx.req('c') };
      const r = await updateTopicPerm(ctx.admin(), { topic: ctx.req('t'), perm, ...target });
      if (r.unchanged) {
        ctx.printf('new perm equals to the old one!%n');
        return;
      }
      for (const c of r.changes) ctx.printf('update topic perm from %s to %s in %s success.%n', c.oldPerm, c.newPerm, c.brokerAddr);
      if (target.brokerAddr !== undefined) ctx.printf('%s.%n', describeTopicConfig(r.topicConfig));
    },
  },
  {
    name: 'updateOrderConf',
    desc: 'Get, put or delete the order config (ORDER_TOPIC_CONFIG) of a topic at the NameServers',
    group: 'Topic',
    options: [
      { short: 't', long: 'topic', arg: true, desc: 'topic name (the key)', required: true },
      { short: 'v', long: 'orderConf', arg: true, desc: 'order config, e.g. brokerName1:num;brokerName2:num' },
      { short: 'm', long: 'method', arg: true, desc: 'get | put | delete', required: true },
    ],
    async run(ctx) {
      const topic = ctx.req('t');
      const method = ctx.req('m');
      const value = await updateOrderConf(ctx.admin(), { topic, method, orderConf: ctx.str('v') });
      if (method === 'get') ctx.printf('get orderConf success. topic=[%s], orderConf=[%s]%n', topic, value);
      else if (method === 'put') ctx.printf('update orderConf success. topic=[%s], orderConf=[%s]%n', topic, value);
      else ctx.printf('delete orderConf success. topic=[%s]%n', topic);
    },
  },
  {
    name: 'allocateMQ',
    desc: 'Show how the average allocation splits a topic\'s queues among the given consumers',
    group: 'Topic',
    options: [
      { short: 't', long: 'topic', arg: true, desc: 'topic name', required: true },
      { short: 'i', long: 'ipList', arg: true, desc: 'consumer ids (e.g. IPs), comma separated', required: true },
    ],
    async run(ctx) {
      const ips = ctx.req('i').split(',');
      const result = await allocateMQ(ctx.admin(), ctx.req('t'), ips);
      const map = new Map<JsonInput, JsonInput>();
      for (const [ip, mqs] of result) map.set(ip, mqs.map((mq): JsonBean => ({ brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic })));
      ctx.printf('%s%n', stringifyFastjson({ result: map }));
    },
  },
  {
    name: 'statsAll',
    desc: 'Per topic and consumer group: backlog, TPS in/out and 24-hour message counts',
    group: 'Topic',
    options: [
      { short: 'a', long: 'activeTopic', arg: false, desc: 'only topics with traffic in the last 24 hours' },
      { short: 't', long: 'topic', arg: true, desc: 'only this topic' },
    ],
    async run(ctx) {
      const rows = await statsAll(ctx.admin(), { activeOnly: ctx.has('a'), topic: ctx.str('t') });
      ctx.printf('%-64s  %-64s %12s %11s %11s %14s %14s%n', '#Topic', '#Consumer Group', '#Accumulation', '#InTPS', '#OutTPS', '#InMsg24Hour', '#OutMsg24Hour');
      for (const r of rows) {
        if (r.outTps === undefined) {
          ctx.printf('%-64s  %-64s %12d %11.2f %11s %14d %14s%n', front(r.topic, 64), '', 0, r.inTps, '', r.inMsg24Hour, 'NO_CONSUMER');
        } else {
          ctx.printf('%-64s  %-64s %12d %11.2f %11.2f %14d %14d%n', front(r.topic, 64), front(r.consumerGroup, 64), r.accumulation, r.inTps, r.outTps,
            r.inMsg24Hour, r.outMsg24Hour ?? 0);
        }
      }
    },
  },
];
