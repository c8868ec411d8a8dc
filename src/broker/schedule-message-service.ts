// Delayed delivery (RocketMQ's ScheduleMessageService): messages parked in SCHEDULE_TOPIC_XXXX queue
// level-1 are re-appended to their REAL_TOPIC/REAL_QID once store time + the level's delay has passed.
// The re-put keeps the stored properties string unchanged, as 4.9.8 does. Per-level progress (the next
// queue offset to look at) lives in config/delayOffset.json.
import { getLogger } from '../common/logger.js';
import { decodeDelayOffsetSerializeWrapper, encodeDelayOffsetSerializeWrapper } from '../protocol/bodies.js';
import { PROPERTY_REAL_QUEUE_ID, PROPERTY_REAL_TOPIC, TOPIC_SCHEDULE, TOPIC_TRANS_HALF } from '../protocol/message-const.js';
import { decodeMessage, type DecodedMessage } from '../protocol/message.js';
import { parseDelayLevels } from '../store/options.js';
import type { MessageStore, MessageToStore } from '../store/types.js';
import { ConfigFile } from './config-file.js';

export const DELAY_OFFSET_FILE = 'delayOffset.json';
/** Messages read from one level per pass. */
const BATCH = 32;
/** After a failed re-put, retry the same message this much later (DELAY_FOR_A_PERIOD). */
const RETRY_AFTER_FAILURE_MS = 10_000;
/** With nothing parked, look again this often even without an arrival notice. */
const IDLE_POLL_MS = 1000;
/** First pass after start (FIRST_DELAY_TIME). */
const FIRST_DELAY_MS = 1000;

const log = getLogger('broker');

interface LevelState {
  readonly level: number;
  readonly delayMs: number;
  offset: number;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  /** True when the level had nothing parked at its last look (an arrival is then worth a look). */
  idle: boolean;
}

export class ScheduleMessageService {
  private readonly levels: LevelState[];
  private readonly file: ConfigFile;
  private started = false;

  constructor(
    private readonly store: MessageStore,
    configDir: string,
    messageDelayLevel: string,
    private readonly now: () => number = Date.now,
  ) {
    this.file = new ConfigFile(configDir, DELAY_OFFSET_FILE);
    this.levels = parseDelayLevels(messageDelayLevel).map((delayMs, i) => ({
      level: i + 1,
      delayMs,
      offset: 0,
      timer: undefined,
      running: undefined,
      idle: true,
    }));
  }

  get maxDelayLevel(): number {
    return this.levels.length;
  }

