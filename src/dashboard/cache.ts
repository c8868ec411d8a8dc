// A value fetched at most once per `ttlMs`: list pages of 1,000 topics or groups reuse one cluster answer.
export class TtlCache<T> {
  private value: { data: T; at: number } | undefined;
  private pending: Promise<T> | undefined;

  constructor(private readonly ttlMs: number, private readonly fetch: () => Promise<T>, private readonly now: () => number = Date.now) {}

  /** The cached value while fresh; else one fetch shared by every caller (a failure is not cached). */
  get(): Promise<T> {
    if (this.value !== undefined && this.now() - this.value.at < this.ttlMs) return Promise.resolve(this.value.data);
    if (this.pending === undefined) {
      this.pending = this.fetch().then((data) => {
        this.value = { data, at: this.now() };
        return data;
      }).finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  /** Forget the value: the next get() asks the cluster (after a create/delete, or a NameServer switch). */
  clear(): void {
    this.value = undefined;
  }
}
