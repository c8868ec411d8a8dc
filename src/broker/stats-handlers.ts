// Offsets and progress for mqadmin (AdminBrokerProcessor of 4.9.8): GET_TOPIC_STATS_INFO (202),
// GET_CONSUME_STATS (208), QUERY_TOPIC_CONSUME_BY_WHO (300). Bodies use MessageQueue-keyed maps.
import { createResponse, optionalString, requireString, type RemotingCommand } from '../protocol/command.js';
import { RequestCode, ResponseCode } from '../protocol/codes.js';
import type { MessageQueue, OffsetWrapper, TopicOffset } from '../protocol/body-types.js';
import { encodeConsumeStats, encodeGroupList, encodeTopicStatsTable } from '../protocol/bodies.js';
import type { Dispatcher } from '../remoting/dispatcher.js';
import type { BrokerContext } from './broker-context.js';

export function registerStatsHandlers(d: Dispatcher, ctx: BrokerContext): void {
  d.register(RequestCode.GET_TOPIC_STATS_INFO, (req) => topicStats(ctx, req));
  d.register(RequestCode.GET_CONSUME_STATS, (req) => consumeStats(ctx, req));
  d.register(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, (req) => {
    const topic = requireString(req.extFields, 'topic');
    const groups = new Set([...ctx.consumers.groupsConsuming(topic), ...ctx.offsets.groupsOfTopic(topic)]);
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, encodeGroupList({ groupList: [...groups] }));
  });
}

function queue(ctx: BrokerContext, topic: string, queueId: number): MessageQueue {
  return { topic, brokerName: ctx.config.brokerName, queueId };
}

function topicStats(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const topic = requireString(request.extFields, 'topic');
  const tc = ctx.topics.get(topic);
  if (tc === undefined) return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
  const offsetTable: Array<[MessageQueue, TopicOffset]> = [];
  for (let i = 0; i < tc.writeQueueNums; i++) {
    const minOffset = Math.max(0, ctx.store.getMinOffsetInQueue(topic, i));
    const maxOffset = Math.max(0, ctx.store.getMaxOffsetInQueue(topic, i));
    const lastUpdateTimestamp = maxOffset > 0 ? ctx.store.getMessageStoreTimestamp(topic, i, maxOffset - 1) : 0;
    offsetTable.push([queue(ctx, topic, i), { minOffset, maxOffset, lastUpdateTimestamp }]);
  }
  return createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeTopicStatsTable({ offsetTable }));
}

function consumeStats(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const group = requireString(request.extFields, 'consumerGroup');
  const onlyTopic = optionalString(request.extFields, 'topic');
  const topics = onlyTopic === undefined || onlyTopic.trim() === '' ? ctx.offsets.topicsOfGroup(group) : [onlyTopic];
  const offsetTable: Array<[MessageQueue, OffsetWrapper]> = [];
  let consumeTps = 0;
  const info = ctx.consumers.get(group);
  for (const topic of topics) {
    const tc = ctx.topics.get(topic);
    if (tc === undefined) continue;
    // A group online with other subscriptions does not consume this topic (any more).
    if (info !== undefined && info.subscriptions.size > 0 && !info.subscriptions.has(topic)) continue;
    for (let i = 0; i < tc.readQueueNums; i++) {
      const brokerOffset = Math.max(0, ctx.store.getMaxOffsetInQueue(topic, i));
      const consumerOffset = Math.max(0, ctx.offsets.query(group, topic, i));
      const stamp = consumerOffset > 0 ? ctx.store.getMessageStoreTimestamp(topic, i, consumerOffset - 1) : 0;
      offsetTable.push([queue(ctx, topic, i), { brokerOffset, consumerOffset, lastTimestamp: stamp > 0 ? stamp : 0 }]);
    }
    consumeTps += ctx.stats.groupGetTps(group, topic);
  }
  return createResponse(request, ResponseCode.SUCCESS, undefined, {}, encodeConsumeStats({ offsetTable, consumeTps }));
}
