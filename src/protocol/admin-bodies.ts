// JSON bodies of the admin requests that bodies.ts does not cover (spec/remoting-protocol.md §4.4, §6):
// ConsumeStatsList (GET_BROKER_CONSUME_STATS), BrokerStatsData (VIEW_BROKER_STATS_DATA), QueryConsumeTimeSpanBody
// (QUERY_CONSUME_TIME_SPAN), GetConsumerStatusBody (INVOKE_BROKER_TO_GET_CONSUMER_STATUS), ConsumerRunningInfo
// (GET_CONSUMER_RUNNING_INFO, as the client answers it) and ConsumeMessageDirectlyResult. Shapes follow fastjson:
// alphabetical fields, MessageQueue-keyed maps written with object keys.
import { ProtocolError } from '../common/errors.js';
import type { ConsumeStats, MessageQueue, SubscriptionData } from './body-types.js';
import { decodeConsumeStats, decodeMessageQueueValue, messageQueueBean, offsetWrapperBean, queuePairs } from './bodies.js';
import {
  JsonDouble,
  JsonObject,
  asArray,
  asBoolean,
  asDouble,
  asInt,
  asLong,
  asObject,
  asString,
  parseFastjson,
  stringifyFastjson,
  type JsonBean,
  type JsonInput,
  type JsonValue,
} from './fastjson.js';

type Input = Buffer | string;

// ---------------------------------------------------------------------------------------------- types

export interface BrokerStatsItem {
  sum: number;
  tps: number;
  avgpt: number;
}

export interface BrokerStatsData {
  statsMinute: BrokerStatsItem;
  statsHour: BrokerStatsItem;
  statsDay: BrokerStatsItem;
}

export interface ConsumeStatsList {
  brokerAddr: string;
  /** One single-entry map per subscription group: group -> the ConsumeStats of each topic it consumes. */
  consumeStatsList: Array<Map<string, ConsumeStats[]>>;
  totalDiff: number;
}

export interface QueueTimeSpan {
  messageQueue: MessageQueue;
  minTimeStamp: number;
  maxTimeStamp: number;
  consumeTimeStamp: number;
  delayTime: number;
}

export interface GetConsumerStatusBody {
  messageQueueTable: Array<[MessageQueue, number]>;
  /** clientId -> queue -> the offset that client holds */
  consumerTable: Map<string, Array<[MessageQueue, number]>>;
}

export interface ProcessQueueInfo {
  commitOffset: number;
  cachedMsgMinOffset: number;
  cachedMsgMaxOffset: number;
  cachedMsgCount: number;
  cachedMsgSizeInMiB: number;
  transactionMsgMinOffset: number;
  transactionMsgMaxOffset: number;
  transactionMsgCount: number;
  locked: boolean;
  tryUnlockTimes: number;
  lastLockTimestamp: number;
  droped: boolean;
  lastPullTimestamp: number;
  lastConsumeTimestamp: number;
}

export interface ConsumeStatus {
  pullRT: number;
  pullTPS: number;
  consumeRT: number;
  consumeOKTPS: number;
  consumeFailedTPS: number;
  consumeFailedMsgs: number;
}

export interface ConsumerRunningInfo {
  /** In the order the client wrote them. */
  properties: Map<string, string>;
  subscriptionSet: SubscriptionData[];
  mqTable: Array<[MessageQueue, ProcessQueueInfo]>;
  statusTable: Map<string, ConsumeStatus>;
  jstack?: string;
}

export interface ConsumeMessageDirectlyResult {
  order: boolean;
  autoCommit: boolean;
  /** CR_SUCCESS, CR_LATER, CR_ROLLBACK, CR_COMMIT, CR_THROW_EXCEPTION, CR_RETURN_NULL */
  consumeResult: string;
  remark: string;
  spentTimeMills: number;
}

// ---------------------------------------------------------------------------------------------- helpers

function root(input: Input, what: string): JsonObject {
  return asObject(parseFastjson(input, { what }), what);
}

function write(value: JsonInput): Buffer {
  return Buffer.from(stringifyFastjson(value), 'utf8');
}

