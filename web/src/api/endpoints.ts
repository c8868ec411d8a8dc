// One typed function per API route (routes and shapes: src/dashboard/api-types.ts).
import type * as T from './contract.js';
import { getJson, requestJson, withQuery } from './http.js';

const enc = encodeURIComponent;

export const api = {
  namesrv: () => getJson<T.NamesrvInfo>('/api/namesrv'),
  setNamesrv: (addrs: string) => requestJson<T.NamesrvInfo>('PUT', '/api/namesrv', { addrs } satisfies T.NamesrvUpdate),
  namesrvConfig: () => getJson<T.NamesrvConfigResponse>('/api/namesrv/config'),
  kv: (namespace?: string) => getJson<T.KvListResponse>('/api/namesrv/kv', { namespace }),

  cluster: () => getJson<T.ClusterResponse>('/api/cluster'),
  brokerRuntime: (addr: string) => getJson<T.KeyValueResponse>(`/api/brokers/${enc(addr)}/runtime`),
  brokerConfig: (addr: string) => getJson<T.KeyValueResponse>(`/api/brokers/${enc(addr)}/config`),
  metrics: (minutes: number) => getJson<T.MetricsResponse>('/api/metrics', { minutes }),

  topics: (q: { q?: string; kind?: string; offset: number; limit: number }) => getJson<T.TopicListResponse>('/api/topics', q),
  saveTopic: (body: T.TopicUpsert) => requestJson<T.TopicUpsertResponse>('POST', '/api/topics', body),
  deleteTopic: (topic: string, cluster?: string) => requestJson<T.TopicDeleteResponse>('DELETE', withQuery(`/api/topics/${enc(topic)}`, { cluster })),
  topicRoute: (topic: string) => getJson<T.TopicRouteView>(`/api/topics/${enc(topic)}/route`),
  topicStatus: (topic: string) => getJson<T.TopicStatusResponse>(`/api/topics/${enc(topic)}/status`),
  topicConsumers: (topic: string) => getJson<T.TopicConsumersResponse>(`/api/topics/${enc(topic)}/consumers`),
  send: (topic: string, body: T.SendRequest) => requestJson<T.SendResultView>('POST', `/api/topics/${enc(topic)}/send`, body),
  resetTopicOffset: (topic: string, body: T.TopicResetOffsetRequest) =>
    requestJson<T.ResetOffsetResponse>('POST', `/api/topics/${enc(topic)}/reset-offset`, body),

  groups: (q: { q?: string; offset: number; limit: number }) => getJson<T.ConsumerListResponse>('/api/consumers', q),
  groupProgress: (group: string) => getJson<T.ConsumerProgressResponse>(`/api/consumers/${enc(group)}/progress`),
  groupConnection: (group: string) => getJson<T.ConsumerConnectionView>(`/api/consumers/${enc(group)}/connection`),
  groupConfig: (group: string) => getJson<T.ConsumerConfigResponse>(`/api/consumers/${enc(group)}/config`),
  saveGroup: (body: T.ConsumerUpsert) => requestJson<T.ConsumerUpsertResponse>('POST', '/api/consumers', body),
  deleteGroup: (group: string, q: { cluster?: string; removeOffset?: boolean }) =>
    requestJson<T.ConsumerDeleteResponse>('DELETE', withQuery(`/api/consumers/${enc(group)}`, q)),
  resetGroupOffset: (group: string, body: T.GroupResetOffsetRequest) =>
    requestJson<T.ResetOffsetResponse>('POST', `/api/consumers/${enc(group)}/reset-offset`, body),

  producerConnection: (group: string, topic: string) => getJson<T.ProducerConnectionView>(`/api/producers/${enc(group)}/connection`, { topic }),

  messagesByTime: (q: { topic: string; begin: number; end: number; limit?: number }) => getJson<T.MessageListResponse>('/api/messages/by-time', q),
  messagesByKey: (q: { topic: string; key: string }) => getJson<T.MessageListResponse>('/api/messages/by-key', q),
  messagesById: (q: { topic: string; msgId: string }) => getJson<T.MessageListResponse>('/api/messages/by-id', q),
  messageDetail: (q: { topic: string; msgId: string }) => getJson<T.MessageDetail>('/api/messages/detail', q),
  resend: (body: T.ResendRequest) => requestJson<T.ResendResponse>('POST', '/api/messages/resend', body),
  dlq: (group: string, q: { begin: number; end: number; limit?: number }) => getJson<T.MessageListResponse>(`/api/dlq/${enc(group)}`, q),
  dlqResend: (group: string, body: T.DlqResendRequest) => requestJson<T.ResendResponse>('POST', `/api/dlq/${enc(group)}/resend`, body),
};
