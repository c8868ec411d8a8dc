// Client management: HEART_BEAT (34), UNREGISTER_CLIENT (35), GET_CONSUMER_LIST_BY_GROUP (38),
// LOCK_BATCH_MQ / UNLOCK_BATCH_MQ (41/42), GET_CONSUMER_CONNECTION_LIST (203), GET_PRODUCER_CONNECTION_LIST (204)
// — ClientManageProcessor, ConsumerManageProcessor and the lock/connection parts of AdminBrokerProcessor.
import { ProtocolError } from '../common/errors.js';
import { getLogger } from '../common/logger.js';
import { createResponse, optionalString, requireString, type RemotingCommand } from '../protocol/command.js';
import { Perm, RequestCode, ResponseCode } from '../protocol/codes.js';
import type { Connection as ConnectionBody, ConsumerData, SubscriptionData } from '../protocol/body-types.js';
import {
  decodeHeartbeatData,
  decodeLockBatchRequestBody,
  decodeUnlockBatchRequestBody,
  encodeConsumerConnection,
  encodeGetConsumerListByGroupResponseBody,
  encodeLockBatchResponseBody,
  encodeProducerConnection,
} from '../protocol/bodies.js';
import { RETRY_GROUP_TOPIC_PREFIX } from '../protocol/message-const.js';
import type { Dispatcher } from '../remoting/dispatcher.js';
import type { Connection } from '../remoting/types.js';
import type { BrokerContext } from './broker-context.js';
import { BrokerError } from './broker-error.js';
import { newClientChannel, type ClientChannel } from './client-channel.js';

const log = getLogger('broker');
const TOPIC_SYS_FLAG_UNIT_SUB = 0x2;

export function registerClientHandlers(d: Dispatcher, ctx: BrokerContext): void {
  d.register(RequestCode.HEART_BEAT, (req, conn) => heartbeat(ctx, req, conn));
  d.register(RequestCode.UNREGISTER_CLIENT, (req, conn) => unregisterClient(ctx, req, conn));
  d.register(RequestCode.GET_CONSUMER_LIST_BY_GROUP, (req) => consumerListByGroup(ctx, req));
  d.register(RequestCode.LOCK_BATCH_MQ, (req) => lockBatch(ctx, req));
  d.register(RequestCode.UNLOCK_BATCH_MQ, (req) => unlockBatch(ctx, req));
  d.register(RequestCode.GET_CONSUMER_CONNECTION_LIST, (req) => consumerConnections(ctx, req));
  d.register(RequestCode.GET_PRODUCER_CONNECTION_LIST, (req) => producerConnections(ctx, req));
}

/** A JSON request body decoded, or the BrokerError naming what is wrong with it. */
function decodeBody<T>(request: RemotingCommand, what: string, decode: (body: Buffer) => T): T {
  if (request.body === undefined || request.body.length === 0) {
    throw new BrokerError(ResponseCode.SYSTEM_ERROR, `the ${what} request has no body`);
  }
  try {
    return decode(request.body);
  } catch (err) {
    if (err instanceof ProtocolError) throw new BrokerError(ResponseCode.SYSTEM_ERROR, `the ${what} body is malformed: ${err.message}`);
    throw err;
  }
}

function heartbeat(ctx: BrokerContext, request: RemotingCommand, conn: Connection): RemotingCommand {
  const hb = decodeBody(request, 'HEART_BEAT', decodeHeartbeatData);
  ctx.watchClient(conn);
  const now = Date.now();
  for (const data of hb.consumerDataSet) registerConsumer(ctx, data, newClientChannel(conn, hb.clientID, request.language, request.version, now));
  for (const data of hb.producerDataSet) {
    ctx.producers.register(data.groupName, newClientChannel(conn, hb.clientID, request.language, request.version, now));
  }
  return createResponse(request, ResponseCode.SUCCESS);
}