function absent(v: JsonValue | undefined): v is undefined | null {
  return v === undefined || v === null;
}

function num(o: JsonObject, name: string, where: string, dflt = 0): number {
  const v = o.get(name);
  return absent(v) ? dflt : asLong(v, `${where}.${name}`);
}

function dbl(o: JsonObject, name: string, where: string): number {
  const v = o.get(name);
  return absent(v) ? 0 : asDouble(v, `${where}.${name}`);
}

function bool(o: JsonObject, name: string, where: string, dflt = false): boolean {
  const v = o.get(name);
  return absent(v) ? dflt : asBoolean(v, `${where}.${name}`);
}

function obj(o: JsonObject, name: string, where: string): JsonObject {
  const v = o.get(name);
  return absent(v) ? new JsonObject() : asObject(v, `${where}.${name}`);
}

function list(o: JsonObject, name: string, where: string): JsonValue[] {
  const v = o.get(name);
  return absent(v) ? [] : asArray(v, `${where}.${name}`);
}

function keyText(k: JsonValue, where: string): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'number') return String(k);
  throw new ProtocolError(`${where}: map key must be a string`);
}

/** A MessageQueue-keyed map: object-literal keys, or such JSON inside a string key. */
function queueMap<T>(o: JsonObject, where: string, read: (v: JsonValue, where: string) => T): Array<[MessageQueue, T]> {
  const out: Array<[MessageQueue, T]> = [];
  o.entries.forEach(([k, v], i) => {
    const keyWhere = `${where} key #${i}`;
    const key = typeof k === 'string' && k.startsWith('{') ? parseFastjson(k, { what: keyWhere }) : k;
    const mq = decodeMessageQueueValue(key, keyWhere);
    out.push([mq, read(v, `${where}[${mq.topic}/${mq.brokerName}/${mq.queueId}]`)]);
  });
  return out;
}

const long = (v: JsonValue, where: string): number => asLong(v, where);

// ---------------------------------------------------------------------------------------------- ConsumeStatsList

function consumeStatsBean(cs: ConsumeStats): JsonBean {
  return { consumeTps: new JsonDouble(cs.consumeTps), offsetTable: queuePairs(cs.offsetTable, offsetWrapperBean) };
}

export function encodeConsumeStatsList(body: ConsumeStatsList): Buffer {
  return write({
    brokerAddr: body.brokerAddr,
    consumeStatsList: body.consumeStatsList.map((m) => {
      const out = new Map<JsonInput, JsonInput>();
      for (const [group, stats] of m) out.set(group, stats.map(consumeStatsBean));
      return out;
    }),
    totalDiff: body.totalDiff,
  });
}

export function decodeConsumeStatsList(input: Input): ConsumeStatsList {
  const w = 'ConsumeStatsList';
  const o = root(input, w);
  const brokerAddr = o.get('brokerAddr');
  return {
    brokerAddr: absent(brokerAddr) ? '' : asString(brokerAddr, `${w}.brokerAddr`),
    totalDiff: num(o, 'totalDiff', w),
    consumeStatsList: list(o, 'consumeStatsList', w).map((entry, i) => {
      const where = `${w}.consumeStatsList[${i}]`;
      const m = new Map<string, ConsumeStats[]>();
      for (const [k, v] of asObject(entry, where).entries) {
        const group = keyText(k, where);
        // Each element is a ConsumeStats bean: decoded by the shared codec.
        m.set(group, asArray(v, `${where}[${group}]`).map((cs) => decodeConsumeStats(stringifyFastjson(cs))));
      }
      return m;
    }),
  };
}

// ---------------------------------------------------------------------------------------------- BrokerStatsData

function statsItemBean(it: BrokerStatsItem): JsonBean {
  return { avgpt: new JsonDouble(it.avgpt), sum: it.sum, tps: new JsonDouble(it.tps) };
}

function decodeStatsItem(o: JsonObject, name: string, where: string): BrokerStatsItem {
  const it = obj(o, name, where);
  const w = `${where}.${name}`;
  return { sum: num(it, 'sum', w), tps: dbl(it, 'tps', w), avgpt: dbl(it, 'avgpt', w) };
}

