// Start-up recovery: find the true end of the commit log, cut a torn or corrupt tail, and make consume
// queues and the index agree with it (RocketMQ recoverNormally / recoverAbnormally, adapted to pwrite files).
import type { Logger } from '../common/logger.js';
import { MAGIC_CODE } from '../protocol/message-const.js';
import type { StoreCheckpoint } from './checkpoint.js';
import type { CommitLog } from './commit-log.js';
import type { ConsumeQueueTable } from './consume-queue-table.js';
import { dispatchEntryOfRecord, type DispatchEntry } from './dispatch.js';
import type { IndexService } from './index-service.js';

export interface RecoveryParts {
  commitLog: CommitLog;
  queues: ConsumeQueueTable;
  index: IndexService | undefined;
  checkpoint: StoreCheckpoint;
  checkCRCOnRecover: boolean;
  delayLevels: readonly number[];
  log: Logger;
  /** Adds a record to its queue and the index unless already there. */
  dispatch(entry: DispatchEntry): void;
  /** Writes what dispatch staged. */
  flushDispatched(): void;
}

export interface RecoveryReport {
  aborted: boolean;
  scanFrom: number;
  end: number;
  records: number;
  truncatedReason?: string;
}

/** Records between writes of staged consume-queue units while re-dispatching. */
const FLUSH_EVERY = 10_000;

/** The last segment whose first record is no newer than the checkpoint says was flushed (RocketMQ rule). */
function checkpointSegment(parts: RecoveryParts): number {
  const { commitLog, checkpoint } = parts;
  const head = Buffer.allocUnsafe(8);
  for (let i = commitLog.segmentCount - 1; i >= 0; i--) {
    const start = commitLog.segmentStart(i);
    if (commitLog.read(start, head, 0, 8) < 8 || head.readInt32BE(4) !== MAGIC_CODE) continue;
    const t = commitLog.storeTimestampAt(start);
    if (t > 0 && t <= checkpoint.minTimestamp) return i;
  }
  return 0;
}

/** Where the scan starts: the newest dispatched message's segment, or earlier after a crash. */
function scanStartSegment(parts: RecoveryParts, aborted: boolean): number {
  const { commitLog } = parts;
  const last = commitLog.segmentCount - 1;
  const frontier = parts.queues.maxPhyEnd();
  let fromFrontier = frontier <= commitLog.minOffset ? 0 : commitLog.segmentIndexOf(frontier);
  if (fromFrontier < 0) fromFrontier = last;
  return aborted ? Math.min(fromFrontier, checkpointSegment(parts)) : fromFrontier;
}

export function recover(parts: RecoveryParts, aborted: boolean): RecoveryReport {
  const { commitLog, queues, index, log } = parts;
  // Entries the index wrote but its header does not count yet are adopted first, so its skip rule holds.
  if (aborted && index !== undefined) index.recoverTail((phy) => commitLog.storeTimestampAt(phy));
  const fromIndex = commitLog.segmentCount > 0 ? scanStartSegment(parts, aborted) : 0;
  const scanFrom = commitLog.segmentCount > 0 ? commitLog.segmentStart(fromIndex) : 0;
  log.info(
    `recovery start: ${aborted ? 'abnormal (abort file present)' : 'normal'}, ${commitLog.segmentCount} commit-log segment(s), ` +
      `scanning from ${scanFrom}, checkpoint physic=${parts.checkpoint.physicMsgTimestamp} logics=${parts.checkpoint.logicsMsgTimestamp}`,
  );
  let records = 0;
  const scan = commitLog.scan(fromIndex, parts.checkCRCOnRecover, (buf, pos, layout, phy) => {
    parts.dispatch(dispatchEntryOfRecord(buf, pos, layout, phy, parts.delayLevels));
    if (++records % FLUSH_EVERY === 0) parts.flushDispatched();
  });
  parts.flushDispatched();
  if (scan.reason !== undefined) log.warn(`recovery: commit log truncated at ${scan.end}: ${scan.reason}`);
  commitLog.truncate(scan.end);
  for (const cq of queues.all()) {
    const dropped = cq.truncateByPhy(scan.end);
    if (dropped > 0) log.warn(`recovery: consume queue ${cq.topic}/${cq.queueId} dropped ${dropped} unit(s) beyond commit-log end ${scan.end}`);
  }
  index?.truncateByPhy(scan.end, (phy) => commitLog.storeTimestampAt(phy));
  commitLog.startWriting(scan.end);
  log.info(`recovery end: commit log [${commitLog.minOffset}, ${scan.end}), ${records} record(s) scanned from ${scanFrom}`);
  return { aborted, scanFrom, end: scan.end, records, truncatedReason: scan.reason };
}
