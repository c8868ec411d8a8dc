// Which queues this consumer works on (Java RebalanceImpl). Clustering: every member sorts the topic's queues
// and the group's client ids and takes its average share; broadcasting: all queues. Runs are serialized, and a
// request during a run schedules exactly one more run.
import type { Logger } from '../common/logger.js';
import type { SubscriptionData } from '../protocol/body-types.js';
import { allocateAveragely, mqKey, type MessageQueue } from './allocate.js';
import { getConsumerIdList } from './broker-api.js';
import type { ClientInstance } from './client-instance.js';
import type { MessageModel, QueueEntry } from './consumer-types.js';

export interface RebalanceHooks {
  /** A queue newly assigned to us: its entry (with the offset to start from), or undefined to skip it this round. */
  addQueue(mq: MessageQueue): Promise<QueueEntry | undefined>;
  /** The entry is in the table now: start pulling. */
  startQueue(entry: QueueEntry): void;
  /** A queue no longer ours: stop, commit and release it. */
  removeQueue(entry: QueueEntry): Promise<void>;
}

/** A topic without a known route is looked up again at most this often during rebalances. */
const ROUTE_RETRY_MS = 1000;

export class Rebalancer {
  readonly subscriptions = new Map<string, SubscriptionData>();
  /** topic -> readable queues from its route. */
  readonly topicQueues = new Map<string, MessageQueue[]>();
  /** mqKey -> the queue we work on. */
  readonly table = new Map<string, QueueEntry>();
  private current: Promise<void> | undefined;
  private again = false;
  private readonly routeTried = new Map<string, number>();

  constructor(
    private readonly instance: ClientInstance,
    private readonly group: string,
    private readonly model: MessageModel,
    private readonly hooks: RebalanceHooks,
    private readonly logger: Logger,
    private readonly isRunning: () => boolean,
  ) {}

  entries(): QueueEntry[] {
    return [...this.table.values()];
  }

  /** Runs a rebalance now, or once more right after the one in progress. Resolves when that run is done. */
  rebalance(): Promise<void> {
    if (this.current !== undefined) {
      this.again = true;
      return this.current;
    }
    this.current = (async () => {
      do {
        this.again = false;
        await this.runOnce();
      } while (this.again && this.isRunning());
    })().finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  private async runOnce(): Promise<void> {
    for (const topic of this.subscriptions.keys()) {
      if (!this.isRunning()) return;
      try {
        await this.rebalanceTopic(topic);
      } catch (err) {
        this.logger.warn(`${this.group}: rebalance of ${topic} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    // Queues of topics we no longer subscribe to.
    const gone = this.entries().filter((e) => !this.subscriptions.has(e.mq.topic));
    await this.removeEntries(gone);
  }

  private async queuesOf(topic: string): Promise<MessageQueue[] | undefined> {
    const known = this.topicQueues.get(topic);
    if (known !== undefined) return known;
    const last = this.routeTried.get(topic) ?? 0;
    if (Date.now() - last < ROUTE_RETRY_MS) return undefined;
    this.routeTried.set(topic, Date.now());
    try {
      await this.instance.updateRoute(topic);
    } catch (err) {
      this.logger.info(`${this.group}: route of ${topic} not available: ${err instanceof Error ? err.message : String(err)}`);
    }
    return this.topicQueues.get(topic);
  }

  private async rebalanceTopic(topic: string): Promise<void> {
    const mqs = await this.queuesOf(topic);
    if (mqs === undefined) {
      this.logger.info(`${this.group}: doRebalance, but the topic[${topic}] has no route yet`);
      return;
    }
    if (this.model === 'BROADCASTING') {
      await this.updateTable(topic, mqs);
      return;
    }
    const cids = await getConsumerIdList(this.instance, topic, this.group);
    if (cids.length === 0) {
      this.logger.warn(`${this.group}: no consumer id for the group at the broker of ${topic}`);
      return;
    }
    if (!cids.includes(this.instance.clientId)) {
      this.logger.info(`${this.group}: ${this.instance.clientId} not yet in the consumer list ${JSON.stringify(cids)}`);
    }
    await this.updateTable(topic, allocateAveragely(this.instance.clientId, mqs, cids));
  }

  /** Java updateProcessQueueTableInRebalance: give up queues no longer ours, then take the new ones. */
  private async updateTable(topic: string, assigned: readonly MessageQueue[]): Promise<void> {
    const wanted = new Map(assigned.map((mq) => [mqKey(mq), mq]));
    const gone = this.entries().filter((e) => e.mq.topic === topic && !wanted.has(mqKey(e.mq)));
    await this.removeEntries(gone);
    for (const [key, mq] of wanted) {
      if (this.table.has(key) || !this.isRunning()) continue;
      const entry = await this.hooks.addQueue(mq);
      if (entry === undefined) continue;
      if (!this.isRunning()) {
        await this.hooks.removeQueue(entry);
        continue;
      }
      this.table.set(key, entry);
      this.hooks.startQueue(entry);
    }
  }

  private async removeEntries(entries: QueueEntry[]): Promise<void> {
    await Promise.all(entries.map(async (e) => {
      this.table.delete(mqKey(e.mq));
      await this.hooks.removeQueue(e);
    }));
  }

  /** Removes every queue (shutdown). */
  async removeAll(): Promise<void> {
    await this.removeEntries(this.entries());
  }
}
