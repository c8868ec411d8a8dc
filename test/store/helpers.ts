// Shared set-up for store tests: temp folders, small-file options, message builders.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { DefaultMessageStore, type StoreHooks } from '../../src/store/default-message-store.js';
import { defaultStoreOptions, type StoreOptions } from '../../src/store/options.js';
import type { MessageToStore } from '../../src/store/types.js';

export const STORE_HOST = { host: '127.0.0.2', port: 10911 };
export const N = '\u0001';
export const S = '\u0002';

const made: string[] = [];
after(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rmq-store-${tag}-`));
  made.push(dir);
  return dir;
}

/** 64 KiB segments, 10-unit consume-queue files, a tiny index: roll-overs happen within a few hundred messages. */
export function smallOptions(root: string, overrides: Partial<StoreOptions> = {}): StoreOptions {
  return {
    ...defaultStoreOptions(root, STORE_HOST),
    mappedFileSizeCommitLog: 64 * 1024,
    mappedFileSizeConsumeQueue: 200,
    maxHashSlotNum: 16,
    maxIndexNum: 64,
    flushIntervalCommitLog: 20,
    flushIntervalConsumeQueue: 50,
    ...overrides,
  };
}

export function message(topic: string, queueId: number, body: string, props: Record<string, string> = {}, extra: Partial<MessageToStore> = {}): MessageToStore {
  const properties = Object.entries(props).map(([k, v]) => `${k}${N}${v}`).join(S);
  return {
    topic,
    queueId,
    flag: 0,
    sysFlag: 0,
    bornTimestamp: 1_700_000_000_000,
    bornHost: { host: '127.0.0.1', port: 40000 },
    body: Buffer.from(body),
    properties,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    ...extra,
  };
}

export async function openStore(options: StoreOptions, hooks?: StoreHooks): Promise<DefaultMessageStore> {
  const store = new DefaultMessageStore(options, hooks);
  await store.start();
  return store;
}

export function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
  // Fixture files are read-only; the copies must be writable.
  const walk = (p: string): void => {
    fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
    if (fs.statSync(p).isDirectory()) for (const name of fs.readdirSync(p)) walk(path.join(p, name));
  };
  walk(to);
}
