// PullMessageProcessor.generateOffsetMovedEvent of 4.9.8: when a master answers PULL_OFFSET_MOVED it stores an
// event in OFFSET_MOVED_EVENT (queue 0, TAGS and KEYS = the group, DELAY=0, born and store host = the broker),
// so that a monitor (mqadmin startMonitoring) learns which group skipped which range of which queue.
import { getLogger } from '../common/logger.js';
import { encodeProperties } from '../protocol/message.js';
import { PROPERTY_DELAY_TIME_LEVEL, PROPERTY_KEYS, PROPERTY_TAGS, TOPIC_OFFSET_MOVED_EVENT } from '../protocol/message-const.js';
import { encodeOffsetMovedEvent, offsetMovedEventText, type OffsetMovedEvent } from '../protocol/offset-moved-event.js';
import type { MessageToStore } from '../store/types.js';
import type { BrokerContext } from './broker-context.js';

const log = getLogger('broker');

export function offsetMovedEventMessage(ctx: BrokerContext, event: OffsetMovedEvent, now = Date.now()): MessageToStore {
  // The order Java's HashMap iterates these three keys in (messageProperties2String).
  const properties = new Map([
    [PROPERTY_KEYS, event.consumerGroup],
    [PROPERTY_DELAY_TIME_LEVEL, '0'],
    [PROPERTY_TAGS, event.consumerGroup],
  ]);
  return {
    topic: TOPIC_OFFSET_MOVED_EVENT,
    queueId: 0,
    flag: 0,
    sysFlag: 0,
    bornTimestamp: now,
    bornHost: ctx.storeHost,
    body: encodeOffsetMovedEvent(event),
    properties: encodeProperties(properties),
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
}

/** Stores the event; a failure is logged, never thrown (the pull is answered either way, as in 4.9.8). */
export async function storeOffsetMovedEvent(ctx: BrokerContext, event: OffsetMovedEvent): Promise<void> {
  try {
    const r = await ctx.store.putMessage(offsetMovedEventMessage(ctx, event));
    if (r.status !== 'PUT_OK') log.warn(`generateOffsetMovedEvent: ${r.status} ${r.remark ?? ''}, ${offsetMovedEventText(event)}`);
  } catch (err) {
    log.warn(`generateOffsetMovedEvent Exception, ${offsetMovedEventText(event)}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
