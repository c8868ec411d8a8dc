// Consumers page: groups with lag, TPS and clients (figures computed for the page's groups only), per-queue
// progress, connections and subscriptions, create/update/delete, offset reset.
import { Router } from 'express';
import {
  consumerConnection,
  consumerGroupSummary,
  consumerProgress,
  deleteSubGroup,
  getAllSubscriptionGroupConfig,
  listBrokers,
  mapBounded,
  resetOffsetByTime,
  updateSubGroup,
  versionDesc,
} from '../../admin/index.js';
import type {
  ConsumerConfigResponse,
  ConsumerConnectionView,
  ConsumerDeleteResponse,
  ConsumerListResponse,
  ConsumerProgressResponse,
  ConsumerRow,
  ConsumerUpsertResponse,
  ResetOffsetResponse,
} from '../api-types.js';
import type { DashboardContext } from '../context.js';
import { badRequest, body, matchesQuery, pageOf, param, query, route } from '../http.js';
import { connectionView } from '../render.js';
import { brokerAddr, groupName, topicName } from '../validate.js';
import { resetOffsetView, resetTimestamp } from './topics.js';

/** Each row of the group list costs a few requests: pages stay small and rows are computed 4 at a time. */
const MAX_GROUP_PAGE = 200;
const ROW_CONCURRENCY = 4;

export function consumerRoutes(ctx: DashboardContext): Router {
  const r = Router();
  r.get('/consumers', route(async (req): Promise<ConsumerListResponse> => {
    const matches = matchesQuery(req);
    const selected = (await ctx.groups.get()).filter(matches);
    const page = pageOf(req, selected, MAX_GROUP_PAGE);
    const admin = ctx.admin;
    const items = await mapBounded(page.items, ROW_CONCURRENCY, async (group): Promise<ConsumerRow> => {
      const s = await consumerGroupSummary(admin, group);
      const row: ConsumerRow = {
        group, clients: s.clients, diffTotal: s.diffTotal, consumeTps: s.consumeTps,
        version: s.version === undefined ? '' : versionDesc(s.version),
      };
      if (s.consumeType !== undefined) row.consumeType = s.consumeType;
      if (s.messageModel !== undefined) row.messageModel = s.messageModel;
      if (s.error !== undefined) row.error = s.error;
      return row;
    });
    return { total: selected.length, offset: page.offset, limit: page.limit, items };
  }));

  r.get('/consumers/:group/progress', route(async (req): Promise<ConsumerProgressResponse> => {
    const group = groupName('group', param(req, 'group'));
    const p = await consumerProgress(ctx.admin, group, true);
    return { group, consumeTps: p.consumeTps, diffTotal: p.diffTotal, rows: p.rows };
  }));

  r.get('/consumers/:group/connection', route(async (req): Promise<ConsumerConnectionView> => {
    const group = groupName('group', param(req, 'group'));
    const cc = await consumerConnection(ctx.admin, group);
    return {
      group,
      consumeType: cc.consumeType,
      messageModel: cc.messageModel,
      consumeFromWhere: cc.consumeFromWhere,
      connections: cc.connectionSet.map(connectionView),
      subscriptions: [...cc.subscriptionTable.values()].map((s) => ({
        topic: s.topic, subString: s.subString, tags: s.tagsSet, expressionType: s.expressionType, subVersion: s.subVersion,
      })),
    };
  }));

  r.get('/consumers/:group/config', route(async (req): Promise<ConsumerConfigResponse> => {
    const group = groupName('group', param(req, 'group'));
    const admin = ctx.admin;
    const masters = (await listBrokers(admin)).filter((b) => b.brokerId === 0);
    const brokers = await mapBounded(masters, ROW_CONCURRENCY, async (b): Promise<ConsumerConfigResponse['brokers'][number]> => {
      try {
        const config = (await getAllSubscriptionGroupConfig(admin, b.addr)).get(group);
        return config === undefined ? { addr: b.addr, brokerName: b.brokerName } : { addr: b.addr, brokerName: b.brokerName, config };
      } catch (err) {
        return { addr: b.addr, brokerName: b.brokerName, error: err instanceof Error ? err.message : String(err) };
      }
    });
    return { group, brokers };
  }));

  r.post('/consumers', route(async (req): Promise<ConsumerUpsertResponse> => {
    const f = body(req);
    const clusterName = f.text('clusterName', 255);
    const addr = f.text('brokerAddr', 255);
    if ((clusterName === undefined) === (addr === undefined)) throw badRequest('give exactly one of clusterName or brokerAddr');
    const o = {
      groupName: groupName('groupName', f.requiredText('groupName', 255)),
      ...(addr !== undefined ? { brokerAddr: brokerAddr('brokerAddr', addr) } : { clusterName: clusterName! }),
      consumeEnable: f.bool('consumeEnable'),
      consumeFromMinEnable: f.bool('consumeFromMinEnable'),
      consumeBroadcastEnable: f.bool('consumeBroadcastEnable'),
      retryQueueNums: f.int('retryQueueNums', 0, 1024),
      retryMaxTimes: f.int('retryMaxTimes', 0, 1024),
      brokerId: f.int('brokerId', 0, 1024),
      whichBrokerWhenConsumeSlowly: f.int('whichBrokerWhenConsumeSlowly', 0, 1024),
    };
    const result = await updateSubGroup(ctx.admin, o);
    ctx.listsChanged();
    return { config: result.config, results: result.results };
  }));

  r.delete('/consumers/:group', route(async (req): Promise<ConsumerDeleteResponse> => {
    const group = groupName('group', param(req, 'group'));
    const q = query(req);
    const clusterName = q.text('cluster', 255);
    const addr = q.text('brokerAddr', 255);
    if ((clusterName === undefined) === (addr === undefined)) throw badRequest('give exactly one of cluster or brokerAddr');
    const result = await deleteSubGroup(ctx.admin, {
      groupName: group,
      ...(addr !== undefined ? { brokerAddr: brokerAddr('brokerAddr', addr) } : { clusterName: clusterName! }),
      removeOffset: q.bool('removeOffset') ?? false,
    });
    ctx.listsChanged();
    return result;
  }));

  r.post('/consumers/:group/reset-offset', route(async (req): Promise<ResetOffsetResponse> => {
    const group = groupName('group', param(req, 'group'));
    const f = body(req);
    const topic = topicName('topic', f.requiredText('topic', 255));
    return resetOffsetView(await resetOffsetByTime(ctx.admin, { group, topic, timestamp: resetTimestamp(f), force: f.bool('force') ?? true }));
  }));

  return r;
}
