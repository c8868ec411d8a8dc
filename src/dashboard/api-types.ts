// The dashboard's HTTP API contract, shared by the server (src/dashboard) and the web app (web/). Pure types only:
// no runtime imports, no Node types, so the browser build can include this file as is.
//
// Conventions
// - Every body is plain JSON; maps become objects or arrays; numbers are numbers (ms since the epoch for times).
// - A failure answers HTTP 4xx/5xx with ApiError: 400 bad input (the message names the field), 404 unknown route,
//   502 the cluster answered with an error or could not be reached (AdminError's message), 500 anything else.
// - Path parameters are URL-encoded (topics like %RETRY%g must be sent as %25RETRY%25g).
//
// Routes (request type -> response type)
//   GET    /api/namesrv                               -> NamesrvInfo
//   PUT    /api/namesrv                 NamesrvUpdate -> NamesrvInfo
//   GET    /api/namesrv/config                        -> NamesrvConfigResponse
//   GET    /api/namesrv/kv?namespace=                 -> KvListResponse       (namespace default ORDER_TOPIC_CONFIG)
//   GET    /api/cluster                               -> ClusterResponse
//   GET    /api/brokers/:addr/runtime                 -> KeyValueResponse
//   GET    /api/brokers/:addr/config                  -> KeyValueResponse
//   GET    /api/metrics?minutes=60                    -> MetricsResponse
//   GET    /api/topics?q=&kind=&offset=&limit=        -> TopicListResponse    (kind: comma list of TopicKind)
//   POST   /api/topics                    TopicUpsert -> TopicUpsertResponse  (create or update)
//   DELETE /api/topics/:topic?cluster=                -> TopicDeleteResponse
//   GET    /api/topics/:topic/route                   -> TopicRouteView
//   GET    /api/topics/:topic/status                  -> TopicStatusResponse
//   GET    /api/topics/:topic/consumers               -> TopicConsumersResponse
//   POST   /api/topics/:topic/send        SendRequest -> SendResultView
//   POST   /api/topics/:topic/reset-offset TopicResetOffsetRequest -> ResetOffsetResponse
//   GET    /api/consumers?q=&offset=&limit=           -> ConsumerListResponse
//   GET    /api/consumers/:group/progress             -> ConsumerProgressResponse
//   GET    /api/consumers/:group/connection           -> ConsumerConnectionView
//   GET    /api/consumers/:group/config               -> ConsumerConfigResponse (per master; for the update form)
//   POST   /api/consumers              ConsumerUpsert -> ConsumerUpsertResponse (create or update)
//   DELETE /api/consumers/:group?cluster=&brokerAddr=&removeOffset= -> ConsumerDeleteResponse
//   POST   /api/consumers/:group/reset-offset GroupResetOffsetRequest -> ResetOffsetResponse
//   GET    /api/producers/:group/connection?topic=    -> ProducerConnectionView
//   GET    /api/messages/by-time?topic=&begin=&end=&limit= -> MessageListResponse
//   GET    /api/messages/by-key?topic=&key=           -> MessageListResponse
//   GET    /api/messages/by-id?topic=&msgId=          -> MessageListResponse  (msgId: client id or offset id)
//   GET    /api/messages/detail?topic=&msgId=         -> MessageDetail
//   POST   /api/messages/resend         ResendRequest -> ResendResponse       (consumeMessageDirectly)
//   GET    /api/dlq/:group?begin=&end=&limit=         -> MessageListResponse  (topic %DLQ%<group>)
//   POST   /api/dlq/:group/resend    DlqResendRequest -> ResendResponse

/** Body of every error answer. */
export interface ApiError {
  error: string;
}

/** A list page: `total` counts every match of the filter, `items` is the slice [offset, offset + limit). */
export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

export interface KeyValue {
  key: string;
  value: string;
}

// ---------------------------------------------------------------------------------------------- NameServer

