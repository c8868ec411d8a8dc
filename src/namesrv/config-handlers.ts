// mqadmin updateNamesrvConfig / getNamesrvConfig: the NameServer's settings as properties text.
import fs from 'node:fs';
import path from 'node:path';
import { parseJavaProperties } from '../config/java-properties.js';
import { applyNamesrvConfigUpdates, formatNamesrvConfig, type NamesrvConfig } from '../config/namesrv-config.js';
import { createResponse, type RemotingCommand } from '../protocol/command.js';
import { ResponseCode } from '../protocol/codes.js';
import type { Connection } from '../remoting/types.js';
import { success, type NamesrvContext } from './context.js';

/** Keys RocketMQ never lets a remote request change, on top of the configBlackList setting. */
const ALWAYS_BLACKLISTED = ['configBlackList', 'configStorePath', 'kvConfigPath', 'rocketmqHome'];
/** Properties text larger than this is refused. */
export const MAX_CONFIG_BODY_BYTES = 64 * 1024;
const SOURCE = 'UPDATE_NAMESRV_CONFIG body';

function blacklist(config: NamesrvConfig): Set<string> {
  const keys = new Set(ALWAYS_BLACKLISTED);
  for (const k of config.configBlackList.split(';')) if (k.trim()) keys.add(k.trim());
  return keys;
}

export function updateNamesrvConfig(ctx: NamesrvContext, request: RemotingCommand, conn: Connection): RemotingCommand {
  const body = request.body;
  if (!body?.length) return success(request);
  if (body.length > MAX_CONFIG_BODY_BYTES) {
    throw new Error(`${SOURCE}: ${body.length} bytes is more than the limit of ${MAX_CONFIG_BODY_BYTES}`);
  }
  const text = body.toString('utf8');
  const forbidden = blacklist(ctx.config);
  const refused = parseJavaProperties(text, SOURCE).filter((e) => forbidden.has(e.key)).map((e) => e.key);
  if (refused.length > 0) {
    ctx.logger.warn(`updateConfig from ${conn.remoteAddress} refused: ${refused.join(', ')} in black list`);
    return createResponse(request, ResponseCode.NO_PERMISSION, 'Can not update config in black list.');
  }
  // All or nothing: a bad value throws (answered SYSTEM_ERROR by the guard) and changes nothing.
  const update = applyNamesrvConfigUpdates(ctx.config, text, SOURCE);
  for (const w of update.warnings) ctx.logger.warn(`updateConfig from ${conn.remoteAddress}: ${w}`);
  const changes = update.changedKeys.map((k) => `${k}=${String(ctx.config[k])}`).join(', ');
  ctx.logger.info(`updateConfig called by ${conn.remoteAddress}: ${changes || 'no change'}`);
  persistConfig(ctx);
  return success(request);
}

/** Like RocketMQ, keep the running settings in configStorePath; a failed write is logged, not answered. */
function persistConfig(ctx: NamesrvContext): void {
  const file = ctx.config.configStorePath;
  if (!file) return;
  const tmp = `${file}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, formatNamesrvConfig(ctx.config));
    fs.renameSync(tmp, file);
  } catch (err) {
    ctx.logger.error(`cannot persist namesrv config to ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function getNamesrvConfig(ctx: NamesrvContext, request: RemotingCommand): RemotingCommand {
  const text = formatNamesrvConfig(ctx.config);
  return success(request, {}, text.length > 0 ? Buffer.from(text, 'utf8') : undefined);
}
