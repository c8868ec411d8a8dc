// Typed shapes of the JSON bodies (spec/remoting-protocol.md §6.2). Codecs live in bodies.ts.
// Integer-keyed maps are JS Maps so that the fastjson emitter can write `{0:"addr"}`; MessageQueue-keyed
// maps are arrays of [MessageQueue, value] pairs because JS has no value-keyed map.

export interface DataVersion {
  timestamp: number;
  counter: number;
}

export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

export interface BrokerData {
  cluster: string;
  brokerName: string;
  /** brokerId (0 = master) -> "ip:port" */
  brokerAddrs: Map<number, string>;
}

export interface TopicRouteData {
  orderTopicConf?: string;
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  filterServerTable: Record<string, string[]>;
}

export interface ClusterInfo {
  brokerAddrTable: Map<string, BrokerData>;
  clusterAddrTable: Map<string, string[]>;
}

export interface TopicList {
  topicList: string[];
  brokerAddr?: string;
}

export interface KVTable {
  table: Record<string, string>;
}

export type TopicFilterType = 'SINGLE_TAG' | 'MULTI_TAG';

export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: TopicFilterType;
  topicSysFlag: number;
  order: boolean;
}

export interface TopicConfigSerializeWrapper {
  topicConfigTable: Map<string, TopicConfig>;
  dataVersion: DataVersion;
}

export interface RegisterBrokerBody {
  topicConfigSerializeWrapper: TopicConfigSerializeWrapper;
  filterServerList: string[];
}

export type ConsumeType = 'CONSUME_ACTIVELY' | 'CONSUME_PASSIVELY';
export type MessageModel = 'BROADCASTING' | 'CLUSTERING';
export type ConsumeFromWhere =
  | 'CONSUME_FROM_LAST_OFFSET'
  | 'CONSUME_FROM_FIRST_OFFSET'
  | 'CONSUME_FROM_TIMESTAMP'
  | 'CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST'
  | 'CONSUME_FROM_MIN_OFFSET'
  | 'CONSUME_FROM_MAX_OFFSET';

export interface SubscriptionData {
  classFilterMode: boolean;
  topic: string;
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  subVersion: number;
  expressionType: string;
  filterClassSource?: string;
}

export interface ConsumerData {
  groupName: string;
  consumeType: ConsumeType;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  subscriptionDataSet: SubscriptionData[];
  unitMode: boolean;
}

export interface ProducerData {
  groupName: string;
}

export interface HeartbeatData {
  clientID: string;
  producerDataSet: ProducerData[];
  consumerDataSet: ConsumerData[];
}

export interface MessageQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

export interface Connection {
  clientId: string;
  clientAddr: string;
  language: string;
  version: number;
}

export interface ConsumerConnection {
  connectionSet: Connection[];
  subscriptionTable: Map<string, SubscriptionData>;
  consumeType: ConsumeType;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
}

export interface ProducerConnection {
  connectionSet: Connection[];
}

export interface OffsetWrapper {
  brokerOffset: number;
  consumerOffset: number;
  lastTimestamp: number;
}

export interface ConsumeStats {
  offsetTable: Array<[MessageQueue, OffsetWrapper]>;
  consumeTps: number;
}

export interface TopicOffset {
  minOffset: number;
  maxOffset: number;
  lastUpdateTimestamp: number;
}

export interface TopicStatsTable {
  offsetTable: Array<[MessageQueue, TopicOffset]>;
}

export interface LockBatchRequestBody {
  consumerGroup: string;
  clientId: string;
  mqSet: MessageQueue[];
}

export interface UnlockBatchRequestBody extends LockBatchRequestBody {
  onlyThisBroker: boolean;
}

export interface LockBatchResponseBody {
  lockOKMQSet: MessageQueue[];
}

export interface ConsumerOffsetSerializeWrapper {
  /** "topic@group" -> queueId -> offset */
  offsetTable: Map<string, Map<number, number>>;
}

export interface DelayOffsetSerializeWrapper {
  /** delay level -> offset in SCHEDULE_TOPIC_XXXX queue (level - 1) */
  offsetTable: Map<number, number>;
}

export interface SubscriptionGroupConfig {
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

export interface SubscriptionGroupWrapper {
  subscriptionGroupTable: Map<string, SubscriptionGroupConfig>;
  dataVersion: DataVersion;
}

export interface GroupList {
  groupList: string[];
}

export interface GetConsumerListByGroupResponseBody {
  consumerIdList: string[];
}

export interface ResetOffsetBody {
  offsetTable: Array<[MessageQueue, number]>;
}
