// Queue locks for orderly consumers (LOCK_BATCH_MQ / UNLOCK_BATCH_MQ): one client per group and queue,
// expiring after 60 s without renewal (rocketmq.broker.rebalance.lockMaxLiveTime), as RebalanceLockManager.
import { getLogger } from '../common/logger.js';
import type { MessageQueue } from '../protocol/body-types.js';

export const LOCK_MAX_LIVE_MILLIS = 60_000;
/** Lock entries kept at once over all groups; beyond it new locks are refused (old ones still renew). */
export const MAX_LOCK_ENTRIES = 1_000_000;

interface LockEntry {
  clientId: string;
  lastUpdate: number;
}

const log = getLogger('broker');

function queueKey(mq: MessageQueue): string {
  return `${mq.topic}\u0001${mq.brokerName}\u0001${mq.queueId}`;
}

export class RebalanceLockManager {
  private readonly table = new Map<string, Map<string, LockEntry>>();
  private entries = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxLiveMillis = LOCK_MAX_LIVE_MILLIS,
  ) {}

  /** Locks (or renews) what it can for `clientId`; returns the queues the client now holds. */
  tryLockBatch(group: string, mqs: MessageQueue[], clientId: string): MessageQueue[] {
    const locked: MessageQueue[] = [];
    const now = this.now();
    let groupTable = this.table.get(group);
    for (const mq of mqs) {
      const key = queueKey(mq);
      const entry = groupTable?.get(key);
      if (entry === undefined) {
        if (this.entries >= MAX_LOCK_ENTRIES) {
          log.warn(`tryLockBatch, too many queue locks (${this.entries}), refused. Group: ${group} ClientId: ${clientId} ${key}`);
          continue;
        }
        if (groupTable === undefined) {
          groupTable = new Map();
          this.table.set(group, groupTable);
        }
        groupTable.set(key, { clientId, lastUpdate: now });
        this.entries++;
        log.info(`tryLockBatch, message queue not locked, I got it. Group: ${group} NewClientId: ${clientId} ${describe(mq)}`);
        locked.push(mq);
      } else if (entry.clientId === clientId || this.expired(entry, now)) {
        if (entry.clientId !== clientId) {
          log.warn(`tryLockBatch, message queue lock expired, I got it. Group: ${group} OldClientId: ${entry.clientId} NewClientId: ${clientId} ${describe(mq)}`);
          entry.clientId = clientId;
        }
        entry.lastUpdate = now;
        locked.push(mq);
      } else {
        log.warn(`tryLockBatch, message queue locked by other client. Group: ${group} OtherClientId: ${entry.clientId} NewClientId: ${clientId} ${describe(mq)}`);
      }
    }
    return locked;
  }

  /** Releases the queues `clientId` holds; queues held by others stay locked. */
  unlockBatch(group: string, mqs: MessageQueue[], clientId: string): void {
    const groupTable = this.table.get(group);
    if (groupTable === undefined) {
      log.warn(`unlockBatch, group not exist, Group: ${group} ${clientId}`);
      return;
    }
    for (const mq of mqs) {
      const key = queueKey(mq);
      const entry = groupTable.get(key);
      if (entry === undefined) {
        log.warn(`unlockBatch, not locked, Group: ${group} ${describe(mq)}`);
      } else if (entry.clientId === clientId) {
        groupTable.delete(key);
        this.entries--;
        log.info(`unlockBatch, Group: ${group} ${describe(mq)} ${clientId}`);
      } else {
        log.warn(`unlockBatch, but mq locked by other client: ${entry.clientId}, Group: ${group} ${describe(mq)} ${clientId}`);
      }
    }
    if (groupTable.size === 0) this.table.delete(group);
  }

  /** True when `clientId` holds an unexpired lock on the queue. */
  isLocked(group: string, mq: MessageQueue, clientId: string): boolean {
    const entry = this.table.get(group)?.get(queueKey(mq));
    return entry !== undefined && entry.clientId === clientId && !this.expired(entry, this.now());
  }

  /** Drops expired entries so the table does not grow with clients that vanished. */
  removeExpired(): void {
    const now = this.now();
    for (const [group, groupTable] of this.table) {
      for (const [key, entry] of groupTable) {
        if (this.expired(entry, now)) {
          groupTable.delete(key);
          this.entries--;
        }
      }
      if (groupTable.size === 0) this.table.delete(group);
    }
  }

  private expired(entry: LockEntry, now: number): boolean {
    return now - entry.lastUpdate > this.maxLiveMillis;
  }
}

function describe(mq: MessageQueue): string {
  return `MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}]`;
}
