// Message queues as values, and the clustering allocation (Java AllocateMessageQueueAveragely): every consumer
// of a group sorts the same queue list and the same client-id list, so each computes the same split alone.
import type { MessageQueue } from '../protocol/body-types.js';

export type { MessageQueue } from '../protocol/body-types.js';

/** A stable string key for maps and sets ("topic@brokerName@queueId"). */
export function mqKey(mq: MessageQueue): string {
  return `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
}

/** Java MessageQueue.compareTo: topic, then brokerName, then queueId (strings by UTF-16 code units, as Java). */
export function compareMessageQueues(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The queues `currentCid` gets: contiguous blocks of size ⌈n/c⌉ for the first (n mod c) clients and ⌊n/c⌋ for the
 * rest; when there are more clients than queues, the later clients get none. Inputs need not be sorted.
 */
export function allocateAveragely(
  currentCid: string,
  queues: readonly MessageQueue[],
  cids: readonly string[],
): MessageQueue[] {
  const mqAll = [...queues].sort(compareMessageQueues);
  const cidAll = [...new Set(cids)].sort(compareStrings);
  const index = cidAll.indexOf(currentCid);
  if (index < 0 || mqAll.length === 0) return [];
  const mod = mqAll.length % cidAll.length;
  const base = Math.floor(mqAll.length / cidAll.length);
  const averageSize = mqAll.length <= cidAll.length ? 1 : mod > 0 && index < mod ? base + 1 : base;
  const startIndex = mod > 0 && index < mod ? index * averageSize : index * averageSize + mod;
  const range = Math.min(averageSize, mqAll.length - startIndex);
  const out: MessageQueue[] = [];
  for (let i = 0; i < range; i++) out.push(mqAll[(startIndex + i) % mqAll.length]!);
  return out;
}
