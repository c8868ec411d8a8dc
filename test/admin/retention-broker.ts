// A broker of an AdminCluster whose store has 64 KiB commit-log segments, 10-unit consume-queue files and an
// injected retention clock, so a test can make retention delete old segments ("it is 04:00, the oldest segments
// are 100 hours old") and see what consumers, the broker and mqadmin make of the gap.
import fs from 'node:fs';
import path from 'node:path';
import type { BrokerController } from '../../src/broker/broker-controller.js';
import { storeOptionsOf } from '../../src/broker/store-options-of.js';
import type { BrokerConfig } from '../../src/config/broker-config.js';
import type { Producer } from '../../src/client/index.js';
import { DefaultMessageStore } from '../../src/store/default-message-store.js';
import type { RetentionClock } from '../../src/store/retention.js';
import type { AdminCluster } from './harness.js';

const HOUR = 3_600_000;

/** The hour of the day retention sees; everything else is real. */
export class RetentionWorld implements RetentionClock {
  hour = 3;
  now(): number {
    return Date.now();
  }
  hourOfDay(): number {
    return this.hour;
  }
}

export interface RetentionBroker {
  broker: BrokerController;
  store: DefaultMessageStore;
  world: RetentionWorld;
  commitLogDir: string;
}

export const SMALL_STORE: Partial<BrokerConfig> = {
  mappedFileSizeCommitLog: 64 * 1024,
  mappedFileSizeConsumeQueue: 200,
  flushDiskType: 'SYNC_FLUSH',
  deleteCommitLogFilesInterval: 0,
  deleteConsumeQueueFilesInterval: 0,
  // The timer stays out of the way unless a test shortens it.
  cleanResourceInterval: 3_600_000,
};

export async function addRetentionBroker(c: AdminCluster, suffix: string, overrides: Partial<BrokerConfig> = {}): Promise<RetentionBroker> {
  const config = c.brokerConfig(suffix, { ...SMALL_STORE, ...overrides });
  const world = new RetentionWorld();
  const store = new DefaultMessageStore(storeOptionsOf(config, { host: '127.0.0.1', port: 10911 }), { clock: world, diskUsage: () => 0.1 });
  const broker = await c.addBroker(suffix, { ...SMALL_STORE, ...overrides }, { store });
  return { broker, store, world, commitLogDir: path.join(config.storePathRootDir, 'commitlog') };
}

/** ~1 KiB bodies spread over `queueIds` in turn: about 60 per 64 KiB segment. */
export async function sendBig(p: Producer, topic: string, brokerName: string, n: number, queueIds: number[] = [0]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const queueId = queueIds[i % queueIds.length]!;
    const r = await p.send({ topic, body: `m${i}-${'x'.repeat(1000)}` }, { topic, brokerName, queueId });
    if (r.sendStatus !== 'SEND_OK') throw new Error(`send ${i} to ${topic}/${queueId}: ${r.sendStatus}`);
  }
}

export function segments(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

/** Sets the modification time of the oldest `n` commit-log segments `hoursAgo` back. */
export function age(dir: string, n: number, hoursAgo: number): void {
  const t = new Date(Date.now() - hoursAgo * HOUR);
  for (const name of segments(dir).slice(0, n)) fs.utimesSync(path.join(dir, name), t, t);
}
