// Codecs for the JSON bodies of spec/remoting-protocol.md §6.2 (types in body-types.ts).
// Encoders write what Java's fastjson writes (alphabetical fields, unquoted Long keys, object keys for
// MessageQueue maps); decoders accept what Java, ali-ons and other clients send, coercing scalars as
// fastjson does, filling Java's defaults for absent fields and naming the field when something is wrong.
import zlib from 'node:zlib';
import { ProtocolError } from '../common/errors.js';
import type {
  BrokerData,
  ClusterInfo,
  Connection,
  ConsumeFromWhere,
  ConsumeStats,
  ConsumeType,
  ConsumerConnection,
  ConsumerData,
  ConsumerOffsetSerializeWrapper,
  DataVersion,
  DelayOffsetSerializeWrapper,
  GetConsumerListByGroupResponseBody,
  GroupList,
  HeartbeatData,
  KVTable,
  LockBatchRequestBody,
  LockBatchResponseBody,
  MessageModel,
  MessageQueue,
  OffsetWrapper,
  ProducerConnection,
  ProducerData,
  QueueData,
  RegisterBrokerBody,
  ResetOffsetBody,
  SubscriptionData,
  SubscriptionGroupConfig,
  SubscriptionGroupWrapper,
  TopicConfig,
  TopicConfigSerializeWrapper,
  TopicFilterType,
  TopicList,
  TopicOffset,
  TopicRouteData,
  TopicStatsTable,
  UnlockBatchRequestBody,
} from './body-types.js';
import {
  JsonDouble,
  JsonObject,
  asArray,
  asBoolean,
  asDouble,
  asEnum,
  asInt,
  asLong,
  asObject,
  asString,
  parseFastjson,
  stringifyFastjson,
  type FastjsonStringifyOptions,
  type JsonBean,
  type JsonInput,
  type JsonValue,
} from './fastjson.js';

export interface PrettyOption {
  /** fastjson PrettyFormat (tabs), as the broker writes its config/*.json files. */
  pretty?: boolean;
}

/** A compressed RegisterBrokerBody may not inflate to more than this. */
export const MAX_INFLATED_REGISTER_BODY = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------- helpers

type Input = Buffer | string;

function parseRoot(input: Input, what: string): JsonObject {
  return asObject(parseFastjson(input, { what }), what);
}

function write(value: JsonInput, options?: FastjsonStringifyOptions): Buffer {
  return Buffer.from(stringifyFastjson(value, options), 'utf8');
}

function absent(v: JsonValue | undefined): v is undefined | null {
  return v === undefined || v === null;
}

function optString(o: JsonObject, name: string, where: string): string | undefined {
  const v = o.get(name);
  return absent(v) ? undefined : asString(v, `${where}.${name}`);
}

function strOr(o: JsonObject, name: string, where: string, dflt: string): string {
  const v = o.get(name);
  return absent(v) ? dflt : asString(v, `${where}.${name}`);
}

function intOr(o: JsonObject, name: string, where: string, dflt: number): number {
  const v = o.get(name);
  return absent(v) ? dflt : asInt(v, `${where}.${name}`);
}

function longOr(o: JsonObject, name: string, where: string, dflt: number): number {
  const v = o.get(name);
  return absent(v) ? dflt : asLong(v, `${where}.${name}`);
}

function boolOr(o: JsonObject, name: string, where: string, dflt: boolean): boolean {
  const v = o.get(name);
  return absent(v) ? dflt : asBoolean(v, `${where}.${name}`);
}

function enumOr<T extends string>(o: JsonObject, name: string, names: readonly T[], where: string, dflt: T): T {
  const v = o.get(name);
  return absent(v) ? dflt : asEnum(v, names, `${where}.${name}`);
}

/** A List/Set field; absent means empty (Java initialises these collections). */
function listOr<T>(o: JsonObject, name: string, where: string, read: (v: JsonValue, where: string) => T): T[] {
  const v = o.get(name);
  if (absent(v)) return [];
  const items = asArray(v, `${where}.${name}`);
  const out = new Array<T>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = read(items[i]!, `${where}.${name}[${i}]`);
  return out;
}

function objectOr(o: JsonObject, name: string, where: string): JsonObject {
  const v = o.get(name);
  return absent(v) ? new JsonObject() : asObject(v, `${where}.${name}`);
}

function stringKey(k: JsonValue, where: string): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'number') return String(k);
  throw new ProtocolError(`${where}: map key must be a string, got ${k instanceof JsonObject ? 'an object' : JSON.stringify(k)}`);
}

function numberKey(k: JsonValue, where: string): number {
  if (typeof k === 'number' && Number.isInteger(k)) return k;
  if (typeof k === 'string' && /^-?\d+$/.test(k.trim())) return Number(k);
  throw new ProtocolError(`${where}: map key must be an integer, got ${k instanceof JsonObject ? 'an object' : JSON.stringify(k)}`);
}

