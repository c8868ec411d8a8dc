// Bodies a push consumer sends back to broker-forwarded admin requests (spec §4.3): ConsumerRunningInfo for
// GET_CONSUMER_RUNNING_INFO and ConsumeMessageDirectlyResult for CONSUME_MESSAGE_DIRECTLY, in fastjson's shape.
import type { SubscriptionData } from '../protocol/body-types.js';
import { subscriptionDataBean } from '../protocol/bodies.js';
import { JsonDouble, stringifyFastjson, type JsonBean, type JsonInput } from '../protocol/fastjson.js';
import type { QueueEntry } from './consumer-types.js';

export interface RunningInfoInput {
  properties: Record<string, string>;
  subscriptions: SubscriptionData[];
  entries: QueueEntry[];
  commitOffsets: Map<string, number>;
}

/** Java ProcessQueueInfo, from what our ProcessQueue tracks. */
function processQueueInfoBean(e: QueueEntry, commitOffset: number): JsonBean {
  const pq = e.pq;
  return {
    cachedMsgCount: pq.count,
    cachedMsgMaxOffset: Math.max(0, pq.queueOffsetMax),
    cachedMsgMinOffset: pq.minOffset ?? 0,
    cachedMsgSizeInMiB: Math.floor(pq.byteSize / (1024 * 1024)),
    commitOffset,
    droped: pq.dropped,
    lastConsumeTimestamp: pq.lastConsumeTimestamp,
    lastLockTimestamp: pq.lastLockTimestamp,
    lastPullTimestamp: pq.lastPullTimestamp,
    locked: pq.locked,
    transactionMsgCount: 0,
    transactionMsgMaxOffset: 0,
    transactionMsgMinOffset: 0,
    tryUnlockTimes: 0,
  };
}

function zeroStatus(): JsonBean {
  const zero = new JsonDouble(0);
  return { consumeFailedMsgs: 0, consumeFailedTPS: zero, consumeOKTPS: zero, consumeRT: zero, pullRT: zero, pullTPS: zero };
}

export function encodeConsumerRunningInfo(input: RunningInfoInput): Buffer {
  const mqTable = new Map<JsonInput, JsonInput>();
  for (const e of input.entries) {
    const key: JsonBean = { brokerName: e.mq.brokerName, queueId: e.mq.queueId, topic: e.mq.topic };
    mqTable.set(key, processQueueInfoBean(e, input.commitOffsets.get(`${e.mq.topic}@${e.mq.brokerName}@${e.mq.queueId}`) ?? -1));
  }
  const statusTable = new Map<JsonInput, JsonInput>();
  for (const sd of input.subscriptions) statusTable.set(sd.topic, zeroStatus());
  const bean: JsonBean = {
    mqTable,
    properties: new Map(Object.entries(input.properties)),
    statusTable,
    subscriptionSet: input.subscriptions.map(subscriptionDataBean),
  };
  return Buffer.from(stringifyFastjson(bean), 'utf8');
}

export type DirectConsumeResult = 'CR_SUCCESS' | 'CR_LATER' | 'CR_ROLLBACK' | 'CR_COMMIT' | 'CR_THROW_EXCEPTION' | 'CR_RETURN_NULL';

export function encodeConsumeMessageDirectlyResult(r: {
  order: boolean;
  consumeResult: DirectConsumeResult;
  remark: string;
  spentTimeMills: number;
}): Buffer {
  const bean: JsonBean = {
    autoCommit: true,
    consumeResult: r.consumeResult,
    order: r.order,
    remark: r.remark,
    spentTimeMills: r.spentTimeMills,
  };
  return Buffer.from(stringifyFastjson(bean), 'utf8');
}
