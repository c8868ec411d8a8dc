// The contract between the message store and the broker (DESIGN.md: store/ knows nothing of the network).
// Offsets are JS numbers: exact up to 2^53 bytes (8 PiB), far beyond any store this process will hold.

// One definition of a message-to-store and of a host address, in the protocol layer that encodes them.
import type { HostAddress } from '../protocol/message-id.js';
import type { StorableMessage } from '../protocol/message.js';

export type { HostAddress };
/** A message as the broker hands it to the store, before it gets its offsets. */
export type MessageToStore = StorableMessage;

export type PutStatus =
  | 'PUT_OK'
  | 'FLUSH_DISK_TIMEOUT'
  | 'FLUSH_SLAVE_TIMEOUT'
  | 'SLAVE_NOT_AVAILABLE'
  | 'SERVICE_NOT_AVAILABLE'
  | 'CREATE_MAPEDFILE_FAILED'
  | 'MESSAGE_ILLEGAL'
  | 'PROPERTIES_SIZE_EXCEEDED'
  | 'OS_PAGECACHE_BUSY'
  | 'UNKNOWN_ERROR';

export interface AppendedMessage {
  /** CommitLog physical offset of the record. */
  wroteOffset: number;
  wroteBytes: number;
  /** offsetMsgId: store host + physical offset, uppercase hex (message-format.md §8.1). */
  msgId: string;
  queueOffset: number;
  storeTimestamp: number;
}

export interface PutResult {
  status: PutStatus;
  /** Human-readable reason when status is not PUT_OK. */
  remark?: string;
  /** One entry per stored record (a batch yields several, consecutive queue offsets). Empty on failure. */
  messages: AppendedMessage[];
}

/** RocketMQ's GetMessageStatus names; the broker sends the name as the pull response remark. */
export type GetMessageStatus =
  | 'FOUND'
  | 'NO_MATCHED_MESSAGE'
  | 'MESSAGE_WAS_REMOVING'
  | 'OFFSET_FOUND_NULL'
  | 'OFFSET_OVERFLOW_BADLY'
  | 'OFFSET_OVERFLOW_ONE'
  | 'OFFSET_TOO_SMALL'
  | 'NO_MATCHED_LOGIC_QUEUE'
  | 'NO_MESSAGE_IN_QUEUE';

export interface GetMessageResult {
  status: GetMessageStatus;
  /** Stored records, each one whole message in commit-log format. */
  messages: Buffer[];
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** True when the consumer lags so far that reads come from disk (suggest the slave). */
  suggestPullingFromSlave: boolean;
}

/** Decides from the consume-queue tag hash whether a message is wanted (null filter = everything). */
export type TagsCodeFilter = (tagsCode: number) => boolean;

export interface QueryMessageResult {
  messages: Buffer[];
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

/** Called after a message is visible in its consume queue (wakes long-polling pulls). */
export type MessageArrivedListener = (topic: string, queueId: number, queueOffset: number, tagsCode: number) => void;

export interface MessageStore {
  /** Takes the lock file (fails with "Lock failed,MQ already started"), recovers, starts flushing. */
  start(): Promise<void>;
  /** Flushes everything, writes the checkpoint, removes `abort`, releases the lock. */
  shutdown(): Promise<void>;

  /** Appends one message; resolves once it is as durable as flushDiskType demands. */
  putMessage(msg: MessageToStore): Promise<PutResult>;
  /** Appends records that share topic and queue as consecutive messages, with one durability wait. */
  putMessages(msgs: MessageToStore[]): Promise<PutResult>;

  getMessage(topic: string, queueId: number, offset: number, maxMsgNums: number, filter: TagsCodeFilter | null): GetMessageResult;
  getMaxOffsetInQueue(topic: string, queueId: number): number;
  getMinOffsetInQueue(topic: string, queueId: number): number;
  /** Queue offset of the first message stored at or after `timestamp` (RocketMQ's binary search rule). */
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number): number;
  getEarliestMessageTime(topic: string, queueId: number): number;
  /** Store timestamp of the message at that queue offset, or -1. */
  getMessageStoreTimestamp(topic: string, queueId: number, queueOffset: number): number;
  /** The whole stored record at a commit-log offset, or undefined when there is none. */
  lookMessageByOffset(commitLogOffset: number): Buffer | undefined;
  /** By KEYS entry or UNIQ_KEY, newest first (message-format.md §7.3). */
  queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): QueryMessageResult;

  getMinPhyOffset(): number;
  getMaxPhyOffset(): number;
  /** HA master: committed commit-log bytes from `offset`, at most `maxBytes`, never past a segment end. */
  getCommitLogData(offset: number, maxBytes: number): Buffer | undefined;
  /** HA slave: the next commit-log offset expected from the master (committed end + an incomplete record held). */
  getReplicaOffset(): number;
  /** HA slave: writes the master's bytes at `offset` and dispatches the whole records; throws on bad bytes. */
  appendToCommitLog(offset: number, data: Buffer): void;
  /** Drops a topic's consume queues (DELETE_TOPIC_IN_BROKER). */
  deleteTopics(topics: string[]): void;
  /** Topics that have consume queues on disk (used to find unused topics). */
  topicsWithQueues(): string[];

  onMessageArrived(listener: MessageArrivedListener): void;
  /** Called after each write of new records to the commit log, before their consume queues are written. */
  onCommitLogWritten?(listener: () => void): void;
  /** Folder for config/*.json (topics.json, consumerOffset.json, ...). */
  readonly configDir: string;
}
