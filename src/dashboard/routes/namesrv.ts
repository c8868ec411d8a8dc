// NameServer page: the list in use (switchable at run time), each NameServer's config, a KV namespace.
import { Router } from 'express';
import { getKvList, getNamesrvConfigAt } from '../../admin/index.js';
import type { KvListResponse, NamesrvConfigEntry, NamesrvConfigResponse, NamesrvInfo } from '../api-types.js';
import type { DashboardContext } from '../context.js';
import { body, query, route } from '../http.js';
import { keyValues } from '../render.js';
import { namesrvList } from '../validate.js';

/** NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG: the namespace mqadmin writes. */
const DEFAULT_KV_NAMESPACE = 'ORDER_TOPIC_CONFIG';

export function namesrvRoutes(ctx: DashboardContext): Router {
  const r = Router();
  r.get('/namesrv', route(async (): Promise<NamesrvInfo> => ({ addrs: [...ctx.admin.namesrvAddrs] })));

  r.put('/namesrv', route(async (req): Promise<NamesrvInfo> => {
    ctx.switchNamesrv(namesrvList('addrs', body(req).requiredText('addrs', 1024)));
    return { addrs: [...ctx.admin.namesrvAddrs] };
  }));

  r.get('/namesrv/config', route(async (): Promise<NamesrvConfigResponse> => {
    const admin = ctx.admin;
    const namesrvs = await Promise.all(admin.namesrvAddrs.map(async (namesrvAddr): Promise<NamesrvConfigEntry> => {
      try {
        return { namesrvAddr, config: keyValues(await getNamesrvConfigAt(admin, namesrvAddr)) };
      } catch (err) {
        return { namesrvAddr, config: [], error: err instanceof Error ? err.message : String(err) };
      }
    }));
    return { namesrvs };
  }));

  r.get('/namesrv/kv', route(async (req): Promise<KvListResponse> => {
    const namespace = query(req).text('namespace', 255) ?? DEFAULT_KV_NAMESPACE;
    const table = await getKvList(ctx.admin, namespace);
    return { namespace, items: keyValues(Object.entries(table).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) };
  }));
  return r;
}
