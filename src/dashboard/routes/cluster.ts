// Cluster page: every broker with its figures, and one broker's runtime info or config on click.
import { Router } from 'express';
import { clusterList, fetchBrokerRuntimeStats, getBrokerConfig, type ClusterListRow } from '../../admin/index.js';
import type { BrokerRow, ClusterResponse, KeyValueResponse } from '../api-types.js';
import type { DashboardContext } from '../context.js';
import { param, route } from '../http.js';
import { keyValues } from '../render.js';
import { brokerAddr } from '../validate.js';

export function brokerRow(r: ClusterListRow): BrokerRow {
  const row: BrokerRow = {
    clusterName: r.clusterName,
    brokerName: r.brokerName,
    brokerId: r.brokerId,
    role: r.brokerId === 0 ? 'MASTER' : 'SLAVE',
    addr: r.addr,
    version: r.version,
    inTps: r.inTps,
    outTps: r.outTps,
    inTotalToday: r.inTotalToday,
    outTotalToday: r.outTotalToday,
    inTotalYesterday: r.inTotalYest,
    outTotalYesterday: r.outTotalYest,
    diskRatio: r.space,
    // clusterList counts from the epoch when the broker stores nothing yet (earliest time 0): that is no age.
    hours: Number(r.runtime.earliestMessageTimeStamp ?? 0) > 0 ? r.hours : 0,
  };
  if (r.error !== undefined) row.error = r.error;
  return row;
}

export function clusterRoutes(ctx: DashboardContext): Router {
  const r = Router();
  r.get('/cluster', route(async (): Promise<ClusterResponse> => ({ brokers: (await clusterList(ctx.admin)).map(brokerRow) })));

  r.get('/brokers/:addr/runtime', route(async (req): Promise<KeyValueResponse> => {
    const addr = brokerAddr('addr', param(req, 'addr'));
    const table = await fetchBrokerRuntimeStats(ctx.admin, addr);
    return { addr, items: keyValues(Object.entries(table).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) };
  }));

  r.get('/brokers/:addr/config', route(async (req): Promise<KeyValueResponse> => {
    const addr = brokerAddr('addr', param(req, 'addr'));
    return { addr, items: keyValues(await getBrokerConfig(ctx.admin, addr)) };
  }));
  return r;
}