/** A map whose keys are Java Strings. */
function stringMap<T>(obj: JsonObject, where: string, read: (v: JsonValue, where: string, key: string) => T): Map<string, T> {
  const out = new Map<string, T>();
  for (const [k, v] of obj.entries) {
    const key = stringKey(k, where);
    out.set(key, read(v, `${where}[${JSON.stringify(key)}]`, key));
  }
  return out;
}

/** A map whose keys are Java Longs/Integers, written bare (`{0:...}`) or quoted (`{"0":...}`). */
function numberMap<T>(obj: JsonObject, where: string, read: (v: JsonValue, where: string) => T): Map<number, T> {
  const out = new Map<number, T>();
  for (const [k, v] of obj.entries) {
    const key = numberKey(k, where);
    out.set(key, read(v, `${where}[${key}]`));
  }
  return out;
}

/** A map keyed by MessageQueue: object-literal keys (`{{"brokerName":..}:..}`), or such JSON in a string. */
function queueMap<T>(obj: JsonObject, where: string, read: (v: JsonValue, where: string) => T): Array<[MessageQueue, T]> {
  const out: Array<[MessageQueue, T]> = [];
  obj.entries.forEach(([k, v], i) => {
    const keyWhere = `${where} key #${i}`;
    const keyObj = typeof k === 'string' && k.startsWith('{') ? parseFastjson(k, { what: keyWhere }) : k;
    const mq = decodeMessageQueueValue(keyObj, keyWhere);
    out.push([mq, read(v, `${where}[${mq.topic}/${mq.brokerName}/${mq.queueId}]`)]);
  });
  return out;
}

function mapValues<K, V>(m: ReadonlyMap<K, V>, f: (v: V) => JsonInput): Map<K, JsonInput> {
  const out = new Map<K, JsonInput>();
  for (const [k, v] of m) out.set(k, f(v));
  return out;
}

export function queuePairs<V>(pairs: ReadonlyArray<readonly [MessageQueue, V]>, f: (v: V) => JsonInput): Map<JsonInput, JsonInput> {
  const out = new Map<JsonInput, JsonInput>();
  for (const [mq, v] of pairs) out.set(messageQueueBean(mq), f(v));
  return out;
}

const str = (v: JsonValue, where: string): string => asString(v, where);
const int = (v: JsonValue, where: string): number => asInt(v, where);
const long = (v: JsonValue, where: string): number => asLong(v, where);

// ---------------------------------------------------------------------------------------------- shared parts

const TOPIC_FILTER_TYPES: readonly TopicFilterType[] = ['SINGLE_TAG', 'MULTI_TAG'];
const CONSUME_TYPES: readonly ConsumeType[] = ['CONSUME_ACTIVELY', 'CONSUME_PASSIVELY'];
const MESSAGE_MODELS: readonly MessageModel[] = ['BROADCASTING', 'CLUSTERING'];
// Java enum order matters: fastjson also accepts ordinals.
const CONSUME_FROM_WHERE: readonly ConsumeFromWhere[] = [
  'CONSUME_FROM_LAST_OFFSET',
  'CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST',
  'CONSUME_FROM_MIN_OFFSET',
  'CONSUME_FROM_MAX_OFFSET',
  'CONSUME_FROM_FIRST_OFFSET',
  'CONSUME_FROM_TIMESTAMP',
];
const LANGUAGE_CODES = ['JAVA', 'CPP', 'DOTNET', 'PYTHON', 'DELPHI', 'ERLANG', 'RUBY', 'OTHER', 'HTTP', 'GO', 'PHP', 'OMS', 'RUST'];

export function messageQueueBean(mq: MessageQueue): JsonBean {
  return { brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic };
}

export function decodeMessageQueueValue(v: JsonValue, where: string): MessageQueue {
  const o = asObject(v, where);
  return {
    topic: asString(o.get('topic'), `${where}.topic`),
    brokerName: asString(o.get('brokerName'), `${where}.brokerName`),
    queueId: asInt(o.get('queueId'), `${where}.queueId`),
  };
}

function dataVersionBean(dv: DataVersion): JsonBean {
  return { counter: dv.counter, timestamp: dv.timestamp };
}

function decodeDataVersionValue(v: JsonValue | undefined, where: string): DataVersion {
  const o = asObject(v, where);
  return {
    timestamp: asLong(o.get('timestamp'), `${where}.timestamp`),
    counter: longOr(o, 'counter', where, 0),
  };
}

function brokerDataBean(bd: BrokerData): JsonBean {
  return { brokerAddrs: bd.brokerAddrs, brokerName: bd.brokerName, cluster: bd.cluster };
}

