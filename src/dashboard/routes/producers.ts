// Producers page: the connections of a producer group as a broker of the topic knows them.
import { Router } from 'express';
import { producerConnection } from '../../admin/index.js';
import type { ProducerConnectionView } from '../api-types.js';
import type { DashboardContext } from '../context.js';
import { param, query, route } from '../http.js';
import { connectionView } from '../render.js';
import { groupName, topicName } from '../validate.js';

export function producerRoutes(ctx: DashboardContext): Router {
  const r = Router();
  r.get('/producers/:group/connection', route(async (req): Promise<ProducerConnectionView> => {
    const group = groupName('group', param(req, 'group'));
    const topic = topicName('topic', query(req).requiredText('topic', 255));
    const pc = await producerConnection(ctx.admin, group, topic);
    return { group, topic, connections: pc.connectionSet.map(connectionView) };
  }));
  return r;
}