export interface NamesrvInfo {
  /** The NameServers the dashboard talks to, e.g. ["127.0.0.1:9876"]. */
  addrs: string[];
}

/** PUT /api/namesrv: "a:9876;b:9876" (also "," or spaces between). Every address must parse. */
export interface NamesrvUpdate {
  addrs: string;
}

export interface NamesrvConfigEntry {
  namesrvAddr: string;
  /** The NameServer's config in its own order; empty when `error` says why it could not be read. */
  config: KeyValue[];
  error?: string;
}

export interface NamesrvConfigResponse {
  namesrvs: NamesrvConfigEntry[];
}

export interface KvListResponse {
  namespace: string;
  items: KeyValue[];
}

// ---------------------------------------------------------------------------------------------- cluster

export type BrokerRole = 'MASTER' | 'SLAVE';

export interface BrokerRow {
  clusterName: string;
  brokerName: string;
  /** 0 = master. */
  brokerId: number;
  role: BrokerRole;
  addr: string;
  /** e.g. "V4_9_8"; '' when the runtime info could not be read. */
  version: string;
  /** Messages per second put / delivered (broker's last-10-s figure). */
  inTps: number;
  outTps: number;
  inTotalToday: number;
  outTotalToday: number;
  inTotalYesterday: number;
  outTotalYesterday: number;
  /** Used share of the commit-log disk, 0..1. */
  diskRatio: number;
  /** Hours since the earliest stored message. */
  hours: number;
  /** Why this broker's figures are missing (they are then zero). */
  error?: string;
}

export interface ClusterResponse {
  /** Ordered by cluster, broker name, broker id. */
  brokers: BrokerRow[];
}

/** Broker runtime info or config (properties) of /api/brokers/:addr/{runtime,config}. */
export interface KeyValueResponse {
  addr: string;
  items: KeyValue[];
}

// ---------------------------------------------------------------------------------------------- metrics

/** One broker's series, aligned with MetricsResponse.times (null = no figure at that sample). */
export interface BrokerSeries {
  addr: string;
  brokerName: string;
  inTps: Array<number | null>;
  outTps: Array<number | null>;
}

export interface TopicSeries {
  topic: string;
  inTps: Array<number | null>;
}

export interface MetricsResponse {
  /** How often the server samples, ms. */
  intervalMs: number;
  /** Sample times (ms), oldest first; at most `minutes` back. */
  times: number[];
  brokers: BrokerSeries[];
  /** At most 10 topics: the busiest (by messages put per second) over the window. */
  topics: TopicSeries[];
  /** Why the last sample failed, if it did. */
  lastError?: string;
}

// ---------------------------------------------------------------------------------------------- topics

/** NORMAL user topics; RETRY %RETRY%group; DLQ %DLQ%group; SYSTEM the broker's own (TBW102, SCHEDULE_TOPIC_XXXX,
 * rmq_sys_*, RMQ_SYS_*, cluster and broker names, ...). */
export type TopicKind = 'NORMAL' | 'RETRY' | 'DLQ' | 'SYSTEM';

export interface TopicRow {
  topic: string;
  kind: TopicKind;
}

export interface TopicListResponse extends Page<TopicRow> {
  /** How many topics of each kind exist (before q/kind filtering). */
  counts: Record<TopicKind, number>;
}

/** POST /api/topics. Give clusterName (every master of it) or brokerAddr (one broker). */
export interface TopicUpsert {
  topic: string;
  clusterName?: string;
  brokerAddr?: string;
  /** Default 8. */
  readQueueNums?: number;
  /** Default 8. */
  writeQueueNums?: number;
  /** 2 = W, 4 = R, 6 = RW (default 6). */
  perm?: number;
  order?: boolean;
}

export interface TopicConfigView {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  /** e.g. "RW-" */
  permText: string;
  topicFilterType: string;
  topicSysFlag: number;
  order: boolean;
}