function decodeBrokerDataValue(v: JsonValue, where: string): BrokerData {
  const o = asObject(v, where);
  return {
    cluster: asString(o.get('cluster'), `${where}.cluster`),
    brokerName: asString(o.get('brokerName'), `${where}.brokerName`),
    brokerAddrs: numberMap(objectOr(o, 'brokerAddrs', where), `${where}.brokerAddrs`, str),
  };
}

/** SubscriptionData as fastjson writes it; also used inside ConsumerRunningInfo by the client. */
export function subscriptionDataBean(sd: SubscriptionData): JsonBean {
  // filterClassSource is @JSONField(serialize = false) in Java.
  return {
    classFilterMode: sd.classFilterMode,
    codeSet: sd.codeSet,
    expressionType: sd.expressionType,
    subString: sd.subString,
    subVersion: sd.subVersion,
    tagsSet: sd.tagsSet,
    topic: sd.topic,
  };
}

function decodeSubscriptionDataValue(v: JsonValue, where: string): SubscriptionData {
  const o = asObject(v, where);
  const sd: SubscriptionData = {
    classFilterMode: boolOr(o, 'classFilterMode', where, false),
    topic: asString(o.get('topic'), `${where}.topic`),
    subString: asString(o.get('subString'), `${where}.subString`),
    tagsSet: listOr(o, 'tagsSet', where, str),
    codeSet: listOr(o, 'codeSet', where, int),
    subVersion: longOr(o, 'subVersion', where, 0),
    expressionType: strOr(o, 'expressionType', where, 'TAG'),
  };
  const source = optString(o, 'filterClassSource', where);
  if (source !== undefined) sd.filterClassSource = source;
  return sd;
}

function connectionBean(c: Connection): JsonBean {
  return { clientAddr: c.clientAddr, clientId: c.clientId, language: c.language, version: c.version };
}

function decodeConnectionValue(v: JsonValue, where: string): Connection {
  const o = asObject(v, where);
  const lang = o.get('language');
  return {
    clientId: asString(o.get('clientId'), `${where}.clientId`),
    clientAddr: asString(o.get('clientAddr'), `${where}.clientAddr`),
    language: typeof lang === 'number' ? asEnum(lang, LANGUAGE_CODES, `${where}.language`) : strOr(o, 'language', where, 'OTHER'),
    version: intOr(o, 'version', where, 0),
  };
}

// ---------------------------------------------------------------------------------------------- route data

export interface TopicRouteEncodeOptions {
  /** Quoted numeric keys (`{"0":...}`), as 4.9.5+ namesrvs answer clients with version >= V4_9_4. */
  standardJson: boolean;
}

function queueDataBean(qd: QueueData): JsonBean {
  return {
    brokerName: qd.brokerName,
    perm: qd.perm,
    readQueueNums: qd.readQueueNums,
    topicSysFlag: qd.topicSysFlag,
    writeQueueNums: qd.writeQueueNums,
  };
}

function decodeQueueDataValue(v: JsonValue, where: string): QueueData {
  const o = asObject(v, where);
  return {
    brokerName: asString(o.get('brokerName'), `${where}.brokerName`),
    readQueueNums: asInt(o.get('readQueueNums'), `${where}.readQueueNums`),
    writeQueueNums: asInt(o.get('writeQueueNums'), `${where}.writeQueueNums`),
    perm: asInt(o.get('perm'), `${where}.perm`),
    // Older RocketMQ versions spelled it topicSynFlag.
    topicSysFlag: intOr(o, 'topicSysFlag', where, intOr(o, 'topicSynFlag', where, 0)),
  };
}

export function encodeTopicRouteData(
  route: TopicRouteData,
  opts: TopicRouteEncodeOptions = { standardJson: false },
): Buffer {
  const bean: JsonBean = {
    brokerDatas: route.brokerDatas.map(brokerDataBean),
    filterServerTable: new Map(Object.entries(route.filterServerTable)),
    orderTopicConf: route.orderTopicConf,
    queueDatas: route.queueDatas.map(queueDataBean),
  };
  // 4.9.8 namesrv: BrowserCompatible + MapSortField for the standard form.
  return write(bean, opts.standardJson ? { browserCompatible: true, sortMapKeys: true } : undefined);
}

