// Topics page: the searchable list, create/update/delete, route, status, consuming groups, a test send and an
// offset reset for one group.
import { Router } from 'express';
import {
  deleteTopic,
  resetOffsetByTime,
  sendMessage,
  topicConsumerStats,
  topicRoute,
  topicStatus,
  updateTopic,
  type ResetOffsetResult,
  type TopicKind,
} from '../../admin/index.js';
import type {
  ResetOffsetResponse,
  SendResultView,
  TopicConsumersResponse,
  TopicDeleteResponse,
  TopicListResponse,
  TopicRouteView,
  TopicStatusResponse,
  TopicUpsertResponse,
} from '../api-types.js';
import type { DashboardContext } from '../context.js';
import { badRequest, body, MAX_TIMESTAMP, matchesQuery, pageOf, param, query, route, type Fields } from '../http.js';
import { routeView, topicConfigView } from '../render.js';
import { brokerAddr, groupName, topicName } from '../validate.js';

const KINDS: readonly TopicKind[] = ['NORMAL', 'RETRY', 'DLQ', 'SYSTEM'];
/** Topic names are cheap: a page may hold them all, the UI virtualizes. */
const MAX_TOPIC_PAGE = 10_000;
/** Largest test message body (the broker's default maxMessageSize is 4 MiB; a form needs far less). */
const MAX_SEND_BODY = 1024 * 1024;

function kindsOf(text: string | undefined): Set<TopicKind> {
  if (text === undefined) return new Set(KINDS);
  const kinds = new Set<TopicKind>();
  for (const k of text.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '')) {
    if (!KINDS.includes(k as TopicKind)) throw badRequest(`kind must be a comma list of ${KINDS.join(', ')}, got "${k}"`);
    kinds.add(k as TopicKind);
  }
  return kinds;
}

/** clusterName or brokerAddr: exactly one says where the change goes. */
function target(f: Fields): { clusterName?: string; brokerAddr?: string } {
  const clusterName = f.text('clusterName', 255);
  const addr = f.text('brokerAddr', 255);
  if ((clusterName === undefined) === (addr === undefined)) throw badRequest('give exactly one of clusterName or brokerAddr');
  return addr !== undefined ? { brokerAddr: brokerAddr('brokerAddr', addr) } : { clusterName: clusterName! };
}

export function resetOffsetView(r: ResetOffsetResult): ResetOffsetResponse {
  if (r.mode === 'online') {
    return { mode: 'online', offsets: r.offsets.map(([mq, offset]) => ({ brokerName: mq.brokerName, queueId: mq.queueId, offset })) };
  }
  return {
    mode: 'offline',
    offsets: r.rollback.map((s) => ({ brokerName: s.brokerName, queueId: s.queueId, offset: s.rollbackOffset })),
    rollback: r.rollback,
  };
}

/** timestamp: ms since the epoch or -1 ("now"). */
export function resetTimestamp(f: Fields): number {
  return f.requiredInt('timestamp', -1, MAX_TIMESTAMP);
}

export function topicRoutes(ctx: DashboardContext): Router {
  const r = Router();
  r.get('/topics', route(async (req): Promise<TopicListResponse> => {
    const kinds = kindsOf(query(req).text('kind', 64));
    const matches = matchesQuery(req);
    const all = await ctx.topics.get();
    const counts: Record<TopicKind, number> = { NORMAL: 0, RETRY: 0, DLQ: 0, SYSTEM: 0 };
    for (const t of all) counts[t.kind]++;
    const selected = all.filter((t) => kinds.has(t.kind) && matches(t.topic));
    return { total: selected.length, ...pageOf(req, selected, MAX_TOPIC_PAGE), counts };
  }));

  r.post('/topics', route(async (req): Promise<TopicUpsertResponse> => {
    const f = body(req);
    const o = {
      topic: topicName('topic', f.requiredText('topic', 255)),
      ...target(f),
      readQueueNums: f.int('readQueueNums', 1, 1024),
      writeQueueNums: f.int('writeQueueNums', 1, 1024),
      perm: f.int('perm', 0, 7),
      order: f.bool('order'),
    };
    if (o.perm !== undefined && ![2, 4, 6].includes(o.perm)) throw badRequest(`perm must be 2 (W), 4 (R) or 6 (RW), got ${o.perm}`);
    const result = await updateTopic(ctx.admin, o);
    ctx.listsChanged();
    const view: TopicUpsertResponse = { topicConfig: topicConfigView(result.topicConfig), brokerAddrs: result.brokerAddrs };
    if (result.orderConf !== undefined) view.orderConf = result.orderConf;
    return view;
  }));

  r.delete('/topics/:topic', route(async (req): Promise<TopicDeleteResponse> => {
    const topic = topicName('topic', param(req, 'topic'));
    const result = await deleteTopic(ctx.admin, topic, query(req).requiredText('cluster', 255));
    ctx.listsChanged();
    return result;
  }));

  r.get('/topics/:topic/route', route(async (req): Promise<TopicRouteView> => {
    const topic = topicName('topic', param(req, 'topic'));
    return routeView(topic, await topicRoute(ctx.admin, topic));
  }));

  r.get('/topics/:topic/status', route(async (req): Promise<TopicStatusResponse> => {
    const topic = topicName('topic', param(req, 'topic'));
    return { topic, queues: await topicStatus(ctx.admin, topic) };
  }));

  r.get('/topics/:topic/consumers', route(async (req): Promise<TopicConsumersResponse> => {
    const topic = topicName('topic', param(req, 'topic'));
    return { topic, groups: await topicConsumerStats(ctx.admin, topic) };
  }));

  r.post('/topics/:topic/send', route(async (req): Promise<SendResultView> => {
    const topic = topicName('topic', param(req, 'topic'));
    const f = body(req);
    const text = f.text('body', MAX_SEND_BODY);
    if (text === undefined) throw badRequest('body is required');
    const tags = f.text('tags', 255);
    const keys = f.text('keys', 1024);
    const res = await sendMessage(ctx.admin, { topic, body: text, ...(tags !== undefined ? { tags } : {}), ...(keys !== undefined ? { keys } : {}) });
    return {
      sendStatus: res.sendStatus, msgId: res.msgId, offsetMsgId: res.offsetMsgId,
      messageQueue: { ...res.messageQueue }, queueOffset: res.queueOffset, regionId: res.regionId,
    };
  }));

  r.post('/topics/:topic/reset-offset', route(async (req): Promise<ResetOffsetResponse> => {
    const topic = topicName('topic', param(req, 'topic'));
    const f = body(req);
    const group = groupName('group', f.requiredText('group', 255));
    const result = await resetOffsetByTime(ctx.admin, { group, topic, timestamp: resetTimestamp(f), force: f.bool('force') ?? true });
    return resetOffsetView(result);
  }));
  return r;
}
