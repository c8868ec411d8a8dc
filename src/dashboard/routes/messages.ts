// Messages page: query by time range, key or id; one message's detail with each group's consume state; resend to
// a group (consumeMessageDirectly); a group's dead-letter messages with resend.
import { Router, type Request } from 'express';
import {
  listBrokers,
  MAX_MESSAGES_BY_TIME,
  queryDlqMessages,
  queryMsgByKey,
  queryMsgByTime,
  resendToGroup,
  viewMessageOfTopic,
  messageTrackDetail,
  AdminError,
  type MessagesByTime,
  type MessageView,
  type ResendOutcome,
} from '../../admin/index.js';
import type { MessageExt } from '../../client/message.js';
import type { MessageDetail, MessageListResponse, ResendResponse, ResendResult } from '../api-types.js';
import type { DashboardContext } from '../context.js';
import { badRequest, body, MAX_TIMESTAMP, param, query, route } from '../http.js';
import { messageDetail, messageSummary } from '../render.js';
import { groupName, topicName } from '../validate.js';
import { ResponseCode } from '../../protocol/codes.js';
import { DLQ_GROUP_TOPIC_PREFIX } from '../../protocol/message-const.js';

const MAX_ID = 128;

function listView(r: MessagesByTime): MessageListResponse {
  return { items: r.messages.map(messageSummary), truncated: r.truncated };
}

/** begin/end (ms) and limit of a time-range query; end defaults to now, begin to an hour before end. */
function timeRange(req: Request): { begin: number; end: number; limit: number } {
  const q = query(req);
  const end = q.int('end', 0, MAX_TIMESTAMP) ?? Date.now();
  const begin = q.int('begin', 0, MAX_TIMESTAMP) ?? end - 3_600_000;
  if (end < begin) throw badRequest(`end (${end}) lies before begin (${begin})`);
  return { begin, end, limit: q.int('limit', 1, MAX_MESSAGES_BY_TIME) ?? 200 };
}

/** "No message" is an empty list on the page, not an error. */
async function orEmpty(find: () => Promise<MessageExt[]>): Promise<MessageExt[]> {
  try {
    return await find();
  } catch (err) {
    if (err instanceof AdminError && err.code === ResponseCode.NO_MESSAGE) return [];
    throw err;
  }
}

/** A message read by its offset id carries no broker name: the store host says which broker holds it. */
async function brokerNameOf(ctx: DashboardContext, known: string, storeHost: string): Promise<string> {
  if (known !== '') return known;
  return (await listBrokers(ctx.admin)).find((b) => b.addr === storeHost)?.brokerName ?? '';
}

function resendView(outcomes: ResendOutcome[]): ResendResponse {
  return {
    results: outcomes.map((o): ResendResult => {
      const v: ResendResult = { clientId: o.clientId };
      if (o.result !== undefined) {
        v.consumeResult = o.result.consumeResult;
        v.remark = o.result.remark;
        v.spentTimeMills = o.result.spentTimeMills;
      }
      if (o.error !== undefined) v.error = o.error;
      return v;
    }),
  };
}

export function messageRoutes(ctx: DashboardContext): Router {
  const r = Router();
  r.get('/messages/by-time', route(async (req): Promise<MessageListResponse> => {
    const topic = topicName('topic', query(req).requiredText('topic', 255));
    return listView(await queryMsgByTime(ctx.admin, { topic, ...timeRange(req) }));
  }));

  r.get('/messages/by-key', route(async (req): Promise<MessageListResponse> => {
    const q = query(req);
    const topic = topicName('topic', q.requiredText('topic', 255));
    const key = q.requiredText('key', 255);
    const found = await orEmpty(() => queryMsgByKey(ctx.admin, topic, key));
    return { items: found.sort((a, b) => b.storeTimestamp - a.storeTimestamp).map(messageSummary), truncated: false };
  }));

  r.get('/messages/by-id', route(async (req): Promise<MessageListResponse> => {
    const q = query(req);
    const topic = topicName('topic', q.requiredText('topic', 255));
    const msgId = q.requiredText('msgId', MAX_ID).trim();
    const found = await orEmpty(async () => [await viewMessageOfTopic(ctx.admin, topic, msgId)]);
    const items = found.map(messageSummary);
    for (const item of items) item.brokerName = await brokerNameOf(ctx, item.brokerName, found[0]!.storeHost);
    return { items, truncated: false };
  }));

  r.get('/messages/detail', route(async (req): Promise<MessageDetail> => {
    const q = query(req);
    const topic = topicName('topic', q.requiredText('topic', 255));
    const msgId = q.requiredText('msgId', MAX_ID).trim();
    const message = await viewMessageOfTopic(ctx.admin, topic, msgId);
    const view: MessageView = { message };
    try {
      view.tracks = await messageTrackDetail(ctx.admin, message);
    } catch (err) {
      view.trackError = err instanceof Error ? err.message : String(err);
    }
    const detail = messageDetail(view);
    detail.brokerName = await brokerNameOf(ctx, detail.brokerName, message.storeHost);
    return detail;
  }));

  r.post('/messages/resend', route(async (req): Promise<ResendResponse> => {
    const f = body(req);
    const o = {
      topic: topicName('topic', f.requiredText('topic', 255)),
      msgId: f.requiredText('msgId', MAX_ID).trim(),
      group: groupName('group', f.requiredText('group', 255)),
      clientId: f.text('clientId', 255),
    };
    return resendView(await resendToGroup(ctx.admin, o));
  }));

  r.get('/dlq/:group', route(async (req): Promise<MessageListResponse> => {
    const group = groupName('group', param(req, 'group'));
    return listView(await queryDlqMessages(ctx.admin, { group, ...timeRange(req) }));
  }));

  r.post('/dlq/:group/resend', route(async (req): Promise<ResendResponse> => {
    const group = groupName('group', param(req, 'group'));
    const f = body(req);
    const msgId = f.requiredText('msgId', MAX_ID).trim();
    return resendView(await resendToGroup(ctx.admin, { topic: DLQ_GROUP_TOPIC_PREFIX + group, msgId, group, clientId: f.text('clientId', 255) }));
  }));
  return r;
}