export function decodeTopicRouteData(input: Input): TopicRouteData {
  const w = 'TopicRouteData';
  const o = parseRoot(input, w);
  const filterServerTable: Record<string, string[]> = {};
  for (const [addr, servers] of stringMap(objectOr(o, 'filterServerTable', w), `${w}.filterServerTable`, (v, where) =>
    asArray(v, where).map((s, i) => asString(s, `${where}[${i}]`)),
  )) {
    filterServerTable[addr] = servers;
  }
  const route: TopicRouteData = {
    queueDatas: listOr(o, 'queueDatas', w, decodeQueueDataValue),
    brokerDatas: listOr(o, 'brokerDatas', w, decodeBrokerDataValue),
    filterServerTable,
  };
  if (absent(o.get('queueDatas'))) throw new ProtocolError(`${w}.queueDatas is missing`);
  if (absent(o.get('brokerDatas'))) throw new ProtocolError(`${w}.brokerDatas is missing`);
  const orderTopicConf = optString(o, 'orderTopicConf', w);
  if (orderTopicConf !== undefined) route.orderTopicConf = orderTopicConf;
  return route;
}

// ---------------------------------------------------------------------------------------------- namesrv bodies

export function encodeClusterInfo(info: ClusterInfo): Buffer {
  return write({
    brokerAddrTable: mapValues(info.brokerAddrTable, brokerDataBean),
    clusterAddrTable: info.clusterAddrTable,
  });
}

export function decodeClusterInfo(input: Input): ClusterInfo {
  const w = 'ClusterInfo';
  const o = parseRoot(input, w);
  return {
    brokerAddrTable: stringMap(objectOr(o, 'brokerAddrTable', w), `${w}.brokerAddrTable`, decodeBrokerDataValue),
    clusterAddrTable: stringMap(objectOr(o, 'clusterAddrTable', w), `${w}.clusterAddrTable`, (v, where) =>
      asArray(v, where).map((s, i) => asString(s, `${where}[${i}]`)),
    ),
  };
}

export function encodeTopicList(list: TopicList): Buffer {
  return write({ brokerAddr: list.brokerAddr, topicList: list.topicList });
}

export function decodeTopicList(input: Input): TopicList {
  const w = 'TopicList';
  const o = parseRoot(input, w);
  const list: TopicList = { topicList: listOr(o, 'topicList', w, str) };
  const brokerAddr = optString(o, 'brokerAddr', w);
  if (brokerAddr !== undefined) list.brokerAddr = brokerAddr;
  return list;
}

export function encodeKVTable(kv: KVTable): Buffer {
  return write({ table: new Map(Object.entries(kv.table)) });
}

export function decodeKVTable(input: Input): KVTable {
  const w = 'KVTable';
  const o = parseRoot(input, w);
  const table: Record<string, string> = {};
  for (const [k, v] of stringMap(objectOr(o, 'table', w), `${w}.table`, str)) table[k] = v;
  return { table };
}

export function encodeDataVersion(dv: DataVersion): Buffer {
  return write(dataVersionBean(dv));
}

export function decodeDataVersion(input: Input): DataVersion {
  const w = 'DataVersion';
  return decodeDataVersionValue(parseRoot(input, w), w);
}

// ---------------------------------------------------------------------------------------------- topic configs

function topicConfigBean(tc: TopicConfig): JsonBean {
  return {
    order: tc.order,
    perm: tc.perm,
    readQueueNums: tc.readQueueNums,
    topicFilterType: tc.topicFilterType,
    topicName: tc.topicName,
    topicSysFlag: tc.topicSysFlag,
    writeQueueNums: tc.writeQueueNums,
  };
}

/** Java TopicConfig defaults fill absent fields; a missing topicName falls back to the map key. */
function decodeTopicConfigValue(v: JsonValue, where: string, key: string): TopicConfig {
  const o = asObject(v, where);
  return {
    topicName: strOr(o, 'topicName', where, key),
    readQueueNums: intOr(o, 'readQueueNums', where, 16),
    writeQueueNums: intOr(o, 'writeQueueNums', where, 16),
    perm: intOr(o, 'perm', where, 6),
    topicFilterType: enumOr(o, 'topicFilterType', TOPIC_FILTER_TYPES, where, 'SINGLE_TAG'),
    topicSysFlag: intOr(o, 'topicSysFlag', where, 0),
    order: boolOr(o, 'order', where, false),
  };
}

function topicConfigWrapperBean(w: TopicConfigSerializeWrapper): JsonBean {
  return {
    dataVersion: dataVersionBean(w.dataVersion),
    topicConfigTable: mapValues(w.topicConfigTable, topicConfigBean),
  };
}

function decodeTopicConfigWrapperValue(v: JsonValue | undefined, where: string): TopicConfigSerializeWrapper {
  const o = asObject(v, where);
  return {
    topicConfigTable: stringMap(objectOr(o, 'topicConfigTable', where), `${where}.topicConfigTable`, decodeTopicConfigValue),
    dataVersion: decodeDataVersionValue(o.get('dataVersion'), `${where}.dataVersion`),
  };
}

export function encodeTopicConfigSerializeWrapper(wrapper: TopicConfigSerializeWrapper, opts: PrettyOption = {}): Buffer {
  return write(topicConfigWrapperBean(wrapper), { pretty: opts.pretty });
}

