// Offsets: QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15), SEARCH_OFFSET_BY_TIMESTAMP (29),
// GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32), GET_ALL_CONSUMER_OFFSET (43),
// GET_ALL_DELAY_OFFSET (45) — ConsumerManageProcessor and AdminBrokerProcessor of 4.9.8.
import { createResponse, requireInt, requireLong, requireString, type RemotingCommand } from '../protocol/command.js';
import { RequestCode, ResponseCode } from '../protocol/codes.js';
import type { Dispatcher } from '../remoting/dispatcher.js';
import type { Connection } from '../remoting/types.js';
import type { BrokerContext } from './broker-context.js';

export function registerOffsetHandlers(d: Dispatcher, ctx: BrokerContext): void {
  d.register(RequestCode.QUERY_CONSUMER_OFFSET, (req) => queryConsumerOffset(ctx, req));
  d.register(RequestCode.UPDATE_CONSUMER_OFFSET, (req, conn) => updateConsumerOffset(ctx, req, conn));
  d.register(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, (req) => {
    const { topic, queueId } = queueOf(req);
    const offset = ctx.store.getOffsetInQueueByTime(topic, queueId, requireLong(req.extFields, 'timestamp'));
    return createResponse(req, ResponseCode.SUCCESS, undefined, { offset: String(offset) });
  });
  d.register(RequestCode.GET_MAX_OFFSET, (req) => {
    const { topic, queueId } = queueOf(req);
    return createResponse(req, ResponseCode.SUCCESS, undefined, { offset: String(ctx.store.getMaxOffsetInQueue(topic, queueId)) });
  });
  d.register(RequestCode.GET_MIN_OFFSET, (req) => {
    const { topic, queueId } = queueOf(req);
    return createResponse(req, ResponseCode.SUCCESS, undefined, { offset: String(ctx.store.getMinOffsetInQueue(topic, queueId)) });
  });
  d.register(RequestCode.GET_EARLIEST_MSG_STORETIME, (req) => {
    const { topic, queueId } = queueOf(req);
    return createResponse(req, ResponseCode.SUCCESS, undefined, { timestamp: String(ctx.store.getEarliestMessageTime(topic, queueId)) });
  });
  d.register(RequestCode.GET_ALL_CONSUMER_OFFSET, (req) => createResponse(req, ResponseCode.SUCCESS, undefined, {}, ctx.offsets.encode()));
  d.register(RequestCode.GET_ALL_DELAY_OFFSET, (req) => createResponse(req, ResponseCode.SUCCESS, undefined, {}, ctx.schedule.encode()));
}

function queueOf(request: RemotingCommand): { topic: string; queueId: number } {
  return { topic: requireString(request.extFields, 'topic'), queueId: requireInt(request.extFields, 'queueId') };
}

/**
 * The committed offset. A group that never committed gets 0 when the queue still starts at 0 and its first
 * message is not yet on the "disk" side (so a new group reads a young queue from the start), else QUERY_NOT_FOUND.
 */
function queryConsumerOffset(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const group = requireString(request.extFields, 'consumerGroup');
  const { topic, queueId } = queueOf(request);
  const offset = ctx.offsets.query(group, topic, queueId);
  if (offset >= 0) return createResponse(request, ResponseCode.SUCCESS, undefined, { offset: String(offset) });
  const minOffset = ctx.store.getMinOffsetInQueue(topic, queueId);
  if (minOffset <= 0 && !firstMessageOnDisk(ctx, topic, queueId)) {
    return createResponse(request, ResponseCode.SUCCESS, undefined, { offset: '0' });
  }
  return createResponse(request, ResponseCode.QUERY_NOT_FOUND, 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first');
}

/** checkInDiskByConsumeOffset(topic, queueId, 0): the store says reading message 0 would come from disk. */
function firstMessageOnDisk(ctx: BrokerContext, topic: string, queueId: number): boolean {
  const result = ctx.store.getMessage(topic, queueId, 0, 1, null);
  return result.messages.length > 0 && result.suggestPullingFromSlave;
}

function updateConsumerOffset(ctx: BrokerContext, request: RemotingCommand, conn: Connection): RemotingCommand {
  const ext = request.extFields;
  const group = requireString(ext, 'consumerGroup');
  const { topic, queueId } = queueOf(request);
  ctx.offsets.commit(conn.remoteAddress, group, topic, queueId, requireLong(ext, 'commitOffset'));
  return createResponse(request, ResponseCode.SUCCESS);
}
