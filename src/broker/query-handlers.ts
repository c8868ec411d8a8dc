// QUERY_MESSAGE (12) by KEYS entry or UNIQ_KEY through the index, and VIEW_MESSAGE_BY_ID (33) by commit-log
// offset (QueryMessageProcessor of 4.9.8). Bodies are stored records, concatenated.
import { HeaderError } from '../common/errors.js';
import { createResponse, requireInt, requireLong, requireString, type RemotingCommand } from '../protocol/command.js';
import { RequestCode, ResponseCode } from '../protocol/codes.js';
import type { Dispatcher } from '../remoting/dispatcher.js';
import type { BrokerContext } from './broker-context.js';
import { joinRecords } from './join-records.js';

/** MixAll.UNIQUE_MSG_QUERY_FLAG. */
export const UNIQUE_MSG_QUERY_FLAG = '_UNIQUE_KEY_QUERY';
/** Results of one QUERY_MESSAGE at most (the store's maxMsgsNumBatch default). */
export const MAX_QUERY_RESULTS = 64;

export function registerQueryHandlers(d: Dispatcher, ctx: BrokerContext): void {
  d.register(RequestCode.QUERY_MESSAGE, (req) => queryMessage(ctx, req));
  d.register(RequestCode.VIEW_MESSAGE_BY_ID, (req) => viewMessageById(ctx, req));
}

/** A long timestamp; mqadmin sends Long.MAX_VALUE as "no upper bound", which we clamp to the largest exact number. */
function readTimestamp(ext: Record<string, string>, name: string): number {
  const v = requireString(ext, name).trim();
  if (!/^-?\d{1,19}$/.test(v)) throw new HeaderError(`the custom field <${name}> is not an integer: "${v}"`);
  const n = Number(v);
  return Math.max(Math.min(n, Number.MAX_SAFE_INTEGER), Number.MIN_SAFE_INTEGER);
}

function queryMessage(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const ext = request.extFields;
  const topic = requireString(ext, 'topic');
  const key = requireString(ext, 'key');
  let maxNum = requireInt(ext, 'maxNum');
  const begin = readTimestamp(ext, 'beginTimestamp');
  const end = readTimestamp(ext, 'endTimestamp');
  if (ext[UNIQUE_MSG_QUERY_FLAG] === 'true') maxNum = ctx.config.defaultQueryMaxNum;
  maxNum = Math.max(0, Math.min(maxNum, MAX_QUERY_RESULTS));
  const result = ctx.store.queryMessage(topic, key, maxNum, begin, end);
  const header = {
    indexLastUpdatePhyoffset: String(result.indexLastUpdatePhyoffset),
    indexLastUpdateTimestamp: String(result.indexLastUpdateTimestamp),
  };
  if (result.messages.length === 0) {
    return createResponse(request, ResponseCode.QUERY_NOT_FOUND, 'can not find message, maybe time range not correct', header);
  }
  return createResponse(request, ResponseCode.SUCCESS, undefined, header, joinRecords(result.messages));
}

function viewMessageById(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const offset = requireLong(request.extFields, 'offset');
  const record = offset < 0 ? undefined : ctx.store.lookMessageByOffset(offset);
  if (record === undefined) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, `can not find message by the offset, ${offset}`);
  }
  return createResponse(request, ResponseCode.SUCCESS, undefined, {}, record);
}