export interface TopicUpsertResponse {
  topicConfig: TopicConfigView;
  brokerAddrs: string[];
  /** For an order topic: the ORDER_TOPIC_CONFIG value written, e.g. "broker-a:8". */
  orderConf?: string;
}

export interface TopicDeleteResponse {
  brokerAddrs: string[];
}

export interface QueueDataView {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  permText: string;
  topicSysFlag: number;
}

export interface BrokerDataView {
  cluster: string;
  brokerName: string;
  /** brokerId ("0" = master) -> "ip:port" */
  brokerAddrs: Record<string, string>;
}

export interface TopicRouteView {
  topic: string;
  orderTopicConf?: string;
  queueDatas: QueueDataView[];
  brokerDatas: BrokerDataView[];
}

export interface TopicQueueStatus {
  brokerName: string;
  queueId: number;
  minOffset: number;
  maxOffset: number;
  /** Store time of the last message, 0 when the queue is empty. */
  lastUpdateTimestamp: number;
}

export interface TopicStatusResponse {
  topic: string;
  queues: TopicQueueStatus[];
}

export interface TopicConsumerRow {
  group: string;
  /** The group's backlog on this topic; undefined with `error`. */
  diffTotal?: number;
  consumeTps?: number;
  error?: string;
}

export interface TopicConsumersResponse {
  topic: string;
  groups: TopicConsumerRow[];
}

/** POST /api/topics/:topic/send. */
export interface SendRequest {
  body: string;
  tags?: string;
  /** Space-separated keys. */
  keys?: string;
}

export interface MessageQueueView {
  topic: string;
  brokerName: string;
  queueId: number;
}

export interface SendResultView {
  sendStatus: string;
  msgId: string;
  offsetMsgId: string;
  messageQueue: MessageQueueView;
  queueOffset: number;
  regionId: string;
}

/** timestamp: ms since the epoch, or -1 for "now" (the latest offset). force default true. */
export interface TopicResetOffsetRequest {
  group: string;
  timestamp: number;
  force?: boolean;
}

export interface GroupResetOffsetRequest {
  topic: string;
  timestamp: number;
  force?: boolean;
}

export interface QueueOffsetView {
  brokerName: string;
  queueId: number;
  offset: number;
}

export interface RollbackRow {
  brokerName: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
  timestampOffset: number;
  rollbackOffset: number;
}

/** online: the brokers told the group's consumers (offsets = new positions); offline: the offsets were written. */
export interface ResetOffsetResponse {
  mode: 'online' | 'offline';
  offsets: QueueOffsetView[];
  /** offline only: per queue what it was and what it is now. */
  rollback?: RollbackRow[];
}

// ---------------------------------------------------------------------------------------------- consumers

export interface ConsumerRow {
  group: string;
  /** Online clients (0 = offline). */
  clients: number;
  /** Backlog over every topic of the group; 0 with no offsets yet. */
  diffTotal: number;
  consumeTps: number;
  consumeType?: string;
  messageModel?: string;
  /** Lowest client version ordinal, e.g. "V4_9_8"; '' offline. */
  version: string;
  /** Why a figure could not be read (the figure is then 0). */
  error?: string;
}

export type ConsumerListResponse = Page<ConsumerRow>;

export interface ProgressRowView {
  topic: string;
  brokerName: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
  /** brokerOffset - consumerOffset */
  diff: number;
  /** Store time of the last consumed message, 0 when none. */
  lastTimestamp: number;
  /** IP of the client holding the queue, when one does. */
  clientIP?: string;
}

export interface ConsumerProgressResponse {
  group: string;
  consumeTps: number;
  diffTotal: number;
  rows: ProgressRowView[];
}

export interface ConnectionView {
  clientId: string;
  clientAddr: string;
  language: string;
  /** Version ordinal and its name, e.g. 397 / "V4_9_8". */
  version: number;
  versionText: string;
}

export interface SubscriptionView {
  topic: string;
  subString: string;
  tags: string[];
  expressionType: string;
  subVersion: number;
}

