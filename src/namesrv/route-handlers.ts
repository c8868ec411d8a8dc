// Requests clients and mqadmin send about routes and topics.
import { createResponse, optionalBool, optionalString, type RemotingCommand } from '../protocol/command.js';
import { encodeClusterInfo, encodeTopicList, encodeTopicRouteData } from '../protocol/bodies.js';
import type { TopicList } from '../protocol/body-types.js';
import { ResponseCode, VERSION_V4_9_4 } from '../protocol/codes.js';
import type { Connection } from '../remoting/types.js';
import { requireName, success, type NamesrvContext } from './context.js';
import { NAMESPACE_ORDER_TOPIC_CONFIG } from './kv-config.js';

const FAQ_SUFFIX = '\nSee http://rocketmq.apache.org/docs/faq/ for further details.';

export function getRouteInfoByTopic(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const topic = requireName(request.extFields, 'topic');
  const route = ctx.routes.topicRoute(topic);
  if (!route) {
    return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, `No topic route info in name server for the topic: ${topic}${FAQ_SUFFIX}`);
  }
  if (ctx.config.orderMessageEnable) {
    const orderTopicConf = ctx.kv.get(NAMESPACE_ORDER_TOPIC_CONFIG, topic);
    if (orderTopicConf !== undefined) route.orderTopicConf = orderTopicConf;
  }
  // 4.9.4+ clients (and those that ask) get integer map keys quoted; older ones get fastjson's bare keys.
  const standardJson = request.version >= VERSION_V4_9_4 || optionalBool(request.extFields, 'acceptStandardJsonOnly', false);
  return success(request, {}, encodeTopicRouteData(route, { standardJson }));
}

export function getBrokerClusterInfo(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  return success(request, {}, encodeClusterInfo(ctx.routes.clusterInfo()));
}

function topicListResponse(request: RemotingCommand, list: TopicList): RemotingCommand {
  return success(request, {}, encodeTopicList(list));
}

export function getAllTopicList(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  return topicListResponse(request, ctx.routes.allTopics());
}

export function getTopicsByCluster(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  return topicListResponse(request, ctx.routes.topicsByCluster(requireName(request.extFields, 'cluster')));
}

export function getSystemTopicList(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  return topicListResponse(request, ctx.routes.systemTopics());
}

export function getUnitTopicList(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  return topicListResponse(request, ctx.routes.unitTopics());
}

export function getHasUnitSubTopicList(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  return topicListResponse(request, ctx.routes.hasUnitSubTopics());
}

export function getHasUnitSubUnUnitTopicList(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  return topicListResponse(request, ctx.routes.hasUnitSubUnUnitTopics());
}

/** mqadmin deleteTopic: everywhere, or only on one cluster's brokers when clusterName is given. */
export function deleteTopicInNamesrv(ctx: NamesrvContext, request: RemotingCommand, conn: Connection): RemotingCommand {
  const topic = requireName(request.extFields, 'topic');
  const clusterName = optionalString(request.extFields, 'clusterName') || undefined;
  const removed = ctx.routes.deleteTopic(topic, clusterName);
  ctx.logger.info(
    `deleteTopic ${topic}${clusterName ? ` in cluster ${clusterName}` : ''}: ${removed} queue data(s) removed, client: ${conn.remoteAddress}`,
  );
  return success(request);
}

export function wipeWritePermOfBroker(ctx: NamesrvContext, request: RemotingCommand, conn: Connection): RemotingCommand {
  const brokerName = requireName(request.extFields, 'brokerName');
  const count = ctx.routes.wipeWritePerm(brokerName);
  ctx.logger.info(`wipe write perm of broker[${brokerName}], client: ${conn.remoteAddress}, ${count}`);
  return success(request, { wipeTopicCount: String(count) });
}

export function addWritePermOfBroker(ctx: NamesrvContext, request: RemotingCommand, conn: Connection): RemotingCommand {
  const brokerName = requireName(request.extFields, 'brokerName');
  const count = ctx.routes.addWritePerm(brokerName);
  ctx.logger.info(`add write perm of broker[${brokerName}], client: ${conn.remoteAddress}, ${count}`);
  return success(request, { addTopicCount: String(count) });
}
