// Lookups that combine a consume queue or the index with the commit log: by store time, by key.
import type { CommitLog } from './commit-log.js';
import type { ConsumeQueue } from './consume-queue.js';
import type { IndexService } from './index-service.js';
import type { QueryMessageResult } from './types.js';

/** RocketMQ runs the index lookup up to this many times, narrowing the time range. */
const QUERY_ROUNDS = 3;

/**
 * RocketMQ ConsumeQueue.getOffsetInQueueByTime, over the whole queue: binary search by store time; an exact
 * hit wins, otherwise the nearer neighbour (the last message when `timestamp` is after all of them). 0 when empty.
 */
export function offsetInQueueByTime(cq: ConsumeQueue | undefined, commitLog: CommitLog, timestamp: number): number {
  if (cq === undefined || cq.isEmpty) return 0;
  let low = cq.minOffset;
  let high = cq.maxOffset - 1;
  let left = -1;
  let right = -1;
  let leftTime = -1;
  let rightTime = -1;
  while (high >= low) {
    const mid = Math.floor((low + high) / 2);
    const unit = cq.unitAt(mid);
    if (unit === undefined) return 0;
    if (unit.phy < commitLog.minOffset) {
      low = mid + 1;
      left = mid;
      continue;
    }
    const t = commitLog.storeTimestampAt(unit.phy);
    if (t < 0) return 0;
    if (t === timestamp) return mid;
    if (t > timestamp) {
      high = mid - 1;
      right = mid;
      rightTime = t;
    } else {
      low = mid + 1;
      left = mid;
      leftTime = t;
    }
  }
  if (leftTime === -1) return right >= 0 ? right : cq.maxOffset;
  if (rightTime === -1) return left;
  return Math.abs(timestamp - leftTime) > Math.abs(timestamp - rightTime) ? right : left;
}

/** RocketMQ DefaultMessageStore.queryMessage: whole records in commit-log order, at most `maxNum`. */
export function queryByKey(index: IndexService, commitLog: CommitLog, topic: string, key: string, maxNum: number, begin: number, end: number): QueryMessageResult {
  const result: QueryMessageResult = { messages: [], indexLastUpdateTimestamp: 0, indexLastUpdatePhyoffset: 0 };
  let lastQueryTime = end;
  for (let round = 0; round < QUERY_ROUNDS; round++) {
    const found = index.query(topic, key, maxNum, begin, lastQueryTime);
    if (found.phyOffsets.length === 0) break;
    found.phyOffsets.sort((a, b) => a - b);
    result.indexLastUpdateTimestamp = found.indexLastUpdateTimestamp;
    result.indexLastUpdatePhyoffset = found.indexLastUpdatePhyoffset;
    for (let m = 0; m < found.phyOffsets.length; m++) {
      const phy = found.phyOffsets[m]!;
      const record = phy >= commitLog.minOffset ? commitLog.recordAt(phy) : undefined;
      if (record === undefined) continue;
      if (m === 0) lastQueryTime = commitLog.storeTimestampAt(phy);
      result.messages.push(record);
    }
    if (result.messages.length > 0 || lastQueryTime < begin) break;
  }
  return result;
}