export interface ConsumerConnectionView {
  group: string;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
  connections: ConnectionView[];
  subscriptions: SubscriptionView[];
}

/** POST /api/consumers: give clusterName (every master) or brokerAddr. Unset fields take mqadmin's defaults. */
export interface ConsumerUpsert {
  groupName: string;
  clusterName?: string;
  brokerAddr?: string;
  consumeEnable?: boolean;
  consumeFromMinEnable?: boolean;
  consumeBroadcastEnable?: boolean;
  retryQueueNums?: number;
  retryMaxTimes?: number;
  brokerId?: number;
  whichBrokerWhenConsumeSlowly?: number;
}

export interface SubscriptionGroupView {
  groupName: string;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeBroadcastEnable: boolean;
  retryQueueNums: number;
  retryMaxTimes: number;
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  notifyConsumerIdsChangedEnable: boolean;
}

export interface ConsumerConfigResponse {
  group: string;
  /** One entry per master broker: its subscription group config, none when it has no such group, or why not. */
  brokers: Array<{ addr: string; brokerName: string; config?: SubscriptionGroupView; error?: string }>;
}

export interface ConsumerUpsertResponse {
  config: SubscriptionGroupView;
  /** One entry per broker; `error` when that broker refused. */
  results: Array<{ addr: string; error?: string }>;
}

export interface ConsumerDeleteResponse {
  brokerAddrs: string[];
  /** With a cluster: the group's %RETRY% and %DLQ% topics, deleted or why not. */
  topics: Array<{ topic: string; error?: string }>;
}

// ---------------------------------------------------------------------------------------------- producers

export interface ProducerConnectionView {
  group: string;
  topic: string;
  connections: ConnectionView[];
}

// ---------------------------------------------------------------------------------------------- messages

export interface MessageSummary {
  topic: string;
  /** Client message id (UNIQ_KEY), or the offset id when the message has none. */
  msgId: string;
  offsetMsgId: string;
  tags?: string;
  keys: string[];
  brokerName: string;
  queueId: number;
  queueOffset: number;
  storeTimestamp: number;
  bornTimestamp: number;
  bodySize: number;
}

export interface MessageListResponse {
  items: MessageSummary[];
  /** True when more messages matched than the limit let through. */
  truncated: boolean;
}

export type TrackType = 'CONSUMED' | 'CONSUMED_BUT_FILTERED' | 'PULL' | 'NOT_CONSUME_YET' | 'NOT_ONLINE' | 'UNKNOWN';

export interface MessageTrackView {
  consumerGroup: string;
  trackType: TrackType;
  exceptionDesc?: string;
}

export interface MessageDetail extends MessageSummary {
  properties: Record<string, string>;
  /** The body as stored (inflated if it was compressed), base64. */
  bodyBase64: string;
  /** The body as UTF-8 text when it is valid UTF-8, else undefined (show hex from bodyBase64). */
  bodyText?: string;
  bornHost: string;
  storeHost: string;
  reconsumeTimes: number;
  sysFlag: number;
  bodyCRC: number;
  storeSize: number;
  commitLogOffset: number;
  /** Per consuming group: has it consumed this message; undefined with trackError. */
  tracks?: MessageTrackView[];
  trackError?: string;
}

/** POST /api/messages/resend: without clientId, every online client of the group is asked. */
export interface ResendRequest {
  topic: string;
  msgId: string;
  group: string;
  clientId?: string;
}

export interface DlqResendRequest {
  msgId: string;
  clientId?: string;
}

export interface ResendResult {
  clientId: string;
  /** CR_SUCCESS, CR_LATER, CR_RETURN_NULL, CR_THROW_EXCEPTION, ... undefined with `error`. */
  consumeResult?: string;
  remark?: string;
  spentTimeMills?: number;
  error?: string;
}

export interface ResendResponse {
  results: ResendResult[];
}