  /** Reads delayOffset.json and pulls each offset into its queue's current bounds (correctDelayOffset). */
  load(): void {
    const loaded = this.file.load((text) => decodeDelayOffsetSerializeWrapper(text));
    if (loaded !== undefined) {
      for (const [level, offset] of loaded.value.offsetTable) {
        const state = this.levels[level - 1];
        if (state !== undefined) state.offset = offset;
      }
    }
    for (const state of this.levels) {
      const min = this.store.getMinOffsetInQueue(TOPIC_SCHEDULE, state.level - 1);
      const max = this.store.getMaxOffsetInQueue(TOPIC_SCHEDULE, state.level - 1);
      const corrected = Math.min(Math.max(state.offset, min), max);
      if (corrected !== state.offset) {
        log.error(`correct delay offset [ delayLevel ${state.level} ] from ${state.offset} to ${corrected}`);
        state.offset = corrected;
      }
    }
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const state of this.levels) this.schedule(state, FIRST_DELAY_MS);
  }

  /** The store saw a new message in SCHEDULE_TOPIC_XXXX: look at that level now unless a timer is due sooner. */
  messageArrived(queueId: number): void {
    const state = this.levels[queueId];
    if (state === undefined || !this.started || !state.idle || state.running !== undefined) return;
    this.schedule(state, 0);
  }

  /** Stops the timers, waits for re-puts in flight and writes delayOffset.json. */
  async shutdown(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const state of this.levels) clearTimeout(state.timer);
    await Promise.allSettled(this.levels.map((s) => s.running));
    this.persistSync();
  }

  /** Level → next offset, for every level that has made progress (what delayOffset.json holds). */
  offsetTable(): Map<number, number> {
    const table = new Map<number, number>();
    for (const state of this.levels) {
      if (state.offset > 0 || this.store.getMaxOffsetInQueue(TOPIC_SCHEDULE, state.level - 1) > 0) table.set(state.level, state.offset);
    }
    return table;
  }

  encode(pretty = false): Buffer {
    return encodeDelayOffsetSerializeWrapper({ offsetTable: this.offsetTable() }, { pretty });
  }

  persist(): Promise<void> {
    return this.file.persist(this.encode(true).toString('utf8'));
  }

  persistSync(): void {
    this.file.persistSync(this.encode(true).toString('utf8'));
  }

  private schedule(state: LevelState, delayMs: number): void {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      state.running = this.deliverDue(state)
        .then((nextDelay) => {
          state.running = undefined;
          if (this.started) this.schedule(state, nextDelay);
        })
        .catch((err: unknown) => {
          state.running = undefined;
          log.error(`ScheduleMessageService, executeOnTimeup exception, level ${state.level}: ${String(err)}`);
          if (this.started) this.schedule(state, RETRY_AFTER_FAILURE_MS);
        });
    }, delayMs);
  }

  /** Re-puts what is due; resolves with the wait until the next look. */
  private async deliverDue(state: LevelState): Promise<number> {
    const queueId = state.level - 1;
    while (this.started) {
      const result = this.store.getMessage(TOPIC_SCHEDULE, queueId, state.offset, BATCH, null);
      if (result.status === 'OFFSET_TOO_SMALL' || result.status === 'OFFSET_OVERFLOW_BADLY') {
        log.error(`schedule CQ offset invalid. offset=${state.offset}, corrected to ${result.nextBeginOffset}, queueId=${queueId}`);
        state.offset = result.nextBeginOffset;
        continue;
      }
      state.idle = result.messages.length === 0;
      if (state.idle) return IDLE_POLL_MS;
      for (const record of result.messages) {
        const msg = decodeMessage(record);
        const wait = this.untilDue(state, msg.storeTimestamp);
        if (wait > 0) return wait;
        if (!(await this.reput(msg, state))) return RETRY_AFTER_FAILURE_MS;
        state.offset = msg.queueOffset + 1;
      }
    }
    return IDLE_POLL_MS;
  }

  /** ms until the message is due; a deliver time further out than one full delay is treated as now. */
  private untilDue(state: LevelState, storeTimestamp: number): number {
    const now = this.now();
    const deliverAt = storeTimestamp + state.delayMs;
    return deliverAt > now + state.delayMs ? 0 : deliverAt - now;
  }

  /** True when the message went to its real topic (or was dropped as undeliverable). */
  private async reput(msg: DecodedMessage, state: LevelState): Promise<boolean> {
    const realTopic = msg.properties.get(PROPERTY_REAL_TOPIC);
    const realQid = Number(msg.properties.get(PROPERTY_REAL_QUEUE_ID));
    if (realTopic === undefined || realTopic === '' || !Number.isInteger(realQid) || realQid < 0) {
      log.error(`ScheduleMessageService, a message at ${msg.commitLogOffset} has no usable REAL_TOPIC/REAL_QID, discard it`);
      return true;
    }
    if (realTopic === TOPIC_TRANS_HALF) {
      log.error(`[BUG] the real topic of schedule msg is ${realTopic}, discard the msg. msgId=${msg.msgId}`);
      return true;
    }
    const inner: MessageToStore = {
      topic: realTopic,
      queueId: realQid,
      flag: msg.flag,
      sysFlag: msg.sysFlag,
      bornTimestamp: msg.bornTimestamp,
      bornHost: msg.bornHost,
      body: Buffer.from(msg.body),
      properties: msg.propertiesString,
      reconsumeTimes: msg.reconsumeTimes,
      preparedTransactionOffset: 0,
    };
    const result = await this.store.putMessage(inner);
    if (result.status === 'PUT_OK') return true;
    log.error(`ScheduleMessageService, a message time up, but reput it failed (${result.status}), topic: ${realTopic} msgId ${msg.msgId}, level ${state.level}`);
    return false;
  }
}
