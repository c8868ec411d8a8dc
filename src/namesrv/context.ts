// What the NameServer's request handlers share, and the small helpers they all use.
import { HeaderError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { NamesrvConfig } from '../config/namesrv-config.js';
import { createResponse, requireString, type RemotingCommand } from '../protocol/command.js';
import { ResponseCode } from '../protocol/codes.js';
import type { Connection, RequestHandler } from '../remoting/types.js';
import type { KvConfig } from './kv-config.js';
import type { RouteInfo } from './route-info.js';

export interface NamesrvContext {
  readonly routes: RouteInfo;
  readonly kv: KvConfig;
  /** Updated in place by UPDATE_NAMESRV_CONFIG. */
  readonly config: NamesrvConfig;
  readonly logger: Logger;
  /** Drop the brokers registered on `conn` when it closes (called on every registration; idempotent). */
  watchConnection(conn: Connection): void;
}

/** Names, addresses, topics and KV keys in headers are at most this long. */
export const MAX_HEADER_VALUE_LENGTH = 1024;

/** A required, non-empty header field of bounded length. */
export function requireName(ext: Record<string, string>, field: string): string {
  const v = requireString(ext, field);
  if (v.length === 0) throw new HeaderError(`the custom field <${field}> is empty`);
  if (v.length > MAX_HEADER_VALUE_LENGTH) {
    throw new HeaderError(`the custom field <${field}> is ${v.length} characters, the limit is ${MAX_HEADER_VALUE_LENGTH}`);
  }
  return v;
}

export function success(request: RemotingCommand, extFields: Record<string, string> = {}, body?: Buffer): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, undefined, extFields, body);
}

/**
 * Wraps a handler so that a bad request (missing field, undecodable body, broken limit, failed write) is
 * answered with SYSTEM_ERROR naming the problem and logged as one line, instead of reaching the transport.
 */
export function guarded(ctx: NamesrvContext, name: string, handler: RequestHandler): RequestHandler {
  return (request, conn) => {
    try {
      return handler(request, conn);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      ctx.logger.warn(`bad ${name} request (code ${request.code}) from ${conn.remoteAddress}: ${message}`);
      return createResponse(request, ResponseCode.SYSTEM_ERROR, message);
    }
  };
}
