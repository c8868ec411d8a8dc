// Long polling (RocketMQ's PullRequestHoldService): a pull that found nothing is parked until a message
// matching its filter lands in its queue, or until its timeout; then the pull runs again and its answer
// goes out. With long polling off the pull is parked for shortPollingTimeMills and only the timeout wakes it.
import { getLogger } from '../common/logger.js';
import type { RemotingCommand } from '../protocol/command.js';
import type { TagsCodeFilter } from '../store/types.js';

/** Parked pulls at most; beyond it a pull is answered at once instead of being parked. */
export const DEFAULT_MAX_HELD_PULLS = 100_000;

const log = getLogger('broker');

type Rerun = () => RemotingCommand | null | Promise<RemotingCommand | null>;

interface HeldPull {
  readonly offset: number;
  readonly filter: TagsCodeFilter | null;
  readonly rerun: Rerun;
  timer: NodeJS.Timeout | undefined;
  resolve(response: RemotingCommand | null): void;
  reject(err: unknown): void;
}

export interface PullHoldOptions {
  /** false: wake only at the timeout (short polling). */
  longPollingEnable: boolean;
  maxHeld?: number;
}

export class PullRequestHoldService {
  /** topic → queueId → parked pulls */
  private readonly held = new Map<string, Map<number, Set<HeldPull>>>();
  private count = 0;
  private stopped = false;
  private readonly maxHeld: number;

  constructor(private readonly options: PullHoldOptions) {
    this.maxHeld = options.maxHeld ?? DEFAULT_MAX_HELD_PULLS;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Parks a pull of `topic`/`queueId` waiting for offset `offset`; the promise settles with what `rerun`
   * answers when woken. Undefined when the service is full or stopped: the caller answers at once.
   */
  hold(topic: string, queueId: number, offset: number, filter: TagsCodeFilter | null, timeoutMs: number, rerun: Rerun): Promise<RemotingCommand | null> | undefined {
    if (this.stopped) return undefined;
    if (this.count >= this.maxHeld) {
      log.warn(`too many suspended pull requests (${this.count}), answering ${topic}@${queueId} at once`);
      return undefined;
    }
    return new Promise((resolve, reject) => {
      const pull: HeldPull = { offset, filter, rerun, timer: undefined, resolve, reject };
      let queues = this.held.get(topic);
      if (queues === undefined) {
        queues = new Map();
        this.held.set(topic, queues);
      }
      let pulls = queues.get(queueId);
      if (pulls === undefined) {
        pulls = new Set();
        queues.set(queueId, pulls);
      }
      pulls.add(pull);
      this.count++;
      pull.timer = setTimeout(() => this.wake(topic, queueId, pull), Math.max(0, timeoutMs));
    });
  }

  /** The store's arrival listener: wakes the pulls of that queue the new message satisfies. */
  readonly onMessageArrived = (topic: string, queueId: number, queueOffset: number, tagsCode: number): void => {
    if (this.count === 0 || !this.options.longPollingEnable) return;
    const pulls = this.held.get(topic)?.get(queueId);
    if (pulls === undefined) return;
    for (const pull of pulls) {
      if (queueOffset >= pull.offset && (pull.filter === null || pull.filter(tagsCode))) this.wake(topic, queueId, pull);
    }
  };

  /** Answers every parked pull now (graceful shutdown) and refuses new ones. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    const waiting: Array<Promise<void>> = [];
    for (const [topic, queues] of this.held) {
      for (const [queueId, pulls] of queues) {
        for (const pull of pulls) waiting.push(this.wake(topic, queueId, pull));
      }
    }
    await Promise.allSettled(waiting);
  }

  private wake(topic: string, queueId: number, pull: HeldPull): Promise<void> {
    const queues = this.held.get(topic);
    const pulls = queues?.get(queueId);
    if (pulls === undefined || !pulls.delete(pull)) return Promise.resolve();
    this.count--;
    if (pulls.size === 0) {
      queues?.delete(queueId);
      if (queues?.size === 0) this.held.delete(topic);
    }
    clearTimeout(pull.timer);
    return Promise.resolve()
      .then(() => pull.rerun())
      .then(pull.resolve, pull.reject);
  }
}
