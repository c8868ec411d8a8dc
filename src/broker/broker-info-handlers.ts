// The broker itself: GET_BROKER_RUNTIME_INFO (28), GET_BROKER_CONFIG (26), UPDATE_BROKER_CONFIG (25).
import fs from 'node:fs';
import { ConfigError } from '../common/errors.js';
import { getLogger } from '../common/logger.js';
import { createResponse, type RemotingCommand } from '../protocol/command.js';
import { OUR_VERSION, RequestCode, ResponseCode } from '../protocol/codes.js';
import { encodeDataVersion, encodeKVTable } from '../protocol/bodies.js';
import { TOPIC_SCHEDULE } from '../protocol/message-const.js';
import { formatBrokerConfig } from '../config/broker-config.js';
import { parseJavaProperties } from '../config/java-properties.js';
import type { Dispatcher } from '../remoting/dispatcher.js';
import type { Connection } from '../remoting/types.js';
import type { BrokerContext } from './broker-context.js';
import { earliestMessageTimeStamp } from './broker-stats.js';

/** UPDATE_BROKER_CONFIG bodies are properties text; anything this big is not a config change. */
export const MAX_CONFIG_UPDATE_BYTES = 1024 * 1024;

const log = getLogger('broker');

export function registerBrokerInfoHandlers(d: Dispatcher, ctx: BrokerContext): void {
  d.register(RequestCode.GET_BROKER_RUNTIME_INFO, (req) => {
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, encodeKVTable({ table: runtimeInfo(ctx) }));
  });
  d.register(RequestCode.GET_BROKER_CONFIG, (req) => {
    const version = encodeDataVersion(ctx.configVersion).toString('utf8');
    return createResponse(req, ResponseCode.SUCCESS, undefined, { version }, Buffer.from(formatBrokerConfig(ctx.config)));
  });
  d.register(RequestCode.UPDATE_BROKER_CONFIG, (req, conn) => updateBrokerConfig(ctx, req, conn));
}

async function updateBrokerConfig(ctx: BrokerContext, request: RemotingCommand, conn: Connection): Promise<RemotingCommand> {
  const body = request.body;
  if (body === undefined || body.length === 0) return createResponse(request, ResponseCode.SUCCESS);
  if (body.length > MAX_CONFIG_UPDATE_BYTES) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, `the config update is ${body.length} bytes, more than ${MAX_CONFIG_UPDATE_BYTES}`);
  }
  const text = body.toString('utf8');
  log.info(`updateBrokerConfig, new config: [${text.replace(/\n/g, ';')}] client: ${conn.remoteAddress}`);
  try {
    if (touchesBlackList(text, ctx.config.configBlackList)) {
      return createResponse(request, ResponseCode.NO_PERMISSION, 'Can not update config in black list.');
    }
    await ctx.updateConfig(text);
  } catch (err) {
    if (err instanceof ConfigError) return createResponse(request, ResponseCode.SYSTEM_ERROR, err.message);
    throw err;
  }
  return createResponse(request, ResponseCode.SUCCESS);
}

/** configBlackList (`;`-separated) keys may not be changed remotely. */
function touchesBlackList(text: string, blackList: string): boolean {
  const refused = new Set(blackList.split(';').map((k) => k.trim()).filter((k) => k !== ''));
  return parseJavaProperties(text, 'UPDATE_BROKER_CONFIG').some((e) => refused.has(e.key));
}

/** RocketMQ's runtime table: our counters, the store's bounds and the delay queues' progress. */
function runtimeInfo(ctx: BrokerContext): Record<string, string> {
  const c = ctx.config;
  const table: Record<string, string> = {
    ...ctx.stats.runtimeEntries(),
    brokerVersionDesc: 'V4_9_8',
    brokerVersion: String(OUR_VERSION),
    commitLogMinOffset: String(ctx.store.getMinPhyOffset()),
    commitLogMaxOffset: String(ctx.store.getMaxPhyOffset()),
    dispatchBehindBytes: '0',
    pageCacheLockTimeMills: '0',
    earliestMessageTimeStamp: String(earliestMessageTimeStamp(ctx.store)),
    startAcceptSendRequestTimeStamp: String(c.startAcceptSendRequestTimeStamp),
    sendThreadPoolQueueSize: '0',
    sendThreadPoolQueueCapacity: String(c.sendThreadPoolQueueCapacity),
    pullThreadPoolQueueSize: String(ctx.pullHold.size),
    pullThreadPoolQueueCapacity: String(c.pullThreadPoolQueueCapacity),
    queryThreadPoolQueueSize: '0',
    queryThreadPoolQueueCapacity: String(c.queryThreadPoolQueueCapacity),
    EndTransactionQueueSize: '0',
    EndTransactionThreadPoolQueueCapacity: String(c.endTransactionPoolQueueCapacity),
    sendThreadPoolQueueHeadWaitTimeMills: '0',
    pullThreadPoolQueueHeadWaitTimeMills: '0',
    queryThreadPoolQueueHeadWaitTimeMills: '0',
    remainTransientStoreBufferNumbs: '2147483647',
    remainHowManyDataToFlush: '0 B',
  };
  for (const [level, offset] of ctx.schedule.offsetTable()) {
    table[`scheduleMessageOffset_${level}`] = `${offset},${ctx.store.getMaxOffsetInQueue(TOPIC_SCHEDULE, level - 1)}`;
  }
  const capacity = diskCapacity(c.storePathRootDir);
  if (capacity !== undefined) table.commitLogDirCapacity = capacity;
  return table;
}

function diskCapacity(dir: string): string | undefined {
  try {
    const s = fs.statfsSync(dir);
    return `Total : ${humanReadableBytes(s.blocks * s.bsize)}, Free : ${humanReadableBytes(s.bavail * s.bsize)}.`;
  } catch {
    return undefined;
  }
}

/** MixAll.humanReadableByteCount(bytes, false): "252.0 GiB". */
export function humanReadableBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const exp = Math.min(6, Math.floor(Math.log(bytes) / Math.log(1024)));
  return `${(bytes / 1024 ** exp).toFixed(1)} ${'KMGTPE'.charAt(exp - 1)}iB`;
}