export function decodeTopicConfigSerializeWrapper(input: Input): TopicConfigSerializeWrapper {
  const w = 'TopicConfigSerializeWrapper';
  return decodeTopicConfigWrapperValue(parseRoot(input, w), w);
}

// ---------------------------------------------------------------------------------------------- REGISTER_BROKER

/** The JSON body, or with `compressed` the zlib form RocketMQ sends when compressedRegister=true. */
export function encodeRegisterBrokerBody(body: RegisterBrokerBody, compressed: boolean): Buffer {
  if (!compressed) {
    return write({
      filterServerList: body.filterServerList,
      topicConfigSerializeWrapper: topicConfigWrapperBean(body.topicConfigSerializeWrapper),
    });
  }
  const parts: Buffer[] = [];
  const pushBlock = (bytes: Buffer): void => {
    parts.push(int32(bytes.length), bytes);
  };
  pushBlock(encodeDataVersion(body.topicConfigSerializeWrapper.dataVersion));
  const table = body.topicConfigSerializeWrapper.topicConfigTable;
  parts.push(int32(table.size));
  for (const tc of table.values()) {
    // TopicConfig.encode(): "name read write perm filterType"; topicSysFlag and order are not carried.
    pushBlock(Buffer.from(`${tc.topicName} ${tc.readQueueNums} ${tc.writeQueueNums} ${tc.perm} ${tc.topicFilterType}`, 'utf8'));
  }
  pushBlock(Buffer.from(JSON.stringify(body.filterServerList), 'utf8'));
  return zlib.deflateSync(Buffer.concat(parts), { level: zlib.constants.Z_BEST_COMPRESSION });
}

function int32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n, 0);
  return b;
}

export function decodeRegisterBrokerBody(input: Input, compressed: boolean): RegisterBrokerBody {
  const w = 'RegisterBrokerBody';
  if (!compressed) {
    const o = parseRoot(input, w);
    return {
      topicConfigSerializeWrapper: decodeTopicConfigWrapperValue(o.get('topicConfigSerializeWrapper'), `${w}.topicConfigSerializeWrapper`),
      filterServerList: listOr(o, 'filterServerList', w, str),
    };
  }
  if (typeof input === 'string') throw new ProtocolError(`${w}: a compressed body must be bytes, not text`);
  return decodeCompressedRegisterBody(input, w);
}

function decodeCompressedRegisterBody(input: Buffer, w: string): RegisterBrokerBody {
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(input, { maxOutputLength: MAX_INFLATED_REGISTER_BODY });
  } catch (err) {
    throw new ProtocolError(`${w}: compressed body does not inflate: ${(err as Error).message}`);
  }
  const reader = new BlockReader(raw, w);
  const dataVersion = decodeDataVersion(reader.block('dataVersion'));
  const count = reader.int('topic count');
  if (count < 0 || count > reader.remaining() / 4) throw new ProtocolError(`${w}: topic count ${count} is impossible for the body size`);
  const topicConfigTable = new Map<string, TopicConfig>();
  for (let i = 0; i < count; i++) {
    const tc = decodeTopicConfigText(reader.block(`topic #${i}`).toString('utf8'), `${w} topic #${i}`);
    topicConfigTable.set(tc.topicName, tc);
  }
  const filterJson = parseFastjson(reader.block('filterServerList'), { what: `${w}.filterServerList` });
  const filterServerList = asArray(filterJson, `${w}.filterServerList`).map((s, i) => asString(s, `${w}.filterServerList[${i}]`));
  return { topicConfigSerializeWrapper: { topicConfigTable, dataVersion }, filterServerList };
}

function decodeTopicConfigText(text: string, where: string): TopicConfig {
  const parts = text.split(' ');
  if (parts.length !== 5) throw new ProtocolError(`${where}: expected "name read write perm filterType", got ${JSON.stringify(text)}`);
  const [name, read, writeNums, perm, filterType] = parts as [string, string, string, string, string];
  return {
    topicName: name,
    readQueueNums: asInt(read, `${where}.readQueueNums`),
    writeQueueNums: asInt(writeNums, `${where}.writeQueueNums`),
    perm: asInt(perm, `${where}.perm`),
    topicFilterType: asEnum(filterType, TOPIC_FILTER_TYPES, `${where}.topicFilterType`),
    topicSysFlag: 0,
    order: false,
  };
}

/** Reads the length-prefixed blocks of the compressed RegisterBrokerBody, checking every length. */
class BlockReader {
  private pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  remaining(): number {
    return this.buf.length - this.pos;
  }

