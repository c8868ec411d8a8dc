// A deliberately small remoting client for tests: one TCP connection, JSON headers, responses matched by
// opaque. It uses only the frame codec of src/protocol (golden-tested against real RocketMQ bytes), not
// src/remoting, so that a transport bug cannot hide itself in a test of the servers. It can also write raw
// bytes, for bad-input tests.
import net from 'node:net';
import { createRequest, isResponse, type RemotingCommand } from '../../src/protocol/command.js';
import { decodeCommand, encodeCommand, FrameDecoder } from '../../src/protocol/frame.js';
import { decodeStoredMessages, encodeProperties, type StoredMessage } from './stored-message.js';

interface Pending {
  resolve(cmd: RemotingCommand): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class WireClient {
  private readonly pending = new Map<number, Pending>();
  private readonly decoder = new FrameDecoder(64 * 1024 * 1024);
  private closeReason: string | undefined;
  /** Resolves when the connection is closed (by either side). */
  readonly closed: Promise<string>;
  /** Server-to-client requests received (e.g. NOTIFY_CONSUMER_IDS_CHANGED). */
  readonly serverRequests: RemotingCommand[] = [];
  /** Responses whose opaque matched no request of ours (e.g. an error answer to an undecodable frame). */
  readonly unmatchedResponses: RemotingCommand[] = [];

  private constructor(readonly addr: string, private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    this.closed = new Promise<string>((resolve) => {
      socket.once('close', () => {
        this.closeReason ??= 'closed by peer';
        for (const [opaque, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new Error(`connection to ${addr} closed (${this.closeReason}) before the response to opaque ${opaque}`));
        }
        this.pending.clear();
        resolve(this.closeReason);
      });
    });
    socket.on('error', (err) => {
      this.closeReason ??= `socket error: ${err.message}`;
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static connect(addr: string, timeoutMs = 5000): Promise<WireClient> {
    const [host, portText] = splitAddr(addr);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port: Number(portText) });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`could not connect to ${addr} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new WireClient(addr, socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`could not connect to ${addr}: ${err.message}`));
      });
    });
  }

  /** "127.0.0.1:port" of our end, as the server sees (and logs) it. */
  get localAddr(): string {
    return `${this.socket.localAddress ?? '?'}:${this.socket.localPort ?? '?'}`;
  }

  get isClosed(): boolean {
    return this.socket.destroyed || this.closeReason !== undefined;
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.closeReason = `undecodable bytes from server: ${(err as Error).message}`;
      this.socket.destroy();
      return;
    }
    for (const frame of frames) {
      let cmd: RemotingCommand;
      try {
        cmd = decodeCommand(Buffer.from(frame));
      } catch (err) {
        this.closeReason = `undecodable frame from server: ${(err as Error).message}`;
        this.socket.destroy();
        return;
      }
      if (isResponse(cmd)) {
        const p = this.pending.get(cmd.opaque);
        if (p) {
          this.pending.delete(cmd.opaque);
          clearTimeout(p.timer);
          p.resolve(cmd);
        } else {
          this.unmatchedResponses.push(cmd);
        }
      } else {
        this.serverRequests.push(cmd);
      }
    }
  }

  /** Sends `request` and resolves with the response carrying its opaque. */
  invoke(request: RemotingCommand, timeoutMs = 5000): Promise<RemotingCommand> {
    return this.invokeRaw(request.opaque, encodeCommand(request), timeoutMs, `code ${request.code}`);
  }

  /** Writes `bytes` (one or more whole frames, or garbage) and waits for a response with `opaque`. */
  invokeRaw(opaque: number, bytes: Buffer, timeoutMs = 5000, what = 'raw frame'): Promise<RemotingCommand> {
    if (this.isClosed) return Promise.reject(new Error(`connection to ${this.addr} is closed (${this.closeReason})`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(opaque);
        reject(new Error(`no response from ${this.addr} to ${what} (opaque ${opaque}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(opaque, { resolve, reject, timer });
      this.socket.write(bytes);
    });
  }

  /** Writes bytes without waiting for anything. */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a request with the oneway flag; nothing comes back. */
  invokeOneway(request: RemotingCommand): void {
    this.socket.write(encodeCommand({ ...request, flag: request.flag | 2 }));
  }

  close(): void {
    this.closeReason ??= 'closed by us';
    this.socket.destroy();
  }
}

export function splitAddr(addr: string): [string, string] {
  const i = addr.lastIndexOf(':');
  return [addr.slice(0, i), addr.slice(i + 1)];
}

// ---- requests the tests need -------------------------------------------------------------------------

export const Code = {
  SEND_MESSAGE: 10,
  PULL_MESSAGE: 11,
  QUERY_MESSAGE: 12,
  QUERY_CONSUMER_OFFSET: 14,
  UPDATE_AND_CREATE_TOPIC: 17,
  GET_MAX_OFFSET: 30,
  GET_MIN_OFFSET: 31,
  HEART_BEAT: 34,
  GET_ROUTEINFO_BY_TOPIC: 105,
  GET_BROKER_CLUSTER_INFO: 106,
  SEND_MESSAGE_V2: 310,
} as const;

export const Resp = {
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  FLUSH_DISK_TIMEOUT: 10,
  TOPIC_NOT_EXIST: 17,
  PULL_NOT_FOUND: 19,
  PULL_RETRY_IMMEDIATELY: 20,
  PULL_OFFSET_MOVED: 21,
  QUERY_NOT_FOUND: 22,
} as const;

export function describeResponse(cmd: RemotingCommand): string {
  return `code ${cmd.code} remark ${JSON.stringify(cmd.remark)} extFields ${JSON.stringify(cmd.extFields)}`;
}

export interface TopicOptions {
  readQueueNums?: number;
  writeQueueNums?: number;
  perm?: number;
}

/** UPDATE_AND_CREATE_TOPIC on a broker; throws unless SUCCESS. */
export async function createTopic(broker: WireClient, topic: string, opts: TopicOptions = {}): Promise<void> {
  const res = await broker.invoke(
    createRequest(Code.UPDATE_AND_CREATE_TOPIC, {
      topic,
      defaultTopic: 'TBW102',
      readQueueNums: String(opts.readQueueNums ?? 4),
      writeQueueNums: String(opts.writeQueueNums ?? 4),
      perm: String(opts.perm ?? 6),
      topicFilterType: 'SINGLE_TAG',
      topicSysFlag: '0',
      order: 'false',
    }),
  );
  if (res.code !== Resp.SUCCESS) throw new Error(`UPDATE_AND_CREATE_TOPIC ${topic}: ${describeResponse(res)}`);
}

export interface RouteData {
  queueDatas: Array<{ brokerName: string; readQueueNums: number; writeQueueNums: number; perm: number }>;
  brokerDatas: Array<{ cluster: string; brokerName: string; brokerAddrs: Record<string, string> }>;
}

/** fastjson writes integer map keys unquoted ({0:"addr"}); make that standard JSON before parsing. */
export function parseFastjson(text: string): unknown {
  return JSON.parse(text.replace(/([{,])(-?\d+):/g, '$1"$2":'));
}

/** GET_ROUTEINFO_BY_TOPIC: the route, or undefined on TOPIC_NOT_EXIST; throws on anything else. */
export async function getRoute(namesrv: WireClient, topic: string): Promise<RouteData | undefined> {
  const res = await namesrv.invoke(createRequest(Code.GET_ROUTEINFO_BY_TOPIC, { topic }));
  if (res.code === Resp.TOPIC_NOT_EXIST) return undefined;
  if (res.code !== Resp.SUCCESS || !res.body) throw new Error(`GET_ROUTEINFO_BY_TOPIC ${topic}: ${describeResponse(res)}`);
  return parseFastjson(res.body.toString('utf8')) as RouteData;
}

export async function getMaxOffset(broker: WireClient, topic: string, queueId: number): Promise<number> {
  const res = await broker.invoke(createRequest(Code.GET_MAX_OFFSET, { topic, queueId: String(queueId) }));
  if (res.code !== Resp.SUCCESS) throw new Error(`GET_MAX_OFFSET ${topic}/${queueId}: ${describeResponse(res)}`);
  const v = Number(res.extFields.offset);
  if (!Number.isInteger(v)) throw new Error(`GET_MAX_OFFSET ${topic}/${queueId}: offset ${res.extFields.offset} is not an integer`);
  return v;
}

export async function getMinOffset(broker: WireClient, topic: string, queueId: number): Promise<number> {
  const res = await broker.invoke(createRequest(Code.GET_MIN_OFFSET, { topic, queueId: String(queueId) }));
  if (res.code !== Resp.SUCCESS) throw new Error(`GET_MIN_OFFSET ${topic}/${queueId}: ${describeResponse(res)}`);
  return Number(res.extFields.offset);
}

export interface SendOptions {
  topic: string;
  queueId: number;
  body: Buffer | string;
  tags?: string;
  keys?: string;
  producerGroup?: string;
}

/** SEND_MESSAGE (code 10, long field names); resolves with the raw response. */
export function sendMessage(broker: WireClient, opts: SendOptions, timeoutMs = 5000): Promise<RemotingCommand> {
  const props: Record<string, string> = {};
  if (opts.keys) props.KEYS = opts.keys;
  if (opts.tags) props.TAGS = opts.tags;
  props.WAIT = 'true';
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  return broker.invoke(
    createRequest(
      Code.SEND_MESSAGE,
      {
        producerGroup: opts.producerGroup ?? 'test_producer_group',
        topic: opts.topic,
        defaultTopic: 'TBW102',
        defaultTopicQueueNums: '4',
        queueId: String(opts.queueId),
        sysFlag: '0',
        bornTimestamp: String(Date.now()),
        flag: '0',
        properties: encodeProperties(props),
        reconsumeTimes: '0',
        unitMode: 'false',
        batch: 'false',
      },
      body,
    ),
    timeoutMs,
  );
}

export interface PullOptions {
  group: string;
  topic: string;
  queueId: number;
  offset: number;
  maxMsgNums?: number;
  subscription?: string;
  /** Long-poll time; 0 = answer at once. */
  suspendMs?: number;
}

/** PULL_MESSAGE carrying its own subscription (sysFlag bit 2), no commit, optional long polling. */
export function pullMessage(broker: WireClient, opts: PullOptions, timeoutMs = 10_000): Promise<RemotingCommand> {
  const suspend = (opts.suspendMs ?? 0) > 0;
  const sysFlag = (suspend ? 2 : 0) | 4;
  return broker.invoke(
    createRequest(Code.PULL_MESSAGE, {
      consumerGroup: opts.group,
      topic: opts.topic,
      queueId: String(opts.queueId),
      queueOffset: String(opts.offset),
      maxMsgNums: String(opts.maxMsgNums ?? 32),
      sysFlag: String(sysFlag),
      commitOffset: '0',
      suspendTimeoutMillis: String(opts.suspendMs ?? 0),
      subscription: opts.subscription ?? '*',
      subVersion: String(Date.now()),
      expressionType: 'TAG',
    }),
    timeoutMs,
  );
}

/** QUERY_MESSAGE by key over all time; resolves with the raw response. */
export function queryMessage(broker: WireClient, topic: string, key: string, maxNum = 32): Promise<RemotingCommand> {
  return broker.invoke(
    createRequest(Code.QUERY_MESSAGE, {
      topic,
      key,
      maxNum: String(maxNum),
      beginTimestamp: '0',
      endTimestamp: String(Date.now() + 3_600_000),
    }),
  );
}

/**
 * Every message of one queue from its min offset up to its current max offset, decoded and checked by the
 * independent reader (magic, sizes, CRC). Verifies that queue offsets are consecutive and that each
 * record's queueId/topic match.
 */
export async function pullAll(broker: WireClient, group: string, topic: string, queueId: number): Promise<StoredMessage[]> {
  const max = await getMaxOffset(broker, topic, queueId);
  let offset = await getMinOffset(broker, topic, queueId);
  const out: StoredMessage[] = [];
  while (offset < max) {
    const res = await pullMessage(broker, { group, topic, queueId, offset, maxMsgNums: 32 });
    if (res.code === Resp.SUCCESS) {
      const msgs = decodeStoredMessages(res.body);
      if (msgs.length === 0) throw new Error(`PULL ${topic}/${queueId}@${offset}: SUCCESS with no messages`);
      for (const m of msgs) {
        if (m.queueOffset !== offset) {
          throw new Error(`PULL ${topic}/${queueId}: expected queue offset ${offset}, record says ${m.queueOffset}`);
        }
        if (m.topic !== topic || m.queueId !== queueId) {
          throw new Error(`PULL ${topic}/${queueId}@${offset}: record belongs to ${m.topic}/${m.queueId}`);
        }
        out.push(m);
        offset++;
      }
      const next = Number(res.extFields.nextBeginOffset);
      if (next !== offset) throw new Error(`PULL ${topic}/${queueId}: nextBeginOffset ${next} but records end at ${offset}`);
    } else if (res.code === Resp.PULL_RETRY_IMMEDIATELY) {
      offset = Number(res.extFields.nextBeginOffset);
    } else {
      throw new Error(`PULL ${topic}/${queueId}@${offset} (max ${max}): ${describeResponse(res)}`);
    }
  }
  return out;
}

/** QUERY_CONSUMER_OFFSET: the committed offset, or undefined when the broker has none (QUERY_NOT_FOUND). */
export async function queryConsumerOffset(broker: WireClient, group: string, topic: string, queueId: number): Promise<number | undefined> {
  const res = await broker.invoke(
    createRequest(Code.QUERY_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId: String(queueId) }),
  );
  if (res.code === Resp.QUERY_NOT_FOUND) return undefined;
  if (res.code !== Resp.SUCCESS) throw new Error(`QUERY_CONSUMER_OFFSET ${group} ${topic}/${queueId}: ${describeResponse(res)}`);
  return Number(res.extFields.offset);
}

/**
 * UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (code 200, what `mqadmin updateSubGroup` sends) with the given retry
 * limit; the other fields are RocketMQ's defaults. Throws unless SUCCESS.
 */
export async function createSubscriptionGroup(broker: WireClient, groupName: string, retryMaxTimes: number): Promise<void> {
  const body = Buffer.from(JSON.stringify({
    brokerId: 0,
    consumeBroadcastEnable: true,
    consumeEnable: true,
    consumeFromMinEnable: true,
    groupName,
    notifyConsumerIdsChangedEnable: true,
    retryMaxTimes,
    retryQueueNums: 1,
    whichBrokerWhenConsumeSlowly: 1,
  }));
  const res = await broker.invoke(createRequest(200, {}, body));
  if (res.code !== Resp.SUCCESS) throw new Error(`UPDATE_AND_CREATE_SUBSCRIPTIONGROUP ${groupName}: ${describeResponse(res)}`);
}
