// Consume offsets: in the broker for clustering (Java RemoteBrokerOffsetStore), in a local file for
// broadcasting (Java LocalFileOffsetStore: ~/.rocketmq_offsets/<clientId>/<group>/offsets.json).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../common/logger.js';
import { decodeResetOffsetBody, encodeResetOffsetBody } from '../protocol/bodies.js';
import { mqKey, type MessageQueue } from './allocate.js';
import { queryConsumerOffset, updateConsumerOffset } from './broker-api.js';
import type { ClientInstance } from './client-instance.js';
import { MQClientError, ClientErrorCode } from './errors.js';

/** Where an offset is read from. */
export type ReadOffsetType = 'MEMORY' | 'STORE' | 'MEMORY_FIRST_THEN_STORE';

/** readOffset results below 0: no offset stored yet, or the store could not be asked. */
export const OFFSET_NOT_FOUND = -1;
export const OFFSET_UNKNOWN = -2;

/** A local offsets file larger than this is not ours. */
const MAX_OFFSET_FILE_BYTES = 64 * 1024 * 1024;

export interface OffsetStore {
  load(): Promise<void>;
  /** The offset, OFFSET_NOT_FOUND when none is stored, OFFSET_UNKNOWN when the store failed. */
  readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number>;
  /** Sets the in-memory offset; with increaseOnly a lower value is ignored. */
  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void;
  /** Writes the offsets of `mqs` to the store; `sync` waits for the broker's answer. */
  persistAll(mqs: readonly MessageQueue[], sync: boolean): Promise<void>;
  persist(mq: MessageQueue, sync: boolean): Promise<void>;
  removeOffset(mq: MessageQueue): void;
  /** In-memory offsets of one topic. */
  offsets(topic?: string): Array<[MessageQueue, number]>;
}

abstract class MemoryOffsets {
  protected readonly table = new Map<string, { mq: MessageQueue; offset: number }>();

  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    const key = mqKey(mq);
    const old = this.table.get(key);
    if (old === undefined) this.table.set(key, { mq: { ...mq }, offset });
    else if (!increaseOnly || offset > old.offset) old.offset = offset;
  }

  removeOffset(mq: MessageQueue): void {
    this.table.delete(mqKey(mq));
  }

  offsets(topic?: string): Array<[MessageQueue, number]> {
    return [...this.table.values()].filter((e) => topic === undefined || e.mq.topic === topic).map((e) => [{ ...e.mq }, e.offset]);
  }

  protected memory(mq: MessageQueue): number | undefined {
    return this.table.get(mqKey(mq))?.offset;
  }
}

export class RemoteBrokerOffsetStore extends MemoryOffsets implements OffsetStore {
  constructor(private readonly instance: ClientInstance, private readonly group: string, private readonly logger: Logger) {
    super();
  }

  async load(): Promise<void> {}

  async readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number> {
    const mem = this.memory(mq);
    if (type === 'MEMORY') return mem ?? OFFSET_NOT_FOUND;
    if (type === 'MEMORY_FIRST_THEN_STORE' && mem !== undefined) return mem;
    try {
      const offset = await queryConsumerOffset(this.instance, this.group, mq);
      if (offset === undefined) return OFFSET_NOT_FOUND;
      this.updateOffset(mq, offset, false);
      return offset;
    } catch (err) {
      this.logger.warn(`${this.instance.clientId}: ${err instanceof Error ? err.message : String(err)}`);
      return OFFSET_UNKNOWN;
    }
  }

  async persistAll(mqs: readonly MessageQueue[], sync: boolean): Promise<void> {
    await Promise.all(mqs.map((mq) => this.persist(mq, sync)));
  }

  async persist(mq: MessageQueue, sync: boolean): Promise<void> {
    const offset = this.memory(mq);
    if (offset === undefined || offset < 0) return;
    try {
      await updateConsumerOffset(this.instance, this.group, mq, offset, !sync);
    } catch (err) {
      this.logger.warn(`${this.instance.clientId}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Java's default folder for broadcasting offsets (system property rocketmq.client.localOffsetStoreDir). */
export function defaultLocalOffsetDir(): string {
  return path.join(os.homedir(), '.rocketmq_offsets');
}

export class LocalFileOffsetStore extends MemoryOffsets implements OffsetStore {
  readonly file: string;

  constructor(baseDir: string, clientId: string, group: string, private readonly logger: Logger) {
    super();
    // clientId holds ':' for IPv6 addresses and '#': fine in POSIX names; keep it as Java does.
    this.file = path.join(baseDir, clientId, group, 'offsets.json');
  }

  async load(): Promise<void> {
    const table = (await this.readFile(this.file)) ?? (await this.readFile(`${this.file}.bak`));
    if (table === undefined) return;
    for (const [mq, offset] of table) this.updateOffset(mq, offset, false);
  }

  private async readFile(file: string): Promise<Array<[MessageQueue, number]> | undefined> {
    let data: Buffer;
    try {
      const stat = await fs.promises.stat(file);
      if (stat.size > MAX_OFFSET_FILE_BYTES) throw new Error(`${stat.size} bytes, more than ${MAX_OFFSET_FILE_BYTES}`);
      data = await fs.promises.readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new MQClientError(`cannot read offsets file ${file}: ${err instanceof Error ? err.message : String(err)}`, ClientErrorCode.ILLEGAL_ARGUMENT);
    }
    try {
      return decodeResetOffsetBody(data).offsetTable;
    } catch (err) {
      this.logger.warn(`offsets file ${file} is corrupt (${err instanceof Error ? err.message : String(err)}); trying the backup`);
      return undefined;
    }
  }

  async readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number> {
    const mem = this.memory(mq);
    if (type === 'MEMORY' || type === 'MEMORY_FIRST_THEN_STORE') {
      if (mem !== undefined || type === 'MEMORY') return mem ?? OFFSET_NOT_FOUND;
    }
    try {
      const table = (await this.readFile(this.file)) ?? [];
      const hit = table.find(([q]) => mqKey(q) === mqKey(mq));
      if (hit === undefined) return OFFSET_NOT_FOUND;
      this.updateOffset(mq, hit[1], false);
      return hit[1];
    } catch (err) {
      this.logger.warn(String(err));
      return OFFSET_UNKNOWN;
    }
  }

  private writing: Promise<void> = Promise.resolve();

  /** Rewrites the whole file (all queues we know), as Java does; the previous version is kept as .bak. */
  persistAll(): Promise<void> {
    // One write at a time: two overlapping writes would share the .tmp file.
    const next = this.writing.then(() => this.writeFile());
    this.writing = next.catch((err: unknown) => this.logger.warn(`writing ${this.file} failed: ${String(err)}`));
    return next;
  }

  private async writeFile(): Promise<void> {
    const body = encodeResetOffsetBody({ offsetTable: this.offsets() });
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    await fs.promises.writeFile(tmp, body);
    try {
      await fs.promises.copyFile(this.file, `${this.file}.bak`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await fs.promises.rename(tmp, this.file);
  }

  async persist(): Promise<void> {
    await this.persistAll();
  }
}