  int(name: string): number {
    if (this.remaining() < 4) throw new ProtocolError(`${this.what}: body ends before the ${name} at offset ${this.pos}`);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  block(name: string): Buffer {
    const len = this.int(`length of ${name}`);
    if (len < 0 || len > this.remaining()) {
      throw new ProtocolError(`${this.what}: ${name} length ${len} at offset ${this.pos - 4} exceeds the ${this.remaining()} bytes left`);
    }
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }
}

// ---------------------------------------------------------------------------------------------- clients

function consumerDataBean(cd: ConsumerData): JsonBean {
  return {
    consumeFromWhere: cd.consumeFromWhere,
    consumeType: cd.consumeType,
    groupName: cd.groupName,
    messageModel: cd.messageModel,
    subscriptionDataSet: cd.subscriptionDataSet.map(subscriptionDataBean),
    unitMode: cd.unitMode,
  };
}

/** Absent enums get the Java client's defaults (ali-ons leaves some out). */
function decodeConsumerDataValue(v: JsonValue, where: string): ConsumerData {
  const o = asObject(v, where);
  return {
    groupName: asString(o.get('groupName'), `${where}.groupName`),
    consumeType: enumOr(o, 'consumeType', CONSUME_TYPES, where, 'CONSUME_PASSIVELY'),
    messageModel: enumOr(o, 'messageModel', MESSAGE_MODELS, where, 'CLUSTERING'),
    consumeFromWhere: enumOr(o, 'consumeFromWhere', CONSUME_FROM_WHERE, where, 'CONSUME_FROM_LAST_OFFSET'),
    subscriptionDataSet: listOr(o, 'subscriptionDataSet', where, decodeSubscriptionDataValue),
    unitMode: boolOr(o, 'unitMode', where, false),
  };
}

function decodeProducerDataValue(v: JsonValue, where: string): ProducerData {
  const o = asObject(v, where);
  return { groupName: asString(o.get('groupName'), `${where}.groupName`) };
}

export function encodeHeartbeatData(hb: HeartbeatData): Buffer {
  return write({
    clientID: hb.clientID,
    consumerDataSet: hb.consumerDataSet.map(consumerDataBean),
    producerDataSet: hb.producerDataSet.map((p) => ({ groupName: p.groupName })),
  });
}

export function decodeHeartbeatData(input: Input): HeartbeatData {
  const w = 'HeartbeatData';
  const o = parseRoot(input, w);
  return {
    clientID: asString(o.get('clientID'), `${w}.clientID`),
    producerDataSet: listOr(o, 'producerDataSet', w, decodeProducerDataValue),
    consumerDataSet: listOr(o, 'consumerDataSet', w, decodeConsumerDataValue),
  };
}

export function encodeConsumerConnection(cc: ConsumerConnection): Buffer {
  return write({
    connectionSet: cc.connectionSet.map(connectionBean),
    consumeFromWhere: cc.consumeFromWhere,
    consumeType: cc.consumeType,
    messageModel: cc.messageModel,
    subscriptionTable: mapValues(cc.subscriptionTable, subscriptionDataBean),
  });
}

export function decodeConsumerConnection(input: Input): ConsumerConnection {
  const w = 'ConsumerConnection';
  const o = parseRoot(input, w);
  return {
    connectionSet: listOr(o, 'connectionSet', w, decodeConnectionValue),
    subscriptionTable: stringMap(objectOr(o, 'subscriptionTable', w), `${w}.subscriptionTable`, decodeSubscriptionDataValue),
    consumeType: enumOr(o, 'consumeType', CONSUME_TYPES, w, 'CONSUME_PASSIVELY'),
    messageModel: enumOr(o, 'messageModel', MESSAGE_MODELS, w, 'CLUSTERING'),
    consumeFromWhere: enumOr(o, 'consumeFromWhere', CONSUME_FROM_WHERE, w, 'CONSUME_FROM_LAST_OFFSET'),
  };
}

export function encodeProducerConnection(pc: ProducerConnection): Buffer {
  return write({ connectionSet: pc.connectionSet.map(connectionBean) });
}

export function decodeProducerConnection(input: Input): ProducerConnection {
  const w = 'ProducerConnection';
  return { connectionSet: listOr(parseRoot(input, w), 'connectionSet', w, decodeConnectionValue) };
}

// ---------------------------------------------------------------------------------------------- stats

export function offsetWrapperBean(ow: OffsetWrapper): JsonBean {
  return { brokerOffset: ow.brokerOffset, consumerOffset: ow.consumerOffset, lastTimestamp: ow.lastTimestamp };
}

function decodeOffsetWrapperValue(v: JsonValue, where: string): OffsetWrapper {
  const o = asObject(v, where);
  return {
    brokerOffset: longOr(o, 'brokerOffset', where, 0),
    consumerOffset: longOr(o, 'consumerOffset', where, 0),
    lastTimestamp: longOr(o, 'lastTimestamp', where, 0),
  };
}

export function encodeConsumeStats(stats: ConsumeStats): Buffer {
  return write({
    consumeTps: new JsonDouble(stats.consumeTps),
    offsetTable: queuePairs(stats.offsetTable, offsetWrapperBean),
  });
}

export function decodeConsumeStats(input: Input): ConsumeStats {
  const w = 'ConsumeStats';
  const o = parseRoot(input, w);
  const tps = o.get('consumeTps');
  return {
    offsetTable: queueMap(objectOr(o, 'offsetTable', w), `${w}.offsetTable`, decodeOffsetWrapperValue),
    consumeTps: absent(tps) ? 0 : asDouble(tps, `${w}.consumeTps`),
  };
}

function topicOffsetBean(t: TopicOffset): JsonBean {
  return { lastUpdateTimestamp: t.lastUpdateTimestamp, maxOffset: t.maxOffset, minOffset: t.minOffset };
}

function decodeTopicOffsetValue(v: JsonValue, where: string): TopicOffset {
  const o = asObject(v, where);
  return {
    minOffset: longOr(o, 'minOffset', where, 0),
    maxOffset: longOr(o, 'maxOffset', where, 0),
    lastUpdateTimestamp: longOr(o, 'lastUpdateTimestamp', where, 0),
  };
}

export function encodeTopicStatsTable(table: TopicStatsTable): Buffer {
  return write({ offsetTable: queuePairs(table.offsetTable, topicOffsetBean) });
}

export function decodeTopicStatsTable(input: Input): TopicStatsTable {
  const w = 'TopicStatsTable';
  return { offsetTable: queueMap(objectOr(parseRoot(input, w), 'offsetTable', w), `${w}.offsetTable`, decodeTopicOffsetValue) };
}

// ---------------------------------------------------------------------------------------------- locks

export function encodeLockBatchRequestBody(body: LockBatchRequestBody): Buffer {
  return write({ clientId: body.clientId, consumerGroup: body.consumerGroup, mqSet: body.mqSet.map(messageQueueBean) });
}

export function decodeLockBatchRequestBody(input: Input): LockBatchRequestBody {
  const w = 'LockBatchRequestBody';
  const o = parseRoot(input, w);
  return {
    consumerGroup: asString(o.get('consumerGroup'), `${w}.consumerGroup`),
    clientId: asString(o.get('clientId'), `${w}.clientId`),
    mqSet: listOr(o, 'mqSet', w, decodeMessageQueueValue),
  };
}

export function encodeUnlockBatchRequestBody(body: UnlockBatchRequestBody): Buffer {
  return write({
    clientId: body.clientId,
    consumerGroup: body.consumerGroup,
    mqSet: body.mqSet.map(messageQueueBean),
    // 4.9.8 has no such field; only 5.x clients send it, so write it only when it says something.
    onlyThisBroker: body.onlyThisBroker ? true : undefined,
  });
}

export function decodeUnlockBatchRequestBody(input: Input): UnlockBatchRequestBody {
  const w = 'UnlockBatchRequestBody';
  const o = parseRoot(input, w);
  return {
    consumerGroup: asString(o.get('consumerGroup'), `${w}.consumerGroup`),
    clientId: asString(o.get('clientId'), `${w}.clientId`),
    mqSet: listOr(o, 'mqSet', w, decodeMessageQueueValue),
    onlyThisBroker: boolOr(o, 'onlyThisBroker', w, false),
  };
}

export function encodeLockBatchResponseBody(body: LockBatchResponseBody): Buffer {
  return write({ lockOKMQSet: body.lockOKMQSet.map(messageQueueBean) });
}

export function decodeLockBatchResponseBody(input: Input): LockBatchResponseBody {
  const w = 'LockBatchResponseBody';
  return { lockOKMQSet: listOr(parseRoot(input, w), 'lockOKMQSet', w, decodeMessageQueueValue) };
}

// ---------------------------------------------------------------------------------------------- offsets

export function encodeConsumerOffsetSerializeWrapper(wrapper: ConsumerOffsetSerializeWrapper, opts: PrettyOption = {}): Buffer {
  return write({ offsetTable: wrapper.offsetTable }, { pretty: opts.pretty });
}

export function decodeConsumerOffsetSerializeWrapper(input: Input): ConsumerOffsetSerializeWrapper {
  const w = 'ConsumerOffsetSerializeWrapper';
  const table = objectOr(parseRoot(input, w), 'offsetTable', w);
  return {
    offsetTable: stringMap(table, `${w}.offsetTable`, (v, where) => numberMap(asObject(v, where), where, long)),
  };
}

export function encodeDelayOffsetSerializeWrapper(wrapper: DelayOffsetSerializeWrapper, opts: PrettyOption = {}): Buffer {
  return write({ offsetTable: wrapper.offsetTable }, { pretty: opts.pretty });
}

export function decodeDelayOffsetSerializeWrapper(input: Input): DelayOffsetSerializeWrapper {
  const w = 'DelayOffsetSerializeWrapper';
  return { offsetTable: numberMap(objectOr(parseRoot(input, w), 'offsetTable', w), `${w}.offsetTable`, long) };
}

export function encodeResetOffsetBody(body: ResetOffsetBody): Buffer {
  return write({ offsetTable: queuePairs(body.offsetTable, (offset) => offset) });
}

export function decodeResetOffsetBody(input: Input): ResetOffsetBody {
  const w = 'ResetOffsetBody';
  return { offsetTable: queueMap(objectOr(parseRoot(input, w), 'offsetTable', w), `${w}.offsetTable`, long) };
}

// ---------------------------------------------------------------------------------------------- groups

function subscriptionGroupBean(g: SubscriptionGroupConfig): JsonBean {
  return {
    brokerId: g.brokerId,
    consumeBroadcastEnable: g.consumeBroadcastEnable,
    consumeEnable: g.consumeEnable,
    consumeFromMinEnable: g.consumeFromMinEnable,
    groupName: g.groupName,
    notifyConsumerIdsChangedEnable: g.notifyConsumerIdsChangedEnable,
    retryMaxTimes: g.retryMaxTimes,
    retryQueueNums: g.retryQueueNums,
    whichBrokerWhenConsumeSlowly: g.whichBrokerWhenConsumeSlowly,
  };
}

/** Java SubscriptionGroupConfig defaults fill absent fields; `key` (the table key) stands in for groupName. */
function decodeSubscriptionGroupValue(v: JsonValue, where: string, key?: string): SubscriptionGroupConfig {
  const o = asObject(v, where);
  const name = o.get('groupName');
  return {
    groupName: absent(name) && key !== undefined ? key : asString(name, `${where}.groupName`),
    consumeEnable: boolOr(o, 'consumeEnable', where, true),
    consumeFromMinEnable: boolOr(o, 'consumeFromMinEnable', where, true),
    consumeBroadcastEnable: boolOr(o, 'consumeBroadcastEnable', where, true),
    retryQueueNums: intOr(o, 'retryQueueNums', where, 1),
    retryMaxTimes: intOr(o, 'retryMaxTimes', where, 16),
    brokerId: longOr(o, 'brokerId', where, 0),
    whichBrokerWhenConsumeSlowly: longOr(o, 'whichBrokerWhenConsumeSlowly', where, 1),
    notifyConsumerIdsChangedEnable: boolOr(o, 'notifyConsumerIdsChangedEnable', where, true),
  };
}

export function encodeSubscriptionGroupConfig(config: SubscriptionGroupConfig): Buffer {
  return write(subscriptionGroupBean(config));
}

export function decodeSubscriptionGroupConfig(input: Input): SubscriptionGroupConfig {
  const w = 'SubscriptionGroupConfig';
  return decodeSubscriptionGroupValue(parseRoot(input, w), w);
}

export function encodeSubscriptionGroupWrapper(wrapper: SubscriptionGroupWrapper, opts: PrettyOption = {}): Buffer {
  return write(
    {
      dataVersion: dataVersionBean(wrapper.dataVersion),
      subscriptionGroupTable: mapValues(wrapper.subscriptionGroupTable, subscriptionGroupBean),
    },
    { pretty: opts.pretty },
  );
}

export function decodeSubscriptionGroupWrapper(input: Input): SubscriptionGroupWrapper {
  const w = 'SubscriptionGroupWrapper';
  const o = parseRoot(input, w);
  return {
    subscriptionGroupTable: stringMap(objectOr(o, 'subscriptionGroupTable', w), `${w}.subscriptionGroupTable`, decodeSubscriptionGroupValue),
    dataVersion: decodeDataVersionValue(o.get('dataVersion'), `${w}.dataVersion`),
  };
}

export function encodeGroupList(list: GroupList): Buffer {
  return write({ groupList: list.groupList });
}

export function decodeGroupList(input: Input): GroupList {
  const w = 'GroupList';
  return { groupList: listOr(parseRoot(input, w), 'groupList', w, str) };
}

export function encodeGetConsumerListByGroupResponseBody(body: GetConsumerListByGroupResponseBody): Buffer {
  return write({ consumerIdList: body.consumerIdList });
}

export function decodeGetConsumerListByGroupResponseBody(input: Input): GetConsumerListByGroupResponseBody {
  const w = 'GetConsumerListByGroupResponseBody';
  return { consumerIdList: listOr(parseRoot(input, w), 'consumerIdList', w, str) };
}
