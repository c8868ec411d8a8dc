// What every route shares: the MQAdmin of the current NameServer list (replaced on a switch) and the short-lived
// caches behind the list pages.
import { consumerGroupList, MQAdmin, topicListWithKinds, type TopicKind } from '../admin/index.js';
import { TtlCache } from './cache.js';

/** How long a topic or group list is reused between page views. */
export const LIST_CACHE_MS = 5000;

export class DashboardContext {
  private current: MQAdmin;
  private readonly retired = new Set<MQAdmin>();
  readonly topics: TtlCache<Array<{ topic: string; kind: TopicKind }>>;
  readonly groups: TtlCache<string[]>;
  /** Called after a NameServer switch (the sampler forgets the old cluster's figures). */
  onSwitch: (() => void) | undefined;

  constructor(namesrvAddr: string, private readonly timeoutMs?: number) {
    this.current = this.newAdmin(namesrvAddr);
    this.topics = new TtlCache(LIST_CACHE_MS, () => topicListWithKinds(this.current));
    this.groups = new TtlCache(LIST_CACHE_MS, () => consumerGroupList(this.current));
  }

  get admin(): MQAdmin {
    return this.current;
  }

  private newAdmin(namesrvAddr: string): MQAdmin {
    return new MQAdmin(this.timeoutMs === undefined ? { namesrvAddr } : { namesrvAddr, timeoutMs: this.timeoutMs });
  }

  /** Talk to other NameServers from now on (the list is already checked); requests under way finish on the old one. */
  switchNamesrv(addrs: string[]): void {
    const old = this.current;
    this.current = this.newAdmin(addrs.join(';'));
    this.listsChanged();
    this.onSwitch?.();
    this.retired.add(old);
    const timer = setTimeout(() => {
      this.retired.delete(old);
      void old.close();
    }, old.timeoutMs * 3);
    timer.unref();
  }

  /** A topic or group was created or deleted: the next list page asks the cluster. */
  listsChanged(): void {
    this.topics.clear();
    this.groups.clear();
  }

  async close(): Promise<void> {
    const all = [this.current, ...this.retired];
    this.retired.clear();
    await Promise.allSettled(all.map((a) => a.close()));
  }
}
