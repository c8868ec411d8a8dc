// Topic and subscription-group administration (AdminBrokerProcessor of 4.9.8): UPDATE_AND_CREATE_TOPIC (17),
// DELETE_TOPIC_IN_BROKER (215), GET_ALL_TOPIC_CONFIG (21), GET_TOPIC_NAME_LIST (23),
// GET_SYSTEM_TOPIC_LIST_FROM_BROKER (305), UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200),
// GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201), DELETE_SUBSCRIPTIONGROUP (207).
import { HeaderError, ProtocolError } from '../common/errors.js';
import { getLogger } from '../common/logger.js';
import {
  createResponse,
  optionalBool,
  optionalInt,
  requireInt,
  requireString,
  type RemotingCommand,
} from '../protocol/command.js';
import { RequestCode, ResponseCode } from '../protocol/codes.js';
import type { TopicFilterType } from '../protocol/body-types.js';
import { decodeSubscriptionGroupConfig, encodeTopicList } from '../protocol/bodies.js';
import type { Dispatcher } from '../remoting/dispatcher.js';
import type { Connection } from '../remoting/types.js';
import type { BrokerContext } from './broker-context.js';
import { BrokerError } from './broker-error.js';
import { newTopicConfig } from './topic-config-manager.js';
import { checkNotSystemTopic, checkTopicName, FIXED_SYSTEM_TOPICS } from './topic-validator.js';

const log = getLogger('broker');

export function registerAdminTopicHandlers(d: Dispatcher, ctx: BrokerContext): void {
  d.register(RequestCode.UPDATE_AND_CREATE_TOPIC, (req, conn) => updateAndCreateTopic(ctx, req, conn));
  d.register(RequestCode.DELETE_TOPIC_IN_BROKER, (req, conn) => deleteTopic(ctx, req, conn));
  d.register(RequestCode.GET_ALL_TOPIC_CONFIG, (req) => createResponse(req, ResponseCode.SUCCESS, undefined, {}, ctx.topics.encode()));
  d.register(RequestCode.GET_TOPIC_NAME_LIST, (req) => {
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, encodeTopicList({ topicList: ctx.topics.names() }));
  });
  d.register(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER, (req) => {
    const topics = [...new Set([...FIXED_SYSTEM_TOPICS, ...ctx.topics.instanceSystemTopics])];
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, encodeTopicList({ topicList: topics }));
  });
  d.register(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, (req, conn) => updateAndCreateGroup(ctx, req, conn));
  d.register(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, (req) => createResponse(req, ResponseCode.SUCCESS, undefined, {}, ctx.groups.encode()));
  d.register(RequestCode.DELETE_SUBSCRIPTIONGROUP, (req, conn) => deleteGroup(ctx, req, conn));
}

/** validateSlave: config changes go to the master. */
function refuseOnSlave(ctx: BrokerContext): void {
  if (ctx.config.brokerRole === 'SLAVE') {
    throw new BrokerError(ResponseCode.SYSTEM_ERROR, "Can't modify topic or subscription group from slave broker, please execute it from master broker.");
  }
}

function checkAdminTopic(ctx: BrokerContext, topic: string): void {
  const bad = checkTopicName(topic) ?? checkNotSystemTopic(topic, ctx.topics.instanceSystemTopics);
  if (bad !== undefined) throw new BrokerError(bad.code, bad.remark);
}

function readFilterType(ext: Record<string, string>): TopicFilterType {
  const v = requireString(ext, 'topicFilterType');
  if (v !== 'SINGLE_TAG' && v !== 'MULTI_TAG') {
    throw new HeaderError(`the custom field <topicFilterType> must be SINGLE_TAG or MULTI_TAG: "${v}"`);
  }
  return v;
}

async function updateAndCreateTopic(ctx: BrokerContext, request: RemotingCommand, conn: Connection): Promise<RemotingCommand> {
  refuseOnSlave(ctx);
  const ext = request.extFields;
  const topic = requireString(ext, 'topic');
  log.info(`updateAndCreateTopic called by ${conn.remoteAddress}`);
  checkAdminTopic(ctx, topic);
  const tc = newTopicConfig(topic, requireInt(ext, 'readQueueNums'), requireInt(ext, 'perm'));
  tc.writeQueueNums = requireInt(ext, 'writeQueueNums');
  tc.topicFilterType = readFilterType(ext);
  tc.topicSysFlag = optionalInt(ext, 'topicSysFlag', 0);
  ctx.topics.update(tc);
  // As registerIncrementBrokerData: the route exists at the NameServers when the admin tool gets its answer.
  await ctx.registerWithNamesrvs();
  return createResponse(request, ResponseCode.SUCCESS);
}

function deleteTopic(ctx: BrokerContext, request: RemotingCommand, conn: Connection): RemotingCommand {
  refuseOnSlave(ctx);
  const topic = requireString(request.extFields, 'topic');
  log.info(`deleteTopic called by ${conn.remoteAddress}`);
  checkAdminTopic(ctx, topic);
  ctx.topics.delete(topic);
  ctx.store.deleteTopics([topic]);
  ctx.offsets.removeTopic(topic);
  return createResponse(request, ResponseCode.SUCCESS);
}

function updateAndCreateGroup(ctx: BrokerContext, request: RemotingCommand, conn: Connection): RemotingCommand {
  refuseOnSlave(ctx);
  log.info(`updateAndCreateSubscriptionGroup called by ${conn.remoteAddress}`);
  if (request.body === undefined || request.body.length === 0) {
    throw new BrokerError(ResponseCode.SYSTEM_ERROR, 'the UPDATE_AND_CREATE_SUBSCRIPTIONGROUP request has no body');
  }
  let config;
  try {
    config = decodeSubscriptionGroupConfig(request.body);
  } catch (err) {
    if (err instanceof ProtocolError) throw new BrokerError(ResponseCode.SYSTEM_ERROR, `the SubscriptionGroupConfig body is malformed: ${err.message}`);
    throw err;
  }
  ctx.groups.update(config);
  return createResponse(request, ResponseCode.SUCCESS);
}

function deleteGroup(ctx: BrokerContext, request: RemotingCommand, conn: Connection): RemotingCommand {
  refuseOnSlave(ctx);
  const group = requireString(request.extFields, 'groupName');
  log.info(`deleteSubscriptionGroup called by ${conn.remoteAddress}`);
  ctx.groups.delete(group);
  if (optionalBool(request.extFields, 'removeOffset', false)) ctx.offsets.removeGroup(group);
  return createResponse(request, ResponseCode.SUCCESS);
}