export function encodeBrokerStatsData(d: BrokerStatsData): Buffer {
  return write({ statsDay: statsItemBean(d.statsDay), statsHour: statsItemBean(d.statsHour), statsMinute: statsItemBean(d.statsMinute) });
}

export function decodeBrokerStatsData(input: Input): BrokerStatsData {
  const w = 'BrokerStatsData';
  const o = root(input, w);
  return { statsMinute: decodeStatsItem(o, 'statsMinute', w), statsHour: decodeStatsItem(o, 'statsHour', w), statsDay: decodeStatsItem(o, 'statsDay', w) };
}

// ---------------------------------------------------------------------------------------------- QueryConsumeTimeSpanBody

/** UtilAll.formatDate(date, "yyyy-MM-dd#HH:mm:ss:SSS") in local time, as the Java getters write it. */
function formatSpanDate(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}#${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}:${p(d.getMilliseconds(), 3)}`;
}

export function encodeQueryConsumeTimeSpanBody(spans: QueueTimeSpan[]): Buffer {
  return write({
    consumeTimeSpanSet: spans.map((s) => ({
      consumeTimeStamp: s.consumeTimeStamp,
      consumeTimeStampStr: formatSpanDate(s.consumeTimeStamp),
      delayTime: s.delayTime,
      maxTimeStamp: s.maxTimeStamp,
      maxTimeStampStr: formatSpanDate(s.maxTimeStamp),
      messageQueue: messageQueueBean(s.messageQueue),
      minTimeStamp: s.minTimeStamp,
      minTimeStampStr: formatSpanDate(s.minTimeStamp),
    })),
  });
}

export function decodeQueryConsumeTimeSpanBody(input: Input): QueueTimeSpan[] {
  const w = 'QueryConsumeTimeSpanBody';
  return list(root(input, w), 'consumeTimeSpanSet', w).map((v, i) => {
    const where = `${w}.consumeTimeSpanSet[${i}]`;
    const o = asObject(v, where);
    return {
      messageQueue: decodeMessageQueueValue(o.get('messageQueue') ?? null, `${where}.messageQueue`),
      minTimeStamp: num(o, 'minTimeStamp', where),
      maxTimeStamp: num(o, 'maxTimeStamp', where),
      consumeTimeStamp: num(o, 'consumeTimeStamp', where),
      delayTime: num(o, 'delayTime', where),
    };
  });
}

// ---------------------------------------------------------------------------------------------- GetConsumerStatusBody

export function encodeGetConsumerStatusBody(body: GetConsumerStatusBody): Buffer {
  const consumerTable = new Map<JsonInput, JsonInput>();
  for (const [clientId, pairs] of body.consumerTable) consumerTable.set(clientId, queuePairs(pairs, (o) => o));
  return write({ consumerTable, messageQueueTable: queuePairs(body.messageQueueTable, (o) => o) });
}

export function decodeGetConsumerStatusBody(input: Input): GetConsumerStatusBody {
  const w = 'GetConsumerStatusBody';
  const o = root(input, w);
  const consumerTable = new Map<string, Array<[MessageQueue, number]>>();
  for (const [k, v] of obj(o, 'consumerTable', w).entries) {
    const clientId = keyText(k, `${w}.consumerTable`);
    consumerTable.set(clientId, queueMap(asObject(v, `${w}.consumerTable[${clientId}]`), `${w}.consumerTable[${clientId}]`, long));
  }
  return { messageQueueTable: queueMap(obj(o, 'messageQueueTable', w), `${w}.messageQueueTable`, long), consumerTable };
}

// ---------------------------------------------------------------------------------------------- ConsumerRunningInfo

function decodeSubscription(v: JsonValue, where: string): SubscriptionData {
  const o = asObject(v, where);
  const expressionType = o.get('expressionType');
  return {
    classFilterMode: bool(o, 'classFilterMode', where),
    topic: asString(o.get('topic'), `${where}.topic`),
    subString: asString(o.get('subString'), `${where}.subString`),
    tagsSet: list(o, 'tagsSet', where).map((t, i) => asString(t, `${where}.tagsSet[${i}]`)),
    codeSet: list(o, 'codeSet', where).map((c, i) => asInt(c, `${where}.codeSet[${i}]`)),
    subVersion: num(o, 'subVersion', where),
    expressionType: absent(expressionType) ? 'TAG' : asString(expressionType, `${where}.expressionType`),
  };
}

