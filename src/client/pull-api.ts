// PULL_MESSAGE (Java PullAPIWrapper): builds the request, maps response codes to pull statuses, decodes the
// stored records, inflates compressed bodies, applies the exact tag check and sets MIN_OFFSET/MAX_OFFSET.
import type { Logger } from '../common/logger.js';
import { createRequest, type RemotingCommand } from '../protocol/command.js';
import { RequestCode, ResponseCode } from '../protocol/codes.js';
import type { SubscriptionData } from '../protocol/body-types.js';
import { decodeMessages } from '../protocol/message.js';
import { PROPERTY_MAX_OFFSET, PROPERTY_MIN_OFFSET } from '../protocol/message-const.js';
import type { MessageQueue } from './allocate.js';
import { mqKey } from './allocate.js';
import type { ClientInstance } from './client-instance.js';
import { ClientErrorCode, MQBrokerError, MQClientError } from './errors.js';
import { MessageExt, uncompressBody } from './message.js';
import { MASTER_ID } from './route.js';
import { tagMatches } from './subscription.js';

export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

export interface PullResult {
  status: PullStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** Messages that passed the exact tag check (may be empty even when FOUND). */
  msgs: MessageExt[];
}

/** PullSysFlag bits (spec §4.2). */
export const PullSysFlag = { COMMIT_OFFSET: 1, SUSPEND: 2, SUBSCRIPTION: 4, CLASS_FILTER: 8, LITE_PULL: 16 } as const;

export interface PullArgs {
  group: string;
  mq: MessageQueue;
  subscription: SubscriptionData;
  offset: number;
  maxNums: number;
  /** Commit this offset with the pull (clustering; 0 or less = none). */
  commitOffset: number;
  suspend: boolean;
  /** Carry the subscription in the request instead of relying on the heartbeat's. */
  postSubscription: boolean;
  litePull: boolean;
  suspendTimeoutMillis: number;
  timeoutMs: number;
}

const STATUS_BY_CODE: ReadonlyMap<number, PullStatus> = new Map([
  [ResponseCode.SUCCESS, 'FOUND'],
  [ResponseCode.PULL_NOT_FOUND, 'NO_NEW_MSG'],
  [ResponseCode.PULL_RETRY_IMMEDIATELY, 'NO_MATCHED_MSG'],
  [ResponseCode.PULL_OFFSET_MOVED, 'OFFSET_ILLEGAL'],
]);

/** Remembers which broker id (master/slave) each queue should be pulled from next (suggestWhichBrokerId). */
export class PullApi {
  private readonly fromWhichNode = new Map<string, number>();

  constructor(private readonly instance: ClientInstance, private readonly logger: Logger) {}

  forget(mq: MessageQueue): void {
    this.fromWhichNode.delete(mqKey(mq));
  }

  async pull(a: PullArgs): Promise<PullResult> {
    const brokerId = this.fromWhichNode.get(mqKey(a.mq)) ?? MASTER_ID;
    let addr = this.instance.findBrokerAddrInSubscribe(a.mq.brokerName, brokerId);
    if (addr === undefined) {
      await this.instance.updateRoute(a.mq.topic);
      addr = this.instance.findBrokerAddrInSubscribe(a.mq.brokerName, brokerId);
    }
    if (addr === undefined) {
      throw new MQClientError(`The broker[${a.mq.brokerName}] not exist`, ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, { retriable: true });
    }
    const isMaster = addr === this.instance.findBrokerAddrInPublish(a.mq.brokerName);
    const request = createRequest(RequestCode.PULL_MESSAGE, this.header(a, isMaster));
    const what = `pull ${a.mq.topic}/${a.mq.brokerName}/${a.mq.queueId}@${a.offset}`;
    const response = await this.instance.invoke(addr, request, a.timeoutMs, what);
    return this.toResult(response, a, addr, what);
  }

  private header(a: PullArgs, toMaster: boolean): Record<string, string> {
    let sysFlag = 0;
    // Only a master stores the piggy-backed commit offset (Java clears the flag for slaves).
    if (a.commitOffset > 0 && toMaster) sysFlag |= PullSysFlag.COMMIT_OFFSET;
    if (a.suspend) sysFlag |= PullSysFlag.SUSPEND;
    if (a.postSubscription) sysFlag |= PullSysFlag.SUBSCRIPTION;
    if (a.litePull) sysFlag |= PullSysFlag.LITE_PULL;
    const ext: Record<string, string> = {
      consumerGroup: a.group,
      topic: a.mq.topic,
      queueId: String(a.mq.queueId),
      queueOffset: String(a.offset),
      maxMsgNums: String(a.maxNums),
      sysFlag: String(sysFlag),
      commitOffset: String(Math.max(0, a.commitOffset)),
      suspendTimeoutMillis: String(a.suspendTimeoutMillis),
      subVersion: String(a.subscription.subVersion),
      expressionType: a.subscription.expressionType,
      bname: a.mq.brokerName,
    };
    if (a.postSubscription) ext.subscription = a.subscription.subString;
    return ext;
  }

  private toResult(response: RemotingCommand, a: PullArgs, addr: string, what: string): PullResult {
    const status = STATUS_BY_CODE.get(response.code);
    if (status === undefined) throw new MQBrokerError(response.code, response.remark, addr, what, true);
    const ext = response.extFields;
    const num = (name: string): number => {
      const n = Number(ext[name]);
      if (ext[name] === undefined || !Number.isSafeInteger(n)) {
        throw new MQClientError(`${what}: response from ${addr} has no valid "${name}"`, ClientErrorCode.ILLEGAL_ARGUMENT, { brokerAddr: addr });
      }
      return n;
    };
    const result: PullResult = {
      status,
      nextBeginOffset: num('nextBeginOffset'),
      minOffset: num('minOffset'),
      maxOffset: num('maxOffset'),
      msgs: [],
    };
    const suggested = Number(ext.suggestWhichBrokerId ?? MASTER_ID);
    this.fromWhichNode.set(mqKey(a.mq), Number.isSafeInteger(suggested) ? suggested : MASTER_ID);
    if (status === 'FOUND' && response.body !== undefined) result.msgs = this.decode(response.body, a, result);
    return result;
  }

  private decode(body: Buffer, a: PullArgs, result: PullResult): MessageExt[] {
    const out: MessageExt[] = [];
    for (const d of decodeMessages(body)) {
      if (!tagMatches(a.subscription, d.properties)) continue;
      let plain = uncompressBody(d.body, d.sysFlag);
      if (plain === undefined) {
        this.logger.warn(`pull ${a.mq.topic}: message ${d.msgId} has a body that cannot be inflated (sysFlag ${d.sysFlag}); delivered as stored`);
        plain = Buffer.from(d.body);
      } else if (plain === d.body) {
        plain = Buffer.from(d.body); // detach from the response buffer so it can be freed
      }
      const msg = new MessageExt(d, a.mq.brokerName, plain);
      msg.properties.set(PROPERTY_MIN_OFFSET, String(result.minOffset));
      msg.properties.set(PROPERTY_MAX_OFFSET, String(result.maxOffset));
      out.push(msg);
    }
    return out;
  }
}
