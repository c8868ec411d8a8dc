// Wraps the broker's dispatcher: requests before the broker is ready are turned away; BrokerErrors thrown
// (or rejected) by a handler become the response they describe; a bad header field is answered
// SYSTEM_ERROR naming the field, with one log line saying who sent it.
import { HeaderError } from '../common/errors.js';
import { getLogger } from '../common/logger.js';
import { createResponse, type RemotingCommand } from '../protocol/command.js';
import { ResponseCode } from '../protocol/codes.js';
import type { Connection, RequestHandler } from '../remoting/types.js';
import { BrokerError } from './broker-error.js';

const log = getLogger('broker');

function toResponse(request: RemotingCommand, conn: Connection, err: unknown): RemotingCommand {
  if (err instanceof BrokerError) return createResponse(request, err.code, err.message);
  if (err instanceof HeaderError) {
    log.warn(`request code ${request.code} from ${conn.remoteAddress} refused: ${err.message}`);
    return createResponse(request, ResponseCode.SYSTEM_ERROR, err.message);
  }
  throw err;
}

export function guardRequests(handler: RequestHandler, isReady: () => boolean): RequestHandler {
  return (request, conn) => {
    if (!isReady()) return createResponse(request, ResponseCode.SYSTEM_BUSY, '[REJECTREQUEST]the broker is starting, try again later');
    let result: ReturnType<RequestHandler>;
    try {
      result = handler(request, conn);
    } catch (err) {
      return toResponse(request, conn, err);
    }
    return result instanceof Promise ? result.catch((err: unknown) => toResponse(request, conn, err)) : result;
  };
}
