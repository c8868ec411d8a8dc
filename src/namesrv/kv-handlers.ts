// KV config requests (mqadmin updateKvConfig / deleteKvConfig, order topic config, brokers reading it).
import { createResponse, requireString, type RemotingCommand } from '../protocol/command.js';
import { encodeKVTable } from '../protocol/bodies.js';
import { ResponseCode } from '../protocol/codes.js';
import type { Connection } from '../remoting/types.js';
import { requireName, success, type NamesrvContext } from './context.js';

export function putKvConfig(ctx: NamesrvContext, request: RemotingCommand, conn: Connection): RemotingCommand {
  const namespace = requireName(request.extFields, 'namespace');
  const key = requireName(request.extFields, 'key');
  const value = requireString(request.extFields, 'value');
  const prev = ctx.kv.put(namespace, key, value);
  ctx.logger.info(
    `putKVConfig ${prev === undefined ? 'create new' : 'update'} config item, Namespace: ${namespace} Key: ${key} Value: ${value}, client: ${conn.remoteAddress}`,
  );
  return success(request);
}

export function getKvConfig(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const namespace = requireName(request.extFields, 'namespace');
  const key = requireName(request.extFields, 'key');
  const value = ctx.kv.get(namespace, key);
  if (value === undefined) {
    return createResponse(request, ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${namespace} Key: ${key}`);
  }
  return success(request, { value });
}

export function deleteKvConfig(ctx: NamesrvContext, request: RemotingCommand, conn: Connection): RemotingCommand {
  const namespace = requireName(request.extFields, 'namespace');
  const key = requireName(request.extFields, 'key');
  const prev = ctx.kv.delete(namespace, key);
  ctx.logger.info(`deleteKVConfig delete a config item, Namespace: ${namespace} Key: ${key} Value: ${prev}, client: ${conn.remoteAddress}`);
  return success(request);
}

export function getKvListByNamespace(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const namespace = requireName(request.extFields, 'namespace');
  const table = ctx.kv.namespace(namespace);
  if (!table) return createResponse(request, ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${namespace}`);
  return success(request, {}, encodeKVTable({ table }));
}
