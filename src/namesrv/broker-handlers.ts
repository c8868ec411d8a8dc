// Requests brokers send: REGISTER_BROKER, UNREGISTER_BROKER, QUERY_DATA_VERSION.
import { HeaderError } from '../common/errors.js';
import { createResponse, optionalBool, optionalInt, requireLong, type RemotingCommand } from '../protocol/command.js';
import { decodeDataVersion, decodeRegisterBrokerBody, encodeDataVersion, encodeKVTable } from '../protocol/bodies.js';
import { bodyCrc32 } from '../protocol/crc32.js';
import { ResponseCode } from '../protocol/codes.js';
import type { Connection } from '../remoting/types.js';
import { requireName, success, type NamesrvContext } from './context.js';
import { NAMESPACE_ORDER_TOPIC_CONFIG } from './kv-config.js';

interface BrokerIdentity {
  brokerName: string;
  brokerAddr: string;
  clusterName: string;
  brokerId: number;
}

function brokerIdentity(ext: Record<string, string>): BrokerIdentity {
  const brokerId = requireLong(ext, 'brokerId');
  if (brokerId < 0) throw new HeaderError(`the custom field <brokerId> is negative: "${ext.brokerId}"`);
  return {
    brokerName: requireName(ext, 'brokerName'),
    brokerAddr: requireAddress(ext, 'brokerAddr'),
    clusterName: requireName(ext, 'clusterName'),
    brokerId,
  };
}

/** "host:port": clients connect to what we hand out, so a malformed address is refused up front. */
function requireAddress(ext: Record<string, string>, field: string): string {
  const v = requireName(ext, field);
  const colon = v.lastIndexOf(':');
  const portText = v.slice(colon + 1);
  if (colon < 1 || !/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new HeaderError(`the custom field <${field}> is not a host:port address: "${v}"`);
  }
  return v;
}

/** RocketMQ skips the check when the broker sent 0 (or nothing). */
function crcMatches(request: RemotingCommand): boolean {
  const expected = optionalInt(request.extFields, 'bodyCrc32', 0);
  if (expected === 0) return true;
  return bodyCrc32(request.body ?? Buffer.alloc(0)) === expected;
}

export function registerBroker(ctx: NamesrvContext, request: RemotingCommand, conn: Connection): RemotingCommand {
  const ext = request.extFields;
  const id = brokerIdentity(ext);
  const haServerAddr = requireAddress(ext, 'haServerAddr');
  const compressed = optionalBool(ext, 'compressed', false);
  if (!crcMatches(request)) {
    ctx.logger.warn(`receive registerBroker request, crc32 not match, from ${conn.remoteAddress} (${id.brokerAddr})`);
    return createResponse(request, ResponseCode.SYSTEM_ERROR, 'crc32 not match');
  }
  const body = request.body?.length ? decodeRegisterBrokerBody(request.body, compressed) : undefined;
  const result = ctx.routes.registerBroker({
    ...id,
    haServerAddr,
    topicConfig: body?.topicConfigSerializeWrapper,
    filterServerList: body?.filterServerList ?? [],
    connection: conn,
  });
  ctx.watchConnection(conn);
  if (result.newBroker) {
    ctx.logger.info(
      `new broker registered, ${id.brokerAddr} HAServer: ${haServerAddr} (cluster ${id.clusterName}, ${id.brokerName}, id ${id.brokerId})`,
    );
  }
  const extFields: Record<string, string> = {};
  if (result.haServerAddr !== undefined) extFields.haServerAddr = result.haServerAddr;
  if (result.masterAddr !== undefined) extFields.masterAddr = result.masterAddr;
  const orderConf = ctx.kv.namespace(NAMESPACE_ORDER_TOPIC_CONFIG);
  return success(request, extFields, orderConf ? encodeKVTable({ table: orderConf }) : undefined);
}

export function unregisterBroker(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const id = brokerIdentity(request.extFields);
  const removed = ctx.routes.unregisterBroker(id.clusterName, id.brokerAddr, id.brokerName, id.brokerId);
  ctx.logger.info(
    `unregisterBroker ${removed ? 'OK' : 'Failed (not registered)'}, ${id.brokerAddr} (cluster ${id.clusterName}, ` +
      `${id.brokerName}, id ${id.brokerId})${removed?.brokerNameRemoved ? `, ${id.brokerName} has no broker left` : ''}`,
  );
  return success(request);
}

/** Brokers ask before re-registering; "changed=false" refreshes the broker's liveness. */
export function queryDataVersion(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const id = brokerIdentity(request.extFields);
  if (!request.body?.length) throw new Error('QUERY_DATA_VERSION needs a DataVersion body');
  const dataVersion = decodeDataVersion(request.body);
  const changed = ctx.routes.isTopicConfigChanged(id.brokerAddr, dataVersion);
  if (!changed) ctx.routes.touchBroker(id.brokerAddr);
  const known = ctx.routes.brokerDataVersion(id.brokerAddr);
  return success(request, { changed: String(changed) }, known ? encodeDataVersion(known) : undefined);
}
