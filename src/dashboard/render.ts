// Admin-library values as the JSON bodies of api-types.ts: Maps become objects, Buffers base64, messages summaries.
import { versionDesc, type MessageTrack, type MessageView } from '../admin/index.js';
import type { MessageExt } from '../client/message.js';
import type { Connection, TopicConfig, TopicRouteData } from '../protocol/body-types.js';
import { Perm } from '../protocol/codes.js';
import type {
  ConnectionView,
  KeyValue,
  MessageDetail,
  MessageSummary,
  MessageTrackView,
  TopicConfigView,
  TopicRouteView,
} from './api-types.js';

/** JSON-safe copy of a value: Map -> object (or array of pairs when keys are not strings/numbers), Buffer -> base64. */
export function plain(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof Map) {
    const keys = [...value.keys()];
    if (keys.every((k) => typeof k === 'string' || typeof k === 'number')) {
      return Object.fromEntries([...value].map(([k, v]) => [String(k), plain(v)]));
    }
    return [...value].map(([k, v]) => [plain(k), plain(v)]);
  }
  if (value instanceof Set) return [...value].map(plain);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

export function keyValues(entries: Iterable<readonly [string, string]>): KeyValue[] {
  return [...entries].map(([key, value]) => ({ key, value }));
}

export function permText(perm: number): string {
  return `${perm & Perm.READ ? 'R' : '-'}${perm & Perm.WRITE ? 'W' : '-'}${perm & Perm.INHERIT ? 'X' : '-'}`;
}

export function topicConfigView(tc: TopicConfig): TopicConfigView {
  return { ...tc, permText: permText(tc.perm) };
}

export function routeView(topic: string, route: TopicRouteData): TopicRouteView {
  const view: TopicRouteView = {
    topic,
    queueDatas: route.queueDatas.map((q) => ({ ...q, permText: permText(q.perm) })),
    brokerDatas: route.brokerDatas.map((b) => ({
      cluster: b.cluster,
      brokerName: b.brokerName,
      brokerAddrs: Object.fromEntries([...b.brokerAddrs].map(([id, addr]) => [String(id), addr])),
    })),
  };
  if (route.orderTopicConf !== undefined) view.orderTopicConf = route.orderTopicConf;
  return view;
}

export function connectionView(c: Connection): ConnectionView {
  return { clientId: c.clientId, clientAddr: c.clientAddr, language: c.language, version: c.version, versionText: versionDesc(c.version) };
}

export function messageSummary(m: MessageExt): MessageSummary {
  const s: MessageSummary = {
    topic: m.topic,
    msgId: m.msgId,
    offsetMsgId: m.offsetMsgId,
    keys: m.keys,
    brokerName: m.brokerName,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    storeTimestamp: m.storeTimestamp,
    bornTimestamp: m.bornTimestamp,
    bodySize: m.body.length,
  };
  if (m.tags !== undefined) s.tags = m.tags;
  return s;
}

/** The body as text when it is valid UTF-8 (a fatal decoder refuses anything else). */
function utf8OrUndefined(body: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}

function trackView(t: MessageTrack): MessageTrackView {
  const v: MessageTrackView = { consumerGroup: t.consumerGroup, trackType: t.trackType };
  if (t.exceptionDesc !== undefined) v.exceptionDesc = t.exceptionDesc;
  return v;
}

export function messageDetail(view: MessageView): MessageDetail {
  const m = view.message;
  const d: MessageDetail = {
    ...messageSummary(m),
    properties: Object.fromEntries(m.properties),
    bodyBase64: m.body.toString('base64'),
    bornHost: m.bornHost,
    storeHost: m.storeHost,
    reconsumeTimes: m.reconsumeTimes,
    sysFlag: m.sysFlag,
    bodyCRC: m.bodyCRC,
    storeSize: m.storeSize,
    commitLogOffset: m.commitLogOffset,
  };
  const text = utf8OrUndefined(m.body);
  if (text !== undefined) d.bodyText = text;
  if (view.tracks !== undefined) d.tracks = view.tracks.map(trackView);
  if (view.trackError !== undefined) d.trackError = view.trackError;
  return d;
}