function decodeProcessQueueInfo(v: JsonValue, where: string): ProcessQueueInfo {
  const o = asObject(v, where);
  return {
    commitOffset: num(o, 'commitOffset', where),
    cachedMsgMinOffset: num(o, 'cachedMsgMinOffset', where),
    cachedMsgMaxOffset: num(o, 'cachedMsgMaxOffset', where),
    cachedMsgCount: num(o, 'cachedMsgCount', where),
    cachedMsgSizeInMiB: num(o, 'cachedMsgSizeInMiB', where),
    transactionMsgMinOffset: num(o, 'transactionMsgMinOffset', where),
    transactionMsgMaxOffset: num(o, 'transactionMsgMaxOffset', where),
    transactionMsgCount: num(o, 'transactionMsgCount', where),
    locked: bool(o, 'locked', where),
    tryUnlockTimes: num(o, 'tryUnlockTimes', where),
    lastLockTimestamp: num(o, 'lastLockTimestamp', where),
    droped: bool(o, 'droped', where),
    lastPullTimestamp: num(o, 'lastPullTimestamp', where),
    lastConsumeTimestamp: num(o, 'lastConsumeTimestamp', where),
  };
}

function decodeConsumeStatus(v: JsonValue, where: string): ConsumeStatus {
  const o = asObject(v, where);
  return {
    pullRT: dbl(o, 'pullRT', where),
    pullTPS: dbl(o, 'pullTPS', where),
    consumeRT: dbl(o, 'consumeRT', where),
    consumeOKTPS: dbl(o, 'consumeOKTPS', where),
    consumeFailedTPS: dbl(o, 'consumeFailedTPS', where),
    consumeFailedMsgs: num(o, 'consumeFailedMsgs', where),
  };
}

export function decodeConsumerRunningInfo(input: Input): ConsumerRunningInfo {
  const w = 'ConsumerRunningInfo';
  const o = root(input, w);
  const properties = new Map<string, string>();
  for (const [k, v] of obj(o, 'properties', w).entries) {
    // Java Properties may hold non-string values (e.g. the ConsumeType enum): keep their text.
    properties.set(keyText(k, `${w}.properties`), v === null ? 'null' : typeof v === 'object' ? stringifyFastjson(v) : String(v));
  }
  const statusTable = new Map<string, ConsumeStatus>();
  for (const [k, v] of obj(o, 'statusTable', w).entries) {
    const topic = keyText(k, `${w}.statusTable`);
    statusTable.set(topic, decodeConsumeStatus(v, `${w}.statusTable[${topic}]`));
  }
  const info: ConsumerRunningInfo = {
    properties,
    subscriptionSet: list(o, 'subscriptionSet', w).map((v, i) => decodeSubscription(v, `${w}.subscriptionSet[${i}]`)),
    mqTable: queueMap(obj(o, 'mqTable', w), `${w}.mqTable`, decodeProcessQueueInfo),
    statusTable,
  };
  const jstack = o.get('jstack');
  if (!absent(jstack)) info.jstack = asString(jstack, `${w}.jstack`);
  return info;
}

// ---------------------------------------------------------------------------------------------- ConsumeMessageDirectlyResult

export function decodeConsumeMessageDirectlyResult(input: Input): ConsumeMessageDirectlyResult {
  const w = 'ConsumeMessageDirectlyResult';
  const o = root(input, w);
  const result = o.get('consumeResult');
  const remark = o.get('remark');
  return {
    order: bool(o, 'order', w),
    autoCommit: bool(o, 'autoCommit', w, true),
    consumeResult: absent(result) ? 'null' : asString(result, `${w}.consumeResult`),
    remark: absent(remark) ? 'null' : asString(remark, `${w}.remark`),
    spentTimeMills: num(o, 'spentTimeMills', w),
  };
}
