// Collects what listeners receive, for assertions; waiting is on conditions with deadlines, never on sleeps.
import type { MessageExt } from '../../src/index.js';
import { waitFor } from '../support/wait.js';

export interface Received {
  body: string;
  msgId: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  reconsumeTimes: number;
  tags: string | undefined;
  consumer: string;
  at: number;
}

export class Inbox {
  readonly items: Received[] = [];

  add(msgs: readonly MessageExt[], consumer = ''): void {
    for (const m of msgs) {
      this.items.push({
        body: m.body.toString(), msgId: m.msgId, topic: m.topic, queueId: m.queueId, queueOffset: m.queueOffset,
        reconsumeTimes: m.reconsumeTimes, tags: m.tags, consumer, at: Date.now(),
      });
    }
  }

  bodies(consumer?: string): string[] {
    return this.items.filter((r) => consumer === undefined || r.consumer === consumer).map((r) => r.body);
  }

  /** Waits until `predicate` holds for the items so far. */
  async until(predicate: (items: Received[]) => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    await waitFor(() => predicate(this.items), {
      timeoutMs,
      what: () => `${what} (have ${this.items.length}: ${this.items.slice(-10).map((r) => r.body).join(', ')})`,
    });
  }

  async count(n: number, timeoutMs = 20_000): Promise<void> {
    await this.until((items) => items.length >= n, `${n} messages`, timeoutMs);
  }

  /** Message bodies seen more than once. */
  duplicates(): string[] {
    const seen = new Map<string, number>();
    for (const r of this.items) seen.set(r.body, (seen.get(r.body) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([b]) => b);
  }
}