/** One consumer entry of a heartbeat: the group (auto-created), its %RETRY% topic and its membership. */
function registerConsumer(ctx: BrokerContext, data: ConsumerData, channel: ClientChannel): void {
  const group = ctx.groups.find(data.groupName);
  let notify = true;
  if (group !== undefined) {
    notify = group.notifyConsumerIdsChangedEnable;
    ctx.topics.createOnSendBack(RETRY_GROUP_TOPIC_PREFIX + data.groupName, group.retryQueueNums, Perm.READ | Perm.WRITE, data.unitMode ? TOPIC_SYS_FLAG_UNIT_SUB : 0);
  }
  let changed: boolean;
  try {
    changed = ctx.consumers.register({
      group: data.groupName,
      channel,
      consumeType: data.consumeType,
      messageModel: data.messageModel,
      consumeFromWhere: data.consumeFromWhere,
      subscriptions: data.subscriptionDataSet,
      notify,
    });
  } catch (err) {
    throw new BrokerError(ResponseCode.SYSTEM_ERROR, err instanceof Error ? err.message : String(err));
  }
  if (changed) log.info(`registerConsumer info changed ${data.groupName} ${channel.clientId} ${channel.conn.remoteAddress}`);
}

function unregisterClient(ctx: BrokerContext, request: RemotingCommand, conn: Connection): RemotingCommand {
  const ext = request.extFields;
  const clientId = requireString(ext, 'clientID');
  const producerGroup = optionalString(ext, 'producerGroup');
  const consumerGroup = optionalString(ext, 'consumerGroup');
  if (producerGroup !== undefined) ctx.producers.unregister(producerGroup, conn);
  if (consumerGroup !== undefined) {
    const group = ctx.groups.find(consumerGroup);
    ctx.consumers.unregister(consumerGroup, conn, group?.notifyConsumerIdsChangedEnable ?? true);
  }
  log.info(`unregister client ${clientId} producerGroup=${producerGroup ?? ''} consumerGroup=${consumerGroup ?? ''} ${conn.remoteAddress}`);
  return createResponse(request, ResponseCode.SUCCESS);
}

function consumerListByGroup(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const group = requireString(request.extFields, 'consumerGroup');
  const ids = ctx.consumers.get(group)?.clientIds() ?? [];
  if (ids.length > 0) {
    return createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeGetConsumerListByGroupResponseBody({ consumerIdList: ids }));
  }
  log.warn(`getConsumerGroupInfo failed, ${group} ${request.opaque}`);
  return createResponse(request, ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${group}`);
}

function lockBatch(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const body = decodeBody(request, 'LOCK_BATCH_MQ', decodeLockBatchRequestBody);
  const locked = ctx.locks.tryLockBatch(body.consumerGroup, body.mqSet, body.clientId);
  return createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeLockBatchResponseBody({ lockOKMQSet: locked }));
}

function unlockBatch(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const body = decodeBody(request, 'UNLOCK_BATCH_MQ', decodeUnlockBatchRequestBody);
  ctx.locks.unlockBatch(body.consumerGroup, body.mqSet, body.clientId);
  return createResponse(request, ResponseCode.SUCCESS);
}

function connectionBody(ch: ClientChannel): ConnectionBody {
  return { clientId: ch.clientId, clientAddr: ch.conn.remoteAddress, language: ch.language, version: ch.version };
}

function consumerConnections(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const group = requireString(request.extFields, 'consumerGroup');
  const info = ctx.consumers.get(group);
  if (info === undefined) {
    return createResponse(request, ResponseCode.CONSUMER_NOT_ONLINE, `the consumer group[${group}] not online`);
  }
  const subscriptionTable = new Map<string, SubscriptionData>();
  for (const [topic, sub] of info.subscriptions) subscriptionTable.set(topic, sub.data);
  const body = encodeConsumerConnection({
    connectionSet: [...info.channels.values()].map(connectionBody),
    subscriptionTable,
    consumeType: info.consumeType,
    messageModel: info.messageModel,
    consumeFromWhere: info.consumeFromWhere,
  });
  return createResponse(request, ResponseCode.SUCCESS, undefined, {}, body);
}

function producerConnections(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const group = requireString(request.extFields, 'producerGroup');
  const channels = ctx.producers.channels(group);
  if (channels === undefined) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, `the producer group[${group}] not exist`);
  }
  return createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeProducerConnection({ connectionSet: channels.map(connectionBody) }));
}
