// All consume queues of the store, by topic and queue id, plus the set of files written since the last flush.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../common/logger.js';
import { ConsumeQueue } from './consume-queue.js';
import { MAX_QUEUE_ID, VALID_TOPIC } from './dispatch.js';
import { fdatasyncPath, type FilePool } from './file-pool.js';


export class ConsumeQueueTable {
  private readonly byTopic = new Map<string, Map<number, ConsumeQueue>>();
  /** Files written since the last flush (fdatasynced by flush()). */
  readonly dirtyFiles = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly fileSize: number,
    private readonly pool: FilePool,
    private readonly log: Logger,
  ) {}

  /** Loads every consumequeue/<topic>/<queueId>/ folder; skips (with a warning) names that cannot be ours. */
  loadAll(): void {
    fs.mkdirSync(this.root, { recursive: true });
    for (const topic of fs.readdirSync(this.root)) {
      const topicDir = path.join(this.root, topic);
      if (!fs.statSync(topicDir).isDirectory()) continue;
      if (!VALID_TOPIC.test(topic)) {
        this.log.warn(`consume queue: ignoring folder ${topicDir}: not a valid topic name`);
        continue;
      }
      for (const name of fs.readdirSync(topicDir)) {
        const queueId = Number(name);
        if (!/^\d{1,10}$/.test(name) || queueId > MAX_QUEUE_ID) {
          this.log.warn(`consume queue: ignoring ${path.join(topicDir, name)}: not a queue id`);
          continue;
        }
        const cq = this.create(topic, queueId);
        cq.load();
      }
    }
  }

  find(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.byTopic.get(topic)?.get(queueId);
  }

  /** The queue, created in memory when new (its folder appears with its first unit). */
  findOrCreate(topic: string, queueId: number): ConsumeQueue {
    return this.find(topic, queueId) ?? this.create(topic, queueId);
  }

  private create(topic: string, queueId: number): ConsumeQueue {
    let queues = this.byTopic.get(topic);
    if (queues === undefined) {
      queues = new Map();
      this.byTopic.set(topic, queues);
    }
    const cq = new ConsumeQueue(this.root, topic, queueId, this.fileSize, this.pool, this.log, this.dirtyFiles);
    queues.set(queueId, cq);
    return cq;
  }

  *all(): IterableIterator<ConsumeQueue> {
    for (const queues of this.byTopic.values()) yield* queues.values();
  }

  topics(): string[] {
    return [...this.byTopic.keys()];
  }

  /** End of the newest message any queue points at: where re-dispatch has to start. */
  maxPhyEnd(): number {
    let max = 0;
    for (const cq of this.all()) if (cq.maxPhyEnd > max) max = cq.maxPhyEnd;
    return max;
  }

  deleteTopic(topic: string): boolean {
    const queues = this.byTopic.get(topic);
    if (queues === undefined) return false;
    for (const cq of queues.values()) cq.destroy();
    this.byTopic.delete(topic);
    fs.rmSync(path.join(this.root, topic), { recursive: true, force: true });
    for (const file of [...this.dirtyFiles]) if (file.startsWith(path.join(this.root, topic) + path.sep)) this.dirtyFiles.delete(file);
    return true;
  }

  /** fdatasyncs the files written since the last call. */
  async flush(): Promise<void> {
    const files = [...this.dirtyFiles];
    this.dirtyFiles.clear();
    await Promise.all(
      files.map((f) =>
        fdatasyncPath(f).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOENT') throw e; // the topic was deleted meanwhile
        }),
      ),
    );
  }
}
