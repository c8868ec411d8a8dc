// Broker addresses picked out of the NameServer's cluster table (the tools' CommandUtil).
import type { ClusterInfo } from '../protocol/body-types.js';
import { AdminError, type MQAdmin } from './admin-client.js';
import { examineBrokerClusterInfo, MASTER_ID } from './api.js';

const NO_CLUSTER = 'Make sure the specified clusterName exists or the name server connected to is correct.';

function brokerNamesOf(info: ClusterInfo, clusterName: string): string[] {
  const names = info.clusterAddrTable.get(clusterName);
  if (names === undefined) throw new AdminError(`cluster [${clusterName}] not found. ${NO_CLUSTER}`);
  return [...names].sort();
}

/** Master address of every broker name of the cluster. */
export async function masterAddrsOfCluster(admin: MQAdmin, clusterName: string): Promise<string[]> {
  const info = await examineBrokerClusterInfo(admin);
  const out: string[] = [];
  for (const name of brokerNamesOf(info, clusterName)) {
    const addr = info.brokerAddrTable.get(name)?.brokerAddrs.get(MASTER_ID);
    if (addr !== undefined) out.push(addr);
  }
  return out;
}

/** Every address (masters and slaves) of the cluster. */
export async function allAddrsOfCluster(admin: MQAdmin, clusterName: string): Promise<string[]> {
  const info = await examineBrokerClusterInfo(admin);
  const out: string[] = [];
  for (const name of brokerNamesOf(info, clusterName)) {
    const addrs = info.brokerAddrTable.get(name)?.brokerAddrs;
    if (addrs !== undefined) out.push(...[...addrs.entries()].sort((a, b) => a[0] - b[0]).map(([, a]) => a));
  }
  return out;
}

/** master address -> its slaves' addresses, per broker name of the cluster. */
export async function mastersAndSlavesOfCluster(admin: MQAdmin, clusterName: string): Promise<Array<{ master: string; slaves: string[] }>> {
  const info = await examineBrokerClusterInfo(admin);
  const out: Array<{ master: string; slaves: string[] }> = [];
  for (const name of brokerNamesOf(info, clusterName)) {
    const addrs = info.brokerAddrTable.get(name)?.brokerAddrs;
    const master = addrs?.get(MASTER_ID);
    if (addrs === undefined || master === undefined) continue;
    out.push({ master, slaves: [...addrs.entries()].filter(([id]) => id !== MASTER_ID).sort((a, b) => a[0] - b[0]).map(([, a]) => a) });
  }
  return out;
}

export async function brokerNamesOfCluster(admin: MQAdmin, clusterName: string): Promise<string[]> {
  const names = brokerNamesOf(await examineBrokerClusterInfo(admin), clusterName);
  if (names.length === 0) throw new AdminError(NO_CLUSTER);
  return names;
}

/** The broker name that has `addr` among its addresses. */
export async function brokerNameOfAddr(admin: MQAdmin, addr: string): Promise<string> {
  const info = await examineBrokerClusterInfo(admin);
  for (const [name, bd] of info.brokerAddrTable) {
    if ([...bd.brokerAddrs.values()].includes(addr)) return name;
  }
  throw new AdminError(`no broker at ${addr}. ${NO_CLUSTER}`);
}

/** Exactly one of -b / -c: the broker itself, or the cluster's masters. */
export async function targetMasters(admin: MQAdmin, target: { brokerAddr?: string; clusterName?: string }): Promise<string[]> {
  if (target.brokerAddr !== undefined) return [target.brokerAddr];
  if (target.clusterName !== undefined) return masterAddrsOfCluster(admin, target.clusterName);
  throw new AdminError('name a broker address (-b) or a cluster (-c)');
}
