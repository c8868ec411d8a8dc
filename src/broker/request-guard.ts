// Wraps the broker's dispatcher: requests before the broker is ready are turned away, and BrokerErrors
// thrown (or rejected) by a handler become the response they describe instead of a logged failure.
import { createResponse, type RemotingCommand } from '../protocol/command.js';
import { ResponseCode } from '../protocol/codes.js';
import type { RequestHandler } from '../remoting/types.js';
import { BrokerError } from './broker-error.js';

function toResponse(request: RemotingCommand, err: unknown): RemotingCommand {
  if (err instanceof BrokerError) return createResponse(request, err.code, err.message);
  throw err;
}

export function guardRequests(handler: RequestHandler, isReady: () => boolean): RequestHandler {
  return (request, conn) => {
    if (!isReady()) return createResponse(request, ResponseCode.SYSTEM_BUSY, '[REJECTREQUEST]the broker is starting, try again later');
    let result: ReturnType<RequestHandler>;
    try {
      result = handler(request, conn);
    } catch (err) {
      return toResponse(request, err);
    }
    return result instanceof Promise ? result.catch((err: unknown) => toResponse(request, err)) : result;
  };
}
